"""Figures: every chart, once, drawn with matplotlib into PNG files or bytes.

One module per kind: :mod:`~sim.figures.projection` (fan and waterfall of one run),
:mod:`~sim.figures.strategies` (paired differences, ranked bars), :mod:`~sim.figures.sweep` (line
and heatmap), :mod:`~sim.figures.solve` (the solver's probes), :mod:`~sim.figures.fit`
(calibration and backtest bands) and :mod:`~sim.figures.sensitivity` (tornado);
:mod:`~sim.figures.base` holds what they share. May import :mod:`sim.analyses` and the layers below
it; reports and the CLI draw through here, and analyses are handed a chart function when they
write one into a folder.
"""
