"""One evaluation of a scenario, as the planner's commands (compare, sweep, solve) keep it.

An :class:`Evaluation` holds a run's ``summary.json`` dict and the per-replication figures that
paired comparisons need (final target metric, enrolments, costs). :class:`Evaluator` runs
scenarios through :func:`sim.experiment.run_scenario` and keeps each finished evaluation in a
:class:`~sim.checkpoint.Checkpoint`, so an interrupted command resumes where it stopped and an
evaluation read back is exactly the one that was computed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import __version__
from sim.experiment import run_scenario
from sim.money import money_of, with_money
from sim.output import scenario_data
from sim.results import Results
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.checkpoint import Checkpoint

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
    )


def identity(scenario: Scenario, replications: int, seed: int) -> str:
    """A key that changes whenever anything that decides the figures changes."""
    text = json.dumps(
        {"scenario": scenario_data(scenario), "replications": replications, "seed": seed, "version": __version__},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass
class Evaluator:
    """Runs scenarios, reading finished evaluations back from ``checkpoint`` instead of re-running."""

    checkpoint: Checkpoint | None = None
    workers: int = 1
    executor: Executor | None = None
    on_done: Callable[[str], None] | None = None
    computed: int = field(default=0)
    reused: int = field(default=0)

    def __call__(
        self, scenario: Scenario, replications: int, seed: int, warnings: tuple[str, ...] = ()
    ) -> Evaluation:
        key = identity(scenario, replications, seed)
        if self.checkpoint is not None:
            kept = self.checkpoint.load(key)
            if kept is not None:
                self.reused += 1
                return kept
        r = run_scenario(
            scenario, replications=replications, seed=seed, workers=self.workers, executor=self.executor
        )
        ev = evaluation_of(r, warnings)
        self.computed += 1
        if self.checkpoint is not None:
            self.checkpoint.save(key, ev)
            kept = self.checkpoint.load(key)
            assert kept is not None
            ev = kept
        if self.on_done is not None:
            self.on_done(key)
        return ev
