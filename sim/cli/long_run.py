"""What compare, sweep and solve share: the ``--resume`` option, and their run through the library's runner.

:func:`sim.experiment.runner.run_long` approves, checks, runs (checkpointed, resumable,
interruptible) and writes a long command's result folder; here it gets the terminal's prompt and
messages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from sim.cli.common import approve
from sim.experiment import runner
from sim.experiment.runner import LongCommand, LongOptions

D = TypeVar("D")

RESUME_HELP = "continue an interrupted run of the same command, skipping finished evaluations"


def resume_option() -> Any:
    """The ``--resume`` option."""
    return typer.Option(False, "--resume", help=RESUME_HELP)


def run_long(
    plan: LongCommand[D], options: LongOptions, chart: Callable[[Path, D], object] | None = None
) -> tuple[D, Path]:
    """:func:`sim.experiment.runner.run_long` with the terminal's approval prompt and messages."""
    err = Console(stderr=True)
    return runner.run_long(
        plan,
        options,
        approve=lambda work: approve(work, options.yes),
        say=lambda text: typer.echo(text, err=True),
        note=lambda text: err.print(text, highlight=False),
        chart=chart,
    )
