"""The spread of each row of figures over replications: mean, sd and percentiles, exactly as NumPy gives them.

``monthly.csv`` describes every recorded series at every record date: national-2026 has 9,072
such rows of 1,000 replications. ``np.percentile(values, q, axis=1)`` copies the rows and selects
the order statistics of each through a strided view, one ``kth`` after another; :func:`percentiles`
sorts each contiguous row once instead, or counts its values when they span few
(:func:`order_statistics`), and interpolates the order statistics with NumPy's own formula for its
default ``linear`` method (``numpy/lib/_function_base_impl.py``, ``_quantile``, ``_get_indexes`` and
``_lerp``; Hyndman and Fan's definition 7):

* virtual index ``v = (n - 1) * q`` with ``q = percent / 100``; ``i = floor(v)``, ``g = v - i``;
  when ``v >= n - 1`` both neighbours are the last value and ``g = v + 1`` (NumPy's index -1);
* with ``a``, ``b`` the ``i``-th and ``i + 1``-th smallest values (in the input's dtype) and
  ``d = b - a``, the percentile is ``a + d * g``, or ``b - d * (1 - g)`` where ``g >= 0.5``.

Equal values are interchangeable, so the sorted or counted row gives the same neighbours as NumPy's
partition, and the same arithmetic on them gives the same figures, bit for bit. The exceptions are
values that compare equal without being the same (0.0 and -0.0), and NaN, whose rows NumPy answers
apart; an array holding either goes to ``np.percentile`` itself.

:func:`spread` adds the mean and sd, computed exactly as ``values.astype(float64).mean(axis=1)``
and ``.std(axis=1, ddof=1)`` compute them (the same pairwise sums of the same float64 rows), but
in one buffer instead of four temporaries.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

INT32 = np.iinfo(np.int32)

# Sorting a row of n costs about n·log2(n) / SORT_PER_COUNT times what counting one value or
# bin costs (measured on the team's 2-core AMD EPYC: bali-2025's rows of 10,000 counts, 18 ms
# sorted, 7 ms mostly counted; national-2026's of 1,000 gain nothing from counting).
SORT_PER_COUNT = 4


def percentiles(values: Array, percents: Sequence[float]) -> Array:
    """``np.percentile(values, percents, axis=1)`` of a 2-D array: (len(percents), rows), bit for bit."""
    a = np.asarray(values)
    q = np.true_divide(np.asarray(percents, dtype=np.float64), 100)
    if a.ndim != 2 or a.shape[1] == 0 or a.dtype.kind not in "iuf" or not ((q >= 0) & (q <= 1)).all():
        return np.asarray(np.percentile(a, percents, axis=1))
    if a.dtype.kind == "f" and (np.isnan(a).any() or _has_negative_zero(a)):
        return np.asarray(np.percentile(a, percents, axis=1))
    ranks, low_at, high_at, gamma = _neighbours(a.shape[1], tuple(percents))
    ordered = order_statistics(a, ranks).T.astype(a.dtype)
    low, high = ordered[low_at], ordered[high_at]
    diff = high - low
    out: Array = np.add(low, diff * gamma)
    np.subtract(high, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe", dtype=out.dtype)
    return out


@functools.lru_cache(maxsize=64)
def _neighbours(n: int, percents: tuple[float, ...]) -> tuple[Array, Array, Array, Array]:
    """The ranks to read of a row of ``n``, where each percentile's two neighbours are among them, and its ``g``."""
    q = np.true_divide(np.asarray(percents, dtype=np.float64), 100)
    virtual = (n - 1) * q
    below = np.floor(virtual)
    above = below + 1
    last = virtual >= n - 1
    below[last] = above[last] = -1
    gamma = (virtual - below.astype(np.intp))[:, None]
    below[last] = above[last] = n - 1  # the same values as NumPy's -1
    ranks, at = np.unique(np.concatenate([below, above]).astype(np.intp), return_inverse=True)
    kept = (ranks, at[: q.size], at[q.size :], gamma)
    for array in kept:
        array.flags.writeable = False  # shared by every call with these arguments
    return kept


