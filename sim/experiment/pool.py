"""A local process pool that stops at once when the run is interrupted.

:class:`concurrent.futures.ProcessPoolExecutor` finishes the blocks its workers have started before
it shuts down, even after Ctrl-C, and a SIGTERM sent to the main process alone never reaches them.
:func:`local_pool` drains the pool when its block ends normally, but when it is left by an
exception -- an interrupt, an error -- it kills the workers, so a command returns within moments.
It is the one pool of every command; why it kills rather than waits is the interrupt policy of
:mod:`sim.experiment.interrupts`, whose initializer its workers run.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from sim.experiment.interrupts import worker_signals


def _stop(pool: ProcessPoolExecutor) -> None:
    # The executor offers no public way to stop a running task; its worker processes are the only
    # handle. SIGKILL cannot be caught, and a killed worker leaves nothing half-written because
    # workers write nothing. The executor then finds its pool broken and fails the pending blocks
    # itself; cancelling them here as well races with that and makes its thread crash noisily.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    pool.shutdown(wait=False)


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool that is drained when its block ends normally and killed when it does not."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_signals)
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
