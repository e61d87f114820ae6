"""``sim compare BASE VARIANT...``: strategies against a base, on common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from sim.analyses.compare import ComparePlan
from sim.cli.common import (
    json_option,
    out_option,
    print_json,
    region_option,
    reps_option,
    results_dir_option,
    seed_option,
    workers_option,
    yes_option,
)
from sim.cli.long_run import resume_option, run_long
from sim.experiment.runner import LongOptions
from sim.report.terminal import changes_table, channel_table, compare_table, unchanged_note
from sim.scenario.paths import region_overrides


def compare_command(
    base: Path = typer.Argument(..., help="base scenario"),
    variants: list[Path] = typer.Argument(..., help="variant scenarios"),
    reps: int | None = reps_option("replications (default: the base's)"),
    seed: int | None = seed_option("random seed for all (default: the base's)"),
    workers: int = workers_option(),
    out: Path | None = out_option("compare"),
    results_dir: Path = results_dir_option(),
    as_json: bool = json_option("compare.json"),
    resume: bool = resume_option(),
    region: str | None = region_option(),
    yes: bool = yes_option(),
) -> None:
    """Compare each VARIANT with BASE on common random numbers, with paired 95% intervals."""
    plan = ComparePlan.plan(base, variants, reps, seed, region_overrides(region))
    data, written = run_long(plan, LongOptions(out, results_dir, workers, resume, yes), _chart)
    if as_json:
        print_json(written / "compare.json")
        return
    console = Console()
    console.print(compare_table(data))
    note = unchanged_note(data)
    if note is not None:
        console.print(note, highlight=False)
    for v in data["variants"]:
        console.print(changes_table(v))
        console.print(channel_table(v))
    console.print(f"Results written to {written}")


def _chart(path: Path, data: dict[str, Any]) -> None:
    from sim.figures.strategies import compare_chart  # matplotlib is slow to import; only when writing

    compare_chart(path, data)
