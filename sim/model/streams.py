"""Named random streams, so that adding a channel does not shift anyone else's draws.

Every block of replications has its own :class:`numpy.random.SeedSequence`, spawned from the
scenario's seed by block index. Within a block, each decision point (a channel's parameters, its
daily flow, a group's lapse) draws from a child keyed by a stable hash of its name. Two scenarios
that share a channel name therefore give that channel the same random numbers: common random
numbers across variants, whatever else differs.

Several blocks may run side by side in one lock-step pass, their replications as adjacent runs
of columns (:class:`Stream`): every draw is then made block by block, each block's columns from
that block's own stream, with the same calls a block run alone would make. A block's outcome is
therefore the same whichever blocks it ran beside.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]
Float32Array = np.ndarray[Any, np.dtype[np.float32]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
Draw = Callable[[np.random.Generator, int], Array]


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed of block ``block``: the ``block``-th child of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed, spawn_key=(block,))


@cache
def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "little")


def generator(block: np.random.SeedSequence, name: str) -> np.random.Generator:
    """The generator of decision point ``name`` in this block."""
    child = np.random.SeedSequence(block.entropy, spawn_key=(*block.spawn_key, _key(name)))
    return np.random.Generator(np.random.PCG64(child))


@dataclass(frozen=True)
class Blocks:
    """The blocks of one lock-step pass: each one's seed and its replications, side by side as columns."""

    seeds: tuple[np.random.SeedSequence, ...]
    widths: tuple[int, ...]

    @classmethod
    def one(cls, seed: np.random.SeedSequence, reps: int) -> Blocks:
        return cls((seed,), (reps,))

    @property
    def reps(self) -> int:
        return sum(self.widths)

    @cached_property
    def columns(self) -> tuple[slice, ...]:
        """Each block's columns."""
        ends = np.cumsum(self.widths).tolist()
        return tuple(slice(end - w, end) for w, end in zip(self.widths, ends, strict=True))


@dataclass(frozen=True)
class Stream:
    """The stream named ``name`` in every block of a pass; each block's columns drawn from its own.

    Parameters and results are arrays with one column per replication (last axis).
    """

    generators: tuple[np.random.Generator, ...]
    columns: tuple[slice, ...]
    reps: int

    @property
    def alone(self) -> np.random.Generator | None:
        """The generator of a stream of one block (every column), else None."""
        return self.generators[0] if len(self.generators) == 1 else None

    @property
    def parts(self) -> tuple[tuple[np.random.Generator, slice], ...]:
        """Each block's generator and its columns."""
        return tuple(zip(self.generators, self.columns, strict=True))

    def sample(self, draw: Draw) -> Array:
        """``draw(generator, n)`` of each block, for its ``n`` replications, side by side."""
        if len(self.generators) == 1:
            return draw(self.generators[0], self.reps)
        return np.concatenate([draw(g, c.stop - c.start) for g, c in zip(self.generators, self.columns, strict=True)])

    def binomial(self, n: Array, p: Array) -> Array:
        """Binomial(n, p) elementwise, each block's columns from its generator."""
        out = np.empty(np.shape(n), dtype=np.int64)
        self.exact(np.random.Generator.binomial, out, slice(None), n, p)
        return out

    def exact(self, method: Callable[..., Array], out: Array, where: slice | BoolArray, *params: Array) -> None:
        """``out[where] = method(generator, *params[where])``, block by block (1-D ``out`` and ``params``).

        ``where`` is every column (a slice) or a mask; a block with no column in it draws nothing.
        """
        if len(self.generators) == 1:
            if isinstance(where, slice):
                out[...] = method(self.generators[0], *params)
            else:
                out[where] = method(self.generators[0], *(p[where] for p in params))
            return
        for g, cols in zip(self.generators, self.columns, strict=True):
            if isinstance(where, slice):
                out[cols] = method(g, *(p[cols] for p in params))
                continue
            mask = where[cols]
            if mask.any():
                part = out[cols]  # a view: assigning into it fills ``out``
                part[mask] = method(g, *(p[cols][mask] for p in params))

    def standard_normal(self, out: Float32Array) -> None:
        """Fill ``out`` (…, reps) with single-precision standard normal deviates, block by block.

        A block fills its part in the order it would fill its own ``(…, width)`` array alone.
        """
        if len(self.generators) == 1:
            self.generators[0].standard_normal(dtype=np.float32, out=out)
            return
        for g, cols in zip(self.generators, self.columns, strict=True):
            out[..., cols] = g.standard_normal((*out.shape[:-1], cols.stop - cols.start), dtype=np.float32)


def stream(blocks: Blocks, name: str) -> Stream:
    """The stream of decision point ``name`` in every block of ``blocks``."""
    return Stream(tuple(generator(s, name) for s in blocks.seeds), blocks.columns, blocks.reps)
