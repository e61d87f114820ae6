"""``sim backtest SCENARIO --actuals ACTUALS.csv [--reanchor DATE]``: score a projection against what happened.

Prints one line per scored observation and writes ``scores.csv`` and ``scores.json`` (with the
averages), ``backtest.png``, the scenario as projected (re-anchored if asked) and ``run.json`` into
a result folder.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.analyses.history.backtest import backtest_into_folder
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


def backtest_command(
    scenario: Path = typer.Argument(..., help="scenario YAML: the projection to score"),
    actuals: Path = typer.Option(..., "--actuals", help="CSV of what happened: date, metric, value[, segment, ...]"),
    reanchor: str | None = typer.Option(None, "--reanchor", help="restart from the active members observed on DATE"),
    reps: int | None = reps_option(),
    seed: int | None = seed_option(),
    out: Path | None = out_option(),
    as_json: bool = json_option("scores.json"),
    results_dir: Path = results_dir_option(),
    yes: bool = yes_option(),
) -> None:
    """Project SCENARIO from its start (or from --reanchor DATE) and score every later observation."""
    done = backtest_into_folder(
        scenario,
        actuals,
        reanchor=reanchor,
        reps=reps,
        seed=seed,
        out=out,
        results_dir=results_dir,
        approve=lambda work: approve(work, yes),
        plot_fit=plot_fit,
    )
    written, overall, s, scores = done.folder, done.summary, done.backtest.scenario, done.backtest.scores
    if as_json:
        print_json(written / "scores.json")
        return
    typer.echo(f"{s.name}: projected from {s.start}, {len(scores)} observations scored")
    typer.echo(
        f"  {'line':>4} {'date':<10} {'series':<24} {'observed':>12} {'p05':>12} {'median':>12} {'p95':>12}"
        f" {'PIT':>5} {'50%':>3} {'90%':>3} {'CRPS':>10}"
    )
    for x in scores:
        o = x.observation
        typer.echo(
            f"  {o.line:>4} {o.when.isoformat():<10} {o.series:<24} {o.value:>12.6g} {x.band90[0]:>12.6g}"
            f" {x.median:>12.6g} {x.band90[1]:>12.6g} {x.pit:>5.2f} {_yes(x.inside50):>3} {_yes(x.inside90):>3}"
            f" {x.crps:>10.4g}"
        )
    typer.echo(
        f"  mean PIT {overall['mean_pit']:.2f} (0.5 if calibrated); inside 50% band "
        f"{100 * overall['inside50_share']:.0f}%, inside 90% band {100 * overall['inside90_share']:.0f}%"
    )
    for name, own in overall["by_series"].items():
        typer.echo(
            f"  {name}: mean CRPS {own['mean_crps']:.4g}, mean 90% interval score "
            f"{own['mean_interval_score90']:.4g} ({own['observations']} observations)"
        )
    typer.echo(f"written: {written}")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
