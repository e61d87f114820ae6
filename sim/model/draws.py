"""A day's random draws for every group or channel at once, exact or normal-approximated.

One call per kind of draw per day: the lapse and reactivation of every region × segment are one
binomial, every Poisson channel's recruits (organic, agent network) one Poisson and every
loan-linked channel's one binomial.

**Normal approximation** (the default; ``draws: exact`` in a scenario, or ``--exact``, turns it
off). A binomial or Poisson draw whose variance ``σ²`` is at least :data:`APPROXIMATE_FROM` is
drawn as ``round(μ + s·Z)`` clipped to ``[0, n]``, with ``s² = σ² − 1/12`` (Sheppard's correction:
rounding adds 1/12 back, so mean and variance are those of the exact law, to within e^(−2π²s²)).
What differs is the skewness: ``(1 − 2p)/σ`` for a binomial, ``1/σ`` for a Poisson. The
distribution functions differ by at most ``0.0667/σ`` (the first Edgeworth term, checked
against scipy in the tests), so by at most 0.0149 per draw at the threshold and by
0.0149/√d for a sum of ``d`` days. Smaller draws stay exact.

**Random streams and paired comparisons.** Every group and channel keeps streams of its own,
keyed by its name, so that a region does not depend on the others and two variants pair up.
The normal deviates ``Z`` come from ``lapse:<group>:normal`` (two a day: lapse, then
reactivation) or ``channel:<name>:normal`` (one a day), drawn a chunk of days at a time. A
stream gives one deviate per replication, day and slot whatever the parameters, so a change to
one channel moves no other's deviates. The exact draws (small ones, and all of them with
``--exact``) come from ``lapse:<group>`` and ``channel:<name>`` as before, in one call per row
holding any: NumPy's exact samplers consume a varying number of uniforms, and a shared stream
would let a change in one row reshuffle the others. A row whose draws are all exact skips the
approximation's arithmetic (:class:`Split`).

**A kind's day in one call.** Through NumPy's methods a row's exact draws cost a call of 15-25 µs,
around a few µs of drawing, and a national day has about a hundred such rows. Where the compiled
kernel :mod:`sim.model._exact` is built (at install, with a C compiler), one call makes a kind's
whole day: each exact draw by the C function and bit generator NumPy's method would use, in the
same order, and each approximated one by the arithmetic of :func:`normal_binomial` and
:func:`normal_poisson`, so the draws are bit for bit the same; a chunk of every stream's normal
deviates is one call too. Without it (:data:`COMPILED` is False) the exact rows are drawn through
NumPy's methods one by one, the approximation in arrays, and the deviates stream by stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.channels.base import RandomStream
from sim.model.streams import Stream

try:
    from sim.model._exact import Rows, binomial_day, normals_chunk, poisson_day

    COMPILED = True
except ImportError:  # not compiled (no C compiler at install), or NumPy's C functions not found
    COMPILED = False

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
Float32Array = np.ndarray[Any, np.dtype[np.float32]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
Deviate = FloatArray | Float32Array

APPROXIMATE_FROM = 20.0  # variance from which a draw is normal-approximated
CHUNK_DAYS = 16  # days of normal deviates a stream draws at a time


def normal_binomial(n: IntArray, p: FloatArray, z: FloatArray | Float32Array) -> IntArray:
    """Binomial(n, p) approximated: ``round(np + s·z)`` clipped to [0, n], ``s² = np(1−p) − 1/12``."""
    mean = n * p
    return _rounded(mean, mean * (1.0 - p), z, n)


def normal_poisson(lam: FloatArray, z: FloatArray | Float32Array) -> IntArray:
    """Poisson(λ) approximated: ``round(λ + s·z)``, at least 0, with ``s² = λ − 1/12``."""
    return _rounded(lam, lam, z, None)


def _rounded(mean: FloatArray, variance: FloatArray, z: Deviate, upper: IntArray | None) -> IntArray:
    """``round(mean + s·z)`` with ``s² = variance − 1/12``, clipped to ``[0, upper]``."""
    x = np.sqrt(np.maximum(variance - 1.0 / 12.0, 0.0))
    x *= z
    x += mean + 0.5
    np.floor(x, out=x)
    np.maximum(x, 0.0, out=x)
    if upper is not None:
        np.minimum(x, upper, out=x)
    drawn: IntArray = x.astype(np.int64)
    return drawn


def exact_part(variance: FloatArray) -> BoolArray:
    """Which draws stay exact: variance above 0 and below :data:`APPROXIMATE_FROM`.

    A draw of variance 0 is certain (0, or ``n`` when ``p`` is 1), and the approximation gives it.
    """
    small: BoolArray = (variance > 0) & (variance < APPROXIMATE_FROM)
    return small


WHOLE = slice(None)  # a whole row, indexed as a view rather than a copy


@dataclass(frozen=True)
class Split:
    """A day's draws of one kind, split by row into exact ones and approximated ones.

    ``small`` marks the exact draws (None: all of them) and ``counts`` holds each row's number;
    ``approximated`` says which rows hold any draw left to the approximation: all of them
    (:data:`WHOLE`), a run of them (a slice), some (their indices) or none.
    """

    small: BoolArray | None
    counts: IntArray
    approximated: slice | IntArray | None

    @classmethod
    def of(cls, small: BoolArray) -> Split:
        """The split of ``small``, the draws (rows × replications) that stay exact."""
        counts = np.count_nonzero(small, axis=1)
        return cls(small, counts, _rows(np.flatnonzero(counts != small.shape[1]), len(small)))

    @classmethod
    def all_exact(cls, rows: int, width: int) -> Split:
        """Every draw of ``rows`` rows of ``width`` exact, as in ``draws: exact``."""
        return cls(None, np.full(rows, width, dtype=np.int64), None)

    @property
    def exact(self) -> list[tuple[int, slice | BoolArray]]:
        """The rows holding exact draws, each with its columns: a whole row as :data:`WHOLE` (a view)."""
        rows: list[int] = np.flatnonzero(self.counts).tolist()
        if self.small is None:
            return [(r, WHOLE) for r in rows]
        width = self.small.shape[1]
        return [(r, WHOLE if self.counts[r] == width else self.small[r]) for r in rows]


class Deviates:
    """Standard normal deviates from named streams, one row per stream, a chunk of days at a time.

    Single precision: twice as fast to draw, and ample for a deviate that is scaled and rounded.
    """

    def __init__(self, streams: Sequence[Stream], slots: int, reps: int, days: int, log: DrawLog | None = None) -> None:
        self.streams, self.slots, self.reps, self.days, self.log = list(streams), slots, reps, days, log
        self.first, self.held = 0, 0
        # Streams first, so that each stream fills its own contiguous part in place.
        self.chunk: Float32Array = np.empty((len(self.streams), CHUNK_DAYS, slots, reps), dtype=np.float32)
        # With the kernel, a chunk of every stream is one call (national-2026: 270 calls before).
        self.table = ExactRows(self.streams).table

    def on(self, day: int) -> Float32Array:
        """The deviates of ``day``, shaped (streams, slots, reps); days are asked for in order."""
        if day >= self.first + self.held:
            self.first, self.held = day, min(CHUNK_DAYS, self.days - day)
            if self.table is not None:
                normals_chunk(self.table, self.chunk, self.held)
            else:
                for named, part in zip(self.streams, self.chunk, strict=True):
                    named.standard_normal(part[: self.held])
            if self.log is not None:
                drawn = len(self.streams) * self.held * self.slots * self.reps
                self.log.counts["standard_normal"] = self.log.counts.get("standard_normal", 0) + drawn
        today: Float32Array = self.chunk[:, day - self.first]
        return today


@dataclass
class DrawLog:
    """What a run drew, for the benchmark's draw floor: counts of every day, parameters of some.

    Days ``d`` with ``d % stride == 0`` keep their parameters (exact and approximated alike), so
    that the floor can be timed on a sample and scaled by the counts.
    """

    stride: int = 1
    counts: dict[str, int] = field(default_factory=dict)
    sampled: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, what: str, day: int, *params: Any) -> None:
        self.counts[what] = self.counts.get(what, 0) + int(np.size(params[0]))
        if day % self.stride == 0:
            self.sampled.setdefault(what, []).append(tuple(np.array(p, copy=True) for p in params))

    def binomial(self, day: int, n: IntArray, p: FloatArray, z: Deviate | None) -> None:
        """A day's binomial draws: exact where small (all of them without ``z``), the rest approximated."""
        if z is None:
            self.add("binomial", day, n.ravel(), p.ravel())
            return
        small = exact_part(n * p * (1.0 - p))
        self.add("normal_binomial", day, n[~small], p[~small], z[~small])
        self.add("binomial", day, n[small], p[small])

    def poisson(self, day: int, lam: FloatArray, z: Deviate | None) -> None:
        """A day's Poisson draws: exact where small (all of them without ``z``), the rest approximated."""
        if z is None:
            self.add("poisson", day, lam.ravel())
            return
        small = exact_part(lam)
        self.add("normal_poisson", day, lam[~small], z[~small])
        self.add("poisson", day, lam[small])


