"""Analyses built on runs: compare, paired statistics, sweeps, goal-seeking, sensitivity, history, bench.

:mod:`~sim.analyses.compare` and :mod:`~sim.analyses.paired` set strategies side by side,
:mod:`~sim.analyses.sweep` runs a grid of values, :mod:`~sim.analyses.solve` finds the lever value
that reaches a goal (:mod:`~sim.analyses.frontier`: over a scenario, for one lever or several),
:mod:`sim.analyses.sensitivity` finds what the projection depends on most,
:mod:`sim.analyses.history` holds everything that meets observed figures (calibration, write-back,
backtests, scores), and :mod:`~sim.analyses.bench` measures speed. May import :mod:`sim.experiment`
and the layers below it.
"""
