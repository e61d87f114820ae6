"""Sweeps: the same scenario over a grid of values for one or more field paths.

Every point runs with the same seed and replications, so neighbouring points share their random
numbers and the curve between them is smooth rather than noisy. Each point reports P(target) with
its Wilson 95% interval and the final target metric (mean and 5–95% range).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import Request
from sim.experiment.evaluation import Evaluation, Evaluator
from sim.results.folder import write_csv, write_json
from sim.scenario.loader import Loaded, load_with
from sim.scenario.paths import Override, grid
from sim.scenario.schema import Scenario, scenario_data


def plain(value: Any) -> Any:
    """A value as JSON and CSV take it (dates as ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def point(values: dict[str, Any], ev: Evaluation) -> dict[str, Any]:
    """One grid point of ``sweep.json``."""
    t, f = ev.summary["target"], ev.summary["final"]
    return {
        "values": {p: plain(v) for p, v in values.items()},
        "probability": t["probability"],
        "probability_ci95": t["probability_ci95"],
        "final": {"mean": f["mean"], "p05": f["p05"], "p95": f["p95"]},
        "target": t["members"],
        "summary": ev.summary,
    }


def point_row(p: dict[str, Any]) -> dict[str, Any]:
    """One row of ``sweep.csv``."""
    row = {path: (v if isinstance(v, int | float | str) else str(v)) for path, v in p["values"].items()}
    row.update(
        {
            "probability": p["probability"],
            "probability_ci95_lo": p["probability_ci95"][0],
            "probability_ci95_hi": p["probability_ci95"][1],
            "final_mean": p["final"]["mean"],
            "final_p05": p["final"]["p05"],
            "final_p95": p["final"]["p95"],
        }
    )
    for c in p["summary"].get("money", {}).get("channels", []):
        row[f"cost_per_net_member[{c['name']}]"] = c["cost_per_net_member"]
    return row


@dataclass(frozen=True)
class SweepPlan:
    """``sim sweep`` planned: the grid of overrides, the first point loaded, replications and seed."""

    file: Path
    paths: list[str]
    points: list[list[Override]]
    first: Loaded
    replications: int
    seed: int
    loaded: list[Loaded] = field(default_factory=list)
    kind: str = "sweep"
    fixed: tuple[Override, ...] = ()

    @classmethod
    def plan(
        cls, file: Path, sets: list[str], reps: int | None, seed: int | None, fixed: Sequence[Override] = ()
    ) -> SweepPlan:
        """Parse the grid and load its first point; the scenario decides replications and seed.

        ``fixed`` overrides (``--region``) apply at every point, after the point's own values.
        """
        if not sets:
            raise ScenarioError("give at least one --set PATH=V1,V2,...", field="--set")
        paths, points = grid(sets)
        first = load_with(file, [*points[0], *fixed])
        s = first.scenario
        n = reps if reps is not None else s.replications
        return cls(file, paths, points, first, n, seed if seed is not None else s.seed, fixed=tuple(fixed))

    @property
    def scenario(self) -> Scenario:
        """The first point's scenario (it names the default result folder)."""
        return self.first.scenario

    def work(self, workers: int) -> workload.Work:
        """What the sweep will cost, for the planner to approve."""
        n, points = self.replications, len(self.points)
        return workload.evaluations(
            [(workload.shape_of(self.scenario), n)] * points,
            workers,
            f"{self.scenario.name}, {points:,} points of {n:,} replications",
            "--set",
            f"give fewer --set values (the grid has {points:,} points) or fewer --reps",
        )

    def prepare(self) -> None:
        """Load (and so validate) every point before anything runs."""
        self.loaded[:] = [self.first, *(load_with(self.file, [*p, *self.fixed]) for p in self.points[1:])]

    def identity(self) -> dict[str, Any]:
        """Everything that decides the figures, for the checkpoint."""
        points = [scenario_data(x.scenario) for x in self.loaded]
        return {"kind": "sweep", "points": points, "replications": self.replications, "seed": self.seed}

    def run(self, evaluate: Evaluator, note: Callable[[str], None]) -> dict[str, Any]:
        """``sweep.json``: every point evaluated together on common random numbers."""
        values = [{o.path: o.value for o in overrides} for overrides in self.points]

        def finished(i: int) -> None:
            shown = ", ".join(f"{k}={plain(v)}" for k, v in values[i].items())
            note(f"point {i + 1}/{len(self.points)} done: {shown}")

        n = self.replications
        note(f"{len(self.points)} points of {n:,} replications")
        evaluations = evaluate.many(
            [Request(x.scenario, n, self.seed, warnings=x.warnings) for x in self.loaded], finished
        )
        return {
            "kind": "sweep",
            "scenario": self.scenario.name,
            "file": str(self.file),
            "replications": n,
            "seed": self.seed,
            "parameters": self.paths,
            "points": [point(v, ev) for v, ev in zip(values, evaluations, strict=True)],
        }

    def write(self, folder: Path, data: dict[str, Any]) -> None:
        """``sweep.json`` and ``sweep.csv`` (the chart is drawn by the caller)."""
        write_json(folder / "sweep.json", data)
        write_csv(folder / "sweep.csv", [point_row(p) for p in data["points"]])
