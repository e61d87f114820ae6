"""``sim diff A B``: what a variant changes against its base, as paths and values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.scenario.changes import readable_rows, value_text
from sim.scenario.diff import scenario_diff


def diff(
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


def diff_table(rows: list[tuple[str, Any, Any]], title: str) -> Table:
    """The differences as a table of paths, base values and variant values, a row per dated step."""
    table = Table(title=title)
    for col in ("Path", "Base", "Variant"):
        table.add_column(col)
    for path, x, y in readable_rows(rows):
        table.add_row(path, value_text(x), value_text(y))
    return table
