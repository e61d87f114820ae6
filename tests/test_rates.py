"""Pure rate maths against the formulas their docstrings name."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import rates
from sim.scenario import distributions

pytestmark = pytest.mark.property


def test_daily_probability_compounds_back_to_the_monthly_hazard():
    h = 0.03
    p = rates.daily_probability(h)
    assert p == pytest.approx(1 - math.exp(-h / 30.4375))
    assert (1 - p) ** 30.4375 == pytest.approx(math.exp(-h))
    assert rates.daily_probability(0.0) == 0.0


def test_daily_allocation_pays_out_the_whole_month_in_whole_units():
    totals = np.array([0.0, 7.0, 31.0, 8600.4, 100.9])
    for days in (28, 30, 31):
        paid = sum(rates.daily_allocation(totals, d, days) for d in range(days))
        assert (paid == np.floor(totals)).all()
        assert all((rates.daily_allocation(totals, d, days) >= 0).all() for d in range(days))


@given(
    st.lists(st.floats(0, 1e7, allow_nan=False), min_size=1, max_size=6),
    st.sampled_from([28, 29, 30, 31]),
)
def test_monthly_allocation_is_every_days_allocation_exactly(totals: list[float], days: int):
    # The model reads a month's loans from one table: it must equal the day-by-day formula bit for bit.
    t = np.array(totals).reshape(-1, 1).repeat(2, axis=1)
    table = rates.monthly_allocation(t, days)
    assert table.shape == (days, *t.shape) and table.dtype == np.int64
    for d in range(days):
        assert np.array_equal(table[d], rates.daily_allocation(t, d, days))


def test_ramp_factor_rises_linearly_then_stays_at_one():
    assert [rates.ramp_factor(d, 10) for d in (-1, 0, 5, 10, 20)] == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert rates.ramp_factor(3, 0) == 1.0


def test_closed_forms_meet_at_their_limits():
    assert rates.expected_with_inflow(100, 0, 0.1, 2) == pytest.approx(100 * math.exp(-0.2))
    assert rates.expected_with_inflow(0, 50, 0.1, 1e6) == pytest.approx(500)
    assert rates.expected_with_inflow(10, 5, 0.0, 4) == 30
    # Two-state chain: the total is conserved and the active share tends to ρ/(μ+ρ).
    assert rates.two_state_active(1000, 0, 0.03, 0.04, 1e6) == pytest.approx(1000 * 0.04 / 0.07)
    assert rates.two_state_active(1000, 0, 0.03, 0.04, 0) == 1000


def test_wilson_interval_matches_published_values():
    # Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; 0/10 -> 0 to 0.2775.
    lo, hi = rates.wilson_interval(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = rates.wilson_interval(0, 10)
    assert lo == 0.0
    assert round(hi, 4) == 0.2775


@st.composite
def _counts(draw: st.DrawFn) -> tuple[int, int]:
    trials = draw(st.integers(1, 10**6))
    return draw(st.integers(0, trials)), trials


@given(_counts())
def test_wilson_interval_encloses_the_estimate_inside_zero_to_one(counts: tuple[int, int]) -> None:
    k, n = counts
    lo, hi = rates.wilson_interval(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    assert (lo == 0.0) == (k == 0)
    assert (hi == 1.0) == (k == n)
    # Away from the clamps it is the closed form, and it is symmetric in successes and failures.
    mirror_lo, mirror_hi = rates.wilson_interval(n - k, n)
    assert lo == pytest.approx(1 - mirror_hi, abs=1e-12)
    assert hi == pytest.approx(1 - mirror_lo, abs=1e-12)


@given(st.integers(1, 10**6))
def test_wilson_interval_is_exactly_zero_or_one_at_the_ends(n: int) -> None:
    assert rates.wilson_interval(0, n)[0] == 0.0  # 5.6e-17 at n = 3 before the clamp
    assert rates.wilson_interval(n, n)[1] == 1.0  # 0.9999999999999999 at n = 10


def test_wilson_interval_refuses_more_successes_than_trials():
    with pytest.raises(ValueError, match='"successes" must be in'):
        rates.wilson_interval(11, 10)


def test_growth_factor_compounds_yearly():
    assert rates.annual_growth_factor(0.02, 365.25) == pytest.approx(1.02)
    assert rates.annual_growth_factor(0.02, 0) == 1.0


@pytest.mark.parametrize(
    "text",
    [0.4, {"beta": [6, 4]}, {"uniform": [0.2, 0.5]}, {"triangular": [1, 2, 6]}, {"lognormal": {"mean": 50, "sd": 20}}],
)
def test_distributions_sample_their_closed_form_mean_and_variance(text):
    dist = distributions.parse(text)
    x = dist.sample(np.random.default_rng(5), 400_000)
    # 5 standard errors of the mean and of the variance (kurtosis of these laws is at most ~10).
    se_mean = math.sqrt(dist.variance / x.size) if dist.variance else 1e-12
    assert abs(x.mean() - dist.mean) <= 5 * se_mean
    assert abs(x.var() - dist.variance) <= 5 * dist.variance * math.sqrt(12 / x.size) + 1e-12
    assert dist.support[0] <= x.min()
    assert x.max() <= dist.support[1]
    assert distributions.parse(dist.to_data()) == dist
    assert dist.ppf(0.05) <= dist.ppf(0.5) <= dist.ppf(0.95)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"beta": [0, 1]}, "a > 0 and b > 0"),
        ({"uniform": [0.5, 0.2]}, "lo < hi"),
        ({"triangular": [1, 5, 3]}, "lo <= mode <= hi"),
        ({"gamma": [1, 2]}, "unknown distribution 'gamma'"),
        ("0.3", "write numbers without quotes"),
        (True, "boolean"),
        (float("nan"), "finite"),
    ],
)
def test_bad_distributions_say_what_is_allowed(value, message):
    with pytest.raises(ValueError, match=message):
        distributions.parse(value)
