"""The spread of each row of figures over replications: mean, sd and percentiles, exactly as NumPy gives them.

``monthly.csv`` describes every recorded series at every record date: national-2026 has 9,072
such rows of 1,000 replications. ``np.percentile(values, q, axis=1)`` copies the rows and selects
the order statistics of each through a strided view, one ``kth`` after another; :func:`percentiles`
sorts each contiguous row once instead (counts as int32 when they fit, which sorts more than twice
as fast as int64) and interpolates the order statistics with NumPy's own formula for its default
``linear`` method (``numpy/lib/_function_base_impl.py``, ``_quantile``, ``_get_indexes`` and
``_lerp``; Hyndman and Fan's definition 7):

* virtual index ``v = (n - 1) * q`` with ``q = percent / 100``; ``i = floor(v)``, ``g = v - i``;
  when ``v >= n - 1`` both neighbours are the last value and ``g = v + 1`` (NumPy's index -1);
* with ``a``, ``b`` the ``i``-th and ``i + 1``-th smallest values (in the input's dtype) and
  ``d = b - a``, the percentile is ``a + d * g``, or ``b - d * (1 - g)`` where ``g >= 0.5``.

Equal values are interchangeable, so the sorted row gives the same neighbours as NumPy's
partition, and the same arithmetic on them gives the same figures, bit for bit. The exceptions are
values that compare equal without being the same (0.0 and -0.0), and NaN, whose rows NumPy answers
apart; rows with either go to ``np.percentile`` itself.

:func:`spread` adds the mean and sd, computed exactly as ``values.astype(float64).mean(axis=1)``
and ``.std(axis=1, ddof=1)`` compute them (the same pairwise sums of the same float64 rows), but
in one buffer instead of four temporaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

INT32 = np.iinfo(np.int32)


def percentiles(values: Array, percents: Sequence[float]) -> Array:
    """``np.percentile(values, percents, axis=1)`` of a 2-D array: (len(percents), rows), bit for bit."""
    a = np.asarray(values)
    q = np.true_divide(np.asarray(percents, dtype=np.float64), 100)
    if a.ndim != 2 or a.shape[1] == 0 or a.dtype.kind not in "iuf" or not ((q >= 0) & (q <= 1)).all():
        return np.asarray(np.percentile(a, percents, axis=1))
    ordered = np.sort(_narrowed(a), axis=1)
    if a.dtype.kind == "f" and (np.isnan(ordered[:, -1]).any() or _has_negative_zero(ordered)):
        return np.asarray(np.percentile(a, percents, axis=1))
    n = a.shape[1]
    virtual = (n - 1) * q
    below = np.floor(virtual)
    above = below + 1
    last = virtual >= n - 1
    below[last] = above[last] = -1
    lower, upper = below.astype(np.intp), above.astype(np.intp)
    gamma = (virtual - lower)[:, None]
    low = ordered[:, lower].T.astype(a.dtype)
    high = ordered[:, upper].T.astype(a.dtype)
    diff = high - low
    out: Array = np.add(low, diff * gamma)
    np.subtract(high, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe", dtype=out.dtype)
    return out


def _narrowed(a: Array) -> Array:
    """``a`` as int32 when it is a wider integer array whose values fit: the same order, sorted faster."""
    if a.dtype.kind not in "iu" or a.dtype.itemsize <= 4:
        return a
    if a.size and (int(a.min()) < INT32.min or int(a.max()) > INT32.max):
        return a
    return a.astype(np.int32)


def _has_negative_zero(ordered: Array) -> bool:
    """Whether any row holds -0.0 (it sorts among the 0.0s in no fixed place)."""
    zeros = ordered == 0
    return bool(zeros.any() and np.signbit(ordered[zeros]).any())


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
