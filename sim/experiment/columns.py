"""Joined counts in shared memory, written by the local pool's workers straight into their columns.

A run's month-end counts end up as one array per kind, ``(records, items, replications)``
(:class:`~sim.experiment.blocks.Joined`). Copying every block into them is the parent's work, and
on a pool it is serial work: for national-2026 the parent's first touch of 27 MB of fresh memory
alone took 4–80 ms of its CPU. So when a run goes to the local pool, the parent makes those arrays
as files in shared memory (``/dev/shm``, named like the pool's results so that the pool removes
them whatever happens), and each worker writes its blocks' columns into them itself and ships back
only the target figures. The parent copies nothing; the counts are the same, bit for bit.

Only int32 counts are written this way (every count up to 2,147,483,647); a block whose counts do
not fit ships them back as before. Dask workers, which may run on other machines, always ship them.
"""

from __future__ import annotations

import math
import mmap
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.model.block import BlockOutcome

IntArray = np.ndarray[Any, np.dtype[np.signedinteger[Any]]]
DTYPE = np.dtype(np.int32)
ROOM = 2  # the free space asked for, as a multiple of what the files will hold


@dataclass(frozen=True)
class SharedColumns:
    """One request's counts in shared memory: a file per kind of count, laid out ``(records, items, replications)``."""

    files: tuple[tuple[str, str, tuple[int, int, int]], ...]  # (count, path, shape)

    @classmethod
    def create(cls, prefix: Path, shapes: dict[str, tuple[int, int, int]]) -> tuple[SharedColumns, dict[str, IntArray]]:
        """Make the files (``prefix`` and a unique ending each) and the parent's arrays on them, zeroed.

        Raises :class:`OSError` when the folder has not twice their size free: a page of a mapped
        file that cannot be stored kills the process writing it (SIGBUS), so room is made sure of
        first (``/dev/shm`` in a container may hold only 64 MB).
        """
        need = bytes_of(shapes)
        free = os.statvfs(prefix.parent)
        if free.f_bavail * free.f_frsize < ROOM * need:
            raise OSError(f"{prefix.parent} has too little room for {need:,} bytes of counts")
        files, arrays = [], {}
        for name, shape in shapes.items():
            path = f"{prefix}{uuid.uuid4().hex}"
            size = _size(shape)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.ftruncate(fd, size)
                arrays[name] = _mapped(fd, size, shape)
            finally:
                os.close(fd)
            files.append((name, path, shape))
        return cls(tuple(files)), arrays

    def path_of(self, name: str) -> str:
        """The file holding count ``name``."""
        return next(path for count, path, _ in self.files if count == name)

    def write(self, at: int, outcome: BlockOutcome) -> BlockOutcome:
        """In a worker: write ``outcome``'s counts into columns ``at`` on; the outcome left to ship back.

        That is the target figures, with every count as an empty array (no columns), or the whole
        outcome when its counts are not int32.
        """
        parts = {name: getattr(outcome, name) for name, _, _ in self.files}
        if any(part.dtype != DTYPE for part in parts.values()):
            return outcome
        for name, path, shape in self.files:
            part = parts[name]
            fd = os.open(path, os.O_RDWR)
            try:
                columns = _mapped(fd, _size(shape), shape)
            finally:
                os.close(fd)
            columns[..., at : at + part.shape[-1]] = part
            del columns  # unmapped once let go; the file keeps what was written
        return BlockOutcome(**{**vars(outcome), **{name: part[..., :0] for name, part in parts.items()}})


def read(path: str, shape: tuple[int, int, int]) -> IntArray:
    """In a worker: the counts a file of shape ``shape`` holds, mapped read-only."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = _size(shape)
        memory = mmap.mmap(fd, size, access=mmap.ACCESS_READ) if size else b""
    finally:
        os.close(fd)
    array: IntArray = np.frombuffer(memory, dtype=DTYPE).reshape(shape)
    return array


def bytes_of(shapes: dict[str, tuple[int, int, int]]) -> int:
    """Bytes of int32 counts of these shapes."""
    return sum(_size(shape) for shape in shapes.values())


def _size(shape: tuple[int, int, int]) -> int:
    return math.prod(shape) * DTYPE.itemsize


def written(part: IntArray, reps: int) -> bool:
    """Whether a shipped count ``part`` of a block of ``reps`` replications was written in place instead."""
    return reps > 0 and part.shape[-1] == 0 and part.shape[0] > 0


def _mapped(fd: int, size: int, shape: tuple[int, int, int]) -> IntArray:
    memory = mmap.mmap(fd, size) if size else bytearray()
    array: IntArray = np.frombuffer(memory, dtype=DTYPE).reshape(shape)
    return array
