"""Goal-seeking over a scenario: one lever, or a frontier of several.

Every lever but the last is set on a grid of ``steps`` values; at each grid point the last lever is
goal-sought with :func:`sim.analyses.solve.solve`, each value tried evaluated through one
:class:`~sim.experiment.evaluation.Evaluator` (checkpointed, on common random numbers). One lever
gives one answer; two or more give the frontier: how much of the last lever each combination of
the others needs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.analyses.solve import Answer, Hits, Lever, grid_values, max_probes, solve
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.evaluation import Evaluator
from sim.results.folder import write_csv, write_json
from sim.scenario.loader import Loaded, load_with
from sim.scenario.paths import Override, get_path
from sim.scenario.schema import Scenario, scenario_data

Note = Callable[[str], None]


@dataclass(frozen=True)
class Solved:
    """One search: the values of the other levers, and the answer for the last."""

    fixed: dict[str, Any]
    answer: Answer


def parse_range(text: str, path: str, option: str = "--range") -> tuple[float, float]:
    """``22:128`` → (22.0, 128.0); an error names ``option`` and the path."""
    lo, sep, hi = text.partition(":")
    try:
        if not sep:
            raise ValueError
        low, high = float(lo), float(hi)
    except ValueError:
        raise ScenarioError(f"expected LOW:HIGH, e.g. 22:128, got {text!r}", field=f"{option} {path}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ScenarioError(f"LOW and HIGH must be finite numbers, got {text!r}", field=f"{option} {path}")
    if not low < high:
        raise ScenarioError(f"LOW must be below HIGH, got {text!r}", field=f"{option} {path}")
    return low, high


def make_lever(
    file: Path,
    fixed: list[Override],
    loaded: Loaded,
    path: str,
    text: str,
    precision: float | None,
    option: str = "--range",
) -> Lever:
    """A lever for ``path``: whole-number when the scenario accepts only whole numbers there.

    ``agents: 22`` and ``target.members`` are counts; ``enrollments_per_agent_per_month: 100`` is
    a rate written as a whole number, which a value such as 100.5 shows.
    """
    current = get_path(loaded.raw, path)
    lo, hi = parse_range(text, path, option)
    integer = False
    if isinstance(current, int) and not isinstance(current, bool):
        try:
            load_with(file, [*fixed, Override(path, current + 0.5)])
        except ScenarioError:
            integer = True
    if integer and not (lo.is_integer() and hi.is_integer()):
        raise ScenarioError(f"{path} is a whole number; give a whole-number range, got {text!r}", field=option)
    step = 1.0 if integer else (precision if precision is not None else (hi - lo) / 100)
    if step <= 0:
        raise ScenarioError("must be > 0", field="--precision")
    return Lever(path, lo, hi, integer, step)


@dataclass(frozen=True)
class Solution:
    """Every answer of a search, and ``solve.json``'s data."""

    answers: list[Solved]
    data: dict[str, Any]


