"""Charts of the planner's commands, drawn with matplotlib into PNG files.

The Agg backend draws without a display, and files carry no timestamp, so the same figures give
the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

METADATA = {"Software": None}


def _save(fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=METADATA)
    plt.close(fig)


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
    _save(fig, path)


def sweep_chart(path: Path, data: dict[str, Any]) -> bool:
    """A line (one parameter) or heatmaps (two) of P(target) and final members; False for more."""
    params, points = data["parameters"], data["points"]
    if len(params) == 1:
        _sweep_line(path, params[0], points)
        return True
    if len(params) == 2:
        _sweep_heatmap(path, params, points)
        return True
    return False


def _sweep_line(path: Path, param: str, points: list[dict[str, Any]]) -> None:
    labels = [str(p["values"][param]) for p in points]
    x = np.arange(len(points))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    prob = np.array([p["probability"] for p in points])
    lo = np.array([p["probability_ci95"][0] for p in points])
    hi = np.array([p["probability_ci95"][1] for p in points])
    yerr = np.clip([prob - lo, hi - prob], 0.0, None)  # Wilson bounds may sit a rounding error past p̂
    top.errorbar(x, prob, yerr=yerr, marker="o", capsize=4)
    top.set_ylim(-0.02, 1.02)
    top.set_ylabel("P(target), 95% CI")
    mean = np.array([p["final"]["mean"] for p in points])
    bottom.fill_between(x, [p["final"]["p05"] for p in points], [p["final"]["p95"] for p in points], alpha=0.3)
    bottom.plot(x, mean, marker="o")
    if "target" in points[0]:
        bottom.axhline(points[0]["target"], color="black", linestyle="--", linewidth=0.8, label="target")
        bottom.legend()
    bottom.set_ylabel("final members (mean, 5–95%)")
    bottom.set_xticks(x, labels)
    bottom.set_xlabel(param)
    _save(fig, path)


def _sweep_heatmap(path: Path, params: list[str], points: list[dict[str, Any]]) -> None:
    rows = list(dict.fromkeys(str(p["values"][params[0]]) for p in points))
    cols = list(dict.fromkeys(str(p["values"][params[1]]) for p in points))
    prob = np.full((len(rows), len(cols)), np.nan)
    final = np.full((len(rows), len(cols)), np.nan)
    for p in points:
        i, j = rows.index(str(p["values"][params[0]])), cols.index(str(p["values"][params[1]]))
        prob[i, j], final[i, j] = p["probability"], p["final"]["mean"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 1.5 + 0.5 * len(rows)))
    for ax, grid, title, fmt in ((axes[0], prob, "P(target)", "{:.0%}"), (axes[1], final, "final members", "{:,.0f}")):
        bounds = (0.0, 1.0) if grid is prob else (None, None)
        im = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=bounds[0], vmax=bounds[1])
        ax.set_xticks(range(len(cols)), cols)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xlabel(params[1])
        ax.set_ylabel(params[0])
        ax.set_title(title)
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j, i, fmt.format(v), ha="center", va="center", color="white", fontsize=8)
        fig.colorbar(im, ax=ax)
    _save(fig, path)
