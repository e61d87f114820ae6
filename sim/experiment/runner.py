"""How the commands run scenarios: where the blocks run, when a run stops, and what it keeps.

Every run goes through one function, :func:`sim.experiment.blocks.run_scenarios`: requests of
scenarios cut into the same blocks of replications (``Request.blocks``, each block seeded by its
index), run together here, in the one local pool or on Dask, read back from a checkpoint when one
is given, and joined in block order, so results are identical however they are run. The paths
into it:

* :func:`project` (``sim run``) picks the executor (this process, the local pool, or Dask; see
  :mod:`sim.experiment.executors`), shows the progress bar, and runs either the fixed number of
  replications (:func:`~sim.experiment.blocks.run_scenario`, the one-scenario form) or, with
  ``precision``, rounds of blocks until P(target) is known to ± that
  (:mod:`sim.experiment.precision`), and describes it (:mod:`sim.experiment.describe`: the monthly table
  and the summary, on the workers when it can); :func:`run_into_folder` writes the folder.
* :func:`run_long` (compare, sweep, solve) runs a :class:`LongCommand`'s evaluations through an
  :class:`~sim.experiment.evaluation.Evaluator`, which hands ``run_scenarios`` a checkpoint that
  keeps every finished block, so that an interrupted command resumes to exactly the uninterrupted
  result.
* Calibration and backtests call :func:`~sim.experiment.blocks.run_scenario`; sensitivity's tornado
  and Sobol' chunks are requests that keep only each replication's target figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import default_workers, run_scenario
from sim.experiment.checkpoint import Checkpoint
from sim.experiment.describe import described
from sim.experiment.evaluation import Evaluator
from sim.experiment.executors import EXECUTORS, make_executor
from sim.experiment.interrupts import stop_on_signals
from sim.experiment.precision import DEFAULT_MAX_REPS, run_to_precision
from sim.experiment.progress import progress_bar
from sim.results.folder import check_destination, default_destination, slug, write_result, write_run
from sim.results.projections import Results
from sim.results.table import Table
from sim.scenario.loader import Loaded
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Projection:
    """A run's results, what its folder is written from, and the run facts for ``run.json``."""

    results: Results
    monthly: Table  # monthly.csv's rows
    summary: dict[str, Any] = field(default_factory=dict)  # summary.json's data
    facts: dict[str, Any] = field(default_factory=dict)
    scenario_text: str | None = None  # scenario.yaml's text, when a worker wrote it


def processes(
    s: Scenario, replications: int, workers: int = 0, scheduler: str | None = None, executor: str = "local"
) -> int:
    """Processes a run of (at most) ``replications`` of ``s`` uses: the local pool only when it pays.

    ``workers`` 0 means one per core; a Dask cluster, asked for, is always used.
    """
    asked = workers or default_workers()
    if scheduler is not None or executor != "local":
        return asked
    shape = workload.shape_of(s)
    return workload.processes(lambda n: workload.run(shape, s.name, replications, n), asked)


def project(
    s: Scenario,
    *,
    reps: int | None = None,
    seed: int | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    executor: str = "local",
    precision: float | None = None,
    max_reps: int = DEFAULT_MAX_REPS,
    show_progress: bool = False,
    warnings: tuple[str, ...] = (),
) -> Projection:
    """Run ``s`` as the CLI options ask and describe it, ``warnings`` in its summary; ``workers`` 0 is one per core."""
    if executor not in EXECUTORS:
        raise ScenarioError(f"choose one of {', '.join(EXECUTORS)}, got {executor!r}", field="--executor")
    if precision is not None and reps is not None:
        raise ScenarioError("give --reps or --precision, not both", field="--precision")
    total = None if precision is not None else (reps or s.replications)
    n_workers = processes(s, total or max_reps, workers, scheduler, executor)
    facts = {"workers": n_workers, "scheduler": scheduler or executor}
    with make_executor(n_workers, scheduler, executor) as pool, progress_bar(total, show_progress) as progress:
        if precision is None:
            results = run_scenario(
                s, replications=reps, seed=seed, workers=n_workers, executor=pool, progress=progress, keep_files=True
            )
            d = described(results, pool, n_workers, warnings)
            return Projection(results, d.monthly, d.summary, facts, d.scenario_text)
        run = run_to_precision(
            s, precision, max_replications=max_reps, seed=seed, workers=n_workers, executor=pool, progress=progress
        )
        d = described(run.results, pool, n_workers, warnings)
    asked = {
        "asked": run.precision,
        "half_width": run.half_width,
        "reached": run.reached,
        "replications": run.results.replications,
        "max_replications": max_reps,
    }
    return Projection(run.results, d.monthly, {**d.summary, "precision": asked}, facts, d.scenario_text)


