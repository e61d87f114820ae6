"""``sim sweep SCENARIO --set PATH=V1,V2,...``: P(target) and final members over a grid of values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.analyses.sweep import plain, point, point_row
from sim.cli.common import (
    approve,
    json_option,
    out_option,
    print_json,
    reps_option,
    results_dir_option,
    seed_option,
    set_option,
    workers_option,
    yes_option,
)
from sim.cli.long_run import destination, long_run, resume_option
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import default_workers
from sim.experiment.evaluation import Request
from sim.results.folder import write_csv, write_json, write_result
from sim.scenario.loader import load_with
from sim.scenario.paths import grid
from sim.scenario.schema import scenario_data


def _table(data: dict[str, Any]) -> Table:
    table = Table(title=f"{data['scenario']}: sweep ({data['replications']:,} replications per point)")
    for p in data["parameters"]:
        table.add_column(p)
    for col in ("P(target)", "95% CI", "Final mean", "5%", "95%"):
        table.add_column(col, justify="right")
    for p in data["points"]:
        lo, hi = p["probability_ci95"]
        f = p["final"]
        table.add_row(
            *(str(p["values"][k]) for k in data["parameters"]),
            f"{p['probability']:.1%}",
            f"{lo:.1%} – {hi:.1%}",
            f"{f['mean']:,.0f}",
            f"{f['p05']:,.0f}",
            f"{f['p95']:,.0f}",
        )
    return table


def sweep(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    sets: list[str] = set_option("PATH=V1,V2,... (repeatable: a grid over every combination)"),
    reps: int | None = reps_option("replications per point (default: the scenario's)"),
    seed: int | None = seed_option(),
    workers: int = workers_option(),
    out: Path | None = out_option("sweep"),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("sweep.json"),
    resume: bool = resume_option(),
    yes: bool = yes_option(),
) -> None:
    """Run SCENARIO at every combination of the --set values and tabulate P(target) and final members."""
    if not sets:
        raise ScenarioError("give at least one --set PATH=V1,V2,...", field="--set")
    paths, points = grid(sets)
    first = load_with(scenario, points[0])
    s = first.scenario
    n = reps if reps is not None else s.replications
    root = seed if seed is not None else s.seed
    dest, parent = destination(out, results_dir, "sweep", s)
    work = workload.evaluations(
        [(workload.shape_of(s), n)] * len(points),
        workers or default_workers(),
        f"{s.name}, {len(points):,} points of {n:,} replications",
        "--set",
        f"give fewer --set values (the grid has {len(points):,} points) or fewer --reps",
    )
    approve(work, yes)
    # Every point is loaded (and so validated) before anything runs.
    loaded = [first, *(load_with(scenario, p) for p in points[1:])]
    identity = {"kind": "sweep", "points": [scenario_data(x.scenario) for x in loaded], "replications": n, "seed": root}
    err = Console(stderr=True)
    values = [{o.path: o.value for o in overrides} for overrides in points]

    def finished(i: int) -> None:
        shown = ", ".join(f"{k}={plain(v)}" for k, v in values[i].items())
        err.print(f"point {i + 1}/{len(points)} done: {shown}", highlight=False)

    with long_run("sweep", parent, identity, resume, workers) as evaluate:
        err.print(f"{len(points)} points of {n:,} replications", highlight=False)
        evaluations = evaluate.many([Request(x.scenario, n, root, x.warnings) for x in loaded], finished)
        done = [point(v, ev) for v, ev in zip(values, evaluations, strict=True)]
        data = {
            "kind": "sweep",
            "scenario": s.name,
            "file": str(scenario),
            "replications": n,
            "seed": root,
            "parameters": paths,
            "points": done,
        }

        def fill(folder: Path) -> None:
            from sim.figures.sweep import sweep_chart  # matplotlib is slow to import; only when writing

            write_json(folder / "sweep.json", data)
            write_csv(folder / "sweep.csv", [point_row(p) for p in done])
            sweep_chart(folder / "sweep.png", data)

        written = write_result(dest, fill)
    if as_json:
        print_json(written / "sweep.json")
        return
    Console().print(_table(data))
    Console().print(f"Results written to {written}")
