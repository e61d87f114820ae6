"""Charts of one projection: the fan of members against the target, and the waterfall of its changes.

Axis labels use the report's language and number style (``lang``), so a chart reads like its tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from sim.figures.base import BAND, DOWN, TARGET, TOTAL, UP, Words, png, thousands

MOST_MONTH_LABELS = 8  # 13 month labels of a year overlap at the page's and the report's width


def month_interval(start: date, last: date) -> int:
    """Months between labels: every month up to 8 months, then every second, third, … so labels never crowd."""
    months = (last.year - start.year) * 12 + last.month - start.month + 1
    return max(1, -(-months // MOST_MONTH_LABELS))


def fan(
    lang: Words,
    dates: Sequence[date],
    bands: Mapping[str, Sequence[float]],
    start: date,
    baseline: float,
    target: float,
    by: date,
) -> bytes:
    """P5–P95 and P25–P75 bands of active members against the target and the straight path to it."""
    fig, ax = plt.subplots(figsize=(9, 4.6), constrained_layout=True)
    xs = mdates.date2num([start, *dates])  # type: ignore[no-untyped-call]

    def series(key: str) -> list[float]:
        return [baseline, *bands[key]]

    ax.fill_between(xs, series("p05"), series("p95"), color=BAND, alpha=0.22, label="P5–P95")
    ax.fill_between(xs, series("p25"), series("p75"), color=BAND, alpha=0.45, label="P25–P75")
    ax.plot(xs, series("p50"), color=BAND, linewidth=2, label=lang.t("median"))
    ax.axhline(target, color=TARGET, linewidth=1.5, label=lang.t("target"))
    path_x = mdates.date2num([start, by])  # type: ignore[no-untyped-call]
    ax.plot(path_x, [baseline, target], color=TARGET, linestyle="--", linewidth=1.2, label=lang.t("straight_path"))
    ax.yaxis.set_major_formatter(thousands(lang))
    interval = month_interval(start, dates[-1]) if dates else 1
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=interval))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))  # type: ignore[no-untyped-call]
    ax.set_ylabel(lang.t("members"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    return png(fig)


def waterfall(lang: Words, steps: Sequence[tuple[str, float]], start_label: str, end_label: str) -> bytes:
    """Baseline, each step up or down, and the end as a total bar."""
    fig, ax = plt.subplots(figsize=(9, 4.6), constrained_layout=True)
    labels = [start_label]
    running = steps[0][1]
    ax.bar(0, running, color=TOTAL)
    for i, (label, change) in enumerate(steps[1:], start=1):
        ax.bar(i, change, bottom=running, color=UP if change >= 0 else DOWN)
        ax.text(i, running + max(change, 0), lang.signed(change), ha="center", va="bottom", fontsize=8)
        running += change
        labels.append(label)
    ax.bar(len(steps), running, color=TOTAL)
    labels.append(end_label)
    peaks, level = [steps[0][1]], steps[0][1]
    for _, change in steps[1:]:
        level += change
        peaks.append(level)
    ax.set_ylim(min(steps[0][1], running) * 0.9, max(peaks) + 0.08 * (max(peaks) - min(steps[0][1], running) * 0.9))
    ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(thousands(lang))
    ax.grid(axis="y", alpha=0.3)
    return png(fig)
