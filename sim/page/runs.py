"""Runs off the event loop: a preview first, then the full answer, a newer change cancelling an older one.

Every run goes through :func:`run` (the library's :func:`~sim.experiment.blocks.run_scenario`), the
one place the page runs a scenario. A lever change starts two things on the page's worker pool:

* the **preview**, the first block of replications (block 0 of the same seed, so the
  same random numbers as the full run's first block) run in one worker, answering first;
* the **full answer**, every replication at the same seed, its blocks spread over the workers by
  ``run_scenario`` itself; its progress (replications done) is reported as blocks finish.

A newer change cancels the older run: blocks not yet started are dropped, a block already in a
worker finishes (one block is well under a second for a regional scenario). A worker that dies
breaks the pool; the run then fails with a message and the pool is replaced, so the next change
works. Workers ignore Ctrl-C (the server decides) and die with the server, even if it is killed.
"""

from __future__ import annotations

import asyncio
import ctypes
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, TypeVar

from sim.experiment.blocks import block_size_of, run_scenario
from sim.experiment.evaluation import Evaluation, evaluation_of
from sim.experiment.interrupts import worker_signals
from sim.experiment.pool import _stop as stop_pool  # the pool's own way to stop its workers at once
from sim.results.projections import Results
from sim.scenario.schema import Scenario

T = TypeVar("T")


class RunFailed(Exception):
    """A run could not finish: a worker died (``replaced``: the pool was renewed), or the model raised."""

    def __init__(self, message: str, replaced: bool = False) -> None:
        super().__init__(message)
        self.replaced = replaced


@dataclass(frozen=True)
class Answer:
    """What the page shows of a run: its summary and per-replication figures, and its monthly rows."""

    evaluation: Evaluation
    monthly: tuple[dict[str, Any], ...]
    final: bool  # False for a preview

    @property
    def summary(self) -> dict[str, Any]:
        return self.evaluation.summary

    @property
    def replications(self) -> int:
        return int(self.evaluation.final.shape[0])


def run(
    scenario: Scenario,
    seed: int,
    replications: int,
    executor: Executor | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """The one place the page runs a scenario: the library's runner, on ``executor`` when given."""
    return run_scenario(
        scenario, replications=replications, seed=seed, workers=workers, executor=executor, progress=progress
    )


def answer_of(results: Results, warnings: tuple[str, ...], final: bool) -> Answer:
    """Keep what the page shows of ``results`` (the same summary ``sim run`` writes)."""
    return Answer(evaluation_of(results, warnings), tuple(results.monthly_rows()), final)


def preview_answer(scenario: Scenario, seed: int, replications: int, warnings: tuple[str, ...]) -> Answer:
    """A preview, run inside a worker: only the answer travels back."""
    return answer_of(run(scenario, seed, replications), warnings, final=False)


def _die_with_parent() -> None:
    """Linux: a worker is killed when the server process ends, however it ends."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def worker_init() -> None:
    """Pool initializer: the CLI's worker signals, and die with the server."""
    worker_signals()
    _die_with_parent()


def _ready() -> int:
    return 0


class Tracked(Executor):
    """The pool as ``run_scenario`` sees it, remembering its tasks so a newer change can drop them."""

    def __init__(self, pool: Executor) -> None:
        self.pool = pool
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future = self.pool.submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def cancel_pending(self) -> None:
        for future in self.futures:
            future.cancel()


class Workers:
    """The page's one process pool: started from the main thread, warmed, replaced when a worker dies."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool = self._start()
        # Threads that wait on the pool, the server's own: asyncio.run would wait for its default
        # executor's threads on shutdown, and with them for a run in progress.
        self.threads = ThreadPoolExecutor(max(4, count), thread_name_prefix="sim-run")
        self.replaced = 0
        self._lock = threading.Lock()

    def _start(self) -> ProcessPoolExecutor:
        # Spawn, not fork: the server has threads and a running loop by the time a pool is replaced.
        pool = ProcessPoolExecutor(self.count, mp_context=get_context("spawn"), initializer=worker_init)
        # A task per worker now, so that the first lever change does not wait for the imports.
        wait([pool.submit(_ready) for _ in range(self.count)])
        return pool

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool for a broken one (once, however many runs saw it break)."""
        with self._lock:
            if self.pool is broken:
                stop_pool(broken)
                self.pool = self._start()
                self.replaced += 1

    def stop(self) -> None:
        stop_pool(self.pool)
        self.threads.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        processes = getattr(self.pool, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.pid is not None]


async def preview(workers: Workers, scenario: Scenario, seed: int, warnings: tuple[str, ...]) -> Answer:
    """The first block's answer, from one worker."""
    pool = workers.pool
    future: Future[Answer] | None = None
    try:
        future = pool.submit(preview_answer, scenario, seed, block_size_of(scenario), warnings)
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        if future is not None:
            future.cancel()
        raise
    except Exception as exc:
        raise failure(workers, pool, exc) from None


async def full(
    workers: Workers,
    scenario: Scenario,
    seed: int,
    replications: int,
    warnings: tuple[str, ...],
    progress: Callable[[int], None] | None = None,
) -> Answer:
    """Every replication, its blocks on every worker; ``progress`` hears the replications done so far."""
    loop = asyncio.get_running_loop()
    pool = workers.pool
    tracked = Tracked(pool)
    done = [0]

    def count(reps: int) -> None:
        done[0] += reps
        if progress is not None:
            loop.call_soon_threadsafe(progress, done[0])

    def work() -> Answer:
        results = run(scenario, seed, replications, executor=tracked, workers=workers.count, progress=count)
        return answer_of(results, warnings, final=True)

    task = loop.run_in_executor(workers.threads, work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        tracked.cancel_pending()
        raise
    except Exception as exc:
        raise failure(workers, pool, exc) from None


def failure(workers: Workers, pool: ProcessPoolExecutor, exc: Exception) -> RunFailed:
    """What a run that raised ``exc`` tells the page; a broken pool is replaced first."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, BrokenProcessPool):
        workers.replace(pool)
        return RunFailed("a worker process stopped during the run; it has been replaced", replaced=True)
    return RunFailed(f"{type(exc).__name__}: {exc}")
