"""What the planner's commands share: their common options, and ``--set`` turned into overrides."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import MAX_REPLICATIONS, MAX_WORKERS

SET_HELP = "PATH=VALUE, e.g. 'channels[BPR agents].agents=40' (repeatable; see README 'Field paths')"


def reps_option(
    help_text: str = "replications (default: the scenario's)", default: int | None = None, minimum: int = 1
) -> Any:
    """The ``--reps`` option, capped far above any run one machine can hold (the estimate refuses those)."""
    return typer.Option(default, "--reps", min=minimum, max=MAX_REPLICATIONS, help=help_text)


def seed_option(help_text: str = "random seed (default: the scenario's)") -> Any:
    """The ``--seed`` option."""
    return typer.Option(None, "--seed", min=0, help=help_text)


def workers_option(help_text: str = "processes; 0 = one per core") -> Any:
    """The ``--workers`` option, capped so that a typo cannot fork hundreds of workers."""
    return typer.Option(0, "--workers", min=0, max=MAX_WORKERS, help=help_text)


def out_option(kind: str = "") -> Any:
    """The ``--out`` option of a command writing under ``results/[<kind>/]<name>/<time>/``."""
    folder = f"results/{kind}/<name>/<time>/" if kind else "results/<name>/<time>/"
    return typer.Option(None, "--out", help=f"result folder (default {folder})")


def results_dir_option() -> Any:
    """The ``--results-dir`` option."""
    return typer.Option(Path("results"), "--results-dir", help="root for default result folders")


def json_option(file: str) -> Any:
    """The ``--json`` option of a command that writes ``file`` into its result folder."""
    return typer.Option(False, "--json", help=f"print {file} to stdout, as written, and nothing else there")


def print_json(file: Path) -> None:
    """Print a JSON file the command has just written, as the only thing on stdout.

    The file is printed as it is on disk, so what a script reads from stdout is exactly what the
    result folder keeps; every other line of the command goes nowhere or to stderr.
    """
    typer.echo(file.read_text(encoding="utf-8"), nl=False)


def yes_option() -> Any:
    """The ``--yes`` option: start work estimated at more than an hour without asking."""
    return typer.Option(False, "--yes", help="start work estimated to take more than an hour without asking")


def approve(work: workload.Work, yes: bool) -> None:
    """Refuse ``work`` that cannot fit in memory; before work of more than an hour, ask, or require ``--yes``.

    Called once per command, before anything is run or written. Work of more than a minute says
    how long it is expected to take.
    """
    long = workload.check(work, workload.machine_memory())
    if long and not yes and not interactive():
        raise ScenarioError(
            f"{work}, more than an hour; pass --yes to start it anyway, or to make it smaller, {work.change}",
            field="--yes",
        )
    if work.seconds > workload.NOTE_SECONDS:
        typer.echo(f"estimate: {work}", err=True)
    if long and not yes and not typer.confirm("Start it?", default=False, err=True):
        typer.echo("not started; nothing was run or written", err=True)
        raise typer.Exit(1)


def interactive() -> bool:
    """Whether a planner at a terminal can answer a question."""
    return sys.stdin.isatty()


def exact_option() -> Any:
    """The ``--exact`` flag: every binomial and Poisson draw exact (the scenario's ``draws: exact``)."""
    return typer.Option(False, "--exact", help="draw exactly, without the normal approximation for large stocks")


def with_exact(sets: list[str], exact: bool) -> list[str]:
    """``--set`` values, with ``draws=exact`` added when ``--exact`` is given."""
    return [*sets, "draws=exact"] if exact else sets


def set_option(help_text: str = SET_HELP) -> Any:
    """The repeatable ``--set`` option."""
    return typer.Option([], "--set", help=help_text, metavar="PATH=VALUE")


def region_option() -> Any:
    """The ``--region`` option of a regional scenario's commands."""
    return typer.Option(
        None,
        "--region",
        help="run one region alone (name or initials, e.g. NTB): its own target and only its tables",
    )
