"""``sim report RESULTS_DIR``: a meeting-ready report of a run, comparison or sweep folder."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.errors import ScenarioError
from sim.report.write import FORMATS, check_lang, write_report


def parse_formats(text: str) -> list[str]:
    """``md,html`` → ``["md", "html"]``; an unknown format is an error naming the allowed ones."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ScenarioError(
            f"unknown format {', '.join(unknown) or text!r}; allowed: {','.join(FORMATS)}", field="--format"
        )
    return formats


def report_command(
    results: Path = typer.Argument(..., exists=True, file_okay=False, help="a run, compare or sweep result folder"),
    lang: str = typer.Option("id", "--lang", help="id (Bahasa Indonesia) or en"),
    formats: str = typer.Option(",".join(FORMATS), "--format", help="any of md,html,xlsx,pdf"),
    out: Path | None = typer.Option(None, "--out", help="report folder (default RESULTS_DIR/report-<lang>/)"),
) -> None:
    """Write the report of RESULTS_DIR in the chosen language and formats."""
    check_lang(lang)
    written = write_report(results, lang, parse_formats(formats), out)
    typer.echo(str(written))
