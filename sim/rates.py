"""Rate maths: pure, typed functions, each naming its formula.

The model steps one day at a time, while planners and published figures speak in months. These
functions are the only place a monthly figure becomes a daily one, and they hold the closed forms
that the statistical tests compare the simulation against.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375: an average month, for hazards quoted per month


def daily_probability(monthly_hazard: float | FloatArray) -> float | FloatArray:
    """Daily transition probability for a constant monthly hazard ``h``.

    A hazard ``h`` per month leaves a share ``exp(-h t)`` after ``t`` months, so one day
    (``1 / 30.4375`` month) moves a share ``p = 1 - exp(-h / 30.4375)``.
    """
    return -np.expm1(-np.asarray(monthly_hazard, dtype=np.float64) / DAYS_PER_MONTH)


def surviving_share(monthly_hazard: float, months: float) -> float:
    """Share still in a state after ``months`` at a constant hazard: ``exp(-h t)``."""
    return math.exp(-monthly_hazard * months)


def expected_with_inflow(n0: float, inflow_per_month: float, hazard: float, months: float) -> float:
    """Mean stock with constant inflow λ and exit hazard μ: ``N₀e^(−μt) + (λ/μ)(1 − e^(−μt))``."""
    if hazard == 0:
        return n0 + inflow_per_month * months
    decay = math.exp(-hazard * months)
    return n0 * decay + inflow_per_month / hazard * (1 - decay)


def two_state_active(a0: float, i0: float, lapse: float, reactivation: float, months: float) -> float:
    """Mean active stock in the closed active ⇄ inactive chain (no recruiting).

    With ``s = μ + ρ`` the registered total ``T = a₀ + i₀`` is conserved and
    ``a(t) = Tρ/s + (a₀ − Tρ/s) e^(−s t)``.
    """
    s = lapse + reactivation
    if s == 0:
        return a0
    total = a0 + i0
    equilibrium = total * reactivation / s
    return equilibrium + (a0 - equilibrium) * math.exp(-s * months)


def daily_allocation(monthly_total: FloatArray, day_of_month: int, days_in_month: int) -> IntArray:
    """Whole units released on one day when ``T`` a month is spread evenly over ``n`` days.

    Day ``d`` (0-based) releases ``floor((d+1)T/n) − floor(dT/n)``, so a month releases
    exactly ``floor(T)`` units and no day's share drifts.
    """
    t = np.asarray(monthly_total, dtype=np.float64)
    upper = np.floor((day_of_month + 1) * t / days_in_month)
    lower = np.floor(day_of_month * t / days_in_month)
    return (upper - lower).astype(np.int64)


def monthly_allocation(monthly_total: FloatArray, days_in_month: int) -> IntArray:
    """:func:`daily_allocation` for every day of a month at once: row ``d`` is day ``d``'s release.

    The same arithmetic element by element, ``floor((d+1)T/n) − floor(dT/n)``, so each row equals
    ``daily_allocation(T, d, n)`` exactly.
    """
    t = np.asarray(monthly_total, dtype=np.float64)
    days = np.arange(days_in_month + 1, dtype=np.float64).reshape(-1, *(1,) * t.ndim)
    cumulative = np.floor(days * t / days_in_month)
    return (cumulative[1:] - cumulative[:-1]).astype(np.int64)


def ramp_factor(days_since_joining: float, ramp_up_days: float) -> float:
    """Productivity of a new partner, rising linearly from 0 to 1 over its ramp-up time."""
    if days_since_joining < 0:
        return 0.0
    if ramp_up_days <= 0:
        return 1.0
    return min(1.0, days_since_joining / ramp_up_days)


def gamma_shape_for_cv(cv: float) -> float:
    """Shape ``k`` of a mean-one gamma multiplier with coefficient of variation ``cv``: ``k = 1/cv²``."""
    return 1.0 / (cv * cv)


def annual_growth_factor(growth_per_year: float, days: float) -> float:
    """Workforce multiplier after ``days`` at compound growth ``g`` a year: ``(1+g)^(days/365.25)``."""
    return float((1.0 + growth_per_year) ** (days / DAYS_PER_YEAR))


def wilson_interval(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default).

    ``(p̂ + z²/2n ± z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)``; unlike the normal approximation it
    stays inside [0, 1] and is honest when every replication (or none) reaches the target.

    In exact arithmetic the bounds enclose p̂ and meet 0 at p̂ = 0 and 1 at p̂ = 1; in floating
    point ``centre − half`` can come out as 5.6e-17 at p̂ = 0 (n = 3), so each bound is clamped
    to its side of p̂.
    """
    if trials <= 0:
        return (0.0, 1.0)
    if not 0 <= successes <= trials:
        raise ValueError(f'"successes" must be in [0, trials={trials}], got {successes}')
    p = successes / trials
    z2 = z * z
    denom = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denom
    return (min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))
