"""Monte Carlo experiments: replications in fixed-size blocks, each with its own spawned seed.

:func:`run_scenario` is the one entry point the CLI, the tests, sweeps and reports all use. A run
of ``n`` replications is cut into blocks of :data:`BLOCK_SIZE`; block ``b`` always draws from
``SeedSequence(seed, spawn_key=(b,))``, so the results are identical whether the blocks run one
after another or on any number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model import BlockOutcome, horizon_of, simulate_block
from sim.pool import interruptible_map
from sim.results import Results
from sim.scenario import Scenario
from sim.streams import block_seed

BLOCK_SIZE = 500
MAX_REPLICATIONS = 10_000_000  # as for a scenario's own ``replications``
MAX_WORKERS = 64  # each worker holds its own numpy and scipy; more would only exhaust memory

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Block:
    """One block of replications: its index (which fixes its seed) and its size."""

    index: int
    reps: int


def plan_blocks(replications: int, block_size: int = BLOCK_SIZE) -> list[Block]:
    """Cut ``replications`` into blocks of ``block_size`` (the last one may be smaller)."""
    if replications <= 0:
        raise ValueError('"replications" must be > 0.')
    full, rest = divmod(replications, block_size)
    return [Block(i, block_size) for i in range(full)] + ([Block(full, rest)] if rest else [])


def run_block(scenario: Scenario, seed: int, block: Block) -> BlockOutcome:
    """Simulate one block; a plain top-level function so that any executor can ship it."""
    return simulate_block(scenario, block_seed(seed, block.index), block.reps)


def default_workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _outcomes(
    scenario: Scenario, seed: int, blocks: list[Block], workers: int, executor: Executor | None
) -> Iterator[BlockOutcome]:
    if executor is not None:
        futures = [executor.submit(run_block, scenario, seed, b) for b in blocks]
        yield from (f.result() for f in futures)
    elif workers <= 1 or len(blocks) <= 1:
        yield from (run_block(scenario, seed, b) for b in blocks)
    else:
        yield from interruptible_map(run_block, [(scenario, seed, b) for b in blocks], min(workers, len(blocks)))


def combine(
    scenario: Scenario, seed: int, outcomes: Iterable[BlockOutcome], progress: Progress | None = None
) -> Results:
    """Join block outcomes, in block order, into one :class:`~sim.results.Results`."""
    parts: list[BlockOutcome] = []
    try:
        for out in outcomes:
            parts.append(out)
            if progress is not None:
                progress(out.at_target.shape[0])
    finally:
        # On an interrupt, a pool behind ``outcomes`` must stop its workers now, not when (or if)
        # the generator is garbage collected.
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()

    def cat(name: str) -> np.ndarray[Any, Any]:
        return np.concatenate([getattr(p, name) for p in parts], axis=-1)

    return Results(
        scenario=scenario,
        seed=seed,
        horizon=horizon_of(scenario),
        active=cat("active"),
        inactive=cat("inactive"),
        enrolled=cat("enrolled"),
        lapsed=cat("lapsed"),
        reactivated=cat("reactivated"),
        at_target=cat("at_target"),
        crossed_on=cat("crossed_on"),
    )


def run_scenario(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run ``scenario`` over Monte Carlo replications and return the projections.

    ``replications`` and ``seed`` default to the scenario's own; ``workers`` > 1 runs blocks in a
    local process pool, and ``executor`` (any :class:`concurrent.futures.Executor`) takes precedence.
    """
    reps = replications if replications is not None else scenario.replications
    root = seed if seed is not None else scenario.seed
    blocks = plan_blocks(reps)
    return combine(scenario, root, _outcomes(scenario, root, blocks, workers, executor), progress)
