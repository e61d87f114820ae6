"""Interrupts: the one place that decides what Ctrl-C and SIGTERM do, in the CLI and in its workers.

The policy, for every command:

* In the main process, inside :func:`stop_on_signals`, SIGINT and SIGTERM both raise
  :class:`KeyboardInterrupt` at once, and the signal is remembered (:func:`received`) so the CLI can
  exit with ``128 + signal`` and :func:`check_interrupt` can stop at the next block even when a
  compiled library swallowed the first exception.
* Worker processes (:func:`worker_signals`, the pool initializer) ignore SIGINT, which Ctrl-C sends
  to the whole process group, and die on SIGTERM: only the main process decides what happens next.
* When the main process is interrupted, the pool kills its workers instead of letting them finish
  their current block (:func:`sim.experiment.pool.local_pool`). A block in flight is lost either
  way -- only finished blocks are ever kept, by the main process, in a checkpoint -- so waiting for
  it would only delay the stop.
* Before anything has started (``python -m sim`` while the CLI is being imported),
  :func:`stop_before_start` ends the process with a note that nothing was written.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within this block SIGINT and SIGTERM raise :class:`KeyboardInterrupt` and are remembered.

    A nested block keeps the signals it caught to itself: the code around it handled the
    interrupt (a long command saying what it kept, and exiting 130) and decides what follows.
    """
    outer = list(_received)
    _received.clear()
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _received[:] = outer


def received() -> int | None:
    """The last signal that stopped the command, or None."""
    return _received[-1] if _received else None


def check_interrupt() -> None:
    """Raise :class:`KeyboardInterrupt` if a signal came while a library swallowed the first one.

    Code that calls back into Python from compiled extensions (pydantic's serializers, for one)
    may catch the exception a signal handler raises; the signal remembered here makes sure the
    command still stops at the next block.
    """
    if _received:
        raise KeyboardInterrupt


def worker_signals() -> None:
    """Pool initializer: ignore Ctrl-C, and let SIGTERM kill outright.

    A forked worker inherits the CLI's SIGTERM handler, which raises KeyboardInterrupt; the
    executor's worker loop would catch that as a failed task and carry on with the next block.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _early_stop(signum: int, frame: FrameType | None) -> None:
    print("interrupted before anything started; nothing was written", file=sys.stderr)
    sys.exit(128 + signum)


def stop_before_start() -> None:
    """Until :func:`stop_on_signals` takes over, a signal ends the process: nothing has started yet."""
    for sig in SIGNALS:
        signal.signal(sig, _early_stop)
