"""The compiled draw kernel: the NumPy path's draws, bit for bit, in one call for every row."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.model.draws as draws_module
from conftest import SCENARIOS
from sim.experiment.blocks import Request, passes
from sim.model.block import simulate_blocks
from sim.model.draws import (
    APPROXIMATE_FROM,
    CHUNK_DAYS,
    Deviates,
    Draws,
    ExactRows,
    exact_part,
    normal_binomial,
    normal_poisson,
)
from sim.model.streams import Blocks, block_seed, stream
from sim.scenario.loader import load_scenario

kernel = pytest.importorskip("sim.model._exact", reason="the kernel was not compiled (no C compiler at install)")

Parts = list[tuple[int, int, int, np.random.Generator]]


def _generators(seed: int, count: int) -> list[np.random.Generator]:
    return [np.random.Generator(np.random.PCG64([seed, k])) for k in range(count)]


def _parts(gens: list[np.random.Generator], reps: int) -> Parts:
    """Rows 0-5 one generator each; rows 6-10 two blocks side by side (columns 0-24 and 25 on).

    Row 11 shares row 3's generator, as a group's reactivation shares its lapse stream.
    """
    one = [(r, 0, reps, gens[r]) for r in range(6)]
    halves = [(0, 25), (25, reps)]
    two = [(r, a, b, gens[6 + 2 * (r - 6) + k]) for r in range(6, 11) for k, (a, b) in enumerate(halves)]
    return [*one, *two, (11, 0, reps, gens[3])]


def _parameters(rows: int, reps: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n, p and lam over every branch of NumPy's samplers (inversion, BTPE, p above ½, 0 and 1)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 5_000, (rows, reps)) * (rng.uniform(size=(rows, reps)) < 0.9)
    chances = [0.0, 1.0, 1e-4, 0.003, 0.05, 0.3, 0.5, 0.7, 0.999]
    p = np.clip(rng.choice(chances, (rows, reps)) * rng.uniform(0.5, 1, (rows, reps)), 0, 1)
    lam = rng.choice([0.0, 0.2, 3.0, 9.5, 40.0, 2_000.0], (rows, reps)) * rng.uniform(0.5, 1, (rows, reps))
    return n, p, lam


def _numpy(method: str, parts: Parts, out: np.ndarray, where: np.ndarray, *params: np.ndarray) -> np.ndarray:
    """What the kernel replaces: one NumPy call per part, on its columns ``where`` holds, in order."""
    for r, a, b, g in parts:
        cols = np.zeros(out.shape[1], dtype=bool)
        cols[a:b] = where[r, a:b]
        out[r, cols] = getattr(g, method)(*(q[r, cols] for q in params))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_draws_are_what_numpys_methods_draw_bit_for_bit(seed: int) -> None:
    n, p, lam = _parameters(12, 40, seed)
    every = np.ones(n.shape, dtype=bool)
    mine, theirs = _generators(seed, 18), _generators(seed, 18)
    table = kernel.Rows(_parts(mine, 40))
    got = np.full(n.shape, -1)
    kernel.binomial_day(table, n, p, None, got, APPROXIMATE_FROM)  # no deviates: every draw exact
    assert np.array_equal(got, _numpy("binomial", _parts(theirs, 40), np.full(n.shape, -1), every, n, p))
    assert (got >= 0).all()
    kernel.poisson_day(table, lam, None, got, APPROXIMATE_FROM)
    assert np.array_equal(got, _numpy("poisson", _parts(theirs, 40), np.full(n.shape, -1), every, lam))
    assert [g.bit_generator.state for g in mine] == [g.bit_generator.state for g in theirs]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_days_draws_are_the_numpy_paths_bit_for_bit(seed: int) -> None:
    # Exact where the variance is small, each row through NumPy's method; the normal
    # approximation (normal_binomial, normal_poisson) elsewhere.
    n, p, lam = _parameters(12, 40, seed)
    z = np.random.default_rng(seed).standard_normal(n.shape, dtype=np.float32)
    small_b, small_p = exact_part(n * p * (1.0 - p)), exact_part(lam)
    assert 0 < small_b.mean() < 1 and 0 < small_p.mean() < 1  # both ways taken
    mine, theirs = _generators(seed, 18), _generators(seed, 18)
    table = kernel.Rows(_parts(mine, 40))
    got = np.full(n.shape, -1)
    kernel.binomial_day(table, n, p, z, got, APPROXIMATE_FROM)
    assert np.array_equal(got, _numpy("binomial", _parts(theirs, 40), normal_binomial(n, p, z), small_b, n, p))
    kernel.poisson_day(table, lam, z, got, APPROXIMATE_FROM)
    assert np.array_equal(got, _numpy("poisson", _parts(theirs, 40), normal_poisson(lam, z), small_p, lam))
    assert [g.bit_generator.state for g in mine] == [g.bit_generator.state for g in theirs]


@pytest.mark.parametrize(
    ("n", "p", "message"),
    [(-1, 0.5, "n = -1"), (10, 1.5, "p = 1.5"), (10, -0.1, "p = -0.1"), (10, float("nan"), "p = nan")],
)
def test_a_binomial_parameter_numpy_refuses_is_refused(n: int, p: float, message: str) -> None:
    table = kernel.Rows([(0, 0, 2, np.random.default_rng(0))])
    with pytest.raises(ValueError, match=message):  # every draw exact
        kernel.binomial_day(
            table, np.array([[3, n]]), np.array([[0.5, p]]), None, np.empty((1, 2), dtype=np.int64), 2.0
        )
    with pytest.raises(ValueError, match=r"n < 0|p < 0"):
        np.random.default_rng(0).binomial(n, p)


def test_an_exact_draw_of_the_day_numpy_would_refuse_is_refused() -> None:
    # n < 0 and p < 0 give a small positive variance: drawn exactly, and refused as NumPy does.
    table = kernel.Rows([(0, 0, 1, np.random.default_rng(0))])
    z = np.zeros((1, 1), dtype=np.float32)
    with pytest.raises(ValueError, match="n = -10"):
        kernel.binomial_day(table, np.array([[-10]]), np.array([[-0.1]]), z, np.empty((1, 1), dtype=np.int64), 20.0)


@pytest.mark.parametrize("lam", [-1.0, float("nan"), 1e30])
def test_a_poisson_mean_numpy_refuses_is_refused(lam: float) -> None:
    table = kernel.Rows([(0, 0, 1, np.random.default_rng(0))])
    with pytest.raises(ValueError, match="Poisson draw with lam"):
        kernel.poisson_day(table, np.array([[lam]]), None, np.empty((1, 1), dtype=np.int64), 20.0)
    with pytest.raises(ValueError, match="lam"):
        np.random.default_rng(0).poisson(lam)


@settings(max_examples=40, deadline=None)
@given(
    widths=st.lists(st.integers(1, 9), min_size=1, max_size=3),
    rows=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    exact=st.booleans(),
)
@pytest.mark.property
def test_draws_are_the_same_with_the_kernel_and_without(widths: list[int], rows: int, seed: int, exact: bool) -> None:
    # Draws as the model makes them: blocks side by side, some draws exact and some approximated.
    blocks = Blocks(tuple(block_seed(seed, b) for b in range(len(widths))), tuple(widths))
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 400, (rows, blocks.reps))
    p = rng.uniform(0, 0.3, (rows, blocks.reps))
    z = rng.standard_normal((rows, blocks.reps)).astype(np.float32)

    def day(compiled: bool) -> tuple[np.ndarray, np.ndarray]:
        draws_module.COMPILED = compiled
        exact_rows = ExactRows([stream(blocks, f"row {r}") for r in range(rows)])
        draws = Draws(exact)
        return draws.binomial(0, n, p, z, exact_rows), draws.poisson(0, p * n, z, exact_rows)

    try:
        with_kernel, without = day(True), day(False)
    finally:
        draws_module.COMPILED = True
    assert all(np.array_equal(a, b) for a, b in zip(with_kernel, without, strict=True))


@pytest.mark.parametrize("slots", [1, 2])
def test_a_chunk_of_deviates_is_what_each_generator_draws_alone_bit_for_bit(slots: int) -> None:
    # A row of one part fills its days in one run; a row of blocks side by side fills each block's
    # (days, slots, width) as that block's generator alone would, then puts it in its columns.
    mine, theirs = _generators(7, 18), _generators(7, 18)
    parts = _parts(mine, 40)
    chunk = np.full((12, 5, slots, 40), np.nan, dtype=np.float32)
    kernel.normals_chunk(kernel.Rows(parts), chunk, 4)
    expected = np.full_like(chunk, np.nan)
    for r, a, b, g in _parts(theirs, 40):
        expected[r, :4, :, a:b] = g.standard_normal((4, slots, b - a), dtype=np.float32)
    # Row 11 shares row 3's generator and draws after it, as a group's reactivation after its lapse.
    assert np.array_equal(chunk, expected, equal_nan=True)
    assert np.isnan(chunk[:, 4:]).all() and not np.isnan(chunk[:, :4]).any()
    assert [g.bit_generator.state for g in mine] == [g.bit_generator.state for g in theirs]
    with pytest.raises(ValueError, match=r"days must be in \[0, 5\], got 6"):
        kernel.normals_chunk(kernel.Rows(parts), chunk, 6)


@settings(max_examples=25, deadline=None)
@given(
    widths=st.lists(st.integers(1, 9), min_size=1, max_size=3),
    rows=st.integers(1, 4),
    slots=st.integers(1, 2),
    days=st.integers(1, 2 * CHUNK_DAYS + 3),
    seed=st.integers(0, 2**32 - 1),
)
@pytest.mark.property
def test_deviates_are_the_same_with_the_kernel_and_without(
    widths: list[int], rows: int, slots: int, days: int, seed: int
) -> None:
    blocks = Blocks(tuple(block_seed(seed, b) for b in range(len(widths))), tuple(widths))

    def every_day(compiled: bool) -> np.ndarray:
        draws_module.COMPILED = compiled
        deviates = Deviates([stream(blocks, f"row {r}:normal") for r in range(rows)], slots, blocks.reps, days)
        assert (deviates.table is not None) == compiled
        return np.stack([deviates.on(d).copy() for d in range(days)])

    try:
        with_kernel, without = every_day(True), every_day(False)
    finally:
        draws_module.COMPILED = True
    assert with_kernel.shape == (days, rows, slots, blocks.reps)
    assert np.array_equal(with_kernel, without)


def test_a_scenario_runs_to_the_same_outcome_with_the_kernel_and_without(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, 300, 5, block_size=100)  # three blocks side by side in one pass

    def outcomes() -> list:
        return [o for run in passes(request) for o in simulate_blocks(s, run)]

    fast = outcomes()
    monkeypatch.setattr(draws_module, "COMPILED", False)
    slow = outcomes()
    assert len(fast) == len(slow) == 3
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a.enrolled, b.enrolled) and np.array_equal(a.lapsed, b.lapsed)
        assert np.array_equal(a.active, b.active) and np.array_equal(a.reactivated, b.reactivated)


def test_a_numpy_without_the_functions_makes_the_import_fail_so_draws_fall_back() -> None:
    # draws.py catches ImportError alone: any failure to find NumPy's functions must be one.
    with pytest.raises(ImportError, match="random_no_such_law cannot be found"):
        kernel._function("random_no_such_law")
