"""``sim solve SCENARIO --lever PATH --range LO:HI --probability P``: goal-seek a lever."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sim.analyses.frontier import Search, Solved
from sim.analyses.solve import Answer, Lever
from sim.cli.common import (
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
from sim.cli.long_run import LongOptions, resume_option, run_long
from sim.scenario.paths import single_overrides


def _shown(a: Answer) -> str:
    if a.value is None:
        return f"unreachable (best {a.best.probability:.1%} at {a.best.value})"
    p = a.at_answer
    assert p is not None
    text = f"{a.value} (P {p.probability:.1%}, 95% CI {p.ci95[0]:.1%} – {p.ci95[1]:.1%})"
    u = a.uncertain_between()
    return text + (f"; within Monte Carlo error of the goal from {u[0]} to {u[1]}" if u else "")


def _report(answers: list[Solved], fixed_paths: list[str], lever: Lever, goal: float, console: Console) -> None:
    if not fixed_paths:
        a = answers[0].answer
        word = "largest" if a.maximize else "smallest"
        console.print(f"Goal: P(target) ≥ {goal:.0%}. The {word} {lever.path} that reaches it: {_shown(a)}")
        if a.neighbour is not None:
            n = a.neighbour
            console.print(
                f"At {n.value}: P {n.probability:.1%} "
                f"(95% CI {n.ci95[0]:.1%} – {n.ci95[1]:.1%}, {n.reps:,} replications)"
            )
        if a.value is None:
            console.print(f"The target cannot be reached with {goal:.0%} probability anywhere in the range.")
        return
    table = Table(title=f"Frontier: {lever.path} needed for P(target) ≥ {goal:.0%}")
    for p in fixed_paths:
        table.add_column(p)
    table.add_column(lever.path)
    for row in answers:
        table.add_row(*(str(row.fixed[p]) for p in fixed_paths), _shown(row.answer))
    console.print(table)


def solve_cmd(
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
    workers: int = workers_option(),
    out: Path | None = out_option("solve"),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("solve.json"),
    resume: bool = resume_option(),
    yes: bool = yes_option(),
) -> None:
    """Find the smallest (or largest) lever value at which the target is reached with --probability."""
    search = Search.plan(
        scenario,
        single_overrides(sets),
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
    console = Console()
    _report(solution.answers, [lv.path for lv in search.outer], search.inner, probability, console)
    console.print(f"Results written to {written}")
