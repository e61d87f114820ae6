"""Proper scores for probabilistic projections: how good was a forecast, once the figure is out.

All functions are pure and take the projection as Monte Carlo draws (one per replication), except
:func:`pit_from_quantiles`, which scores a projection stored only as percentiles:

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
from collections.abc import Mapping, Sequence
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


STORED_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def band_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Over scored rows (each with ``pit``, ``inside50``, ``inside90``): how many, mean PIT, share inside each band."""
    n = len(rows)
    return {
        "observations": n,
        "mean_pit": sum(r["pit"] for r in rows) / n,
        "inside50_share": sum(r["inside50"] for r in rows) / n,
        "inside90_share": sum(r["inside90"] for r in rows) / n,
    }


def pit_from_quantiles(values: tuple[float, ...], y: float, mean: float, sd: float) -> float:
    """PIT of ``y`` from a projection stored as its 5th, 25th, 50th, 75th and 95th percentiles.

    Between two stored percentiles the CDF is taken as linear (``np.interp`` of the levels over
    the values). Beyond the 5th (95th) it follows a normal tail with the stored mean and sd,
    scaled to meet the stored level: ``0.05·Φ(z_y)/Φ(z_p05)`` below, ``1 − 0.05·(1−Φ(z_y))/(1−Φ(z_p95))``
    above, with ``z = (x − mean)/sd``; so the PIT is continuous and stays inside (0, 0.05) or (0.95, 1).
    """
    lo, hi = values[0], values[-1]
    if lo <= y <= hi:
        if hi == lo:
            return 0.5
        return float(np.interp(y, values, STORED_LEVELS))
    low_level, high_level = STORED_LEVELS[0], 1 - STORED_LEVELS[-1]
    if sd <= 0:
        return 0.0 if y < lo else 1.0
    z = stats.norm.cdf
    if y < lo:
        return float(low_level * z((y - mean) / sd) / max(z((lo - mean) / sd), 1e-300))
    return float(1 - high_level * (1 - z((y - mean) / sd)) / max(1 - z((hi - mean) / sd), 1e-300))
