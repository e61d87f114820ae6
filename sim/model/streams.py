"""Named random streams, so that adding a channel does not shift anyone else's draws.

Every block of replications has its own :class:`numpy.random.SeedSequence`, spawned from the
scenario's seed by block index. Within a block, each decision point (a channel's parameters, its
daily flow, a group's lapse) draws from a child keyed by a stable hash of its name. Two scenarios
that share a channel name therefore give that channel the same random numbers: common random
numbers across variants, whatever else differs.
"""

from __future__ import annotations

import hashlib

import numpy as np


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed of block ``block``: the ``block``-th child of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed, spawn_key=(block,))


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "little")


def stream(block: np.random.SeedSequence, name: str) -> np.random.Generator:
    """A generator for the decision point ``name`` in this block."""
    child = np.random.SeedSequence(block.entropy, spawn_key=(*block.spawn_key, _key(name)))
    return np.random.Generator(np.random.PCG64(child))
