"""A day's random draws for every group or channel at once, exact or normal-approximated.

One call per kind of draw per day: the lapse of every region × segment is one binomial, their
reactivation another, every Poisson channel's recruits (organic, agent network) one Poisson and
every loan-linked channel's one binomial.

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
would let a change in one row reshuffle the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
Float32Array = np.ndarray[Any, np.dtype[np.float32]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
Deviate = FloatArray | Float32Array
Rng = np.random.Generator

APPROXIMATE_FROM = 20.0  # variance from which a draw is normal-approximated
CHUNK_DAYS = 16  # days of normal deviates a stream draws at a time


def normal_binomial(n: IntArray, p: FloatArray, z: FloatArray | Float32Array) -> IntArray:
    """Binomial(n, p) approximated: ``round(np + s·z)`` clipped to [0, n], ``s² = np(1−p) − 1/12``."""
    mean = n * p
    x = np.sqrt(np.maximum(mean * (1.0 - p) - 1.0 / 12.0, 0.0))
    x *= z
    x += mean + 0.5
    np.floor(x, out=x)
    np.maximum(x, 0.0, out=x)
    np.minimum(x, n, out=x)
    drawn: IntArray = x.astype(np.int64)
    return drawn


def normal_poisson(lam: FloatArray, z: FloatArray | Float32Array) -> IntArray:
    """Poisson(λ) approximated: ``round(λ + s·z)``, at least 0, with ``s² = λ − 1/12``."""
    x = np.sqrt(np.maximum(lam - 1.0 / 12.0, 0.0))
    x *= z
    x += lam + 0.5
    np.floor(x, out=x)
    np.maximum(x, 0.0, out=x)
    drawn: IntArray = x.astype(np.int64)
    return drawn


def approximated(variance: FloatArray, exact: bool) -> BoolArray:
    """Which draws the normal approximation takes: variance at least :data:`APPROXIMATE_FROM`."""
    if exact:
        return np.zeros(variance.shape, dtype=np.bool_)
    large: BoolArray = variance >= APPROXIMATE_FROM
    return large


class Deviates:
    """Standard normal deviates from named streams, one row per stream, a chunk of days at a time.

    Single precision: twice as fast to draw, and ample for a deviate that is scaled and rounded.
    """

    def __init__(
        self, streams: Sequence[np.random.Generator], slots: int, reps: int, days: int, log: DrawLog | None = None
    ) -> None:
        self.streams, self.slots, self.reps, self.days, self.log = list(streams), slots, reps, days, log
        self.first = 0
        self.chunk: Float32Array = np.empty((0, len(self.streams), slots, reps), dtype=np.float32)

    def on(self, day: int) -> Float32Array:
        """The deviates of ``day``, shaped (streams, slots, reps); days are asked for in order."""
        if day >= self.first + len(self.chunk):
            self.first = day
            n = min(CHUNK_DAYS, self.days - day)
            self.chunk = np.stack(
                [rng.standard_normal((n, self.slots, self.reps), dtype=np.float32) for rng in self.streams], axis=1
            )
            if self.log is not None:
                self.log.counts["standard_normal"] = self.log.counts.get("standard_normal", 0) + self.chunk.size
        today: Float32Array = self.chunk[day - self.first]
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


class Draws:
    """The day's binomial and Poisson draws of one block: approximated where large, else exact.

    Every call covers one kind of draw for every row (group or channel) at once. The exact part
    is drawn row by row, each row from its own stream, so that rows never share a stream.
    """

    def __init__(self, exact: bool, log: DrawLog | None = None) -> None:
        self.exact, self.log = exact, log

    def binomial(self, day: int, n: IntArray, p: FloatArray, z: Deviate | None, rngs: Sequence[Rng]) -> IntArray:
        """Binomial(n, p) elementwise, row ``r`` exact from ``rngs[r]``, the large ones from ``z``."""
        if self.exact or z is None:
            out, small = np.zeros(n.shape, dtype=np.int64), None
        else:
            variance = n * p * (1.0 - p)
            out, small = normal_binomial(n, p, z), (variance > 0) & ~approximated(variance, False)
            if self.log is not None:
                self.log.add("normal_binomial", day, n[~small], p[~small], z[~small])
        for r, cols in _exact_rows(small, len(rngs)):
            out[r, cols] = rngs[r].binomial(n[r, cols], p[r, cols])
        if self.log is not None:
            exact = np.ones(n.shape, dtype=np.bool_) if small is None else small
            self.log.add("binomial", day, n[exact], p[exact])
        return out

    def poisson(self, day: int, lam: FloatArray, z: Deviate | None, rngs: Sequence[Rng]) -> IntArray:
        """Poisson(λ) elementwise, row ``r`` exact from ``rngs[r]``, the large ones from ``z``."""
        if self.exact or z is None:
            out, small = np.zeros(lam.shape, dtype=np.int64), None
        else:
            out, small = normal_poisson(lam, z), (lam > 0) & ~approximated(lam, False)
            if self.log is not None:
                self.log.add("normal_poisson", day, lam[~small], z[~small])
        for r, cols in _exact_rows(small, len(rngs)):
            out[r, cols] = rngs[r].poisson(lam[r, cols])
        if self.log is not None:
            exact = np.ones(lam.shape, dtype=np.bool_) if small is None else small
            self.log.add("poisson", day, lam[exact])
        return out


def _exact_rows(small: BoolArray | None, rows: int) -> list[tuple[int, Any]]:
    """Rows with exact draws, and which of their columns (a whole row as a slice)."""
    if small is None:
        return [(r, slice(None)) for r in range(rows)]
    out: list[tuple[int, Any]] = []
    for r in np.flatnonzero(small.any(axis=1)):
        row = small[r]
        out.append((int(r), slice(None) if row.all() else row))
    return out
