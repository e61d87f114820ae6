"""``sim calibrate SCENARIO --observed HISTORY.csv --fit PATH...``: fit rates to what happened.

What it writes is said in :mod:`sim.analyses.history.calibrate`; here are the options and the printout.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.analyses.history.calibrate import calibrate_into_folder
from sim.analyses.history.calibration import Fit
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
        out=out,
        results_dir=results_dir,
        approve=lambda work: approve(work, yes),
        plot_fit=plot_fit,
    )
    for w in done.fit.warnings:
        typer.echo(f"warning: {w}", err=True)
    if as_json:
        print_json(done.folder / "fit.json")
    else:
        _print(done.fit, done.folder, done.scenario_out)


def _print(fit: Fit, written: Path, scenario_out: Path | None) -> None:
    typer.echo(f"{fit.method}; {fit.replications} replications, seed {fit.seed}, {fit.evaluations} runs")
    for e in fit.estimates:
        lo, hi = e.interval
        typer.echo(f"  {e.parameter.path}: {e.value:.6g}  (90%: {lo:.6g} to {hi:.6g}; start {e.parameter.start:.6g})")
    if fit.noise_estimated:
        typer.echo(f"  noise of figures without an sd: {100 * fit.noise_level:.2f}% of the figure")
    typer.echo("residuals (z = (observed - fitted) / predictive sd):")
    for r in fit.residuals:
        o = r.observation
        typer.echo(f"  line {o.line:>3} {o.label:<32} {o.value:>12.6g} vs {r.mean:>12.6g}  z = {r.z:+6.2f} {r.flag}")
    for o in fit.skipped:
        typer.echo(f"  line {o.line:>3} {o.label:<32} {o.value:>12.6g}  outside the horizon, not fitted")
    typer.echo(f"written: {written}" + (f" and {scenario_out}" if scenario_out else ""))
