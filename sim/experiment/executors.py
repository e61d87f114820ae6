"""Where blocks of replications run: one executor interface.

:func:`make_executor` gives a :class:`concurrent.futures.Executor`, or ``None`` for "run here, in
this process", whichever of these is asked for:

* ``workers <= 1`` and no scheduler: in-process (no pool to start, best for previews);
* ``workers > 1``: a local process pool;
* ``scheduler="tcp://HOST:PORT"``: the Dask cluster behind that scheduler;
* ``executor="dask"`` without a scheduler: a Dask ``LocalCluster`` with ``workers`` processes.

Dask is imported only when asked for. Its client offers the same ``submit``/``map`` interface
(``Client.get_executor()``), so callers never know where their tasks ran; because every block has
its own seed, the results are identical wherever they ran. A task should carry enough work to
dwarf the scheduler's ~1.5 ms a task: :func:`batches` groups blocks into fewer tasks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import TypeVar

from sim.errors import ScenarioError
from sim.experiment.pool import local_pool

T = TypeVar("T")

EXECUTORS = ("local", "dask")


@contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None, executor: str = "local") -> Iterator[Executor | None]:
    """An executor for ``workers`` local processes or a Dask cluster, shut down on exit."""
    if executor not in EXECUTORS:
        raise ValueError(f'"executor" must be one of {", ".join(EXECUTORS)}, got {executor!r}')
    if scheduler is not None or executor == "dask":
        with _dask(workers, scheduler) as pool:
            yield pool
    elif workers <= 1:
        yield None
    else:
        with local_pool(workers) as pool:
            yield pool


@contextmanager
def _dask(workers: int, scheduler: str | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError("Dask is not installed; pip install 'sim[dask]'", field="--executor") from None

    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client.get_executor()
        return
    cluster_args = {"n_workers": max(1, workers), "threads_per_worker": 1, "dashboard_address": None}
    with LocalCluster(**cluster_args) as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client.get_executor()


def batches(items: Sequence[T], tasks: int) -> list[list[T]]:
    """``items`` in order, cut into at most ``tasks`` consecutive runs of near-equal length."""
    if tasks <= 0:
        raise ValueError('"tasks" must be > 0.')
    n = min(tasks, len(items))
    if n == 0:
        return []
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out
