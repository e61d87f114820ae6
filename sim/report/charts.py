"""The report's charts, drawn with matplotlib (Agg) and returned as PNG bytes.

Axis labels use the report's language and number style, so a chart reads like its tables.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.report.i18n import Lang

BAND = "#4C78A8"
TARGET = "#D62728"
UP = "#54A24B"
DOWN = "#E45756"
TOTAL = "#4C78A8"
DPI = 110


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def _thousands(lang: Lang) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: lang.number(x))


def fan(
    lang: Lang,
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
    ax.yaxis.set_major_formatter(_thousands(lang))
    ax.xaxis.set_major_locator(mdates.MonthLocator())  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))  # type: ignore[no-untyped-call]
    ax.set_ylabel(lang.t("members"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    return _png(fig)


def waterfall(lang: Lang, steps: Sequence[tuple[str, float]], start_label: str, end_label: str) -> bytes:
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
    ax.yaxis.set_major_formatter(_thousands(lang))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def ranked(
    lang: Lang,
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
    ax.xaxis.set_major_formatter(_thousands(lang))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def sweep_line(
    lang: Lang, xs: Sequence[float], ps: Sequence[float], lows: Sequence[float], highs: Sequence[float], xlabel: str
) -> bytes:
    """P(target) against one parameter, with its 95% band."""
    fig, ax = plt.subplots(figsize=(9, 4.2), constrained_layout=True)
    ax.fill_between(xs, [x * 100 for x in lows], [x * 100 for x in highs], color=BAND, alpha=0.25)
    ax.plot(xs, [p * 100 for p in ps], marker="o", color=BAND)
    ax.set_ylim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(lang.t("probability") + " (%)")
    ax.grid(alpha=0.3)
    return _png(fig)


def sweep_heatmap(
    lang: Lang, grid: Sequence[Sequence[float]], xs: Sequence[object], ys: Sequence[object], xlabel: str, ylabel: str
) -> bytes:
    """P(target) over two parameters."""
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    image = ax.imshow(
        [[v * 100 for v in row] for row in grid], origin="lower", cmap="viridis", vmin=0, vmax=100, aspect="auto"
    )
    for row, values in enumerate(grid):
        for col, v in enumerate(values):
            if v == v:
                ax.text(col, row, lang.percent(v, 0), ha="center", va="center", color="white" if v < 0.6 else "black")
    ax.set_xticks(range(len(xs)), [_tick(lang, x) for x in xs])
    ax.set_yticks(range(len(ys)), [_tick(lang, y) for y in ys])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.colorbar(image, ax=ax, label=lang.t("probability") + " (%)")
    return _png(fig)


def _tick(lang: Lang, value: object) -> str:
    return lang.short(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
