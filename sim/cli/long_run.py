"""What compare, sweep and solve share: a checkpointed, interruptible run of many evaluations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from sim.experiment.blocks import default_workers
from sim.experiment.checkpoint import Checkpoint
from sim.experiment.evaluation import Evaluator
from sim.experiment.executors import make_executor
from sim.experiment.interrupts import stop_on_signals
from sim.results.folder import check_destination, default_destination, slug
from sim.scenario.schema import Scenario

RESUME_HELP = "continue an interrupted run of the same command, skipping finished evaluations"


def resume_option() -> Any:
    """The ``--resume`` option."""
    return typer.Option(False, "--resume", help=RESUME_HELP)


def destination(out: Path | None, results_dir: Path, kind: str, scenario: Scenario) -> tuple[Path, Path]:
    """Where the result goes (checked writable and empty now), and where its checkpoint is kept."""
    dest = out if out is not None else default_destination(results_dir / kind, scenario)
    check_destination(dest)
    parent = out.parent if out is not None else results_dir / kind / slug(scenario.name)
    return dest, parent


@contextmanager
def long_run(kind: str, parent: Path, identity: Any, resume: bool, workers: int) -> Iterator[Evaluator]:
    """An :class:`Evaluator` whose finished evaluations survive Ctrl-C and SIGTERM.

    On interrupt it says what was kept and exits with code 130; the result folder is never written
    half way (it is written atomically inside the block). On success the checkpoint is removed.
    """
    cp, kept = Checkpoint.open(parent, kind, identity, resume)
    if not resume and cp.discarded:
        typer.echo(
            f"note: discarded {cp.discarded} blocks an interrupted earlier run of this command kept "
            "(add --resume to continue such a run instead)",
            err=True,
        )
    if resume:
        typer.echo(f"resuming: {kept} finished blocks of replications kept in {cp.folder}", err=True)
    try:
        with stop_on_signals(), make_executor(workers or default_workers()) as pool:
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
