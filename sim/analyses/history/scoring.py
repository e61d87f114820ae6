"""Proper scores for probabilistic projections: how good was a forecast, once the figure is out.

All functions are pure and take the projection as Monte Carlo draws (one per replication):

* PIT, the probability integral transform: the share of draws below the observation (ties count
  half). For a calibrated forecast PIT values are uniform on [0, 1].
* central bands: whether the observation lies inside the central 50% or 90% of the draws.
* the interval score of a central (1 − α) band ``[l, u]`` (Gneiting & Raftery 2007, eq. 43):
  ``(u − l) + (2/α)(l − y)·1{y < l} + (2/α)(y − u)·1{y > u}``; lower is better.
* CRPS, the continuous ranked probability score (Gneiting & Raftery 2007, eq. 21):
  ``CRPS(F, y) = E|X − y| − ½ E|X − X'|`` with X, X' independent draws from F; lower is better, in
  the observation's own units. From ``n`` sorted draws ``x₍₁₎ ≤ … ≤ x₍ₙ₎`` the second term is
  ``(1/n²) Σᵢ (2i − n − 1) x₍ᵢ₎``, so the estimate costs O(n log n).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def pit(draws: FloatArray, y: float) -> float:
    """Share of ``draws`` below ``y``, counting draws equal to ``y`` as half (mid-rank PIT)."""
    d = np.asarray(draws, dtype=np.float64)
    return float((np.count_nonzero(d < y) + 0.5 * np.count_nonzero(d == y)) / d.size)


def central_band(draws: FloatArray, level: float) -> tuple[float, float]:
    """The central ``level`` band of the draws: their (1−level)/2 and (1+level)/2 quantiles."""
    lo, hi = np.quantile(np.asarray(draws, dtype=np.float64), [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def inside(draws: FloatArray, y: float, level: float) -> bool:
    """Whether ``y`` lies inside the central ``level`` band of the draws (ends included)."""
    lo, hi = central_band(draws, level)
    return lo <= y <= hi


def interval_score(lo: float, hi: float, y: float, alpha: float) -> float:
    """Interval score of the central (1 − alpha) band ``[lo, hi]`` for observation ``y`` (G&R 2007, eq. 43)."""
    return (hi - lo) + (2 / alpha) * max(lo - y, 0.0) + (2 / alpha) * max(y - hi, 0.0)


def crps(draws: FloatArray, y: float) -> float:
    """Sample CRPS: ``mean|X − y| − ½·mean|X − X'|`` over all pairs of draws (G&R 2007, eq. 21)."""
    x = np.sort(np.asarray(draws, dtype=np.float64))
    n = x.size
    spread = float(np.dot(2 * np.arange(1, n + 1) - n - 1, x)) / (n * n)
    return float(np.mean(np.abs(x - y))) - spread


def crps_normal(mu: float, sigma: float, y: float) -> float:
    """Closed-form CRPS of N(mu, sigma²) at ``y``: σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ."""
    z = (y - mu) / sigma
    return float(sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi)))
