"""``sim sweep SCENARIO --set PATH=V1,V2,...``: P(target) and final members over a grid of values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from sim.analyses.sweep import SweepPlan
from sim.cli.common import (
    json_option,
    out_option,
    print_json,
    region_option,
    reps_option,
    results_dir_option,
    seed_option,
    set_option,
    workers_option,
    yes_option,
)
from sim.cli.long_run import resume_option, run_long
from sim.experiment.runner import LongOptions
from sim.report.terminal import sweep_table
from sim.scenario.paths import region_overrides


def sweep_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    sets: list[str] = set_option("PATH=V1,V2,... (repeatable: a grid over every combination)"),
    reps: int | None = reps_option("replications per point (default: the scenario's)"),
    seed: int | None = seed_option(),
    workers: int = workers_option(),
    out: Path | None = out_option("sweep"),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("sweep.json"),
    resume: bool = resume_option(),
    region: str | None = region_option(),
    yes: bool = yes_option(),
) -> None:
    """Run SCENARIO at every combination of the --set values and tabulate P(target) and final members."""
    plan = SweepPlan.plan(scenario, sets, reps, seed, region_overrides(region))
    data, written = run_long(plan, LongOptions(out, results_dir, workers, resume, yes), _chart)
    if as_json:
        print_json(written / "sweep.json")
        return
    Console().print(sweep_table(data))
    Console().print(f"Results written to {written}")


def _chart(path: Path, data: dict[str, Any]) -> None:
    from sim.figures.sweep import sweep_chart  # matplotlib is slow to import; only when writing

    sweep_chart(path, data)
