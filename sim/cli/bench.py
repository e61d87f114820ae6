"""``sim bench``: how fast and how lean the model is on the shipped scenarios, in figures.

For each scenario it prints the SimPy model's time against the NumPy reference and against the
draw floor (its draws alone) on the same replications (medians over ``--repeat`` runs, and the
median of their ratios measured in the same run), ``sim run`` end to end in a fresh interpreter
with results written, its peak memory, and the state a replication holds. Then a 200-replication
preview, a sweep, a large run, a large national run (the parent's peak memory), and the what-if
page (first and full answer after a lever change, memory over the changes).
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.analyses.bench import figures
from sim.cli.common import workers_option


def bench_command(
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
    page_changes: int | None = typer.Option(None, "--page-changes", min=0, help="sim serve lever changes to time"),
    national: int | None = typer.Option(
        None,
        "--national-reps",
        min=0,
        help="replications of the national-2026 memory run (default 100,000 with the default scenarios, else 0)",
    ),
) -> None:
    """Time the model on SCENARIOS and print the figures."""
    for text in figures(scenarios, reps, repeat, workers, sweep_points, big, page_changes, national):
        typer.echo(text)
