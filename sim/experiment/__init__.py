"""Experiments: many blocks of replications, with their seeds, where they run, and when they stop.

:func:`~sim.experiment.blocks.run_scenarios` is the one way scenarios are run: every command hands
it requests, whose blocks (each with its spawned seed) it runs and joins. :mod:`~sim.experiment.runner`
is what the commands call: :func:`~sim.experiment.runner.project` (and
:func:`~sim.experiment.runner.run_into_folder`) for ``sim run``, and
:func:`~sim.experiment.runner.run_long` for compare, sweep and solve, checkpointed and resumable
through :mod:`~sim.experiment.evaluation` and :mod:`~sim.experiment.checkpoint`;
:mod:`~sim.experiment.executors` and :mod:`~sim.experiment.pool` say where the blocks run (one
pool); :mod:`~sim.experiment.interrupts` is the one place that handles Ctrl-C and SIGTERM;
:mod:`~sim.experiment.precision` adds blocks until P(target) is known well enough;
:mod:`~sim.experiment.progress` draws the progress bar; :mod:`~sim.experiment.workload` estimates
time and memory before work starts. May import :mod:`sim.results` and the layers below it.
"""
