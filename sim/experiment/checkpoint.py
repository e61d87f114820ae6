"""Checkpoints: finished evaluations of a long command, kept until its result folder is written.

``sim compare``, ``sim sweep`` and ``sim solve`` keep every finished block of replications in a
*partial* folder beside where their result will go, named by a hash of everything that decides
the figures (``.partial-sweep-<hash>``). Each block is one ``.npz`` file of whole-number counts,
written under a temporary name and renamed into place, so a file is either whole or absent, even
after ``kill -9``.

Run again with ``--resume`` and the same command finds the same folder, reads the finished blocks
back and runs only the rest; since a block read back is bit-for-bit the one that was computed, and
blocks are joined in the same order, the result is exactly what an uninterrupted run gives. Without ``--resume`` an old
partial folder is discarded. Once the result folder is complete, the partial folder is removed.

:func:`interruptible` turns SIGTERM into the same :class:`KeyboardInterrupt` as Ctrl-C (and
remembers it, for :func:`check_interrupt` between blocks), and
:func:`worker_pool` starts worker processes that leave both signals to the parent, which stops
them after their current block.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np

from sim.experiment.blocks import Block
from sim.model.block import BlockOutcome

PARTIAL_PREFIX = ".partial-"


def command_hash(identity: Any) -> str:
    """A short hash of a command's inputs (JSON-able, dates as text)."""
    text = json.dumps(identity, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Checkpoint:
    """A folder of finished blocks of replications, one ``<scenario key>-<block>-<reps>.npz`` file each."""

    def __init__(self, folder: Path, discarded: int = 0) -> None:
        self.folder = folder
        self.discarded = discarded

    @classmethod
    def open(cls, parent: Path, kind: str, identity: Any, resume: bool) -> tuple[Checkpoint, int]:
        """The partial folder of this command; returns it and how many blocks it already holds."""
        folder = parent / f"{PARTIAL_PREFIX}{kind}-{command_hash(identity)}"
        discarded = 0
        if folder.exists() and not resume:
            discarded = cls(folder).count()
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "command.json").write_text(json.dumps(identity, indent=2, default=str) + "\n", encoding="utf-8")
        cp = cls(folder, discarded)
        return cp, cp.count()

    def count(self) -> int:
        """Finished blocks kept."""
        return len(list(self.folder.glob("*.npz")))

    def _file(self, key: str, block: Block) -> Path:
        return self.folder / f"{key}-{block.index}-{block.reps}.npz"

    def save_block(self, key: str, block: Block, outcome: BlockOutcome) -> None:
        """Write one block's outcome atomically: temporary name, then rename."""
        tmp = self.folder / f".{key}-{block.index}.{os.getpid()}.tmp"
        arrays: dict[str, Any] = {f.name: getattr(outcome, f.name) for f in fields(BlockOutcome)}
        with tmp.open("wb") as out:
            np.savez(out, **arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self._file(key, block))

    def load_block(self, key: str, block: Block) -> BlockOutcome | None:
        """The outcome kept for ``block`` of the scenario ``key``, or None."""
        path = self._file(key, block)
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            return BlockOutcome(**{f.name: data[f.name] for f in fields(BlockOutcome)})

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


_stop = {"requested": False}


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    _stop["requested"] = True
    raise KeyboardInterrupt


def check_interrupt() -> None:
    """Raise :class:`KeyboardInterrupt` if a signal came while a library swallowed the first one.

    Code that calls back into Python from compiled extensions (pydantic's serializers, for one)
    may catch the exception a signal handler raises; the flag it leaves makes sure the command
    still stops at the next block.
    """
    if _stop["requested"]:
        raise KeyboardInterrupt


@contextmanager
def interruptible() -> Iterator[None]:
    """Within this block SIGINT and SIGTERM stop the command, and are remembered until they do."""
    _stop["requested"] = False
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _leave_signals_to_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextmanager
def worker_pool(workers: int) -> Iterator[Executor | None]:
    """One process pool for a whole command (None for one worker); stopped promptly on interrupt."""
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_leave_signals_to_parent)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
