"""History: what happened, set against projections.

:mod:`~sim.analyses.history.observations` reads dated observations, :mod:`~sim.analyses.history.calibration`
fits rates to them, :mod:`~sim.analyses.history.writeback` writes a fit back into scenario YAML,
:mod:`~sim.analyses.history.calibrate` writes a calibration's result folder,
:mod:`~sim.analyses.history.backtest` scores earlier projections with the proper scores of
:mod:`~sim.analyses.history.scoring`, :mod:`~sim.analyses.history.last_projection` an earlier run's
result folder as it was made, and :mod:`~sim.analyses.history.rolling` refits and scores from every origin.
"""
