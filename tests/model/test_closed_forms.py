"""The model against closed forms: means and variances of each flow, with stated tolerances.

Each check allows Z = 5 Monte Carlo standard errors (two-sided false-alarm rate 5.7e-7 per check)
plus, where the daily step differs from a continuous-time formula, a stated discretisation bound.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from builders import organic, scenario
from sim.experiment.blocks import run_scenario
from sim.rates import DAYS_PER_MONTH, expected_with_inflow, surviving_share

pytestmark = pytest.mark.statistical

Z = 5.0
REPS = 4000
DAYS = 184  # 1 July to 31 December 2025
MONTHS = DAYS / DAYS_PER_MONTH


def assert_mean(sample: np.ndarray, expected: float, sd: float, bias: float = 0.0) -> None:
    """The sample mean is within Z standard errors (sd/√n) plus ``bias`` of ``expected``."""
    tolerance = Z * sd / math.sqrt(sample.size) + bias
    assert abs(sample.mean() - expected) <= tolerance, (sample.mean(), expected, tolerance)


def assert_variance(sample: np.ndarray, expected: float, excess_kurtosis: float = 0.0) -> None:
    """The sample variance is within Z standard errors of ``expected``.

    Var(s²) ≈ σ⁴ (2/(n−1) + κ/n) for excess kurtosis κ.
    """
    n = sample.size
    se = expected * math.sqrt(2 / (n - 1) + excess_kurtosis / n)
    assert abs(sample.var(ddof=1) - expected) <= Z * se, (sample.var(ddof=1), expected, Z * se)


def final(s, series: str, reps: int = REPS, seed: int = 11) -> np.ndarray:
    return run_scenario(s, replications=reps, seed=seed).series()[series][-1].astype(float)


def test_constant_organic_flow_is_poisson_with_mean_lambda_t():
    # 300 a month over six whole months: λt = 1800, and a Poisson variance equals its mean.
    enrolled = final(scenario([organic(300)]), "enrolled[Walk-in]")
    assert_mean(enrolled, 1800, math.sqrt(1800))
    assert_variance(enrolled, 1800, excess_kurtosis=1 / 1800)


def test_active_members_decay_exponentially_without_recruiting():
    mu, n0 = 0.05, 100_000
    s = scenario([organic(0)], baseline={"active": n0}, lapse={"monthly_rate": mu})
    active = final(s, "active")
    q = surviving_share(mu, MONTHS)  # N₀ e^(−μt); each member survives independently
    assert_mean(active, n0 * q, math.sqrt(n0 * q * (1 - q)))
    assert_variance(active, n0 * q * (1 - q))


def test_inflow_and_lapse_approach_lambda_over_mu():
    mu, lam, n0 = 0.2, 3000.0, 10_000
    s = scenario([organic(lam)], baseline={"active": n0}, lapse={"monthly_rate": mu})
    active = final(s, "active")
    expected = expected_with_inflow(n0, lam, mu, MONTHS)
    # A daily step with months of 30 or 31 days spreads λ unevenly over the horizon (a day of
    # a 30-day month carries λ/30, of a 31-day month λ/31): measured at 0.34%, bounded by 0.5%,
    # of the inflow part.
    bias = 0.005 * lam / mu * (1 - math.exp(-mu * MONTHS))
    assert_mean(active, expected, math.sqrt(expected), bias)


def test_loan_flow_is_thinned_binomially():
    # 1,000 loans a month are paid out in whole loans: 6,000 over the horizon, exactly.
    # Each borrower is new with probability 1 − a and enrols with probability e.
    a, e, loans = 0.81, 0.6, 6000
    ch = {
        "name": "KUR",
        "kind": "loan_linked",
        "loans_per_month": 1000,
        "already_member_share": a,
        "enrollment_rate": e,
    }
    enrolled = final(scenario([ch]), "enrolled[KUR]")
    p = (1 - a) * e
    assert_mean(enrolled, loans * p, math.sqrt(loans * p * (1 - p)))
    # Binomial, not Poisson: the variance is n·p·(1−p) = 606, not n·p = 684 (5.7 sd apart).
    assert_variance(enrolled, loans * p * (1 - p))


def test_small_pool_depletes_exponentially():
    # Without already_member_share a recruit is new with the uncovered share U/W, so the pool
    # follows dU/dt = −λU/W: enrolled = W(1 − e^(−λt/W)).
    workers, lam = 1000, 300.0
    ch = {"name": "Walk-in", "kind": "organic", "per_month": lam}
    s = scenario(
        [ch], population={"workers": workers}, baseline={"active": 0}, target={"members": 900, "by": "2025-12-31"}
    )
    enrolled = final(s, "enrolled[Walk-in]")
    expected = workers * (1 - math.exp(-lam * 6 / workers))
    # A daily step multiplies U by (1 − x) instead of e^(−x) for x = λ/(W·days) ≤ 0.01: the pool
    # shrinks slightly faster, by at most Σx²/2 ≈ 0.9% of W.
    assert_mean(enrolled, expected, math.sqrt(expected * (1 - expected / workers)), bias=0.01 * workers)
    assert enrolled.max() <= workers
