"""A local process pool that stops at once when the run is interrupted.

:class:`concurrent.futures.ProcessPoolExecutor` finishes the blocks its workers have started before
it shuts down, even after Ctrl-C, and a SIGTERM sent to the main process alone never reaches them.
:func:`interruptible_map` hands out blocks the same way, but when the consumer stops early -- an
interrupt, an error -- it cancels the blocks not yet started and terminates the workers, so
``sim run`` returns within moments. Workers ignore SIGINT: Ctrl-C reaches the whole process group,
and only the main process should decide what happens next.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor, futures: list[Future[Any]]) -> None:
    for f in futures:
        f.cancel()
    # The executor offers no public way to stop a running task; its worker processes are the only
    # handle, and a terminated worker cannot leave anything half-written since workers write nothing.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def interruptible_map(fn: Callable[..., T], jobs: Iterable[tuple[Any, ...]], workers: int) -> Iterator[T]:
    """``fn(*job)`` for every job on ``workers`` processes, yielded in job order."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    futures = [pool.submit(fn, *job) for job in jobs]
    finished = False
    try:
        for f in futures:
            yield f.result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop(pool, futures)