class ExactRows:
    """The streams of a kind of draw's rows: row ``r``'s exact draws come from ``streams[r]``.

    Built once per pass. With the compiled kernel it also holds the kernel's table of every row's
    generators and their columns.
    """

    def __init__(self, streams: Sequence[RandomStream]) -> None:
        self.streams = list(streams)
        parts = [(r, c.start, c.stop, g) for r, s in enumerate(self.streams) for g, c in s.parts]
        self.table = Rows(parts) if COMPILED else None

    def draw(self, split: Split, out: IntArray, kind: str, *params: Any) -> None:
        """``out``'s exact draws (``split.small``) of ``kind`` through NumPy's method, row by row from its stream."""
        method = getattr(np.random.Generator, kind)
        for r, cols in split.exact:
            alone = self.streams[r].alone  # a block alone: one call, as cheap as NumPy allows
            if alone is not None:
                out[r, cols] = method(alone, *(q[r, cols] for q in params))
            else:
                self.streams[r].exact(method, out[r], cols, *(q[r] for q in params))


class Draws:
    """The day's binomial and Poisson draws of a pass of blocks: approximated where large, else exact.

    Every call covers one kind of draw for every row (group or channel) at once. The exact part
    is drawn row by row, each row from its own stream (and in a pass of several blocks, block by
    block), so that rows never share a stream: by the compiled kernel in one call where it is
    built, else through NumPy's methods.
    """

    def __init__(self, exact: bool, log: DrawLog | None = None) -> None:
        self.exact, self.log = exact, log

    def binomial(self, day: int, n: IntArray, p: FloatArray, z: Float32Array | None, rows: ExactRows) -> IntArray:
        """Binomial(n, p) elementwise, row ``r`` exact from ``rows``' stream ``r``, the large ones from ``z``."""
        z = None if self.exact else z
        if self.log is not None:
            self.log.binomial(day, n, p, z)
        if rows.table is not None:
            out = np.empty(n.shape, dtype=np.int64)
            binomial_day(rows.table, n, p, z, out, APPROXIMATE_FROM)
            return out
        if z is None:
            split, out = Split.all_exact(*n.shape), np.empty(n.shape, dtype=np.int64)
        else:
            mean = n * p
            variance = mean * (1.0 - p)
            split = Split.of(exact_part(variance))
            out = _approximate(split.approximated, mean, variance, z, n)
        rows.draw(split, out, "binomial", n, p)
        return out

    def poisson(self, day: int, lam: FloatArray, z: Float32Array | None, rows: ExactRows) -> IntArray:
        """Poisson(λ) elementwise, row ``r`` exact from ``rows``' stream ``r``, the large ones from ``z``."""
        z = None if self.exact else z
        if self.log is not None:
            self.log.poisson(day, lam, z)
        if rows.table is not None:
            out = np.empty(lam.shape, dtype=np.int64)
            poisson_day(rows.table, lam, z, out, APPROXIMATE_FROM)
            return out
        if z is None:
            split, out = Split.all_exact(*lam.shape), np.empty(lam.shape, dtype=np.int64)
        else:
            split = Split.of(exact_part(lam))
            out = _approximate(split.approximated, lam, lam, z, None)
        rows.draw(split, out, "poisson", lam)
        return out


def _rows(rows: IntArray, of: int) -> slice | IntArray | None:
    """``rows`` (ascending) of ``of`` as the cheapest index: all, a run (both views), some, or none."""
    if not len(rows):
        return None
    if len(rows) == of:
        return WHOLE
    first, last = int(rows[0]), int(rows[-1])
    if last - first == len(rows) - 1:
        return slice(first, last + 1)
    return rows


def _approximate(
    rows: slice | IntArray | None, mean: FloatArray, variance: FloatArray, z: Deviate, upper: IntArray | None
) -> IntArray:
    """The approximated draws of ``rows``; the other rows are left for the exact draws to fill."""
    if rows is WHOLE:
        return _rounded(mean, variance, z, upper)
    out = np.empty(mean.shape, dtype=np.int64)
    if rows is not None:
        out[rows] = _rounded(mean[rows], variance[rows], z[rows], None if upper is None else upper[rows])
    return out
