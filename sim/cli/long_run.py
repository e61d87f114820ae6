"""What compare, sweep and solve share: a checkpointed, interruptible run of many evaluations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import typer
from rich.console import Console

from sim.cli.common import approve
from sim.experiment import workload
from sim.experiment.blocks import default_workers
from sim.experiment.checkpoint import Checkpoint
from sim.experiment.evaluation import Evaluator
from sim.experiment.executors import make_executor
from sim.experiment.interrupts import stop_on_signals
from sim.results.folder import check_destination, default_destination, slug, write_result
from sim.scenario.schema import Scenario

D = TypeVar("D")

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


class Plan(Protocol[D]):
    """A long command planned by its library (compare, sweep, solve): what :func:`run_long` runs."""

    @property
    def kind(self) -> str: ...

    @property
    def scenario(self) -> Scenario: ...

    @property
    def seed(self) -> int: ...

    @property
    def replications(self) -> int | None: ...

    def work(self, workers: int) -> workload.Work: ...

    def prepare(self) -> None: ...

    def identity(self) -> dict[str, Any]: ...

    def run(self, evaluate: Evaluator, note: Callable[[str], None]) -> D: ...

    def write(self, folder: Path, data: D) -> None: ...


def run_long(
    plan: Plan[D],
    options: LongOptions,
    chart: Callable[[Path, D], object] | None = None,
) -> tuple[D, Path]:
    """Approve, check, run (checkpointed, resumable) and write ``plan``'s result folder; returns its data and folder."""
    dest, parent = destination(options.out, options.results_dir, plan.kind, plan.scenario)
    approve(plan.work(options.workers or default_workers()), options.yes)
    plan.prepare()
    err = Console(stderr=True)
    with long_run(plan.kind, parent, plan.identity(), options.resume, options.workers) as evaluate:
        data = plan.run(evaluate, lambda text: err.print(text, highlight=False))

        def fill(folder: Path) -> None:
            plan.write(folder, data)
            if chart is not None:
                chart(folder / f"{plan.kind}.png", data)

        facts = {"seed": plan.seed, "replications": plan.replications, "workers": options.workers or default_workers()}
        written = write_result(dest, fill, facts)
    return data, written


@dataclass(frozen=True)
class LongOptions:
    """The options every long command shares."""

    out: Path | None
    results_dir: Path
    workers: int
    resume: bool
    yes: bool
