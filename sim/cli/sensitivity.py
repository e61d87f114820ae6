"""``sim sensitivity SCENARIO``: which uncertain figure the projection depends on most."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from sim.analyses.sensitivity import output
from sim.analyses.sensitivity.study import Study
from sim.cli.common import (
    approve,
    json_option,
    out_option,
    print_json,
    reps_option,
    results_dir_option,
    seed_option,
    workers_option,
    yes_option,
)
from sim.experiment.blocks import default_workers
from sim.figures import sensitivity as tornado_chart
from sim.report.terminal import sensitivity_opening, sensitivity_reading, sensitivity_table
from sim.results.folder import check_destination, default_destination


def sensitivity_command(
    scenario: Path = typer.Argument(..., exists=True, dir_okay=False, help="scenario YAML file"),
    param: list[str] = typer.Option(
        [], "--param", help="also vary PATH between LOW:HIGH, e.g. 'channels[BPR agents].agents=22:128'"
    ),
    samples: int = typer.Option(64, "--samples", min=2, help="Sobol' base samples N (runs N×(D+2) points)"),
    reps: int = reps_option("replications per Sobol' point", default=200, minimum=2),
    tornado_reps: int = typer.Option(1000, "--tornado-reps", min=2, help="replications per tornado run"),
    no_sobol: bool = typer.Option(False, "--no-sobol", help="tornado only"),
    seed: int | None = seed_option(),
    workers: int = workers_option(),
    out: Path | None = out_option("sensitivity"),
    as_json: bool = json_option("sensitivity.json"),
    results_dir: Path = results_dir_option(),
    yes: bool = yes_option(),
) -> None:
    """Tornado (low/high of each parameter) and Sobol' indices over SCENARIO's uncertain figures."""
    study = Study.plan(
        scenario, param, samples=samples, reps=reps, tornado_reps=tornado_reps, sobol=not no_sobol, seed=seed
    )
    if not study.parameters:
        raise typer.BadParameter("the scenario has no uncertain figures; name some with --param", param_hint="--param")
    s = study.loaded.scenario
    dest = out if out is not None else default_destination(results_dir / "sensitivity", s)
    check_destination(dest)
    approve(study.work(workers or default_workers()), yes)
    # With --json, stdout holds the JSON alone: the opening line goes to stderr and the table nowhere.
    console = Console(stderr=as_json)
    if not console.is_terminal:
        console.width = 140
    console.print(sensitivity_opening(study), highlight=False)
    report = study.run(workers or default_workers())
    written = output.write(dest, report, s, study.loaded.chain, tornado_chart.draw)
    if as_json:
        print_json(written / "sensitivity.json")
        return
    console.print(sensitivity_table(report))
    for line in sensitivity_reading(report):
        console.print(line, highlight=False)
    console.print(f"Results written to {written}")
