"""The optimisation chart: spend against the objective, from nothing to the budget.

Every allocation the search scored is a grey dot; the frontier (the best objective found at each
spend) is a step line, so the room sees where more money stops helping. The budget is a dashed
line, the scenario as written and the answer are marked. Drawn once for the result folder
(English) and again for a report in its language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.figures.base import BAND, TARGET, UP, Words, save

BILLION = 1e9


@dataclass(frozen=True)
class FrontierWords:
    """The labels and number format of the chart."""

    spend: str = "expected spend (Rp billion)"
    tried: str = "allocations tried"
    frontier: str = "best at each spend"
    budget: str = "budget"
    written: str = "scenario as written"
    best: str = "best allocation"
    objective: Callable[[str], str] = {
        "members": "members on the target date (mean)",
        "probability": "P(target)",
        "coverage-p80": "coverage reached with 80% probability",
    }.__getitem__

    @classmethod
    def of(cls, lang: Words) -> FrontierWords:
        """The words of a report in ``lang``."""
        return cls(
            spend=lang.t("optimize_spend_axis"),
            tried=lang.t("optimize_tried"),
            frontier=lang.t("optimize_frontier"),
            budget=lang.t("optimize_budget"),
            written=lang.t("optimize_written"),
            best=lang.t("optimize_best"),
            objective=lambda name: lang.t(f"objective.{name}"),
        )


ENGLISH = FrontierWords()


def frontier_figure(data: dict[str, Any], words: FrontierWords = ENGLISH) -> Figure:
    """Spend against the objective: every allocation tried, the frontier, the budget and the answer."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    trials, line = data["trials"], data["frontier"]
    ax.scatter(
        [t["spend"] / BILLION for t in trials],
        [t["objective"] for t in trials],
        s=10,
        color="#BBBBBB",
        label=words.tried,
    )
    if line:
        xs = [t["spend"] / BILLION for t in line] + [data["budget"] / BILLION]
        ys = [t["objective"] for t in line] + [line[-1]["objective"]]
        ax.step(xs, ys, where="post", color=BAND, linewidth=2, label=words.frontier)
    ax.axvline(data["budget"] / BILLION, color=TARGET, linestyle="--", label=words.budget)
    base = data["base"]
    ax.scatter(
        [base["spend"] / BILLION], [base["objective"]], marker="s", s=60, color="black", zorder=3, label=words.written
    )
    if data["best"] is not None:
        best = data["best"]
        ax.scatter(
            [best["spend"] / BILLION], [best["objective"]], marker="*", s=160, color=UP, zorder=3, label=words.best
        )
    ax.set_xlabel(words.spend)
    ax.set_ylabel(words.objective(data["objective"]))
    shown = "{:,.0f}" if data["objective"] == "members" else "{:.0%}"
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: shown.format(y)))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def frontier_chart(path: Path, data: dict[str, Any]) -> None:
    """``optimize.png`` of a result folder, in English."""
    save(frontier_figure(data), path)
