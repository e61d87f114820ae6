"""``sim solve SCENARIO --lever PATH --range LO:HI --probability P``: goal-seek a lever."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.analyses.solve import Answer, Lever, grid_values, max_probes, solve
from sim.cli.common import (
    approve,
    json_option,
    load_with,
    out_option,
    print_json,
    reps_option,
    results_dir_option,
    seed_option,
    set_option,
    single_overrides,
    workers_option,
    yes_option,
)
from sim.cli.long_run import destination, long_run, resume_option
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import default_workers
from sim.experiment.evaluation import Evaluator
from sim.results.folder import write_csv, write_json, write_result
from sim.scenario.loader import Loaded
from sim.scenario.paths import Override, get_path
from sim.scenario.schema import scenario_data


@dataclass(frozen=True)
class Solved:
    """One search: the values of the other levers, and the answer for the last."""

    fixed: dict[str, Any]
    answer: Answer


def parse_range(text: str, path: str) -> tuple[float, float]:
    """``22:128`` → (22.0, 128.0)."""
    lo, sep, hi = text.partition(":")
    try:
        if not sep:
            raise ValueError
        low, high = float(lo), float(hi)
    except ValueError:
        raise ScenarioError(f"expected LOW:HIGH, e.g. 22:128, got {text!r}", field=f"--range {path}") from None
    if not low < high:
        raise ScenarioError(f"LOW must be below HIGH, got {text!r}", field=f"--range {path}")
    return low, high


def make_lever(
    file: Path, fixed: list[Override], loaded: Loaded, path: str, text: str, precision: float | None
) -> Lever:
    """A lever for ``path``: whole-number when the scenario accepts only whole numbers there.

    ``agents: 22`` and ``target.members`` are counts; ``enrollments_per_agent_per_month: 100`` is
    a rate written as a whole number, which a value such as 100.5 shows.
    """
    current = get_path(loaded.raw, path)
    lo, hi = parse_range(text, path)
    integer = False
    if isinstance(current, int) and not isinstance(current, bool):
        try:
            load_with(file, [*fixed, Override(path, current + 0.5)])
        except ScenarioError:
            integer = True
    if integer and not (lo.is_integer() and hi.is_integer()):
        raise ScenarioError(f"{path} is a whole number; give a whole-number range, got {text!r}", field="--range")
    step = 1.0 if integer else (precision if precision is not None else (hi - lo) / 100)
    if step <= 0:
        raise ScenarioError("must be > 0", field="--precision")
    return Lever(path, lo, hi, integer, step)


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
    if len(levers) != len(ranges):
        raise ScenarioError(
            f"give one --range per --lever ({len(levers)} levers, {len(ranges)} ranges)", field="--range"
        )
    if not 0 < probability <= 1:
        raise ScenarioError(f"must be in (0, 1], got {probability}", field="--probability")
    fixed = single_overrides(sets)
    loaded = load_with(scenario, fixed)
    lever_list = [make_lever(scenario, fixed, loaded, p, r, precision) for p, r in zip(levers, ranges, strict=True)]
    *outer, inner = lever_list
    grids = [grid_values(lv, steps) for lv in outer]
    combos = [dict(zip([lv.path for lv in outer], c, strict=True)) for c in itertools.product(*grids)]
    s = loaded.scenario
    work = workload.solve(
        workload.shape_of(s), s.name, len(combos), max_probes(inner), max(reps, max_reps), workers or default_workers()
    )
    approve(work, yes)
    # Both ends of every lever, at every grid value, must make a valid scenario before anything runs.
    for combo in combos:
        for end in (inner.lo, inner.hi):
            load_with(scenario, [*fixed, *_overrides(combo), Override(inner.path, inner.shown(end))])
    root = seed if seed is not None else s.seed
    dest, parent = destination(out, results_dir, "solve", s)
    identity = {
        "kind": "solve",
        "scenario": scenario_data(s),
        "levers": [[lv.path, lv.lo, lv.hi, lv.step] for lv in lever_list],
        "goal": probability,
        "maximize": maximize,
        "steps": steps,
        "reps": [reps, max_reps],
        "seed": root,
    }
    with long_run("solve", parent, identity, resume, workers) as evaluate:
        answers: list[Solved] = []
        for combo in combos:
            hits = _hits(evaluate, scenario, [*fixed, *_overrides(combo)], inner.path, root)
            a = solve(hits, inner, probability, maximize=maximize, start_reps=reps, max_reps=max_reps)
            answers.append(Solved(combo, a))
        data: dict[str, Any] = {
            "kind": "solve",
            "scenario": s.name,
            "file": str(scenario),
            "seed": root,
            "goal": probability,
            "maximize": maximize,
            "levers": [
                {"path": lv.path, "range": [lv.lo, lv.hi], "integer": lv.integer, "step": lv.step} for lv in lever_list
            ],
            "answers": [{"fixed": row.fixed, **row.answer.to_data()} for row in answers],
        }

        def fill(folder: Path) -> None:
            write_json(folder / "solve.json", data)
            write_csv(folder / "solve.csv", [_row(a) for a in data["answers"]])

        written = write_result(dest, fill)
    if as_json:
        print_json(written / "solve.json")
        return
    console = Console()
    _report(answers, [lv.path for lv in outer], inner, probability, console)
    console.print(f"Results written to {written}")


def _overrides(combo: dict[str, Any]) -> list[Override]:
    return [Override(p, v) for p, v in combo.items()]


def _hits(evaluate: Evaluator, scenario: Path, base: list[Override], path: str, seed: int) -> Any:
    err = Console(stderr=True)

    def hits(value: float, reps: int) -> int:
        x = load_with(scenario, [*base, Override(path, value)])
        ev = evaluate(x.scenario, reps, seed, x.warnings)
        err.print(f"{path}={value}: P(target) {ev.probability:.1%} over {reps:,} replications", highlight=False)
        return int(ev.reached.sum())

    return hits


def _row(a: dict[str, Any]) -> dict[str, Any]:
    at = a["at_answer"] or {}
    return {
        **{str(k): v for k, v in a["fixed"].items()},
        "lever": a["lever"],
        "reached": a["reached"],
        "value": a["value"],
        "probability": at.get("probability"),
        "ci95_lo": (at.get("ci95") or [None, None])[0],
        "ci95_hi": (at.get("ci95") or [None, None])[1],
        "best_value": a["best"]["value"],
        "best_probability": a["best"]["probability"],
    }
