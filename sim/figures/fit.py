"""The picture of a calibration or backtest: projected bands against the observed figures.

One panel per observed series: the projection's median and its 50% and 90% bands over the record
dates, and each observation with its 90% noise bar, labelled (a calibration's standardised residual ``z``,
a backtest's PIT).
Observations outside the horizon are drawn hollow: shown, not fitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.analyses.history.observations import Observation, trajectory
from sim.results.projections import Results

Z90 = 1.6449


def plot_fit(
    path: Path,
    results: Results,
    used: Sequence[tuple[Observation, float, str]],
    skipped: Sequence[Observation],
    title: str,
) -> None:
    """Write a PNG: ``used`` holds (observation, noise sd, label) for the figures that were compared."""
    # Imported here so that commands which draw nothing do not pay matplotlib's start-up time.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, Observation] = {}
    for o in [u[0] for u in used] + list(skipped):
        series.setdefault(o.series, o)
    fig, axes = plt.subplots(len(series), 1, figsize=(9, 2.8 * len(series)), squeeze=False, sharex=True)
    dates = results.record_dates()
    for ax, (name, first) in zip(axes[:, 0], series.items(), strict=True):
        q = np.percentile(trajectory(results, first), [5, 25, 50, 75, 95], axis=1)
        ax.fill_between(dates, q[0], q[4], color="tab:blue", alpha=0.15, label="90% band")
        ax.fill_between(dates, q[1], q[3], color="tab:blue", alpha=0.3, label="50% band")
        ax.plot(dates, q[2], color="tab:blue", label="median")
        for o, sd, label in used:
            if o.series == name:
                ax.errorbar([o.when], [o.value], yerr=[Z90 * sd], fmt="o", color="black", capsize=3)
                ax.annotate(label, (o.when, o.value), textcoords="offset points", xytext=(6, 6), fontsize=8)
        for o in skipped:
            if o.series == name:
                ax.plot([o.when], [o.value], "o", mfc="none", color="grey")
        ax.set_title(name, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(loc="best", fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=100)
    plt.close(fig)
