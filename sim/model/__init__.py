"""The model: blocks of replications, run side by side in lock-step in one SimPy environment.

:mod:`~sim.model.block` runs a pass of blocks (or one block); :mod:`~sim.model.state` holds its stocks as counts,
:mod:`~sim.model.lapse` the daily lapse and reactivation, :mod:`~sim.model.streams` the named random
streams and :mod:`~sim.model.layout` the engine's flat view of a scenario.
:mod:`~sim.model.reference` is the same model as a plain NumPy loop, the benchmark's yardstick.
May import :mod:`sim.scenario`, :mod:`sim.channels` and the foundation (:mod:`sim.errors`,
:mod:`sim.rates`).
"""
