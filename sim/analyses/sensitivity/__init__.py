"""Sensitivity: which uncertain figure the projection depends on most.

Two views of the same question, both run through :func:`sim.experiment.blocks.run_scenarios` (the one
way every command runs scenarios, in one pool), keeping only each replication's target figures:

* :mod:`sim.analyses.sensitivity.tornado` holds one parameter at a time at its low and high value (5th and
  95th percentile, or values a planner gives) while the others keep their distributions, on common
  random numbers, and reports the swing in final members and in P(target);
* :mod:`sim.analyses.sensitivity.sobol` draws whole parameter vectors with SALib's Saltelli/Sobol' sampler,
  runs each vector with its parameters fixed, and apportions the variance of the projection to the
  parameters (first-order and total Sobol' indices).

:mod:`sim.analyses.sensitivity.parameters` finds the uncertain parameters and fixes them by field path.
"""