@dataclass(frozen=True)
class RunOptions:
    """How ``sim run`` was asked to run: replications, seed, where, and when to stop."""

    reps: int | None = None
    seed: int | None = None
    workers: int = 0
    scheduler: str | None = None
    executor: str = "local"
    precision: float | None = None
    max_reps: int = DEFAULT_MAX_REPS


def run_into_folder(
    loaded: Loaded,
    dest: Path,
    options: RunOptions,
    *,
    sets: list[str],
    approve: Callable[[workload.Work], None],
    warn: Callable[[str], None],
    show_progress: bool,
) -> tuple[dict[str, Any], Path]:
    """Run ``loaded`` as asked and write its result folder; returns ``summary.json``'s data and the folder.

    ``approve`` sees the estimated work first; ``warn`` hears the scenario's warnings before the run.
    """
    s, o = loaded.scenario, options
    n = o.max_reps if o.precision is not None else o.reps or s.replications
    work = workload.run(
        workload.shape_of(s),
        s.name,
        n,
        processes(s, n, o.workers, o.scheduler, o.executor),
        up_to=o.precision is not None,
    )
    approve(work)
    for w in loaded.warnings:
        warn(w)
    done = project(
        s,
        reps=o.reps,
        seed=o.seed,
        workers=o.workers,
        scheduler=o.scheduler,
        executor=o.executor,
        precision=o.precision,
        max_reps=o.max_reps,
        show_progress=show_progress,
        warnings=loaded.warnings,
    )
    results, summary = done.results, done.summary
    info = {
        "seed": results.seed,
        "replications": results.replications,
        "scenario_file": str(loaded.file),
        "extends_chain": [str(p) for p in loaded.chain],
        "overrides": list(sets),
    }
    info.update(done.facts)
    return summary, write_run(dest, summary, done.monthly, s, loaded.chain, info, done.scenario_text)


# --- long commands (compare, sweep, solve): checkpointed, resumable, interruptible ---------------

Say = Callable[[str], None]
D = TypeVar("D")


def destination(out: Path | None, results_dir: Path, kind: str, scenario: Scenario) -> tuple[Path, Path]:
    """Where the result goes (checked writable and empty now), and where its checkpoint is kept."""
    dest = out if out is not None else default_destination(results_dir / kind, scenario)
    check_destination(dest)
    parent = out.parent if out is not None else results_dir / kind / slug(scenario.name)
    return dest, parent


@contextmanager
def long_run(kind: str, parent: Path, identity: Any, resume: bool, workers: int, say: Say) -> Iterator[Evaluator]:
    """An :class:`Evaluator` on ``workers`` processes whose finished evaluations survive Ctrl-C and SIGTERM.

    On interrupt it says (``say``) what was kept and lets the interrupt go on (the CLI exits with
    130); the result folder is never written half way (it is written atomically inside the block).
    On success the checkpoint is removed.
    """
    cp, kept = Checkpoint.open(parent, kind, identity, resume)
    if not resume and cp.discarded:
        say(
            f"note: discarded {cp.discarded} blocks an interrupted earlier run of this command kept "
            "(add --resume to continue such a run instead)"
        )
    if resume:
        say(f"resuming: {kept} finished blocks of replications kept in {cp.folder}")
    try:
        with stop_on_signals(), make_executor(workers) as pool:
            evaluator = Evaluator(cp, pool, workers)
            yield evaluator
    except KeyboardInterrupt:
        say(
            f"interrupted: {cp.count()} finished blocks of replications kept in {cp.folder}; no result folder was "
            "written. Run the same command with --resume to continue."
        )
        raise
    cp.discard()
    if resume:
        say(f"resumed: {evaluator.reused} blocks read back, {evaluator.computed} run")


class LongCommand(Protocol[D]):
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
    plan: LongCommand[D],
    options: LongOptions,
    *,
    approve: Callable[[workload.Work], None],
    say: Say,
    note: Say,
    chart: Callable[[Path, D], object] | None = None,
) -> tuple[D, Path]:
    """Approve, check, run (checkpointed, resumable) and write ``plan``'s result folder; returns its data and folder.

    ``approve`` sees the estimated work, ``say`` hears what happens to the checkpoint, ``note`` the
    plan's progress; ``chart`` draws ``<kind>.png`` into the folder.
    """
    dest, parent = destination(options.out, options.results_dir, plan.kind, plan.scenario)
    workers = workload.processes(plan.work, options.workers or default_workers())
    approve(plan.work(workers))
    plan.prepare()
    with long_run(plan.kind, parent, plan.identity(), options.resume, workers, say) as evaluate:
        data = plan.run(evaluate, note)

        def fill(folder: Path) -> None:
            plan.write(folder, data)
            if chart is not None:
                chart(folder / f"{plan.kind}.png", data)

        facts = {"seed": plan.seed, "replications": plan.replications, "workers": workers}
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
