"""The sweep charts, drawn once for the sweep's result folder and for its report.

One parameter gives a line: P(target) with its 95% interval above, final members (mean and 5–95%
band) below, one point per value. Two parameters give two heatmaps, P(target) and final members.
The words are English by default (the result folder); a report passes its language's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from sim.figures.base import Words, save, tick


@dataclass(frozen=True)
class SweepWords:
    """The labels and number formats of a sweep chart."""

    probability_ci: str = "P(target), 95% CI"
    probability: str = "P(target)"
    final_band: str = "final members (mean, 5–95%)"
    final: str = "final members"
    target: str = "target"
    tick: Callable[[object], str] = str
    percent: Callable[[float], str] = "{:.0%}".format
    number: Callable[[float], str] = "{:,.0f}".format

    @classmethod
    def of(cls, lang: Words) -> SweepWords:
        """The words of a report in ``lang``."""
        return cls(
            probability_ci=lang.t("probability") + ", 95% CI",
            probability=lang.t("probability"),
            final_band=lang.t("final_mean") + ", 5–95%",
            final=lang.t("final_mean"),
            target=lang.t("target"),
            tick=lambda value: tick(lang, value),
            percent=lambda share: lang.percent(share, 0),
            number=lang.number,
        )


ENGLISH = SweepWords()


def sweep_figure(data: dict[str, Any], words: SweepWords = ENGLISH) -> Figure | None:
    """A line (one parameter) or heatmaps (two) of P(target) and final members; None for more."""
    params, points = data["parameters"], data["points"]
    if len(params) == 1:
        return sweep_line(params[0], points, words)
    if len(params) == 2:
        return sweep_heatmap(params, points, words)
    return None


def sweep_chart(path: Path, data: dict[str, Any]) -> bool:
    """Write the sweep folder's chart to ``path``; False (and no file) for more than two parameters."""
    fig = sweep_figure(data)
    if fig is None:
        return False
    save(fig, path)
    return True


def sweep_line(param: str, points: list[dict[str, Any]], words: SweepWords = ENGLISH) -> Figure:
    """P(target) with its 95% interval above, final members with its 5–95% band below."""
    labels = [words.tick(p["values"][param]) for p in points]
    x = np.arange(len(points))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    prob = np.array([p["probability"] for p in points])
    lo = np.array([p["probability_ci95"][0] for p in points])
    hi = np.array([p["probability_ci95"][1] for p in points])
    yerr = np.clip([prob - lo, hi - prob], 0.0, None)  # Wilson bounds may sit a rounding error past p̂
    top.errorbar(x, prob, yerr=yerr, marker="o", capsize=4)
    top.set_ylim(-0.02, 1.02)
    top.set_ylabel(words.probability_ci)
    mean = np.array([p["final"]["mean"] for p in points])
    bottom.fill_between(x, [p["final"]["p05"] for p in points], [p["final"]["p95"] for p in points], alpha=0.3)
    bottom.plot(x, mean, marker="o")
    if "target" in points[0]:
        bottom.axhline(points[0]["target"], color="black", linestyle="--", linewidth=0.8, label=words.target)
        bottom.legend()
    bottom.set_ylabel(words.final_band)
    bottom.set_xticks(x, labels)
    bottom.set_xlabel(param)
    return fig


def sweep_heatmap(params: list[str], points: list[dict[str, Any]], words: SweepWords = ENGLISH) -> Figure:
    """P(target) and final members over a grid of two parameters, each cell labelled."""
    rows = list(dict.fromkeys(words.tick(p["values"][params[0]]) for p in points))
    cols = list(dict.fromkeys(words.tick(p["values"][params[1]]) for p in points))
    prob = np.full((len(rows), len(cols)), np.nan)
    final = np.full((len(rows), len(cols)), np.nan)
    for p in points:
        i, j = rows.index(words.tick(p["values"][params[0]])), cols.index(words.tick(p["values"][params[1]]))
        prob[i, j], final[i, j] = p["probability"], p["final"]["mean"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 1.5 + 0.5 * len(rows)))
    panels = ((axes[0], prob, words.probability, words.percent), (axes[1], final, words.final, words.number))
    for ax, grid, title, fmt in panels:
        bounds = (0.0, 1.0) if grid is prob else (None, None)
        im = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=bounds[0], vmax=bounds[1])
        ax.set_xticks(range(len(cols)), cols)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xlabel(params[1])
        ax.set_ylabel(params[0])
        ax.set_title(title)
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j, i, fmt(v), ha="center", va="center", color="white", fontsize=8)
        fig.colorbar(im, ax=ax)
    return fig
