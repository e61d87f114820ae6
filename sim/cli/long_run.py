"""What compare, sweep and solve share: a checkpointed, interruptible run of many evaluations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from sim.checkpoint import Checkpoint, interruptible, worker_pool
from sim.evaluation import Evaluator
from sim.experiment import default_workers

RESUME_HELP = "continue an interrupted run of the same command, skipping finished evaluations"


def resume_option() -> Any:
    """The ``--resume`` option."""
    return typer.Option(False, "--resume", help=RESUME_HELP)


def workers_option() -> Any:
    """The ``--workers`` option."""
    return typer.Option(0, "--workers", min=0, help="processes; 0 = one per core")


@contextmanager
def long_run(kind: str, parent: Path, identity: Any, resume: bool, workers: int) -> Iterator[Evaluator]:
    """An :class:`Evaluator` whose finished evaluations survive Ctrl-C and SIGTERM.

    On interrupt it says what was kept and exits with code 130; the result folder is never written
    half way (it is written atomically inside the block). On success the checkpoint is removed.
    """
    cp, kept = Checkpoint.open(parent, kind, identity, resume)
    if resume:
        typer.echo(f"resuming: {kept} finished blocks of replications kept in {cp.folder}", err=True)
    try:
        with interruptible(), worker_pool(workers or default_workers()) as pool:
            evaluator = Evaluator(cp, pool)
            yield evaluator
    except KeyboardInterrupt:
        typer.echo(
            f"interrupted: {cp.count()} finished blocks of replications kept in {cp.folder}; no result folder was "
            "written. Run the same command with --resume to continue.",
            err=True,
        )
        raise typer.Exit(130) from None
    cp.discard()
    if resume:
        typer.echo(f"resumed: {evaluator.reused} blocks read back, {evaluator.computed} run", err=True)
