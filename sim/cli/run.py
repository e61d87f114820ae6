"""``sim run SCENARIO``: project a scenario and print the verdict on its target."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import simpy
import typer

from sim import __version__
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
from sim.experiment import workload
from sim.experiment.precision import DEFAULT_MAX_REPS
from sim.experiment.progress import wanted
from sim.experiment.runner import processes, project
from sim.report.verdict import console as verdict_console
from sim.report.verdict import render
from sim.report.verdict_scale import render_scale
from sim.results.folder import check_destination, default_destination, write_run
from sim.results.money import with_money
from sim.scenario.loader import load_with
from sim.scenario.paths import single_overrides


def run(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    reps: int | None = reps_option(),
    seed: int | None = seed_option(),
    workers: int = workers_option(),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address, tcp://HOST:PORT"),
    executor: str = typer.Option("local", "--executor", help="local (process pool) or dask (LocalCluster)"),
    precision: float | None = typer.Option(
        None, "--precision", min=0.0001, max=0.49, help="add blocks until P(target) is known to ± this (95%)"
    ),
    max_reps: int = typer.Option(
        DEFAULT_MAX_REPS, "--max-reps", min=1, help="with --precision: stop at this many replications"
    ),
    out: Path | None = out_option(),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("summary.json"),
    quiet: bool = typer.Option(False, "--quiet", help="print only where the results went"),
    report: bool = typer.Option(False, "--report", help="also write the report (see sim report) into the run folder"),
    lang: str = typer.Option("id", "--lang", help="language of --report: id or en"),
    sets: list[str] = set_option(),
    yes: bool = yes_option(),
) -> None:
    """Project SCENARIO over Monte Carlo replications and write its results."""
    if report:  # imported here so that plain runs do not load matplotlib
        from sim.report.write import check_lang, write_report

        check_lang(lang)
    overrides = single_overrides(sets)
    loaded = load_with(scenario, overrides)
    s = loaded.scenario
    dest = out if out is not None else default_destination(results_dir, s)
    check_destination(dest)
    n = max_reps if precision is not None else reps or s.replications
    shape, up_to = workload.shape_of(s), precision is not None
    approve(workload.run(shape, s.name, n, processes(n, workers, scheduler, executor), up_to=up_to), yes)
    for w in loaded.warnings:
        typer.echo(f"warning: {w}", err=True)
    done = project(
        s,
        reps=reps,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        executor=executor,
        precision=precision,
        max_reps=max_reps,
        show_progress=wanted(quiet, as_json),
    )
    results = done.results
    summary = with_money(results.summary(__version__, loaded.warnings), results)
    info = {
        "seed": results.seed,
        "replications": results.replications,
        "scenario_file": str(scenario),
        "extends_chain": [str(p) for p in loaded.chain],
        "overrides": list(sets),
        "numpy": np.__version__,
        "simpy": simpy.__version__,
    }
    summary.update(done.summary)
    info.update(done.facts)

    written = write_run(dest, summary, results.monthly_rows(), s, loaded.chain, info)
    if report:
        write_report(written, lang)
    if as_json:
        print_json(written / "summary.json")
    elif quiet:
        typer.echo(str(written))
    else:
        console = verdict_console()
        render(summary, console, written)
        render_scale(summary, console)
