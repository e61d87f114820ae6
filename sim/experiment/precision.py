"""Adaptive precision: add blocks of replications until P(target) is known well enough.

``--precision 0.01`` asks for the Wilson 95% interval of P(target) to be no wider than ±0.01. The
run starts with :data:`FIRST_REPS` replications, then, from the share reached so far, projects how
many replications the interval needs and runs the blocks still missing, until it is narrow enough
or ``max_replications`` is reached. Blocks keep their fixed size and their own seeds, so a run that
stops after ``n`` replications gives exactly the results of ``run_scenario(replications=n)``.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from sim.experiment.blocks import BLOCK_SIZE, Block, Progress, block_outcomes, combine
from sim.model.block import BlockOutcome
from sim.rates import wilson_interval
from sim.results.projections import Results
from sim.scenario.schema import Scenario

FIRST_REPS = 2 * BLOCK_SIZE
DEFAULT_MAX_REPS = 100_000


@dataclass(frozen=True)
class Adaptive:
    """How an adaptive run ended: the results, and whether the precision was reached."""

    results: Results
    precision: float
    half_width: float
    reached: bool


def half_width(hits: int, n: int) -> float:
    """Half the width of the Wilson 95% interval of ``hits`` out of ``n``."""
    lo, hi = wilson_interval(hits, n)
    return (hi - lo) / 2


def needed(hits: int, n: int, precision: float, limit: int) -> int:
    """Fewest replications (whole blocks, at most ``limit``) whose interval at the current share is ±``precision``."""
    p = hits / n
    total = n
    while total < limit and half_width(round(p * total), total) > precision:
        total += BLOCK_SIZE
    return min(max(total, n + 1), limit)


def run_to_precision(
    scenario: Scenario,
    precision: float,
    *,
    max_replications: int = DEFAULT_MAX_REPS,
    seed: int | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Adaptive:
    """Run blocks until the 95% interval of P(target) is within ±``precision``, or ``max_replications``."""
    if not 0 < precision < 0.5:
        raise ValueError('"precision" must be between 0 and 0.5.')
    if max_replications <= 0:
        raise ValueError('"max_replications" must be > 0.')
    root = seed if seed is not None else scenario.seed
    outcomes: list[BlockOutcome] = []
    done = hits = 0
    goal = min(FIRST_REPS, max_replications)
    while True:
        blocks: list[Block] = []
        while done + sum(b.reps for b in blocks) < goal:
            start = done + sum(b.reps for b in blocks)
            blocks.append(Block(start // BLOCK_SIZE, min(BLOCK_SIZE, goal - start)))
        for out in block_outcomes(scenario, root, blocks, workers, executor):
            outcomes.append(out)
            hits += int((out.at_target >= scenario.target.members).sum())
            done += out.at_target.shape[0]
            if progress is not None:
                progress(out.at_target.shape[0])
        width = half_width(hits, done)
        if width <= precision or done >= max_replications:
            results = combine(scenario, root, outcomes)
            return Adaptive(results, precision, width, width <= precision)
        goal = needed(hits, done, precision, max_replications)
