"""Figures: every chart, drawn with matplotlib into PNG files or bytes.

May import :mod:`sim.analyses` and the layers below it; reports and the CLI draw through here.
"""
