"""A local process pool that stops at once when the run is interrupted.

:class:`concurrent.futures.ProcessPoolExecutor` finishes the blocks its workers have started before
it shuts down, even after Ctrl-C, and a SIGTERM sent to the main process alone never reaches them.
:func:`local_pool` drains the pool when its block ends normally, but when it is left by an
exception -- an interrupt, an error -- it kills the workers, so a command returns within moments.
It is the one pool of every command; why it kills rather than waits is the interrupt policy of
:mod:`sim.experiment.interrupts`, whose initializer its workers run.

A task's result comes back through shared memory when it holds at least :data:`SHIP_BYTES` of
arrays (a block of national-2026 holds 22 MB): the worker writes the arrays' bytes to a file in
``/dev/shm`` and sends only their pickled frame; the parent maps the file and unpickles the arrays
as views of it (:func:`_land`), so the bytes are not copied through the pipe, a buffer and the
unpickler (36 ms of the parent's CPU a national block, 4 ms now). Where there is no ``/dev/shm``,
or when it is full, results go through the pipe as before. A file is unlinked as soon as it is
mapped, and any a killed pool leaves are removed when the pool ends, or by the next pool once the
process that ran it is gone.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sim.experiment.interrupts import worker_signals
from sim.results.folder import pid_alive

P = ParamSpec("P")
T = TypeVar("T")

SHIP_BYTES = 1 << 20  # results with fewer bytes of arrays than this come back through the pipe
SHARED = Path("/dev/shm")
PREFIX = "sim-result-"  # then the parent's process id, the pool's token, the result's own


class SharedPool(ProcessPoolExecutor):
    """A process pool whose tasks send large results back through files in ``folder`` (shared memory)."""

    def __init__(self, workers: int, folder: Path | None) -> None:
        super().__init__(max_workers=workers, initializer=worker_signals)
        self.folder = folder
        self.prefix = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}-"

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if self.folder is None:
            return super().submit(fn, *args, **kwargs)
        shipped: Future[T] = super().submit(_shipped, str(self.folder / self.prefix), fn, *args, **kwargs)  # type: ignore[arg-type]
        return shipped

    def remove_left(self) -> None:
        """Remove the files of results that were never landed (the pool was stopped with tasks in flight)."""
        if self.folder is not None:
            for path in _named(self.folder, self.prefix):
                path.unlink(missing_ok=True)


class _Landing:
    """A result written to a file by a worker; unpickled in the parent as the result itself."""

    def __init__(self, frame: bytes, sizes: tuple[int, ...], path: str) -> None:
        self.frame, self.sizes, self.path = frame, sizes, path

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[bytes, tuple[int, ...], str]]:
        return _land, (self.frame, self.sizes, self.path)


def _shipped(prefix: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | _Landing:
    """Run ``fn`` in a worker; a result with large arrays goes to a file, to be landed by the parent."""
    result = fn(*args, **kwargs)
    buffers: list[pickle.PickleBuffer] = []
    frame = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
    raws = [b.raw() for b in buffers]
    if sum(r.nbytes for r in raws) < SHIP_BYTES:
        return result
    path = prefix + uuid.uuid4().hex
    try:
        with open(path, "wb") as f:
            for raw in raws:
                f.write(raw)
    except OSError:  # shared memory full: through the pipe after all
        with contextlib.suppress(OSError):
            os.unlink(path)
        return result
    return _Landing(frame, tuple(r.nbytes for r in raws), path)


def _land(frame: bytes, sizes: tuple[int, ...], path: str) -> Any:
    """The result a worker wrote to ``path``: its arrays are views of the file, mapped copy-on-write."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.unlink(path)  # the mapping keeps the memory until the last array on it is gone
        memory = memoryview(mmap.mmap(fd, sum(sizes), access=mmap.ACCESS_COPY))
    finally:
        os.close(fd)
    ends = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    return pickle.loads(frame, buffers=[memory[end - n : end] for n, end in zip(sizes, ends, strict=True)])


def shared_folder(folder: Path = SHARED) -> Path | None:
    """Where results travel: ``folder`` if it can be written (after removing what dead processes left)."""
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        return None
    for path in _named(folder, PREFIX):
        pid = path.name[len(PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            path.unlink(missing_ok=True)
    return folder


def _named(folder: Path, prefix: str) -> list[Path]:
    """The files in ``folder`` whose names start with ``prefix`` (a glob would compile a pattern per prefix)."""
    with os.scandir(folder) as entries:
        return [Path(e.path) for e in entries if e.name.startswith(prefix)]


def _stop(pool: ProcessPoolExecutor) -> None:
    # The executor offers no public way to stop a running task; its worker processes are the only
    # handle. SIGKILL cannot be caught, and a killed worker leaves nothing half-written that is read:
    # its result file is named to the parent only once whole, and remove_left removes it. The
    # executor then finds its pool broken and fails the pending blocks itself; cancelling them here
    # as well races with that and makes its thread crash noisily.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    pool.shutdown(wait=False)


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool that is drained when its block ends normally and killed when it does not."""
    pool = SharedPool(workers, shared_folder())
    try:
        yield pool
    except BaseException:
        _stop(pool)
        pool.remove_left()
        raise
    pool.shutdown(wait=True)
    pool.remove_left()
