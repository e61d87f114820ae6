"""Proper scores against closed forms (Gneiting & Raftery 2007)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.analyses.history import scoring

pytestmark = [pytest.mark.statistical, pytest.mark.property]


def normal_quantile_grid(mu: float, sigma: float, n: int) -> np.ndarray:
    """N draws placed at the normal's (i − ½)/n quantiles, i = 1..n: a deterministic sample of N(mu, sigma²)."""
    return mu + sigma * stats.norm.ppf((np.arange(1, n + 1) - 0.5) / n)


@pytest.mark.parametrize("y", [-2.0, 0.0, 0.7, 3.5])
def test_sample_crps_matches_the_normal_closed_form(y: float) -> None:
    # A quantile grid of 20,000 points reproduces the normal's CRPS to well under 0.1% of sigma.
    draws = normal_quantile_grid(1.0, 2.0, 20_000)
    assert scoring.crps(draws, y) == pytest.approx(scoring.crps_normal(1.0, 2.0, y), abs=2e-3)


def test_sample_crps_of_random_draws_is_within_monte_carlo_error() -> None:
    # Random N(0,1) draws: the estimator's sd at n = 4000 is about 0.01 here; 5 sd => false alarm < 1e-6.
    rng = np.random.default_rng(11)
    estimates = [scoring.crps(rng.normal(0, 1, 4000), 0.5) for _ in range(5)]
    assert np.mean(estimates) == pytest.approx(scoring.crps_normal(0, 1, 0.5), abs=0.05 / math.sqrt(5))


def test_crps_normal_at_the_mean_is_sigma_times_known_constant() -> None:
    # CRPS(N(0, σ²), 0) = σ(2φ(0) − 1/√π) = σ(√2 − 1)/√π.
    assert scoring.crps_normal(0, 3, 0) == pytest.approx(3 * (math.sqrt(2) - 1) / math.sqrt(math.pi))


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.floats(-1e6, 1e6))
def test_crps_is_non_negative_and_a_point_mass_scores_its_distance(values: list[float], y: float) -> None:
    draws = np.array(values)
    assert scoring.crps(draws, y) >= -1e-9 * max(1.0, float(np.abs(draws).max()), abs(y))
    assert scoring.crps(np.full(3, values[0]), y) == pytest.approx(abs(values[0] - y), abs=1e-6)


def test_interval_score_is_width_plus_penalties() -> None:
    assert scoring.interval_score(10, 20, 15, 0.1) == 10
    assert scoring.interval_score(10, 20, 5, 0.1) == pytest.approx(10 + 20 * 5)
    assert scoring.interval_score(10, 20, 26, 0.5) == pytest.approx(10 + 4 * 6)


def test_pit_counts_ties_as_half_and_bands_are_central() -> None:
    draws = np.array([1.0, 2.0, 3.0, 4.0])
    assert scoring.pit(draws, 2.0) == pytest.approx(0.375)
    assert scoring.pit(draws, 0.0) == 0.0
    assert scoring.pit(draws, 9.0) == 1.0
    grid = np.arange(1001, dtype=float)
    assert scoring.central_band(grid, 0.9) == pytest.approx((50.0, 950.0))
    assert scoring.inside(grid, 500, 0.5)
    assert not scoring.inside(grid, 800, 0.5)
