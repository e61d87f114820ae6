"""The tornado chart: one bar per parameter, from its low to its high value's projection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import StrMethodFormatter

LOW_COLOUR = "#4C78A8"
HIGH_COLOUR = "#F58518"


def draw(rows: list[dict[str, Any]], path: Path, title: str) -> None:
    """Two panels, final members and P(target), largest swing at the top."""
    shown = list(reversed(rows))
    labels = [r["parameter"] for r in shown]
    fig, axes = plt.subplots(1, 2, figsize=(13, 1.2 + 0.5 * len(rows)), sharey=True, constrained_layout=True)
    panels = (
        ("final_mean_low", "final_mean_high", "final_mean_base", "Final members (mean)", 1.0),
        ("probability_low", "probability_high", "probability_base", "P(target), %", 100.0),
    )
    for ax, (low_key, high_key, base_key, label, scale) in zip(axes, panels, strict=True):
        base = rows[0][base_key] * scale if rows else 0.0
        for y, r in enumerate(shown):
            low, high = r[low_key] * scale, r[high_key] * scale
            ax.barh(y, low - base, left=base, color=LOW_COLOUR, label="low value" if y == 0 else None)
            ax.barh(y, high - base, left=base, color=HIGH_COLOUR, label="high value" if y == 0 else None)
        ax.axvline(base, color="black", linewidth=1)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel(label)
        ax.grid(axis="x", alpha=0.3)
    axes[1].set_xlim(0, 100)
    axes[0].set_yticks(range(len(shown)), labels)
    axes[0].legend(loc="lower right")
    fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
