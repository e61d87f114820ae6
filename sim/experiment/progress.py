"""A progress bar for runs long enough to wonder about: replications done, rate and time left.

The bar is drawn on stderr with rich and only once a run has taken :data:`DELAY` seconds, so a
quick preview prints nothing extra. It stays off with ``--quiet`` or ``--json`` and whenever
stdout or stderr is not a terminal (pipes, files, CI logs).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

DELAY = 1.0


def wanted(quiet: bool, as_json: bool, streams: tuple[TextIO, ...] | None = None) -> bool:
    """Whether to draw a bar: not asked to be quiet, and both outputs (as they are now) are terminals."""
    outputs = streams if streams is not None else (sys.stdout, sys.stderr)
    return not quiet and not as_json and all(s.isatty() for s in outputs)


@contextmanager
def progress_bar(
    total: int | None, enabled: bool, console: Console | None = None, delay: float = DELAY
) -> Iterator[Callable[[int], None]]:
    """A ``progress(reps_done)`` callback for :func:`sim.experiment.blocks.run_scenario`; draws after ``delay``."""
    if not enabled:
        yield lambda _reps: None
        return
    from rich.console import Console  # imported here: a preview should not pay for rich's bar
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} replications"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console or Console(file=sys.stderr),
        transient=True,
    )
    task = bar.add_task("simulating", total=total, rate="")
    started = time.perf_counter()
    # Outcomes arrive a block at a time, so the bar is started by a timer rather than by the first
    # outcome: it appears after ``delay`` and its elapsed time shows a long block is still running.
    timer = threading.Timer(delay, bar.start)
    timer.daemon = True
    timer.start()
    done = 0

    def advance(reps: int) -> None:
        nonlocal done
        done += reps
        elapsed = time.perf_counter() - started
        bar.update(task, completed=done, rate=f"{done / max(elapsed, 1e-9):,.0f}/s")

    try:
        yield advance
    finally:
        timer.cancel()
        timer.join()
        if bar.live.is_started:
            bar.refresh()
            bar.stop()
