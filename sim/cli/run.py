"""``sim run SCENARIO``: project a scenario and print the verdict on its target."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from sim.cli.common import (
    approve,
    exact_option,
    json_option,
    out_option,
    print_json,
    region_option,
    reps_option,
    results_dir_option,
    seed_option,
    set_option,
    with_exact,
    workers_option,
    yes_option,
)
from sim.experiment.precision import DEFAULT_MAX_REPS
from sim.experiment.progress import wanted
from sim.experiment.runner import RunOptions, run_into_folder
from sim.report.verdict import console as verdict_console
from sim.report.verdict import render, render_scale
from sim.results.folder import check_destination, default_destination
from sim.scenario.loader import load_with
from sim.scenario.paths import single_overrides

_PRECISION = typer.Option(
    None, "--precision", min=0.0001, max=0.49, help="add blocks until P(target) is known to ± this (95%)"
)
_MAX_REPS = typer.Option(DEFAULT_MAX_REPS, "--max-reps", min=1, help="with --precision: stop at this many replications")


def run_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    reps: int | None = reps_option(),
    seed: int | None = seed_option(),
    workers: int = workers_option(),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address, tcp://HOST:PORT"),
    executor: str = typer.Option("local", "--executor", help="local (process pool) or dask (LocalCluster)"),
    precision: float | None = _PRECISION,
    max_reps: int = _MAX_REPS,
    out: Path | None = out_option(),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("summary.json"),
    quiet: bool = typer.Option(False, "--quiet", help="print only where the results went"),
    report: bool = typer.Option(False, "--report", help="also write the report (see sim report) into the run folder"),
    lang: str = typer.Option("id", "--lang", help="language of --report: id or en"),
    sets: list[str] = set_option(),
    region: str | None = region_option(),
    exact: bool = exact_option(),
    yes: bool = yes_option(),
) -> None:
    """Project SCENARIO over Monte Carlo replications and write its results."""
    write_report = _report_writer(lang) if report else None
    loaded = load_with(scenario, single_overrides(sets := with_exact(sets, exact), region))
    dest = out if out is not None else default_destination(results_dir, loaded.scenario)
    check_destination(dest)
    summary, written = run_into_folder(
        loaded,
        dest,
        RunOptions(reps, seed, workers, scheduler, executor, precision, max_reps),
        sets=sets,
        approve=lambda work: approve(work, yes),
        warn=_warn,
        show_progress=wanted(quiet, as_json),
    )
    if write_report is not None:
        write_report(written, lang)
    _show(summary, written, as_json=as_json, quiet=quiet)


def _show(summary: dict[str, Any], written: Path, *, as_json: bool, quiet: bool) -> None:
    if as_json:
        print_json(written / "summary.json")
    elif quiet:
        typer.echo(str(written))
    else:
        console = verdict_console()
        render(summary, console, written)
        render_scale(summary, console)


def _warn(text: str) -> None:
    typer.echo(f"warning: {text}", err=True)


def _report_writer(lang: str) -> Callable[[Path, str], Path]:
    """``sim report``'s writer, with ``lang`` checked before anything runs (imported here: it loads matplotlib)."""
    from sim.report.write import check_lang, write_report

    check_lang(lang)
    return write_report
