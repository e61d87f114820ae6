"""The scenario: what a planner writes in YAML, read into a frozen, validated :class:`~sim.scenario.schema.Scenario`.

Two layers live here. The vocabulary (:mod:`~sim.scenario.fields`, :mod:`~sim.scenario.distributions`,
:mod:`~sim.scenario.costs`, :mod:`~sim.scenario.calendar`, :mod:`~sim.scenario.textfile`,
:mod:`~sim.scenario.yamlio`, :mod:`~sim.scenario.paths`) imports only :mod:`sim.errors` and
:mod:`sim.rates`, so that the channel kinds (:mod:`sim.channels`) can be built from it. The format
itself (:mod:`~sim.scenario.schema`, :mod:`~sim.scenario.checks`, :mod:`~sim.scenario.loader`,
:mod:`~sim.scenario.diff` and :mod:`~sim.scenario.changes`, what a variant changes) names the
channel kinds and so sits above :mod:`sim.channels`; it imports nothing else of ``sim``.
"""
