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
from datetime import date
from typing import Any

import numpy as np

from sim.experiment.executors import batches, make_executor
from sim.model.block import BlockOutcome, horizon_of, simulate_block
from sim.model.streams import block_seed
from sim.results.projections import Results
from sim.scenario.schema import Scenario

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


def run_block(scenario: Scenario, seed: int, block: Block, marks: tuple[date, ...] = ()) -> BlockOutcome:
    """Simulate one block; a plain top-level function so that any executor can ship it."""
    return simulate_block(scenario, block_seed(seed, block.index), block.reps, marks)


def default_workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# A task carries at least this many replications (~0.1 s of work), so that a Dask scheduler's
# ~1.5 ms a task stays about 1% of the run, while 10,000 replications still make 10 tasks to share.
MIN_TASK_REPS = 1000


def run_blocks(scenario: Scenario, seed: int, blocks: list[Block], marks: tuple[date, ...] = ()) -> list[BlockOutcome]:
    """Simulate several blocks in one task (one round trip to a worker)."""
    return [run_block(scenario, seed, b, marks) for b in blocks]


def tasks_of(blocks: list[Block], workers: int = 1) -> list[list[Block]]:
    """Consecutive blocks grouped into tasks of at least :data:`MIN_TASK_REPS` replications.

    There are at least ``workers`` tasks while there are blocks enough, so that no worker idles.
    """
    per_task = max(1, -(-MIN_TASK_REPS // BLOCK_SIZE))
    return batches(blocks, max(-(-len(blocks) // per_task), workers)) if blocks else []


def submit_blocks(
    pool: Executor,
    scenario: Scenario,
    seed: int,
    blocks: list[Block],
    workers: int = 1,
    marks: tuple[date, ...] = (),
) -> Iterator[BlockOutcome]:
    """Run ``blocks`` on ``pool`` in batched tasks; outcomes come back in block order."""
    futures = [pool.submit(run_blocks, scenario, seed, task, marks) for task in tasks_of(blocks, workers)]
    for future in futures:
        yield from future.result()


def block_outcomes(
    scenario: Scenario,
    seed: int,
    blocks: list[Block],
    workers: int,
    executor: Executor | None,
    marks: tuple[date, ...] = (),
) -> Iterator[BlockOutcome]:
    """Outcomes of ``blocks`` in block order: on ``executor``, a local pool of ``workers``, or here."""
    if executor is not None:
        yield from submit_blocks(executor, scenario, seed, blocks, workers, marks)
    elif workers <= 1 or len(blocks) <= 1:
        yield from (run_block(scenario, seed, b, marks) for b in blocks)
    else:
        with make_executor(min(workers, len(blocks))) as pool:
            assert pool is not None  # workers > 1 always gives a pool
            yield from submit_blocks(pool, scenario, seed, blocks, workers, marks)


def combine(
    scenario: Scenario,
    seed: int,
    outcomes: Iterable[BlockOutcome],
    progress: Progress | None = None,
    marks: tuple[date, ...] = (),
) -> Results:
    """Join block outcomes, in block order, into one :class:`~sim.results.projections.Results`."""
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
        horizon=horizon_of(scenario, marks),
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
    marks: tuple[date, ...] = (),
) -> Results:
    """Run ``scenario`` over Monte Carlo replications and return the projections.

    ``replications`` and ``seed`` default to the scenario's own; ``workers`` > 1 runs blocks in a
    local process pool, and ``executor`` (any :class:`concurrent.futures.Executor`) takes precedence;
    ``workers`` then says how many tasks at least to cut the blocks into.
    ``marks`` are extra dates to record besides month ends (e.g. the dates of observations).
    """
    reps = replications if replications is not None else scenario.replications
    root = seed if seed is not None else scenario.seed
    blocks = plan_blocks(reps)
    outcomes = block_outcomes(scenario, root, blocks, workers, executor, marks)
    return combine(scenario, root, outcomes, progress, marks)
