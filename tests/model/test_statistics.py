"""Nothing wrong, part two: the simulation against closed forms, mean and variance.

Every check is a z-test at :data:`Z` = 4.5 standard errors, two-sided: a false alarm rate of
6.8e-6 per check, about 3e-4 for the whole file (some 40 checks), so a failure means a bug, not
bad luck. The standard error of a sample variance is estimated from the sample's own fourth
moment, ``sqrt((m4 - s^4) / n)``, which holds for any distribution with finite moments.

Where the model's daily steps differ from a continuous-time formula, the test states the
discretisation bias and adds it to the tolerance: it is computed exactly by iterating the model's
own daily expectation, and is itself checked to be small against the continuous formula.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from sim.channels.base import FLOW_PHASE, LAPSE_PHASE
from sim.experiment.blocks import run_scenario
from sim.rates import (
    DAYS_PER_MONTH,
    daily_allocation,
    daily_probability,
    expected_with_inflow,
    surviving_share,
    two_state_active,
)
from sim.results.projections import Results
from sim.scenario.calendar import days_in_month
from sim.scenario.schema import Scenario

pytestmark = pytest.mark.statistical

Z = 4.5
REPS = 4000
DAYS = 184  # 2025-07-01 to 2025-12-31 inclusive
MONTHS = 6  # the same horizon in calendar months, for flows given per calendar month
T_MONTHS = DAYS / DAYS_PER_MONTH  # the same horizon in average months, for hazards


def scenario(channels: list[dict[str, Any]], **fields: Any) -> Scenario:
    """One group of 10 million workers, July–December 2025, no lapse unless ``fields`` say so."""
    data: dict[str, Any] = {
        "name": "statistics",
        "start": "2025-07-01",
        "end": "2025-12-31",
        "population": {"workers": 10_000_000},
        "baseline": {"active": 0},
        "target": {"members": 1, "by": "2025-12-31"},
        "channels": channels,
    }
    data.update(fields)
    return Scenario.model_validate(data, strict=False)


def idle() -> dict[str, Any]:
    return {"name": "idle", "kind": "organic", "per_month": 0}


def run(s: Scenario, seed: int, reps: int = REPS) -> Results:
    return run_scenario(s, replications=reps, seed=seed, workers=1)


def assert_mean(x: np.ndarray[Any, Any], expected: float, bias: float = 0.0) -> None:
    se = float(np.std(x, ddof=1)) / math.sqrt(x.size)
    assert abs(float(np.mean(x)) - expected) <= Z * se + bias, (float(np.mean(x)), expected, se, bias)


def assert_variance(x: np.ndarray[Any, Any], expected: float) -> None:
    x = np.asarray(x, dtype=np.float64)
    s2 = float(np.var(x, ddof=1))
    m4 = float(np.mean((x - x.mean()) ** 4))
    se = math.sqrt(max(m4 - s2 * s2, 0.0) / x.size)
    assert abs(s2 - expected) <= Z * se, (s2, expected, se)


def final_enrolled(r: Results, channel: int = 0) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = r.enrolled.row(-1)[channel].astype(np.float64)
    return out


def final_active(r: Results) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = r.active.row(-1).sum(axis=0).astype(np.float64)
    return out


def chi_square_p(sample: np.ndarray[Any, Any], pmf: Any, centre: float, spread: float) -> float:
    """P-value of a chi-square goodness-of-fit test on ``centre ± 5 spread``, tails pooled.

    Bins are widened until each expects at least 20 replications.
    """
    low, high = int(centre - 5 * spread), int(centre + 5 * spread)
    edges = [low]
    for k in range(low + 1, high):
        if pmf(np.arange(edges[-1], k)).sum() * sample.size >= 20:
            edges.append(k)
    edges.append(high)
    counts = [np.sum(sample < low)]
    probs = [float(pmf(np.arange(0, low)).sum())]
    for a, b in itertools.pairwise(edges):
        counts.append(np.sum((sample >= a) & (sample < b)))
        probs.append(float(pmf(np.arange(a, b)).sum()))
    counts.append(np.sum(sample >= high))
    probs.append(1.0 - sum(probs))
    expected = np.asarray(probs) * sample.size
    return float(stats.chisquare(np.asarray(counts, dtype=float), expected).pvalue)


# --- organic: Poisson(λt) ---------------------------------------------------------------------


def test_organic_flow_is_poisson_mean_and_variance_and_whole_distribution() -> None:
    lam = 150.0
    r = run(scenario([{"name": "walk-in", "kind": "organic", "per_month": lam, "already_member_share": 0}]), 1)
    x = final_enrolled(r)
    mu = lam * MONTHS
    assert_mean(x, mu)
    assert_variance(x, mu)
    # The whole distribution: chi-square against Poisson(λt), rejected only below p = 1e-4.
    p = chi_square_p(x, lambda k: stats.poisson.pmf(k, mu), mu, math.sqrt(mu))
    assert p > 1e-4, p


def test_rate_drawn_per_replication_obeys_the_law_of_total_variance() -> None:
    lo, hi = 100.0, 200.0
    organic = {"name": "walk-in", "kind": "organic", "per_month": {"uniform": [lo, hi]}, "already_member_share": 0}
    x = final_enrolled(run(scenario([organic]), 2))
    mean_rate, var_rate = (lo + hi) / 2, (hi - lo) ** 2 / 12
    # N | λ ~ Poisson(6λ): Var N = E[Var(N|λ)] + Var(E[N|λ]) = 6 E[λ] + 36 Var(λ).
    assert_mean(x, MONTHS * mean_rate)
    assert_variance(x, MONTHS * mean_rate + MONTHS**2 * var_rate)


# --- loan-linked: Binomial thinning of a deterministic loan flow -------------------------------


def test_loan_linked_is_binomial_thinning() -> None:
    loans, already, rate = 300, 0.6, 0.5
    kur = {
        "name": "KUR",
        "kind": "loan_linked",
        "loans_per_month": loans,
        "enrollment_rate": rate,
        "already_member_share": already,
    }
    x = final_enrolled(run(scenario([kur]), 3))
    p = (1 - already) * rate
    n = loans * MONTHS  # daily_allocation releases exactly floor(L) loans a month
    assert_mean(x, n * p)
    assert_variance(x, n * p * (1 - p))
    pval = chi_square_p(x, lambda k: stats.binom.pmf(k, n, p), n * p, math.sqrt(n * p))
    assert pval > 1e-4, pval


# --- agent network: Poisson per partner, gamma heterogeneity, rollout --------------------------


def agents(**fields: Any) -> dict[str, Any]:
    return {"name": "BPR", "kind": "agent_network", "already_member_share": 0, **fields}


def test_agent_network_with_rollout_is_poisson() -> None:
    ch = agents(
        agents=4, agents_max=20, enrollments_per_agent_per_month=10.0, rollout=[{"on": "2025-10-01", "agents": 10}]
    )
    x = final_enrolled(run(scenario([ch]), 4))
    mu = 10.0 * (4 * 3 + 10 * 3)  # July–September with 4 partners, October–December with 10
    assert_mean(x, mu)
    assert_variance(x, mu)


def test_agent_network_with_contacts_and_conversion() -> None:
    ch = agents(agents=5, contacts_per_agent_per_month=40.0, conversion_rate=0.25)
    x = final_enrolled(run(scenario([ch]), 5))
    assert_mean(x, 5 * 40 * 0.25 * MONTHS)
    assert_variance(x, 5 * 40 * 0.25 * MONTHS)


def test_heterogeneous_partners_give_a_gamma_poisson_mixture() -> None:
    n, rate, cv = 6, 8.0, 0.7
    x = final_enrolled(run(scenario([agents(agents=n, enrollments_per_agent_per_month=rate, heterogeneity_cv=cv)]), 6))
    # Summed multipliers S ~ Gamma(n/cv², cv²): E S = n, Var S = n cv². N | S ~ Poisson(6 r S), so
    # E N = 6 r n and Var N = 6 r n + (6 r)² n cv² (negative binomial).
    m = MONTHS * rate
    assert_mean(x, m * n)
    assert_variance(x, m * n + m * m * n * cv * cv)


def test_ramp_up_scales_a_new_partners_output_linearly() -> None:
    ramp = 3.0
    ch = agents(
        agents=0,
        agents_max=10,
        enrollments_per_agent_per_month=30.0,
        ramp_up_months=ramp,
        rollout=[{"on": "2025-07-01", "agents": 10}],
    )
    x = final_enrolled(run(scenario([ch]), 7))
    ramp_days = ramp * DAYS_PER_MONTH
    when = [np.datetime64("2025-07-01") + np.timedelta64(d, "D") for d in range(DAYS)]
    expected = sum(10 * 30.0 * min(1.0, d / ramp_days) / days_in_month(w.astype(object)) for d, w in enumerate(when))
    assert_mean(x, expected)
    assert_variance(x, expected)


# --- funded batch: continuation is Binomial --------------------------------------------------


def test_funded_batch_continuation_is_binomial() -> None:
    members, share = 2000, 0.3
    batch = {
        "name": "Gianyar",
        "kind": "funded_batch",
        "continue_share": share,
        "batches": [{"on": "2025-07-01", "members": members, "funded_months": 3}],
    }
    r = run(scenario([batch]), 8)
    kept = final_active(r)
    assert np.all(final_enrolled(r) == members)
    assert np.all(kept + r.inactive.row(-1).sum(axis=0) == members)
    assert_mean(kept, members * share)
    assert_variance(kept, members * share * (1 - share))


# --- lapse and reactivation --------------------------------------------------------------------


def test_lapse_survival_is_binomial_exponential() -> None:
    n0, mu = 5000, 0.05
    r = run(scenario([idle()], baseline={"active": n0}, lapse={"monthly_rate": mu}), 9)
    x = final_active(r)
    # 184 daily steps at p = 1 − e^(−μ/30.4375) leave exactly e^(−μ·184/30.4375): no discretisation bias.
    q = surviving_share(mu, T_MONTHS)
    assert_mean(x, n0 * q)
    assert_variance(x, n0 * q * (1 - q))
    pval = chi_square_p(x, lambda k: stats.binom.pmf(k, n0, q), n0 * q, math.sqrt(n0 * q))
    assert pval > 1e-4, pval


def _daily_rates(per_month: float) -> list[float]:
    days = [np.datetime64("2025-07-01") + np.timedelta64(d, "D") for d in range(DAYS)]
    return [per_month / days_in_month(d.astype(object)) for d in days]


def test_inflow_and_lapse_against_the_continuous_closed_form() -> None:
    n0, lam, mu = 2000, 400.0, 0.08
    organic = {"name": "walk-in", "kind": "organic", "per_month": lam, "already_member_share": 0}
    r = run(scenario([organic], baseline={"active": n0}, lapse={"monthly_rate": mu}), 10)
    x = final_active(r)
    p = float(daily_probability(mu))
    # The model's exact expectation: day d's arrivals meet the lapse steps after them, including
    # that day's own if recruiting comes before lapse within a day.
    same_day = 1 if FLOW_PHASE < LAPSE_PHASE else 0
    steps = [DAYS - d - 1 + same_day for d in range(DAYS)]
    discrete = n0 * (1 - p) ** DAYS + sum(rate * (1 - p) ** k for k, rate in zip(steps, _daily_rates(lam), strict=True))
    continuous = expected_with_inflow(n0, lam, mu, T_MONTHS)
    # Discretisation bias: arrivals meet at most one extra day's hazard, and monthly flows spread
    # over 28–31-day months shift timing by under a day: |bias| <= 2 p × the inflow part.
    bound = 2 * p * (lam / mu) * (1 - math.exp(-mu * T_MONTHS)) + lam * abs(MONTHS - T_MONTHS)
    assert abs(discrete - continuous) <= bound, (discrete, continuous, bound)
    assert_mean(x, continuous, bias=bound)
    assert_mean(x, discrete)
    # Thinned Poisson arrivals stay Poisson; the baseline survives binomially.
    q = (1 - p) ** DAYS
    assert_variance(x, n0 * q * (1 - q) + (discrete - n0 * q))


def test_reactivation_follows_the_two_state_chain() -> None:
    a0, i0, mu, rho = 4000, 2000, 0.06, 0.04
    r = run(
        scenario(
            [idle()],
            baseline={"active": a0, "inactive": i0},
            lapse={"monthly_rate": mu, "reactivation_monthly_rate": rho},
        ),
        11,
    )
    x = final_active(r)
    assert np.all(x + r.inactive.row(-1).sum(axis=0) == a0 + i0)
    p, q = float(daily_probability(mu)), float(daily_probability(rho))
    a, i = float(a0), float(i0)
    for _ in range(DAYS):
        a, i = a * (1 - p) + i * q, i * (1 - q) + a * p
    continuous = two_state_active(a0, i0, mu, rho, T_MONTHS)
    # Daily steps take both transitions from the start-of-day counts; the gap to the continuous
    # chain is second order in the daily probabilities, here under 0.1% of the members.
    assert abs(a - continuous) <= 1e-3 * (a0 + i0), (a, continuous)
    assert_mean(x, a)
    assert_mean(x, continuous, bias=abs(a - continuous))


# --- pool depletion: the uncovered share thins recruiting ---------------------------------------


def test_small_pool_depletes_exponentially() -> None:
    workers, lam = 5000, 1500.0
    organic = {"name": "walk-in", "kind": "organic", "per_month": lam}  # thinned by the uncovered share
    r = run(scenario([organic], population={"workers": workers}), 12)
    x = final_enrolled(r)
    # E[U_(d+1)] = E[U_d](1 − λ_d/W): the model's exact expectation (the cap at U never binds here).
    uncovered = float(workers)
    for rate in _daily_rates(lam):
        uncovered *= 1 - rate / workers
    continuous = workers * (1 - math.exp(-lam * MONTHS / workers))
    assert abs((workers - uncovered) - continuous) <= 0.01 * continuous
    assert_mean(x, workers - uncovered)
    assert_mean(x, continuous, bias=abs(workers - uncovered - continuous))
    assert np.all(x <= workers)


def test_heterogeneous_rollout_cohorts_add_independent_gamma_variance() -> None:
    n1, n2, rate, cv = 4, 10, 6.0, 0.8
    ch = agents(
        agents=n1,
        agents_max=n2,
        enrollments_per_agent_per_month=rate,
        heterogeneity_cv=cv,
        rollout=[{"on": "2025-10-01", "agents": n2}],
    )
    x = final_enrolled(run(scenario([ch]), 13))
    # N | S₁, S₂ ~ Poisson(6r S₁ + 3r S₂): the first cohort works six months, the new one three.
    m1, m2 = MONTHS * rate, 3 * rate
    mean = m1 * n1 + m2 * (n2 - n1)
    assert_mean(x, mean)
    assert_variance(x, mean + m1 * m1 * n1 * cv * cv + m2 * m2 * (n2 - n1) * cv * cv)


def test_uncertain_continuation_share_obeys_the_law_of_total_variance() -> None:
    members, a, b = 1000, 3.0, 7.0
    batch = {
        "name": "Gianyar",
        "kind": "funded_batch",
        "continue_share": {"beta": [a, b]},
        "batches": [{"on": "2025-07-01", "members": members, "funded_months": 3}],
    }
    kept = final_active(run(scenario([batch]), 14))
    mu = a / (a + b)
    var = a * b / ((a + b) ** 2 * (a + b + 1))
    # kept | c ~ Binomial(M, c): Var = M E[c(1 − c)] + M² Var(c) = M(μ − σ² − μ²) + M² σ².
    assert_mean(kept, members * mu)
    assert_variance(kept, members * (mu - var - mu * mu) + members**2 * var)


def test_seasonal_loans_from_the_opening_date_are_thinned_binomially() -> None:
    monthly = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]
    rate = 0.3
    kur = {
        "name": "KUR",
        "kind": "loan_linked",
        "loans_per_month": monthly,
        "enrollment_rate": rate,
        "already_member_share": 0,
        "opens_on": "2025-08-15",
    }
    x = final_enrolled(run(scenario([kur]), 15))
    # Loans are whole and deterministic: 15–31 August's share of August, then September–December.
    august = int(np.sum([daily_allocation(np.array([800.0]), d, 31)[0] for d in range(14, 31)]))
    loans = august + 900 + 1000 + 1100 + 1200
    assert_mean(x, loans * rate)
    assert_variance(x, loans * rate * (1 - rate))


def test_a_policy_switch_changes_the_rate_from_its_date() -> None:
    organic = {
        "name": "walk-in",
        "kind": "organic",
        "per_month": 100.0,
        "already_member_share": 0,
        "policy": [{"on": "2025-10-01", "set": {"per_month": 300.0}}],
    }
    x = final_enrolled(run(scenario([organic]), 16))
    mu = 100.0 * 3 + 300.0 * 3
    assert_mean(x, mu)
    assert_variance(x, mu)
