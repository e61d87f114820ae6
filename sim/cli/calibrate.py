"""``sim calibrate SCENARIO --observed HISTORY.csv --fit PATH...``: fit rates to what happened.

What it writes is said in :mod:`sim.analyses.history.calibrate`; here are the options and the printout.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.analyses.history.calibrate import Writing, calibrate_into_folder
from sim.cli.common import (
    approve,
    json_option,
    out_option,
    print_json,
    reps_option,
    results_dir_option,
    seed_option,
    yes_option,
)
from sim.figures.fit import plot_fit
from sim.report.terminal import fit_lines


def calibrate_command(
    scenario: Path = typer.Argument(..., help="scenario YAML whose horizon covers the observations to fit"),
    observed: Path = typer.Option(..., "--observed", help="history CSV: date, metric, value[, segment, channel, ...]"),
    fit: list[str] = typer.Option(..., "--fit", help="field path of a rate to fit, e.g. 'channels[Walk-in].per_month'"),
    into: Path | None = typer.Option(None, "--into", help="write the fitted rates into this scenario instead"),
    scenario_out: Path | None = typer.Option(None, "--scenario-out", help="also write the calibrated scenario here"),
    reps: int = reps_option("replications per evaluation", default=200, minimum=2),
    seed: int | None = seed_option("seed for the common random numbers"),
    out: Path | None = out_option(),
    as_json: bool = json_option("fit.json"),
    results_dir: Path = results_dir_option(),
    yes: bool = yes_option(),
) -> None:
    """Fit the rates named by --fit so that SCENARIO reproduces the figures in --observed."""
    done = calibrate_into_folder(
        scenario,
        observed,
        fit,
        into=into,
        scenario_out=scenario_out,
        reps=reps,
        seed=seed,
        writing=Writing(out, results_dir, lambda work: approve(work, yes), plot_fit),
    )
    for w in done.fit.warnings:
        typer.echo(f"warning: {w}", err=True)
    if as_json:
        print_json(done.folder / "fit.json")
    else:
        for line in fit_lines(done.fit, done.folder, done.scenario_out):
            typer.echo(line)
