"""Adaptive precision: add blocks of replications until P(target) is known well enough.

``--precision 0.01`` asks for the Wilson 95% interval of P(target) to be no wider than ±0.01. The
run starts with :data:`FIRST_BLOCKS` blocks, then, from the share reached so far, projects how
many replications the interval needs and runs the blocks still missing, until it is narrow enough
or ``max_replications`` is reached. Each round is one call of
:func:`~sim.experiment.blocks.run_scenarios` for the replications wanted so far, the blocks of
earlier rounds read back from memory; blocks keep their fixed size and their own seeds, so a run
that stops after ``n`` replications gives exactly the results of ``run_scenario(replications=n)``.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from sim.experiment.blocks import KeptBlocks, Progress, Request, block_size_of, run_scenarios
from sim.rates import wilson_interval
from sim.results.counts import Spill
from sim.results.projections import Results
from sim.scenario.schema import Scenario

FIRST_BLOCKS = 2  # an adaptive run starts with this many blocks of its scenario
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


def needed(hits: int, n: int, precision: float, limit: int, block: int) -> int:
    """Fewest replications (whole blocks of ``block``, at most ``limit``) for a 95% interval of ±``precision``."""
    p = hits / n
    total = n
    while total < limit and half_width(round(p * total), total) > precision:
        total += block
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
    spill: Spill = Spill(),
) -> Adaptive:
    """Run blocks until the 95% interval of P(target) is within ±``precision``, or ``max_replications``.

    ``spill`` bounds what the rounds hold in memory: the blocks kept between rounds and the
    joined results each (:class:`~sim.experiment.blocks.KeptBlocks`, :mod:`sim.results.counts`).
    """
    if not 0 < precision < 0.5:
        raise ValueError('"precision" must be between 0 and 0.5.')
    if max_replications <= 0:
        raise ValueError('"max_replications" must be > 0.')
    root = seed if seed is not None else scenario.seed
    kept = KeptBlocks(spill)  # each round runs only the blocks the rounds before it have not
    block = block_size_of(scenario)
    goal = min(FIRST_BLOCKS * block, max_replications)
    try:
        while True:
            request = Request(scenario, goal, root)
            (results,) = run_scenarios(
                [request], executor=executor, workers=workers, checkpoint=kept, progress=progress, spill=spill
            )
            done, hits = results.replications, int(results.reached().sum())
            width = half_width(hits, done)
            if width <= precision or done >= max_replications:
                return Adaptive(results, precision, width, width <= precision)
            goal = needed(hits, done, precision, max_replications, block)
    finally:
        kept.close()
