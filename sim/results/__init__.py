"""Results: a run's projections in memory, its money, and result folders on disk.

:mod:`~sim.results.projections` holds :class:`~sim.results.projections.Results` and the figures
planners read from them (each series' spread over replications from :mod:`~sim.results.spread`,
``monthly.csv``'s rows as a :mod:`~sim.results.table`), :mod:`~sim.results.money` contributions
and cost per member,
:mod:`~sim.results.folder` the one writer of self-describing, atomically written result folders
(with the same ``run.json`` keys for every command), and :mod:`~sim.results.files` the validated
readers of each file. May import :mod:`sim.model` and the layers below it.
"""
