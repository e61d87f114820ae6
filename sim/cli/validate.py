"""``sim validate FILE...``: check scenarios without running them."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario


def validate_command(files: list[Path] = typer.Argument(..., help="scenario YAML files")) -> None:
    """Check each FILE; print one line per file, and exit 2 if any is invalid."""
    failed = 0
    for file in files:
        try:
            loaded = load_scenario(file)
        except ScenarioError as exc:
            failed += 1
            typer.echo(f"error: {exc}", err=True)
            continue
        for w in loaded.warnings:
            typer.echo(f"warning: {w}", err=True)
        s = loaded.scenario
        typer.echo(f"ok: {file}: {s.name!r}, {len(s.channels)} channels, {s.start} to {s.end}")
    if failed:
        raise typer.Exit(2)