def order_statistics(a: Array, ranks: Array) -> Array:
    """The ``ranks``-th smallest values (0-based) of each row of ``a``: (rows, len(ranks)).

    Rows of whole numbers that span few values (so that counting their values and bins is cheaper
    than sorting them, :data:`SORT_PER_COUNT`) are counted rather than sorted: every row's values,
    shifted to bins of their own, are counted in one ``np.bincount``, and the ``k``-th smallest of
    a row is the first bin whose cumulative count passes ``k``. The rest are sorted, as int32 when
    they fit (more than twice as fast as int64, in the same order).
    """
    rows, n = a.shape
    if a.dtype.kind not in "iu" or a.size == 0:
        return np.sort(a, axis=1)[:, ranks]
    low, high = a.min(axis=1), a.max(axis=1)
    if a.dtype.itemsize > 4 and (int(low.min()) < INT32.min or int(high.max()) > INT32.max):
        return np.sort(a, axis=1)[:, ranks]  # too wide to count or narrow
    narrowed = a.astype(np.int32) if a.dtype.itemsize > 4 else a
    out = np.empty((rows, ranks.size), dtype=narrowed.dtype)
    spans = high.astype(np.int64) - low.astype(np.int64) + 1
    counted = spans + n <= n * np.log2(n) / SORT_PER_COUNT if n > 1 else np.ones(rows, dtype=bool)
    if counted.any():
        out[counted] = _counted(narrowed[counted], low[counted].astype(np.int64), spans[counted], ranks)
    if not counted.all():
        out[~counted] = np.sort(narrowed[~counted], axis=1)[:, ranks]
    return out


def _counted(a: Array, low: Array, spans: Array, ranks: Array) -> Array:
    """:func:`order_statistics` of rows of whole numbers from ``low`` to ``low + spans - 1``, by counting."""
    rows, n = a.shape
    offsets = np.cumsum(spans) - spans  # each row's first bin
    counts = np.bincount((a - (low - offsets)[:, None]).ravel(), minlength=int(spans.sum()))
    passed = np.cumsum(counts)  # values up to each bin, over every row so far
    bins = np.searchsorted(passed, np.arange(rows)[:, None] * n + ranks[None, :], side="right")
    values: Array = bins - offsets[:, None] + low[:, None]
    return values


def _has_negative_zero(a: Array) -> bool:
    """Whether ``a`` holds -0.0 (it sorts among the 0.0s in no fixed place)."""
    zeros = a == 0
    return bool(zeros.any() and np.signbit(a[zeros]).any())


def spread(values: Array, percents: Sequence[float]) -> dict[str, Array]:
    """Each row's ``mean``, ``sd`` (ddof 1; 0 for a single replication) and ``p05``-style percentiles.

    The figures of ``v = values.astype(float64)``: ``v.mean(axis=1)``, ``v.std(axis=1, ddof=1)`` and
    ``np.percentile(values, percents, axis=1)``, bit for bit.
    """
    a = np.asarray(values)
    rows, n = a.shape
    buffer = np.empty((rows, n), dtype=np.float64)
    np.copyto(buffer, a, casting="unsafe")
    mean = np.add.reduce(buffer, axis=1) / n
    if n > 1:
        # As NumPy's _var: deviations from the mean, squared, summed, over n - 1; sd its square root.
        np.subtract(buffer, mean[:, None], out=buffer)
        np.multiply(buffer, buffer, out=buffer)
        sd = np.sqrt(np.add.reduce(buffer, axis=1) / (n - 1))
    else:
        sd = np.zeros(rows)
    del buffer
    whole = np.issubdtype(a.dtype, np.integer)
    # Counts are sorted as they are, faster than as floats and to the same figures: whole numbers
    # below 2**53 interpolate exactly alike.
    q = percentiles(a if whole else np.asarray(a, dtype=np.float64), percents)
    return {"mean": mean, "sd": sd, **{f"p{p:02d}": q[i] for i, p in enumerate(percents)}}
