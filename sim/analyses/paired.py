"""Paired statistics: how a variant differs from its base when both ran on the same random numbers.

Replication ``i`` of the base and of a variant share their random numbers wherever the two
scenarios share a channel or a segment (:mod:`sim.model.streams`), so the difference ``d_i = v_i − b_i``
leaves out most of the noise both runs have in common. Every interval here is a 95% interval for
the mean of ``d`` over replications:

* a mean difference: ``d̄ ± t(0.975, n−1) · sd(d)/√n``;
* a difference of probabilities: the same, on ``d_i = 1[v_i ≥ target] − 1[b_i ≥ target]``;
* a difference of ratios of means (cost per net member) or of values reached with a probability
  (the coverage reached with 80% probability): percentiles of a paired bootstrap that resamples replications, with a
  fixed seed so the figures reproduce.

:func:`unpaired_interval` is Welch's interval for runs on independent random numbers; the tests
compare the two.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from sim.results.projections import promised

Array = np.ndarray[Any, Any]

BOOTSTRAP_RESAMPLES = 2000


def mean_interval(d: Array) -> tuple[float, tuple[float, float]]:
    """The mean of ``d`` and its 95% t-interval."""
    x = np.asarray(d, dtype=np.float64)
    mean = float(x.mean())
    if x.size < 2:
        return mean, (mean, mean)
    half = float(stats.t.ppf(0.975, x.size - 1)) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return mean, (mean - half, mean + half)


def paired_difference(base: Array, variant: Array) -> dict[str, Any]:
    """``{"mean_diff", "ci95"}`` of ``variant − base``, replication by replication."""
    mean, (lo, hi) = mean_interval(np.asarray(variant, dtype=np.float64) - np.asarray(base, dtype=np.float64))
    return {"mean_diff": mean, "ci95": [lo, hi]}


def unpaired_interval(base: Array, variant: Array) -> tuple[float, tuple[float, float]]:
    """Welch's 95% interval for the difference of means of two independent samples."""
    a, b = np.asarray(base, dtype=np.float64), np.asarray(variant, dtype=np.float64)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    diff = float(b.mean() - a.mean())
    if se == 0:
        return diff, (diff, diff)
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stats.t.ppf(0.975, dof)) * se
    return diff, (diff - half, diff + half)


def ratio_difference(
    base_cost: Array, base_members: Array, variant_cost: Array, variant_members: Array, seed: int = 0
) -> dict[str, Any] | None:
    """Difference of cost per net member (ratio of means), with a paired bootstrap 95% interval."""
    if base_members.mean() <= 0 or variant_members.mean() <= 0:
        return None
    n = base_cost.shape[0]
    diff = float(variant_cost.mean() / variant_members.mean() - base_cost.mean() / base_members.mean())
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = variant_cost[idx].mean(axis=1) / variant_members[idx].mean(axis=1) - base_cost[idx].mean(
            axis=1
        ) / base_members[idx].mean(axis=1)
    boot = boot[np.isfinite(boot)]
    lo, hi = np.percentile(boot, [2.5, 97.5]) if boot.size else (diff, diff)
    return {"mean_diff": diff, "ci95": [float(lo), float(hi)]}


def promised_difference(base: Array, variant: Array, probability: float, seed: int = 0) -> dict[str, Any]:
    """Difference of the values reached with ``probability`` (:func:`~sim.results.projections.promised`).

    Its 95% interval is a paired bootstrap's.
    """
    a, b = np.asarray(base, dtype=np.float64), np.asarray(variant, dtype=np.float64)
    diff = promised(b, probability) - promised(a, probability)
    idx = np.random.default_rng(seed).integers(0, a.size, size=(BOOTSTRAP_RESAMPLES, a.size))
    # promised() of each resample at once: the same order statistic of every sorted row.
    row = a.size - max(1, math.ceil(round(probability * a.size, 9)))
    boot = np.sort(b[idx], axis=1)[:, row] - np.sort(a[idx], axis=1)[:, row]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return {"mean_diff": diff, "ci95": [float(lo), float(hi)]}


def beats(base: Array, variant: Array) -> float:
    """Share of replications in which the variant ends above the base."""
    return float(np.mean(np.asarray(variant) > np.asarray(base)))
