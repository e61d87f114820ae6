"""``sim diff A B``: what a variant changes against its base, as paths and values."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from sim.report.terminal import diff_table
from sim.scenario.diff import scenario_diff


def diff_command(
    base: Path = typer.Argument(..., help="base scenario"),
    variant: Path = typer.Argument(..., help="variant scenario"),
    as_json: bool = typer.Option(False, "--json", help="print the differences as JSON"),
) -> None:
    """Show what VARIANT changes against BASE."""
    rows = scenario_diff(base, variant)
    if as_json:
        typer.echo(json.dumps([{"path": p, "base": x, "variant": y} for p, x, y in rows], indent=2, default=str))
        return
    Console().print(diff_table(rows, f"{variant} against {base}") if rows else "no differences")
