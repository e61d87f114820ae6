"""``sim bench``: wall time, time per 1,000 replications and peak memory for shipped scenarios."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path

import typer

from sim.experiment import default_workers, run_scenario
from sim.loader import load_scenario

DEFAULT_SCENARIOS = [Path("scenarios/bali-2025.yaml")]


def bench(
    scenarios: list[Path] = typer.Argument(None, help="scenarios (default: scenarios/bali-2025.yaml)"),
    reps: int = typer.Option(10_000, "--reps", min=1, help="replications per timing"),
    repeat: int = typer.Option(3, "--repeat", min=1, help="timings per scenario; the median is shown"),
    workers: int = typer.Option(0, "--workers", min=0, help="processes; 0 = one per core"),
) -> None:
    """Time the model on SCENARIOS and print the figures."""
    n_workers = workers or default_workers()
    for file in scenarios or DEFAULT_SCENARIOS:
        s = load_scenario(file).scenario
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run_scenario(s, replications=reps, workers=n_workers)
            times.append(time.perf_counter() - t0)
        wall = statistics.median(times)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        typer.echo(
            f"{file}: {reps:,} replications, {n_workers} workers: median wall {wall:.3f} s "
            f"over {repeat} runs ({wall / reps * 1000:.3f} s per 1,000 replications); "
            f"peak memory {peak_mb:.0f} MB"
        )
