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
from sim.adaptive import DEFAULT_MAX_REPS, run_to_precision
from sim.errors import ScenarioError
from sim.executors import EXECUTORS, make_executor
from sim.experiment import default_workers, run_scenario
from sim.loader import load_scenario
from sim.output import check_destination, default_destination, write_run
from sim.progress import progress_bar, wanted
from sim.verdict import render
from sim.verdict_scale import render_scale

# Up to this many replications a pool does not pay for itself: on the 2-core machine, 2,000
# replications of bali-2025 took 0.28 s in this process and 0.30 s with 2 processes.
IN_PROCESS_REPS = 2000


def run(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    reps: int | None = typer.Option(None, "--reps", min=1, help="replications (default: the scenario's)"),
    seed: int | None = typer.Option(None, "--seed", min=0, help="random seed (default: the scenario's)"),
    workers: int = typer.Option(0, "--workers", min=0, help="processes; 0 = one per core"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address, tcp://HOST:PORT"),
    executor: str = typer.Option("local", "--executor", help="local (process pool) or dask (LocalCluster)"),
    precision: float | None = typer.Option(
        None, "--precision", min=0.0001, max=0.49, help="add blocks until P(target) is known to ± this (95%)"
    ),
    max_reps: int = typer.Option(
        DEFAULT_MAX_REPS, "--max-reps", min=1, help="with --precision: stop at this many replications"
    ),
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
    err = Console(stderr=True)
    for w in loaded.warnings:
        err.print(f"warning: {w}", highlight=False)
    if executor not in EXECUTORS:
        raise ScenarioError(f"choose one of {', '.join(EXECUTORS)}, got {executor!r}", field="--executor")
    if precision is not None and reps is not None:
        raise ScenarioError("give --reps or --precision, not both", field="--precision")
    n_workers = workers or default_workers()
    show = wanted(quiet, as_json)
    total = None if precision is not None else (reps or s.replications)
    # A run short enough to finish before a pool has started runs in this process.
    local = scheduler is None and executor == "local" and (total or max_reps) <= IN_PROCESS_REPS
    if local:
        n_workers = 1
    with (
        make_executor(n_workers, scheduler, executor) as pool,
        progress_bar(total, show) as progress,
    ):
        adaptive = None
        if precision is not None:
            adaptive = run_to_precision(
                s, precision, max_replications=max_reps, seed=seed, workers=n_workers, executor=pool, progress=progress
            )
            results = adaptive.results
        else:
            results = run_scenario(
                s, replications=reps, seed=seed, workers=n_workers, executor=pool, progress=progress
            )
    summary = results.summary(__version__, loaded.warnings)
    if adaptive is not None:
        summary["precision"] = {
            "asked": adaptive.precision,
            "half_width": adaptive.half_width,
            "reached": adaptive.reached,
            "replications": results.replications,
            "max_replications": max_reps,
        }
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
        "workers": n_workers,
        "scheduler": scheduler or executor,
    }
    written = write_run(dest, summary, results.monthly_rows(), s, loaded.chain, info)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    elif quiet:
        typer.echo(str(written))
    else:
        render(summary, Console(), written)
        render_scale(summary, Console())
