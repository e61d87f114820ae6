"""``sim backtest SCENARIO --actuals ACTUALS.csv [--reanchor DATE]``: score a projection against what happened.

Prints one line per scored observation and writes ``scores.csv`` and ``scores.json`` (with the
averages), ``backtest.png``, the scenario as projected (re-anchored if asked) and ``run.json`` into
a result folder.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.analyses.history.backtest import backtest_into_folder
from sim.analyses.history.calibrate import Writing
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
from sim.report.terminal import backtest_lines


def backtest_command(
    scenario: Path = typer.Argument(..., help="scenario YAML to project and score, or an earlier run's result folder"),
    actuals: Path = typer.Option(..., "--actuals", help="CSV of what happened: date, metric, value[, segment, ...]"),
    reanchor: str | None = typer.Option(None, "--reanchor", help="restart from the active members observed on DATE"),
    reps: int | None = reps_option(),
    seed: int | None = seed_option(),
    out: Path | None = out_option(),
    as_json: bool = json_option("scores.json"),
    results_dir: Path = results_dir_option(),
    rolling: int | None = typer.Option(None, "--rolling", min=1, help="refit up to each count, score MONTHS ahead"),
    fit: list[str] = typer.Option([], "--fit", help="with --rolling: a rate to refit (field path; repeatable)"),
    yes: bool = yes_option(),
) -> None:
    """Project SCENARIO from its start (or from --reanchor DATE) and score every later observation."""
    done = backtest_into_folder(
        scenario,
        actuals,
        reanchor=reanchor,
        reps=reps,
        seed=seed,
        writing=Writing(out, results_dir, lambda work: approve(work, yes), plot_fit),
        rolling=rolling,
        fit=fit,
    )
    if as_json:
        print_json(done.folder / "scores.json")
        return
    for line in backtest_lines(done):
        typer.echo(line)
