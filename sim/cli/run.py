"""``sim run SCENARIO``: project a scenario and print the verdict on its target."""

from __future__ import annotations

import json
import platform
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import simpy
import typer
from rich.console import Console

from sim import __version__
from sim.experiment import MAX_REPLICATIONS, MAX_WORKERS, default_workers, run_scenario
from sim.loader import load_scenario
from sim.output import check_destination, default_destination, write_run
from sim.verdict import render


def run(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    reps: int | None = typer.Option(
        None, "--reps", min=1, max=MAX_REPLICATIONS, help="replications (default: the scenario's)"
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="random seed (default: the scenario's)"),
    workers: int = typer.Option(0, "--workers", min=0, max=MAX_WORKERS, help="processes; 0 = one per core"),
    out: Path | None = typer.Option(None, "--out", help="result folder (default results/<name>/<time>/)"),
    results_dir: Path = typer.Option(Path("results"), "--results-dir", help="root for default result folders"),
    as_json: bool = typer.Option(False, "--json", help="print summary.json to stdout instead of the verdict"),
    quiet: bool = typer.Option(False, "--quiet", help="print only where the results went"),
) -> None:
    """Project SCENARIO over Monte Carlo replications and write its results."""
    loaded = load_scenario(scenario)
    s = loaded.scenario
    dest = out if out is not None else default_destination(results_dir, s)
    check_destination(dest)
    for w in loaded.warnings:
        typer.echo(f"warning: {w}", err=True)
    results = run_scenario(s, replications=reps, seed=seed, workers=workers or default_workers())
    summary = results.summary(__version__, loaded.warnings)
    info = {
        "version": __version__,
        "seed": results.seed,
        "replications": results.replications,
        "scenario_file": str(scenario),
        "extends_chain": [str(p) for p in loaded.chain],
        "command": ["sim", *sys.argv[1:]],
        "written": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "simpy": simpy.__version__,
    }
    written = write_run(dest, summary, results.monthly_rows(), s, loaded.chain, info)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    elif quiet:
        typer.echo(str(written))
    else:
        render(summary, Console(), written)
