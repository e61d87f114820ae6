"""Experiments: many blocks of replications, with their seeds, where they run, and when they stop.

:mod:`~sim.experiment.blocks` splits a run into blocks with spawned seeds, :mod:`~sim.experiment.executors`
and :mod:`~sim.experiment.pool` say where the blocks run, :mod:`~sim.experiment.precision` adds blocks
until P(target) is known well enough, :mod:`~sim.experiment.progress` draws the progress bar, and
:mod:`~sim.experiment.checkpoint` keeps finished evaluations of long commands. May import
:mod:`sim.results.projections` and the layers below it.
"""
