"""Results: a run's projections in memory, its money, and result folders on disk.

:mod:`~sim.results.projections` holds :class:`~sim.results.projections.Results` and the figures
planners read from them, :mod:`~sim.results.money` contributions and cost per member, and
:mod:`~sim.results.folder` the self-describing, atomically written result folders. May import
:mod:`sim.model` and the layers below it.
"""
