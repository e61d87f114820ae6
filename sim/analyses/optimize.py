"""The best mix of channels for a budget: ``sim optimize``.

A planner names levers on costed channels (``channels[BPR agents].agents=22:128``), a budget in
rupiah and an objective (:mod:`sim.analyses.objectives`). The spend of an allocation is the
expected cost over the horizon of the channels the levers touch, from their ``costs``
(:mod:`sim.results.money`); other channels' costs are not part of the allocation. Every
evaluation runs through the long commands' :class:`~sim.experiment.evaluation.Evaluator` on the
same seed, so allocations are compared on common random numbers and an interrupted search
resumes.

1. **The scenario as written** is evaluated with ``reps`` replications: the base of every gain.
2. **Search** (:mod:`sim.analyses.allocation`): allocations scored with ``search_reps``
   replications, by grid (one or two levers) or differential evolution (more), then polished
   along the budget line.
3. **Refine**: the ``finalists`` best affordable allocations again with ``reps`` replications.
   The best of them whose expected spend keeps to the budget is the answer; its gain over the
   scenario as written, and its difference from each other finalist, are paired 95% intervals,
   so the planner sees whether the best few really differ.
4. **Marginal effects**: each lever moved 5% of its range from the answer (up, or down at the
   top), extra members per extra Rp 1 billion, with a paired interval.

Honest edges: a lever at an end of its range is flagged (the optimum may lie beyond it); a
budget below every allocation tried says so; an objective equal everywhere (P(target) 0 for all)
says which objective to use instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses import allocation
from sim.analyses.allocation import Point, Trial, Trials
from sim.analyses.frontier import make_lever
from sim.analyses.objectives import OBJECTIVES, Objective
from sim.analyses.paired import paired_difference
from sim.analyses.solve import Lever
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import Request
from sim.experiment.evaluation import Evaluation, Evaluator
from sim.results.folder import write_csv, write_json
from sim.results.money import CURRENCY
from sim.scenario.loader import Loaded, load_with
from sim.scenario.paths import Override, get_path, parse_path, single_overrides
from sim.scenario.schema import Scenario, scenario_data

Note = Callable[[str], None]
BILLION = 1e9
NUDGE = 0.05
MIN_EVALUATIONS = 10


@dataclass(frozen=True)
class Scored:
    """An allocation evaluated: its trial, per-channel spend and the evaluation itself."""

    trial: Trial
    spend_p95: float
    by_lever: list[float]
    members: float
    evaluation: Evaluation


def split_lever(text: str) -> tuple[str, str]:
    """``channels[BPR agents].agents=22:128`` → the path and ``22:128``."""
    path, sep, span = text.rpartition("=")
    if not sep or not path.strip():
        raise ScenarioError(
            f"expected PATH=LOW:HIGH, e.g. 'channels[BPR agents].agents=22:128', got {text!r}", field="--lever"
        )
    return path.strip(), span.strip()


def lever_channel(loaded: Loaded, path: str) -> str:
    """The costed channel a lever path sets; anything else is a one-line error."""
    steps = parse_path(path)
    if len(steps) < 3 or steps[0] != "channels" or not isinstance(steps[1], str):
        raise ScenarioError(
            "a lever must set a channel's field, e.g. channels[BPR agents].agents", field=f"--lever {path}"
        )
    channel = next(ch for ch in loaded.scenario.channels if ch.name == steps[1])
    if channel.costs is None:
        raise ScenarioError(
            f"channel {channel.name!r} has no costs, so any amount of it is free; give it costs",
            field=f"--lever {path}",
        )
    return channel.name


def check_budget(budget: float) -> float:
    """A budget is a positive, finite number of rupiah."""
    if not (math.isfinite(budget) and budget > 0):
        raise ScenarioError(f"must be a positive number of rupiah, e.g. 5e9, got {budget}", field="--budget")
    return budget


@dataclass(frozen=True)
class OptimizePlan:
    """An optimisation as the planner asked for it, checked: levers, budget, objective, replications."""

    file: Path
    fixed: list[Override]
    loaded: Loaded
    levers: list[Lever]
    channels: list[str]
    budget: float
    objective: Objective
    method: str
    steps: int
    evaluations: int
    search_reps: int
    reps: int
    finalists: int
    seed: int
    kind: str = "optimize"

    @classmethod
    def plan(
        cls,
        file: Path,
        sets: list[str],
        levers: list[str],
        budget: float,
        objective: str = "members",
        evaluations: int = 120,
        reps: int = 1000,
        seed: int | None = None,
        *,
        search_reps: int | None = None,
        finalists: int = 5,
        method: str | None = None,
    ) -> OptimizePlan:
        """Check the options and make every lever; the scenario is loaded once with ``--set`` ``sets``.

        The search scores about ``evaluations`` allocations with ``search_reps`` replications each
        (default a fifth of ``reps``, at least 100); a grid of one or two levers takes as many
        values per lever as a third of them allows.
        """
        check_budget(budget)
        if objective not in OBJECTIVES:
            raise ScenarioError(f"choose one of {', '.join(OBJECTIVES)}, got {objective!r}", field="--objective")
        if evaluations < MIN_EVALUATIONS:
            raise ScenarioError(f"must be at least {MIN_EVALUATIONS}, got {evaluations}", field="--evaluations")
        fixed = single_overrides(sets)
        loaded = load_with(file, fixed)
        parts = [split_lever(text) for text in levers]
        paths = [p for p, _ in parts]
        if len(set(paths)) != len(paths):
            raise ScenarioError("a lever is given twice", field="--lever")
        made = [make_lever(file, fixed, loaded, p, span, None, "--lever") for p, span in parts]
        channels = [lever_channel(loaded, p) for p in paths]
        root = seed if seed is not None else loaded.scenario.seed
        chosen = method or allocation.method_for(made)
        steps = max(3, int((evaluations / 3) ** (1 / len(made))))
        searched = search_reps if search_reps is not None else max(100, reps // 5)
        return cls(
            file, fixed, loaded, made, channels, budget, Objective(objective), chosen, steps, evaluations,
            searched, reps, finalists, root,
        )  # fmt: skip

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario

    @property
    def replications(self) -> int:
        return self.reps

    def work(self, workers: int) -> workload.Work:
        """The search at its largest: every evaluation it may make, for the planner to approve."""
        shape = workload.shape_of(self.loaded.scenario)
        searched = (
            self.steps ** len(self.levers) * (allocation.MAX_ZOOMS + 1) if self.method == "grid" else self.evaluations
        )
        refined = 1 + self.finalists + len(self.levers)
        return workload.evaluations(
            [(shape, self.search_reps)] * searched + [(shape, self.reps)] * refined,
            workers,
            f"{self.loaded.scenario.name}, about {searched:,} allocations searched and {refined} refined",
            "--evaluations",
            "give fewer --steps or --evaluations, or a smaller --search-reps",
        )

    def prepare(self) -> None:
        """Every lever at both ends of its range must make a valid scenario."""
        for end in ("lo", "hi"):
            self.load(tuple(lv.shown(getattr(lv, end)) for lv in self.levers))

    def identity(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scenario": scenario_data(self.loaded.scenario),
            "levers": [[lv.path, lv.lo, lv.hi, lv.step] for lv in self.levers],
            "budget": self.budget,
            "objective": self.objective.name,
            "search": [self.method, self.steps, self.evaluations, self.search_reps],
            "reps": [self.reps, self.finalists],
            "seed": self.seed,
        }

    def load(self, values: Point) -> Loaded:
        overrides = [Override(lv.path, v) for lv, v in zip(self.levers, values, strict=True)]
        return load_with(self.file, [*self.fixed, *overrides])

    def evaluate(self, evaluate: Evaluator, points: list[Point], reps: int) -> list[Scored]:
        """Each allocation run on the plan's seed with ``reps`` replications."""
        loaded = [self.load(p) for p in points]
        evs = evaluate.many([Request(x.scenario, reps, self.seed, warnings=x.warnings) for x in loaded])
        return [self.scored(p, ev) for p, ev in zip(points, evs, strict=True)]

    def scored(self, point: Point, ev: Evaluation) -> Scored:
        names = ev.channel_names
        rows = [names.index(c) for c in dict.fromkeys(self.channels)]
        spend = ev.cost[rows].sum(axis=0)
        trial = Trial(point, float(spend.mean()), self.objective.value(ev))
        by_lever = [float(ev.cost[names.index(c)].mean()) for c in self.channels]
        return Scored(trial, float(np.percentile(spend, 95)), by_lever, float(ev.final.mean()), ev)

    def run(self, evaluate: Evaluator, note: Note) -> dict[str, Any]:
        """Search, refine and measure the answer; ``note`` hears each batch."""
        written = tuple(_current(self.loaded, lv) for lv in self.levers)
        x = self.loaded
        base = self.scored(written, evaluate(x.scenario, self.reps, self.seed, x.warnings))
        note(
            f"scenario as written: spend Rp {base.trial.spend:,.0f}, {self.objective.name} {base.trial.objective:,.4g}"
        )
        searched: dict[Point, Scored] = {}

        def score(points: list[Point]) -> list[Trial]:
            done = self.evaluate(evaluate, points, self.search_reps)
            searched.update((s.trial.values, s) for s in done)
            best = max(
                (s.trial.objective for s in searched.values() if allocation.affordable(s.trial, self.budget)),
                default=None,
            )
            shown = "none affordable yet" if best is None else f"best affordable {best:,.4g}"
            note(f"{len(searched):,} allocations scored; {shown}")
            return [s.trial for s in done]

        trials = Trials(score, self.levers)
        allocation.search(
            trials, self.budget, method=self.method, steps=self.steps, evaluations=self.evaluations, seed=self.seed
        )
        chosen = allocation.finalists(trials.all, self.budget, self.finalists)
        refined = self.evaluate(evaluate, [t.values for t in chosen], self.reps) if chosen else []
        affordable = [s for s in refined if allocation.affordable(s.trial, self.budget)]
        best = max(affordable, key=lambda s: (s.trial.objective, -s.trial.spend)) if affordable else None
        margins = self.marginal(evaluate, best) if best is not None else []
        return self.data(base, trials.all, searched, refined, best, margins)

    def marginal(self, evaluate: Evaluator, best: Scored) -> list[dict[str, Any]]:
        """Each lever nudged 5% of its range: extra members per extra Rp 1 billion, paired."""
        points = []
        for i, lv in enumerate(self.levers):
            step = max(lv.step, NUDGE * (lv.hi - lv.lo))
            value = float(best.trial.values[i])
            moved = value + step if value + step <= lv.hi else value - step
            points.append(tuple(lv.shown(moved) if j == i else v for j, v in enumerate(best.trial.values)))
        out = []
        for lv, channel, nudged in zip(
            self.levers, self.channels, self.evaluate(evaluate, points, self.reps), strict=True
        ):
            extra = nudged.trial.spend - best.trial.spend
            gained = paired_difference(best.evaluation.final, nudged.evaluation.final)
            scale = BILLION / extra if abs(extra) >= 1 else None
            out.append(
                {
                    "lever": lv.path,
                    "channel": channel,
                    "from": best.trial.values[self.levers.index(lv)],
                    "to": nudged.trial.values[self.levers.index(lv)],
                    "extra_spend": extra,
                    "extra_members": gained["mean_diff"],
                    "extra_members_ci95": gained["ci95"],
                    "per_billion": None if scale is None else gained["mean_diff"] * scale,
                    "per_billion_ci95": None if scale is None else sorted(x * scale for x in gained["ci95"]),
                }
            )
        return out

    def data(
        self,
        base: Scored,
        trials: list[Trial],
        searched: dict[Point, Scored],
        refined: list[Scored],
        best: Scored | None,
        margins: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """``optimize.json``: the answer, the finalists, the frontier and every allocation tried."""
        objectives = [t.objective for t in trials]
        cheapest = min(trials, key=lambda t: t.spend) if trials else None
        return {
            "kind": self.kind,
            "scenario": self.loaded.scenario.name,
            "file": str(self.file),
            "seed": self.seed,
            "currency": CURRENCY,
            "budget": self.budget,
            "objective": self.objective.name,
            "levers": [
                {"path": lv.path, "channel": c, "range": [lv.lo, lv.hi], "integer": lv.integer, "step": lv.step}
                for lv, c in zip(self.levers, self.channels, strict=True)
            ],
            "search": {
                "method": self.method,
                "allocations": len(trials),
                "search_reps": self.search_reps,
                "refined": len(refined),
                "marginal": len(margins),
                "reps": self.reps,
                "evaluations": 1 + len(trials) + len(refined) + len(margins),
            },
            "base": self.allocation(base, None),
            "best": None if best is None else self.allocation(best, base),
            "finalists": [
                {
                    **self.allocation(s, None),
                    "versus_best": None
                    if best is None or s is best
                    else self.objective.gain(best.evaluation, s.evaluation),
                }
                for s in refined
            ],
            "marginal": margins,
            "frontier": [self.trial_row(searched[t.values]) for t in allocation.frontier(trials, self.budget)],
            "flat": bool(objectives) and max(objectives) == min(objectives),
            "too_small": best is None,
            "least_spend": None if cheapest is None else cheapest.spend,
            "trials": [self.trial_row(searched[t.values]) for t in trials],
        }

    def allocation(self, s: Scored, base: Scored | None) -> dict[str, Any]:
        """An allocation refined: lever values and spends, objective with its interval, gain over ``base``."""
        lo, hi = self.objective.interval(s.evaluation)
        out: dict[str, Any] = {
            "values": dict(zip([lv.path for lv in self.levers], s.trial.values, strict=True)),
            "spend": s.trial.spend,
            "spend_p95": s.spend_p95,
            "spend_by_lever": dict(zip([lv.path for lv in self.levers], s.by_lever, strict=True)),
            "objective": s.trial.objective,
            "ci95": [lo, hi],
            "members": s.members,
            "reps": int(s.evaluation.final.size),
            "at_bound": [lv.path for lv, v in zip(self.levers, s.trial.values, strict=True) if _at_bound(lv, float(v))],
        }
        if base is not None:
            out["gain"] = self.objective.gain(base.evaluation, s.evaluation)
        return out

    def trial_row(self, s: Scored) -> dict[str, Any]:
        return {
            "values": dict(zip([lv.path for lv in self.levers], s.trial.values, strict=True)),
            "spend": s.trial.spend,
            "objective": s.trial.objective,
            "members": s.members,
        }

    def write(self, folder: Path, data: dict[str, Any]) -> None:
        """``optimize.json`` and ``optimize.csv`` (a row per allocation searched)."""
        write_json(folder / "optimize.json", data)
        write_csv(folder / "optimize.csv", [csv_row(row) for row in data["trials"]])


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """One allocation tried as a row of ``optimize.csv``."""
    return {**row["values"], "spend": row["spend"], "objective": row["objective"], "members": row["members"]}


def _at_bound(lever: Lever, value: float) -> bool:
    return value <= lever.lo + lever.step / 2 or value >= lever.hi - lever.step / 2


def _current(loaded: Loaded, lever: Lever) -> float | int:
    """The lever's value in the scenario as written: the mean of a distribution."""
    value = get_path(scenario_data(loaded.scenario), lever.path)
    return value if isinstance(value, int | float) else _mean_of(loaded, lever.path)


def _mean_of(loaded: Loaded, path: str) -> float:
    steps = parse_path(path)
    node: Any = next(ch for ch in loaded.scenario.channels if ch.name == steps[1])
    for step in steps[2:]:
        node = node[step] if isinstance(step, int) else getattr(node, str(step))
    return float(node.mean)
