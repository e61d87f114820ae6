"""How ``sim run`` carries out a projection: where its blocks run, and when it stops.

:func:`project` picks the executor (this process, a local pool, or Dask; see
:mod:`sim.experiment.executors`), shows the progress bar, and runs either the fixed number of replications
or, with ``precision``, blocks until P(target) is known to ± that (:mod:`sim.experiment.precision`). It gives
back the results together with what ``summary.json`` and ``run.json`` should say about how the
run was made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import __version__
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import default_workers, run_scenario
from sim.experiment.executors import EXECUTORS, make_executor
from sim.experiment.precision import DEFAULT_MAX_REPS, run_to_precision
from sim.experiment.progress import progress_bar
from sim.results.folder import write_run
from sim.results.money import with_money
from sim.results.projections import Results
from sim.scenario.loader import Loaded
from sim.scenario.schema import Scenario

# Up to this many replications a pool does not pay for itself: on the 2-core machine, 2,000
# replications of bali-2025 took 0.28 s in this process and 0.30 s with 2 processes.
IN_PROCESS_REPS = 2000


@dataclass(frozen=True)
class Projection:
    """A run's results, what to add to ``summary.json``, and the run facts for ``run.json``."""

    results: Results
    summary: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def processes(replications: int, workers: int = 0, scheduler: str | None = None, executor: str = "local") -> int:
    """Processes a run of (at most) ``replications`` uses: this one alone up to :data:`IN_PROCESS_REPS`."""
    local = scheduler is None and executor == "local" and replications <= IN_PROCESS_REPS
    return 1 if local else workers or default_workers()


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
) -> Projection:
    """Run ``s`` as the CLI options ask; ``workers`` 0 means one per core."""
    if executor not in EXECUTORS:
        raise ScenarioError(f"choose one of {', '.join(EXECUTORS)}, got {executor!r}", field="--executor")
    if precision is not None and reps is not None:
        raise ScenarioError("give --reps or --precision, not both", field="--precision")
    total = None if precision is not None else (reps or s.replications)
    n_workers = processes(total or max_reps, workers, scheduler, executor)
    facts = {"workers": n_workers, "scheduler": scheduler or executor}
    with make_executor(n_workers, scheduler, executor) as pool, progress_bar(total, show_progress) as progress:
        if precision is None:
            results = run_scenario(s, replications=reps, seed=seed, workers=n_workers, executor=pool, progress=progress)
            return Projection(results, {}, facts)
        run = run_to_precision(
            s, precision, max_replications=max_reps, seed=seed, workers=n_workers, executor=pool, progress=progress
        )
    asked = {
        "asked": run.precision,
        "half_width": run.half_width,
        "reached": run.reached,
        "replications": run.results.replications,
        "max_replications": max_reps,
    }
    return Projection(run.results, {"precision": asked}, facts)


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
        workload.shape_of(s), s.name, n, processes(n, o.workers, o.scheduler, o.executor), up_to=o.precision is not None
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
    )
    results = done.results
    summary = with_money(results.summary(__version__, loaded.warnings), results)
    info = {
        "seed": results.seed,
        "replications": results.replications,
        "scenario_file": str(loaded.file),
        "extends_chain": [str(p) for p in loaded.chain],
        "overrides": list(sets),
    }
    summary.update(done.summary)
    info.update(done.facts)
    return summary, write_run(dest, summary, results.monthly_rows(), s, loaded.chain, info)
