"""``sim backtest SCENARIO --actuals ACTUALS.csv [--reanchor DATE]``: score a projection against what happened.

Prints one line per scored observation and writes ``scores.csv`` and ``scores.json`` (with the
averages), ``backtest.png``, the scenario as projected (re-anchored if asked) and ``run.json`` into
a result folder.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.analyses.history.backtest import later, project, reanchor_overrides, score, summary
from sim.analyses.history.observations import check_against, parse_date, read_observations
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
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.figures.fit import plot_fit
from sim.results.folder import check_destination, default_destination, write_csv, write_json, write_result, write_yaml
from sim.scenario.loader import load_scenario, validate
from sim.scenario.paths import apply
from sim.scenario.schema import scenario_data


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
    loaded = load_scenario(scenario)
    observations = read_observations(actuals)
    check_against(observations, loaded.scenario, actuals)
    s = loaded.scenario
    if reanchor is not None:
        try:
            when = parse_date(reanchor)
        except ValueError:
            raise ScenarioError(
                f"expected a date YYYY-MM-DD or YYYY-MM, got {reanchor!r}", field="--reanchor"
            ) from None
        s, _ = validate(apply(loaded.raw, reanchor_overrides(s, observations, when)), loaded.file)
    dest = out if out is not None else default_destination(results_dir, s)
    check_destination(dest)
    marks = tuple(sorted({o.when for o in later(observations, s)}))
    approve(workload.run(workload.shape_of(s, marks), s.name, reps or s.replications, 1), yes)
    results = project(s, observations, reps, seed)
    scores = tuple(score(results, o) for o in later(observations, s))
    if not scores:
        raise ScenarioError(f"no observation falls inside the horizon {s.start} to {s.end}", field="--actuals")
    overall = summary(scores)
    rows = [x.row() for x in scores]
    info = {
        "seed": seed if seed is not None else s.seed,
        "replications": reps or s.replications,
        "reanchored_on": reanchor,
    }

    def fill(folder: Path) -> None:
        write_csv(folder / "scores.csv", rows)
        write_json(
            folder / "scores.json",
            {"scenario": s.name, "start": s.start.isoformat(), "summary": overall, "scores": rows},
        )
        used = [(x.observation, 0.0, f"PIT={x.pit:.2f}") for x in scores]
        skipped = [o for o in observations if o not in later(observations, s)]
        plot_fit(folder / "backtest.png", results, used, skipped, f"{s.name}: projected from {s.start}")
        write_yaml(folder / "scenario.yaml", scenario_data(s), f"# Projected scenario, from {scenario}\n")

    written = write_result(dest, fill, info)
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
