"""``sim solve SCENARIO --lever PATH --range LO:HI --probability P``: goal-seek a lever."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from sim.analyses.frontier import SolvePlan
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
from sim.report.terminal import print_solve
from sim.scenario.paths import single_overrides


def solve_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    levers: list[str] = typer.Option(..., "--lever", help="field path to search (repeatable: a frontier)"),
    ranges: list[str] = typer.Option(..., "--range", help="LOW:HIGH for each --lever, in order"),
    probability: float = typer.Option(..., "--probability", min=0.0, max=1.0, help="goal for P(target)"),
    maximize: bool = typer.Option(False, "--maximize", help="find the largest value (a lever that lowers P)"),
    precision: float | None = typer.Option(None, "--precision", help="step for rate levers (default range/100)"),
    steps: int = typer.Option(5, "--steps", min=2, help="grid values for each lever but the last"),
    reps: int = reps_option("replications to start with at each value", default=500, minimum=10),
    max_reps: int = typer.Option(4000, "--max-reps", min=10, help="replications cap at each value"),
    seed: int | None = seed_option(),
    sets: list[str] = set_option(),
    region: str | None = region_option(),
    workers: int = workers_option(),
    out: Path | None = out_option("solve"),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("solve.json"),
    resume: bool = resume_option(),
    yes: bool = yes_option(),
) -> None:
    """Find the smallest (or largest) lever value at which the target is reached with --probability."""
    search = SolvePlan.plan(
        scenario,
        single_overrides(sets, region),
        levers,
        ranges,
        probability,
        maximize=maximize,
        precision=precision,
        steps=steps,
        reps=reps,
        max_reps=max_reps,
        seed=seed,
    )
    solution, written = run_long(search, LongOptions(out, results_dir, workers, resume, yes))
    if as_json:
        print_json(written / "solve.json")
        return
    print_solve(solution.answers, [lv.path for lv in search.outer], search.inner, probability, Console())
    Console().print(f"Results written to {written}")
