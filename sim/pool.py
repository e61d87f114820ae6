"""A local process pool that stops at once when the run is interrupted.

:class:`concurrent.futures.ProcessPoolExecutor` finishes the blocks its workers have started before
it shuts down, even after Ctrl-C, and a SIGTERM sent to the main process alone never reaches them.
:func:`interruptible_map` hands out blocks the same way, but when the consumer stops early -- an
interrupt, an error -- it cancels the blocks not yet started and terminates the workers, so
``sim run`` returns within moments. Workers ignore SIGINT: Ctrl-C reaches the whole process group,
and only the main process should decide what happens next; SIGTERM kills a worker outright.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def _worker_signals() -> None:
    """Ignore Ctrl-C, and let SIGTERM kill outright.

    A forked worker inherits the CLI's SIGTERM handler, which raises KeyboardInterrupt; the
    executor's worker loop would catch that as a failed task and carry on with the next block.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop(pool: ProcessPoolExecutor) -> None:
    # The executor offers no public way to stop a running task; its worker processes are the only
    # handle. SIGKILL cannot be caught, and a killed worker leaves nothing half-written because
    # workers write nothing. The executor then finds its pool broken and fails the pending blocks
    # itself; cancelling them here as well races with that and makes its thread crash noisily.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    pool.shutdown(wait=False)


def interruptible_map(fn: Callable[..., T], jobs: Iterable[tuple[Any, ...]], workers: int) -> Iterator[T]:
    """``fn(*job)`` for every job on ``workers`` processes, yielded in job order."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_signals)
    futures: list[Future[T]] = []
    finished = False
    try:
        # Submitting is inside the try: an interrupt half-way through must still stop the pool,
        # or leaving Python would wait for every block already submitted.
        futures.extend(pool.submit(fn, *job) for job in jobs)
        for f in futures:
            yield f.result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop(pool)