@dataclass(frozen=True)
class SolvePlan:
    """A goal-seek as the planner asked for it, checked: levers, goal and replications."""

    file: Path
    fixed: list[Override]
    loaded: Loaded
    levers: list[Lever]
    goal: float
    maximize: bool
    steps: int
    reps: int
    max_reps: int
    seed: int
    kind: str = "solve"

    @classmethod
    def plan(
        cls,
        file: Path,
        fixed: list[Override],
        levers: list[str],
        ranges: list[str],
        goal: float,
        *,
        maximize: bool,
        precision: float | None,
        steps: int,
        reps: int,
        max_reps: int,
        seed: int | None,
    ) -> SolvePlan:
        """Check the options and make every lever; the scenario is loaded once with ``fixed``."""
        if len(levers) != len(ranges):
            raise ScenarioError(
                f"give one --range per --lever ({len(levers)} levers, {len(ranges)} ranges)", field="--range"
            )
        if not 0 < goal <= 1:
            raise ScenarioError(f"must be in (0, 1], got {goal}", field="--probability")
        loaded = load_with(file, fixed)
        made = [make_lever(file, fixed, loaded, p, r, precision) for p, r in zip(levers, ranges, strict=True)]
        root = seed if seed is not None else loaded.scenario.seed
        return cls(file, fixed, loaded, made, goal, maximize, steps, reps, max_reps, root)

    @property
    def scenario(self) -> Scenario:
        """The scenario as loaded with ``--set`` (it names the default result folder)."""
        return self.loaded.scenario

    @property
    def outer(self) -> list[Lever]:
        """The levers set on a grid."""
        return self.levers[:-1]

    @property
    def inner(self) -> Lever:
        """The lever searched at each grid point."""
        return self.levers[-1]

    @property
    def replications(self) -> int:
        """The most replications any lever value is given."""
        return self.max_reps

    def combos(self) -> list[dict[str, Any]]:
        """Every combination of the grid levers' values, in order."""
        grids = [grid_values(lv, self.steps) for lv in self.outer]
        return [dict(zip([lv.path for lv in self.outer], c, strict=True)) for c in itertools.product(*grids)]

    def work(self, workers: int) -> workload.Work:
        """What the search will cost, for the planner to approve."""
        s = self.loaded.scenario
        probes = max_probes(self.inner)
        return workload.solve(
            workload.shape_of(s), s.name, len(self.combos()), probes, max(self.reps, self.max_reps), workers
        )

    def prepare(self) -> None:
        """Both ends of the searched lever, at every grid point, must make a valid scenario."""
        for combo in self.combos():
            for end in (self.inner.lo, self.inner.hi):
                load_with(
                    self.file, [*self.fixed, *_overrides(combo), Override(self.inner.path, self.inner.shown(end))]
                )

    def identity(self) -> dict[str, Any]:
        """Everything that decides the figures, for the checkpoint."""
        return {
            "kind": "solve",
            "scenario": scenario_data(self.loaded.scenario),
            "levers": [[lv.path, lv.lo, lv.hi, lv.step] for lv in self.levers],
            "goal": self.goal,
            "maximize": self.maximize,
            "steps": self.steps,
            "reps": [self.reps, self.max_reps],
            "seed": self.seed,
        }

    def run(self, evaluate: Evaluator, note: Note) -> Solution:
        """The answer at every grid point; ``note`` hears one line per value tried."""
        answers = []
        for combo in self.combos():
            hits = _hits(evaluate, self.file, [*self.fixed, *_overrides(combo)], self.inner.path, self.seed, note)
            a = solve(hits, self.inner, self.goal, maximize=self.maximize, start_reps=self.reps, max_reps=self.max_reps)
            answers.append(Solved(combo, a))
        return Solution(answers, self.data(answers))

    def write(self, folder: Path, solution: Solution) -> None:
        """``solve.json`` and ``solve.csv``."""
        write_json(folder / "solve.json", solution.data)
        write_csv(folder / "solve.csv", [answer_row(a) for a in solution.data["answers"]])

    def data(self, answers: list[Solved]) -> dict[str, Any]:
        """What ``solve.json`` holds."""
        return {
            "kind": "solve",
            "scenario": self.loaded.scenario.name,
            "file": str(self.file),
            "seed": self.seed,
            "goal": self.goal,
            "maximize": self.maximize,
            "levers": [
                {"path": lv.path, "range": [lv.lo, lv.hi], "integer": lv.integer, "step": lv.step} for lv in self.levers
            ],
            "answers": [{"fixed": row.fixed, **row.answer.to_data()} for row in answers],
        }


def _overrides(combo: dict[str, Any]) -> list[Override]:
    return [Override(p, v) for p, v in combo.items()]


def _hits(evaluate: Evaluator, file: Path, base: list[Override], path: str, seed: int, note: Note) -> Hits:
    def hits(value: float, reps: int) -> int:
        x = load_with(file, [*base, Override(path, value)])
        ev = evaluate(x.scenario, reps, seed, x.warnings)
        note(f"{path}={value}: P(target) {ev.probability:.1%} over {reps:,} replications")
        return int(ev.reached.sum())

    return hits


def answer_row(a: dict[str, Any]) -> dict[str, Any]:
    """One answer of ``solve.json`` as a row of ``solve.csv``."""
    at = a["at_answer"] or {}
    return {
        **{str(k): v for k, v in a["fixed"].items()},
        "lever": a["lever"],
        "reached": a["reached"],
        "value": a["value"],
        "probability": at.get("probability"),
        "ci95_lo": (at.get("ci95") or [None, None])[0],
        "ci95_hi": (at.get("ci95") or [None, None])[1],
        "best_value": a["best"]["value"],
        "best_probability": a["best"]["probability"],
    }
