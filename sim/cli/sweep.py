"""``sim sweep SCENARIO --set PATH=V1,V2,...``: P(target) and final members over a grid of values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.analyses.sweep import Sweep
from sim.cli.common import (
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
from sim.cli.long_run import LongOptions, resume_option, run_long


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
    plan = Sweep.plan(scenario, sets, reps, seed)
    data, written = run_long(plan, LongOptions(out, results_dir, workers, resume, yes), _chart)
    if as_json:
        print_json(written / "sweep.json")
        return
    Console().print(_table(data))
    Console().print(f"Results written to {written}")


def _chart(path: Path, data: dict[str, Any]) -> None:
    from sim.figures.sweep import sweep_chart  # matplotlib is slow to import; only when writing

    sweep_chart(path, data)
