"""Charts of strategies set against each other: paired differences from the base, and ranked bars."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from sim.figures.base import DOWN, UP, Words, png, save, thousands


def _interval_bars(ax: Any, labels: list[str], means: list[float], cis: list[list[float]], title: str) -> None:
    y = np.arange(len(labels))
    lo = [m - c[0] for m, c in zip(means, cis, strict=True)]
    hi = [c[1] - m for m, c in zip(means, cis, strict=True)]
    ax.barh(y, means, xerr=[lo, hi], color=["#2b8cbe" if m >= 0 else "#e34a33" for m in means], capsize=4)
    ax.set_yticks(y, labels)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title(title)


def compare_chart(path: Path, data: dict[str, Any]) -> None:
    """Paired differences against the base: final members and P(target), with 95% intervals."""
    variants = data["variants"]
    labels = [v["name"] for v in variants]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 1.6 + 0.6 * len(labels)))
    final = [v["paired"]["final"] for v in variants]
    prob = [v["paired"]["probability"] for v in variants]
    _interval_bars(left, labels, [f["mean_diff"] for f in final], [f["ci95"] for f in final], "Final members vs base")
    _interval_bars(
        right,
        labels,
        [100 * p["diff"] for p in prob],
        [[100 * p["ci95"][0], 100 * p["ci95"][1]] for p in prob],
        "P(target) vs base, points",
    )
    right.set_yticks([])
    fig.suptitle(f"Against {data['base']['name']} (95% paired intervals)")
    save(fig, path)


def ranked(
    lang: Words,
    names: Sequence[str],
    values: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    xlabel: str,
) -> bytes:
    """Horizontal bars with 95% intervals, best at the top."""
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * len(names)), constrained_layout=True)
    ys = list(range(len(names)))[::-1]
    err = [[v - lo for v, lo in zip(values, lows, strict=True)], [hi - v for v, hi in zip(values, highs, strict=True)]]
    ax.barh(ys, values, xerr=err, color=[UP if v >= 0 else DOWN for v in values], capsize=4)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(ys, names)
    ax.xaxis.set_major_formatter(thousands(lang))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    return png(fig)
