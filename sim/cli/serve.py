"""``sim serve``: the what-if page in the browser, for a meeting room."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from sim.page.server import Options, serve


def serve_command(
    scenarios: Path = typer.Option(Path("scenarios"), "--scenarios", help="folder of scenario YAML files to offer"),
    results_dir: Path = typer.Option(Path("results"), "--results-dir", help="where exported reports go"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on; anything but 127.0.0.1 needs a token"),
    port: int = typer.Option(8050, "--port", help="port to listen on"),
    no_browser: bool = typer.Option(False, "--no-browser", help="do not open a browser"),
    lang: str = typer.Option("id", "--lang", help="language of the page: id or en"),
    token: str | None = typer.Option(None, "--token", help="the token for --host (default: a new random one)"),
    workers: int = typer.Option(2, "--workers", min=1, max=64, help="worker processes for runs"),
) -> None:
    """Serve the what-if page: pick a scenario, move levers, compare strategies, keep what was decided."""
    options = Options(scenarios, results_dir, host, port, not no_browser, lang, token, workers)
    serve(options, lambda text: typer.echo(text, err=text.startswith("warning")))
    sys.stderr.flush()
    os._exit(0)  # the pool is stopped; interpreter teardown (matplotlib, shiny) would take over a second
