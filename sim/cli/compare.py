"""``sim compare BASE VARIANT...``: strategies against a base, on common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.analyses.compare import Comparison, unchanged_probability
from sim.cli.common import (
    json_option,
    out_option,
    print_json,
    reps_option,
    results_dir_option,
    seed_option,
    workers_option,
    yes_option,
)
from sim.cli.diff import diff_table
from sim.cli.long_run import LongOptions, resume_option, run_long


def _changes_table(v: dict[str, Any]) -> Table:
    rows = [(c["path"], c["base"], c["variant"]) for c in v["changes"] if c["path"] not in ("name", "description")]
    return diff_table(rows, f"{v['name']}: what it changes")


def _n(x: float) -> str:
    return f"{x:+,.0f}"


def _unchanged_note(data: dict[str, Any]) -> str | None:
    """Said once under the table instead of a column of +0.0% (+0.0% – +0.0%)."""
    p = unchanged_probability(data)
    if p is None:
        return None
    shown = f"{p:.0%}" if p in (0, 1) else f"{p:.1%}"
    return f"P(target) is {shown} for the base and every variant, so the table leaves it out"


def _table(data: dict[str, Any]) -> Table:
    with_p = unchanged_probability(data) is None
    table = Table(title=f"Against {data['base']['name']} ({data['replications']:,} paired replications)")
    table.add_column("Variant")
    for col in ("Final members (diff, 95% CI)", *(["P(target) (diff, 95% CI)"] if with_p else []), "P(beats base)"):
        table.add_column(col, justify="right")
    for v in data["variants"]:
        f, p = v["paired"]["final"], v["paired"]["probability"]
        shown_p = [f"{p['diff']:+.1%} ({p['ci95'][0]:+.1%} – {p['ci95'][1]:+.1%})"] if with_p else []
        table.add_row(
            v["name"],
            f"{_n(f['mean_diff'])} ({_n(f['ci95'][0])} – {_n(f['ci95'][1])})",
            *shown_p,
            f"{v['p_beats_base']:.1%}",
        )
    return table


def _channel_table(v: dict[str, Any]) -> Table:
    table = Table(title=f"{v['name']}: enrolments and cost per net member against the base")
    for col in ("Channel", "Enrolments (diff, 95% CI)", "Cost per net member (diff, 95% CI)"):
        table.add_column(col, justify="left" if col == "Channel" else "right")
    costs = {c["name"]: c for c in v["paired"]["cost_per_net_member"]}
    for c in v["paired"]["channels"]:
        cost = costs.get(c["name"])
        shown = "—" if cost is None else f"{_n(cost['mean_diff'])} ({_n(cost['ci95'][0])} – {_n(cost['ci95'][1])})"
        table.add_row(c["name"], f"{_n(c['mean_diff'])} ({_n(c['ci95'][0])} – {_n(c['ci95'][1])})", shown)
    return table


def compare(
    base: Path = typer.Argument(..., help="base scenario"),
    variants: list[Path] = typer.Argument(..., help="variant scenarios"),
    reps: int | None = reps_option("replications (default: the base's)"),
    seed: int | None = seed_option("random seed for all (default: the base's)"),
    workers: int = workers_option(),
    out: Path | None = out_option("compare"),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("compare.json"),
    resume: bool = resume_option(),
    yes: bool = yes_option(),
) -> None:
    """Compare each VARIANT with BASE on common random numbers, with paired 95% intervals."""
    plan = Comparison.plan(base, variants, reps, seed)
    data, written = run_long(plan, LongOptions(out, results_dir, workers, resume, yes), _chart)
    if as_json:
        print_json(written / "compare.json")
        return
    console = Console()
    console.print(_table(data))
    note = _unchanged_note(data)
    if note is not None:
        console.print(note, highlight=False)
    for v in data["variants"]:
        console.print(_changes_table(v))
        console.print(_channel_table(v))
    console.print(f"Results written to {written}")


def _chart(path: Path, data: dict[str, Any]) -> None:
    from sim.figures.strategies import compare_chart  # matplotlib is slow to import; only when writing

    compare_chart(path, data)
