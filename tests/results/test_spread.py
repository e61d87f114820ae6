"""Each row's spread is NumPy's, bit for bit: ``percentiles`` as ``np.percentile``, ``spread`` as mean and std.

The rows are random counts and shares of every size that changes which order statistics are read
(1, 2, odd and even, with the top index reached), with many ties, negative values, int64 counts
too wide for int32, and the rows NumPy answers apart (NaN, -0.0). Figures are compared as bits,
so that -0.0 and 0.0, or two NaNs, are told apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.results.projections import QUANTILES
from sim.results.spread import percentiles, spread

Array = np.ndarray[Any, Any]
SIZES = (1, 2, 3, 4, 5, 10, 19, 20, 21, 100, 101, 1000, 1001, 10_000)


def same_bits(got: Array, want: Array) -> bool:
    return got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()


def rows_of(kind: str, rng: np.random.Generator, shape: tuple[int, int]) -> Array:
    if kind == "ties":
        return rng.integers(0, 4, size=shape).astype(np.int32)
    if kind == "bali":  # counts of one size with spans of a few hundred to thousands: mostly counted
        return rng.integers(900_000, 900_000 + rng.integers(1, 30_000), size=shape, dtype=np.int64)
    if kind == "counts":
        return rng.integers(0, 40_000_000, size=shape).astype(np.int32)
    if kind == "totals":  # int64 that fits int32: sorted narrowed
        return rng.integers(0, 2**31 - 1, size=shape, dtype=np.int64)
    if kind == "spans":  # rows of counts spanning from 1 to 10**6 values: counted and sorted alike
        spans = 10 ** rng.integers(0, 7, size=(shape[0], 1))
        return (rng.integers(0, 2**40, size=(shape[0], 1)) + rng.integers(0, spans, size=shape)).astype(np.int64)
    if kind == "wide":
        return rng.integers(-(2**40), 2**40, size=shape, dtype=np.int64)
    if kind == "negative":
        return rng.integers(-5, 5, size=shape).astype(np.int16)
    if kind == "unsigned":
        return rng.integers(0, 2**63, size=shape, dtype=np.uint64)
    if kind == "shares":
        return rng.integers(0, 50, size=shape) / 37.0
    assert kind == "normal"
    return np.round(rng.normal(size=shape), 1).astype(np.float32 if shape[1] % 2 else np.float64)


KINDS = ("ties", "bali", "spans", "counts", "totals", "wide", "negative", "unsigned", "shares", "normal")


@pytest.mark.parametrize("kind", KINDS)
def test_percentiles_are_numpys_bit_for_bit(kind: str) -> None:
    rng = np.random.default_rng(len(kind))
    for n in SIZES:
        values = rows_of(kind, rng, (7, n))
        for q in (QUANTILES, (0, 100, 50), tuple(rng.uniform(0, 100, size=6))):
            assert same_bits(percentiles(values, q), np.percentile(values, q, axis=1)), (kind, n, q)


def test_rows_with_nan_or_negative_zero_are_numpys_too() -> None:
    rng = np.random.default_rng(3)
    for n in SIZES:
        values = rng.integers(-2, 3, size=(6, n)) / 2.0
        values[0, 0] = np.nan
        values[1] = -values[1]  # its zeros are -0.0, among 0.0s of other rows
        values[2, -1] = np.inf
        values[3, 0] = -np.inf
        with np.errstate(invalid="ignore"):
            assert same_bits(percentiles(values, QUANTILES), np.percentile(values, QUANTILES, axis=1)), n


def test_percentiles_leave_their_input_as_it_was() -> None:
    values = np.random.default_rng(4).integers(0, 9, size=(3, 50))
    kept = values.copy()
    percentiles(values, QUANTILES)
    assert np.array_equal(values, kept)


def test_out_of_range_percents_are_refused_as_numpy_refuses_them() -> None:
    with pytest.raises(ValueError, match="range"):
        percentiles(np.ones((2, 3)), (5, 101))


@pytest.mark.parametrize("kind", ["ties", "bali", "counts", "totals", "shares", "normal"])
def test_spread_is_mean_std_and_percentiles_of_each_row_bit_for_bit(kind: str) -> None:
    rng = np.random.default_rng(7)
    for n in SIZES:
        values = rows_of(kind, rng, (5, n))[:, ::-1]  # strided, as a group's series can be
        v = np.asarray(values, dtype=np.float64)
        got = spread(values, QUANTILES)
        assert list(got) == ["mean", "sd", "p05", "p25", "p50", "p75", "p95"]
        assert same_bits(got["mean"], v.mean(axis=1))
        assert same_bits(got["sd"], v.std(axis=1, ddof=1) if n > 1 else np.zeros(5))
        q = np.percentile(values if values.dtype.kind in "iu" else v, QUANTILES, axis=1)
        for i, p in enumerate(QUANTILES):
            assert same_bits(got[f"p{p:02d}"], q[i]), (kind, n, p)
