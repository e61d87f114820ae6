"""The goal-seeking chart: P(target) at each lever value the solver tried, with its 95% band."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt

from sim.figures.base import BAND, Words, png


def probe_line(
    lang: Words, xs: Sequence[float], ps: Sequence[float], lows: Sequence[float], highs: Sequence[float], xlabel: str
) -> bytes:
    """P(target) against the lever's value, with its 95% band."""
    fig, ax = plt.subplots(figsize=(9, 4.2), constrained_layout=True)
    ax.fill_between(xs, [x * 100 for x in lows], [x * 100 for x in highs], color=BAND, alpha=0.25)
    ax.plot(xs, [p * 100 for p in ps], marker="o", color=BAND)
    ax.set_ylim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(lang.t("probability") + " (%)")
    ax.grid(alpha=0.3)
    return png(fig)
