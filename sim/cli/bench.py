"""``sim bench``: how fast and how lean the model is on the shipped scenarios, in figures.

For each scenario it prints the SimPy model's time against the NumPy reference on the same
replications (medians over ``--repeat`` runs, and the median of their ratios measured in the same
run), ``sim run`` end to end in a fresh interpreter with results written, its peak memory, and the
state a replication holds. Then a 200-replication preview, a sweep and a large run.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import typer

from sim.analyses import bench as benchmark
from sim.cli.common import workers_option
from sim.experiment.blocks import default_workers
from sim.experiment.executors import make_executor
from sim.scenario.loader import load_scenario

# The shipped scenarios beside the package (an editable install), else under the current folder.
_SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
_HERE = _SHIPPED if _SHIPPED.is_dir() else Path("scenarios")
# (scenario, replications): bali-2025's target is 10,000 in 4 s; the national one's 1,000 in 30 s.
DEFAULT_SCENARIOS = ((_HERE / "bali-2025.yaml", 10_000), (_HERE / "national-2026.yaml", 1_000))
SWEEP_PATH = "channels[BPR agents].agents"


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}; {default_workers()} usable cores of {os.cpu_count()}; Python {platform.python_version()}; "
        f"load average {load} at start (other work on the machine inflates wall times)"
    )


def bench(
    scenarios: list[Path] = typer.Argument(None, help="scenarios (default: bali-2025 and national-2026)"),
    reps: int | None = typer.Option(None, "--reps", min=1, help="replications per timing (default per scenario)"),
    repeat: int = typer.Option(3, "--repeat", min=1, help="timings per figure; medians are shown"),
    workers: int = workers_option("processes for sweeps and runs; 0 = one per core"),
    sweep_points: int | None = typer.Option(
        None, "--sweep-points", min=0, help="points of the sweep (default 50 with the default scenarios, else 0)"
    ),
    big: int | None = typer.Option(
        None, "--big", min=0, help="replications of the memory run (default 100,000 with the default scenarios, else 0)"
    ),
) -> None:
    """Time the model on SCENARIOS and print the figures."""
    n_workers = workers or default_workers()
    sweep_points = sweep_points if sweep_points is not None else (0 if scenarios else 50)
    big = big if big is not None else (0 if scenarios else 100_000)
    typer.echo(f"machine: {_machine()}")
    chosen = [(f, reps or 10_000) for f in scenarios] if scenarios else [(f, reps or n) for f, n in DEFAULT_SCENARIOS]
    for file, n in chosen:
        s = load_scenario(file).scenario
        c = benchmark.model_vs_reference(s, n, repeat)
        wall = benchmark.cli_run(file, n, repeat, ["--workers", str(n_workers)])
        typer.echo(
            f"{file}: {n:,} replications\n"
            f"  model (SimPy, 1 process):   {c.simpy_s:.3f} s  ({c.simpy_s / n * 1000:.3f} s per 1,000 replications)\n"
            f"  NumPy reference, same run:  {c.numpy_s:.3f} s  ->  SimPy/NumPy ratio {c.ratio:.3f}\n"
            f"  sim run end to end ({n_workers} workers, results written): {wall.seconds:.3f} s "
            f"({wall.seconds / n * 1000:.3f} s per 1,000 replications); peak memory {wall.peak_mb:.0f} MB\n"
            f"  state per replication: {c.live_bytes_per_rep / 1024:.2f} KB live, "
            f"{c.state_bytes_per_rep / 1024:.2f} KB recorded  (medians over {repeat} runs)"
        )
    first = chosen[0][0]
    preview = benchmark.cli_run(first, 200, repeat, ["--workers", str(n_workers)])
    typer.echo(f"preview: sim run {first} --reps 200, from interpreter start: {preview.seconds:.3f} s")
    if sweep_points:
        values = [round(i * 128 / max(1, sweep_points - 1)) for i in range(sweep_points)]
        with make_executor(n_workers) as pool:
            seconds, _ = benchmark.sweep(first, SWEEP_PATH, values, 1000, pool)
        typer.echo(f"sweep: {sweep_points} points × 1,000 replications of {SWEEP_PATH}: {seconds:.3f} s")
    if big:
        run = benchmark.cli_run(first, big, 1, ["--workers", str(n_workers)])
        typer.echo(
            f"large run: {big:,} replications of {first}: {run.seconds:.3f} s, "
            f"peak memory {run.peak_mb:.0f} MB (largest process)"
        )
