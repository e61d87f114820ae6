"""The day's draws: the normal approximation's stated error, exact mode, and paired streams."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from builders import organic, scenario
from sim.analyses.bench import draw_floor, draw_log
from sim.experiment.blocks import run_scenario
from sim.model.block import simulate_block
from sim.model.draws import APPROXIMATE_FROM, WHOLE, Draws, ExactRows, Split, normal_binomial, normal_poisson
from sim.model.streams import Stream, block_seed

# README: within 0.0667/σ of the exact distribution function, so 0.0149 at the threshold.
BOUND = 0.0667 / math.sqrt(APPROXIMATE_FROM)


def _approximation_cdf(mean: float, variance: float, k: np.ndarray) -> np.ndarray:
    """P(round(mean + s·Z) ≤ k) with s² = variance − 1/12: the approximation's own law."""
    return stats.norm.cdf((k + 0.5 - mean) / math.sqrt(variance - 1 / 12))


@pytest.mark.parametrize("p", [1e-4, 0.01, 0.2, 0.5, 0.9])
def test_binomial_approximation_is_within_the_stated_bound_at_the_threshold(p: float) -> None:
    n = math.ceil(APPROXIMATE_FROM / (p * (1 - p)))
    k = np.arange(n + 1)
    exact = stats.binom(n, p)
    assert np.abs(_approximation_cdf(n * p, n * p * (1 - p), k) - exact.cdf(k)).max() <= BOUND


def test_poisson_approximation_is_within_the_stated_bound_at_the_threshold() -> None:
    lam = APPROXIMATE_FROM
    k = np.arange(int(lam + 20 * math.sqrt(lam)))
    assert np.abs(_approximation_cdf(lam, lam, k) - stats.poisson(lam).cdf(k)).max() <= BOUND


def test_approximation_keeps_mean_and_variance() -> None:
    # Sheppard's correction: rounding adds back the 1/12 taken off the variance.
    z = np.random.default_rng(0).standard_normal(400_000)
    n, p = np.full(z.size, 5_000), np.full(z.size, 0.02)
    x = normal_binomial(n, p, z)
    se_mean, se_var = math.sqrt(98 / z.size), 98 * math.sqrt(2 / z.size)
    assert abs(x.mean() - 100) < 5 * se_mean and abs(x.var() - 98) < 5 * se_var
    y = normal_poisson(np.full(z.size, 80.0), z)
    assert abs(y.mean() - 80) < 5 * math.sqrt(80 / z.size) and abs(y.var() - 80) < 5 * 80 * math.sqrt(2 / z.size)
    assert normal_binomial(np.array([3]), np.array([0.5]), np.array([9.0]))[0] == 3  # clipped to n
    assert normal_poisson(np.array([60.0]), np.array([-9.0]))[0] == 0  # clipped to 0


def test_exact_draws_use_no_normal_deviates() -> None:
    s = scenario([organic(30_000)], lapse={"monthly_rate": 0.05})
    fast, exact = draw_log(s, 50), draw_log(s.model_copy(update={"draws": "exact"}), 50)
    assert fast.counts["normal_poisson"] > 0 and fast.counts["standard_normal"] == 184 * 50 * 3
    assert set(exact.counts) == {"binomial", "poisson"}
    assert exact.counts["poisson"] == 184 * 50
    a = run_scenario(s, replications=50).series()["active"]
    b = run_scenario(s.model_copy(update={"draws": "exact"}), replications=50).series()["active"]
    assert not np.array_equal(a, b)


def test_a_channel_change_leaves_other_channels_draws_alone() -> None:
    # Two large channels with a fixed new-member share: doubling one leaves the other's recruits
    # identical draw for draw, because each draws from streams named after it.
    def two(rate: float):
        return scenario([organic(rate), organic(20_000, name="Digital")], population={"workers": 10**9})

    a = simulate_block(two(30_000), block_seed(3, 0), 100)
    b = simulate_block(two(60_000), block_seed(3, 0), 100)
    assert np.array_equal(a.enrolled[:, 1], b.enrolled[:, 1])
    assert not np.array_equal(a.enrolled[:, 0], b.enrolled[:, 0])


def test_draw_floor_counts_every_draw_and_times_them() -> None:
    s = scenario([organic(300), organic(30_000, name="Digital")], lapse={"monthly_rate": 0.05})
    log = draw_log(s, 40)
    # Lapse (active, no reactivation) and two channels, each once a day and replication.
    assert log.counts["binomial"] + log.counts.get("normal_binomial", 0) == 184 * 40
    assert log.counts["poisson"] + log.counts["normal_poisson"] == 2 * 184 * 40
    assert draw_floor(log).seconds > 0


def test_split_draws_whole_rows_through_views_and_approximates_only_rows_that_need_it():
    small = np.array([[True, True, True], [False, False, False], [True, False, True], [True, True, True]])
    split = Split.of(small)
    assert [r for r, _ in split.exact] == [0, 2, 3]
    assert split.exact[0][1] is WHOLE and split.exact[2][1] is WHOLE
    assert np.array_equal(split.exact[1][1], [True, False, True])
    assert split.counts.tolist() == [3, 0, 2, 3]
    assert split.approximated == slice(1, 3)  # a run of rows: a view
    assert Split.of(small[[0, 1, 3, 2]]).approximated.tolist() == [1, 3]
    assert Split.of(small[[0, 3]]).approximated is None
    assert Split.of(~small[[0]]).approximated is WHOLE and Split.of(~small[[0]]).exact == []
    every = Split.all_exact(2, 5)
    assert every.exact == [(0, WHOLE), (1, WHOLE)] and every.approximated is None and every.small is None


def _alone(seed: int, reps: int) -> Stream:
    return Stream((np.random.default_rng(seed),), (slice(0, reps),), reps)


def test_a_day_of_draws_is_each_rows_own_exact_draws_and_the_approximation_of_the_rest():
    # Row by row from its own stream, whatever the other rows hold: as if each row were drawn alone.
    n = np.array([[10, 20, 30], [100_000, 100_000, 100_000], [5, 100_000, 0], [40, 40, 40]])
    p = np.full(n.shape, 0.01)
    z = np.random.default_rng(1).standard_normal(n.shape).astype(np.float32)
    got = Draws(False).binomial(0, n, p, z, ExactRows([_alone(r, 3) for r in range(4)]))
    for r in range(4):
        alone = Draws(False).binomial(0, n[r : r + 1], p[r : r + 1], z[r : r + 1], ExactRows([_alone(r, 3)]))
        assert np.array_equal(got[r], alone[0])
    assert np.array_equal(got[1], normal_binomial(n[1], p[1], z[1]))
    assert got[2, 2] == 0 and abs(got[2, 1] - 1000) < 6 * math.sqrt(990)
    exact_rng = np.random.default_rng(0)
    assert np.array_equal(got[0], exact_rng.binomial(n[0], p[0]))
