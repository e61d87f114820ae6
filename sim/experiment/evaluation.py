"""One evaluation of a scenario, as the planner's commands (compare, sweep, solve) keep it.

An :class:`Evaluation` holds a run's ``summary.json`` dict and the per-replication figures that
paired comparisons need (final target metric, enrolments, costs). :class:`Evaluator` runs
scenarios in the blocks :func:`sim.experiment.blocks.run_scenario` uses and keeps each finished block in
a :class:`~sim.experiment.checkpoint.Checkpoint`, so an interrupted command resumes where it stopped and gives
exactly what it would have given.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import __version__
from sim.experiment.blocks import Block, combine, plan_blocks, run_block
from sim.experiment.checkpoint import Checkpoint
from sim.experiment.interrupts import check_interrupt
from sim.model.block import BlockOutcome
from sim.results.money import money_of, with_money
from sim.results.projections import Results
from sim.scenario.schema import Scenario, scenario_data

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Evaluation:
    """A run's summary and the per-replication figures paired statistics use."""

    summary: dict[str, Any]
    final: Array  # (reps,): target metric on target.by
    reached: Array  # (reps,): bool, final >= target
    enrolled: Array  # (channels, reps): enrolments over the horizon
    cost: Array  # (channels, reps): rupiah
    net_new_active: Array  # (channels, reps)
    coverage: Array  # (reps,): share of the working population active on target.by

    @property
    def channel_names(self) -> list[str]:
        return [c["name"] for c in self.summary["channels"]]

    @property
    def costed(self) -> list[str]:
        """Names of channels that carry costs."""
        return [c["name"] for c in self.summary.get("money", {}).get("channels", [])]

    @property
    def probability(self) -> float:
        return float(self.summary["target"]["probability"])

    def arrays(self) -> dict[str, Array]:
        return {
            "final": self.final,
            "reached": self.reached,
            "enrolled": self.enrolled,
            "cost": self.cost,
            "net_new_active": self.net_new_active,
            "coverage": self.coverage,
        }


def evaluation_of(r: Results, warnings: tuple[str, ...] = ()) -> Evaluation:
    """Keep what the planner's commands need of a run."""
    m = money_of(r)
    return Evaluation(
        summary=with_money(r.summary(__version__, warnings), r),
        final=r.at_target.astype(np.int64),
        reached=r.reached(),
        enrolled=r.enrolled[-1].astype(np.int64),
        cost=m.cost,
        net_new_active=m.net_new_active,
        coverage=r.coverage_at(r.horizon.record_days.index(r.horizon.day_of(r.scenario.target.by))),
    )


def identity(scenario: Scenario, seed: int) -> str:
    """A key that changes whenever anything that decides a block's figures changes."""
    text = json.dumps(
        {"scenario": scenario_data(scenario), "seed": seed, "version": __version__}, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Request:
    """One scenario to evaluate, with its replications and seed."""

    scenario: Scenario
    replications: int
    seed: int
    warnings: tuple[str, ...] = ()


@dataclass
class Evaluator:
    """Runs scenarios block by block, reading finished blocks back from ``checkpoint``.

    The blocks are exactly those :func:`sim.experiment.blocks.run_scenario` runs (block ``b`` seeded by
    ``b``), joined by the same :func:`~sim.experiment.blocks.combine`, so an evaluation equals a plain
    run's. A block once run is kept, which makes a resumed command skip it, and lets an evaluation
    with more replications (2,000 after 1,000) reuse the blocks it shares with a smaller one.
    """

    checkpoint: Checkpoint | None = None
    executor: Executor | None = None
    computed: int = field(default=0)
    reused: int = field(default=0)

    def __call__(self, scenario: Scenario, replications: int, seed: int, warnings: tuple[str, ...] = ()) -> Evaluation:
        return self.many([Request(scenario, replications, seed, warnings)])[0]

    def many(self, requests: list[Request], on_done: Callable[[int], None] | None = None) -> list[Evaluation]:
        """Evaluate every request, running all their missing blocks together (so workers stay busy).

        ``on_done(i)`` is called as soon as every block of request ``i`` is finished.
        """
        check_interrupt()
        cp = self.checkpoint
        keys = [identity(r.scenario, r.seed) for r in requests]
        plans = [plan_blocks(r.replications) for r in requests]
        outcomes: list[dict[int, BlockOutcome]] = [{} for _ in requests]
        for i, blocks in enumerate(plans):
            for b in blocks:
                kept = cp.load_block(keys[i], b) if cp is not None else None
                if kept is not None:
                    outcomes[i][b.index] = kept
                    self.reused += 1
        tasks = [(i, b) for i, blocks in enumerate(plans) for b in blocks if b.index not in outcomes[i]]
        left = Counter(i for i, _ in tasks)
        for i in range(len(requests)):
            if not left[i] and on_done is not None:
                on_done(i)
        check_interrupt()
        for (i, b), out in self._run(tasks, requests):
            if cp is not None:
                cp.save_block(keys[i], b, out)
            outcomes[i][b.index] = out
            self.computed += 1
            left[i] -= 1
            if not left[i] and on_done is not None:
                on_done(i)
            check_interrupt()
        return [
            evaluation_of(combine(r.scenario, r.seed, (outcomes[i][b.index] for b in plans[i])), r.warnings)
            for i, r in enumerate(requests)
        ]

    def _run(
        self, tasks: list[tuple[int, Block]], requests: list[Request]
    ) -> Iterator[tuple[tuple[int, Block], BlockOutcome]]:
        if self.executor is None or len(tasks) <= 1:
            for i, b in tasks:
                yield (i, b), run_block(requests[i].scenario, requests[i].seed, b)
            return
        futures = {self.executor.submit(run_block, requests[i].scenario, requests[i].seed, b): (i, b) for i, b in tasks}
        for f in as_completed(futures):
            yield futures[f], f.result()
