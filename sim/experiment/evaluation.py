"""One evaluation of a scenario, as the planner's commands (compare, sweep, solve) keep it.

An :class:`Evaluation` holds a run's ``summary.json`` dict and the per-replication figures that
paired comparisons need (final target metric, enrolments, costs). :class:`Evaluator` runs
scenarios through :func:`sim.experiment.blocks.run_scenarios`, as every command does, keeping each finished
block in a :class:`~sim.experiment.checkpoint.Checkpoint`, so an interrupted command resumes where it
stopped and gives exactly what it would have given.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.experiment.blocks import Block, Request, run_scenarios
from sim.experiment.checkpoint import Checkpoint
from sim.model.block import BlockOutcome
from sim.results.money import money_of, summary_data
from sim.results.projections import Results
from sim.scenario.schema import Scenario

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

    def first(self, n: int) -> Evaluation:
        """The first ``n`` replications: a longer run on the same seed begins with a shorter one's."""
        return Evaluation(
            self.summary,
            self.final[:n],
            self.reached[:n],
            self.enrolled[:, :n],
            self.cost[:, :n],
            self.net_new_active[:, :n],
            self.coverage[:n],
        )

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
        summary=summary_data(r, warnings),
        final=r.at_target.astype(np.int64),
        reached=r.reached(),
        enrolled=r.enrolled.row(-1).astype(np.int64),
        cost=m.cost,
        net_new_active=m.net_new_active,
        coverage=r.coverage_at(r.target_row()),
    )


@dataclass
class Evaluator:
    """Runs scenarios through :func:`~sim.experiment.blocks.run_scenarios`, reading blocks back from ``checkpoint``.

    An evaluation is therefore exactly a plain run's (block ``b`` seeded by ``b``, joined in block
    order). A block once run is kept, which makes a resumed command skip it, and lets an evaluation
    with more replications (2,000 after 1,000) reuse the blocks it shares with a smaller one.
    ``workers`` says how many tasks at least to cut the blocks into for ``executor``.
    """

    checkpoint: Checkpoint | None = None
    executor: Executor | None = None
    workers: int = 1
    computed: int = field(default=0)
    reused: int = field(default=0)

    def __call__(self, scenario: Scenario, replications: int, seed: int, warnings: tuple[str, ...] = ()) -> Evaluation:
        return self.many([Request(scenario, replications, seed, warnings=warnings)])[0]

    def many(self, requests: list[Request], on_done: Callable[[int], None] | None = None) -> list[Evaluation]:
        """Evaluate every request, running all their missing blocks together (so workers stay busy).

        ``on_done(i)`` is called as soon as every block of request ``i`` is finished.
        """
        counted = _Counted(self.checkpoint, self) if self.checkpoint is not None else None
        runs = run_scenarios(
            requests, executor=self.executor, workers=self.workers, checkpoint=counted, on_done=on_done
        )
        return [evaluation_of(r, q.warnings) for r, q in zip(runs, requests, strict=True)]


@dataclass
class _Counted:
    """The checkpoint, counting for the evaluator the blocks read back and those run."""

    checkpoint: Checkpoint
    evaluator: Evaluator

    def load_block(self, request: Request, block: Block) -> BlockOutcome | None:
        kept = self.checkpoint.load_block(request, block)
        self.evaluator.reused += kept is not None
        return kept

    def save_block(self, request: Request, block: Block, outcome: BlockOutcome) -> None:
        self.checkpoint.save_block(request, block, outcome)
        self.evaluator.computed += 1
