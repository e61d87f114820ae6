"""What compare, sweep and solve share: a checkpointed, interruptible run of many evaluations."""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from sim import __version__
from sim.experiment.blocks import default_workers
from sim.experiment.checkpoint import Checkpoint
from sim.experiment.evaluation import Evaluator
from sim.experiment.executors import make_executor
from sim.experiment.interrupts import stop_on_signals
from sim.results.folder import check_destination, default_destination, slug, write_atomically, write_json
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


def write_result(dest: Path, writer: Callable[[Path], None]) -> Path:
    """Write a result folder atomically, with ``run.json`` saying what wrote it and when."""
    info = {
        "version": __version__,
        "command": ["sim", *sys.argv[1:]],
        "written": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
    }

    def fill(folder: Path) -> None:
        writer(folder)
        write_json(folder / "run.json", info)

    return write_atomically(dest, fill)


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
