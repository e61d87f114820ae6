"""A run's month-end counts, held in memory or, for a very large run, spilled to a temporary file.

Every count a run records (active, inactive, enrolled, lapsed, reactivated) is a
``(records, items, reps)`` array: items are the layout's groups or channels. :class:`Results` reads
them only through the five questions of :class:`Counts`: one record's row, one item's series, a
sum of items, a slice of replications, or (for tests and small runs) the whole array. So the
summaries, ``monthly.csv``, the money and the analyses have one code path whether the counts are
held or spilled.

:class:`HeldCounts` answers from one array, exactly as NumPy indexing of it would.
:class:`SpilledCounts` is for runs whose counts would take more than :data:`SPILL_OVER_BYTES` of
memory (national-2026 holds about 28 KB a replication, so 2.8 GB for 100,000): each block is
appended, as it finishes, to an unnamed temporary file, item-major (``(items, records, reps)``),
so that an item's values for the block are one contiguous read. Answers are assembled from
explicit reads into arrays of the answer's size; nothing maps the file, whose pages would count in
the process's resident memory. The answers are the same arrays, of the same dtype, as
:class:`HeldCounts` of the joined blocks gives, so every figure computed from them is the same, bit
for bit. The file has no name (it is unlinked as it is made), so the system frees its space when
it is closed, whether the run ends, fails, is interrupted or is killed.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np

Array = np.ndarray[Any, Any]

# Counts above this many bytes (the whole run's, in memory) are spilled; national-2026 passes it
# at about 19,000 replications. Below it, runs keep their counts in memory, as fast as ever.
SPILL_OVER_BYTES = 512 * 2**20
# Consecutive blocks (a task's arrive together) are written as one piece of up to this many
# replications, so that reading an item's series takes a few hundred reads, not one a block.
PIECE_REPS = 1000


@dataclass(frozen=True)
class Spill:
    """When a run's counts go to a temporary file (more than ``over_bytes``), and in which folder.

    ``folder`` None is the system's temporary folder (``TMPDIR``).
    """

    over_bytes: int = SPILL_OVER_BYTES
    folder: Path | None = None

    def __post_init__(self) -> None:
        if self.over_bytes < 0:
            raise ValueError('"over_bytes" must be >= 0.')


class Counts(Protocol):
    """One kind of count of every replication, ``(records, items, reps)``, read a question at a time."""

    @property
    def shape(self) -> tuple[int, int, int]: ...

    @property
    def dtype(self) -> np.dtype[Any]: ...

    @property
    def held_bytes(self) -> int:
        """Bytes of counts this object holds in memory."""
        ...

    def row(self, record: int, items: Sequence[int] | None = None) -> Array:
        """``a[record]``, or ``a[record, items]``: (items, reps)."""
        ...

    def item(self, item: int) -> Array:
        """``a[:, item]``: one item's series, (records, reps)."""
        ...

    def total(self, items: Sequence[int] | None = None) -> Array:
        """``a.sum(axis=1)``, or ``a[:, items].sum(axis=1)``: (records, reps)."""
        ...

    def reps(self, start: int, stop: int) -> Array:
        """``a[..., start:stop]``: (records, items, stop - start)."""
        ...

    def whole(self) -> Array:
        """The whole array: for tests and small runs only."""
        ...


def _sum_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype NumPy sums ``dtype`` to (int32 counts sum as int64)."""
    summed: np.dtype[Any] = np.zeros((1, 1), dtype=dtype).sum(axis=0).dtype
    return summed


@dataclass(frozen=True)
class HeldCounts:
    """Counts held in one array; each answer is the NumPy expression its docstring names.

    ``file`` is the shared-memory file the array maps, when a local pool's workers wrote the counts
    there (:mod:`sim.experiment.columns`) and it is kept for them to read again.
    """

    array: Array
    file: str | None = None

    @property
    def shape(self) -> tuple[int, int, int]:
        r, i, n = self.array.shape
        return int(r), int(i), int(n)

    @property
    def dtype(self) -> np.dtype[Any]:
        dtype: np.dtype[Any] = self.array.dtype
        return dtype

    @property
    def held_bytes(self) -> int:
        return int(self.array.nbytes)

    def row(self, record: int, items: Sequence[int] | None = None) -> Array:
        out: Array = self.array[record] if items is None else self.array[record, list(items)]
        return out

    def item(self, item: int) -> Array:
        out: Array = self.array[:, item]
        return out

    def total(self, items: Sequence[int] | None = None) -> Array:
        out: Array = (self.array if items is None else self.array[:, list(items)]).sum(axis=1)
        return out

    def reps(self, start: int, stop: int) -> Array:
        out: Array = self.array[..., start:stop]
        return out

    def whole(self) -> Array:
        return self.array


@dataclass(frozen=True)
class _Piece:
    """One block in the file: its first replication, its size, where it starts and its dtype."""

    at: int
    reps: int
    offset: int
    dtype: np.dtype[Any]


@dataclass
class SpilledCounts:
    """Counts kept in an unnamed temporary file, in item-major pieces, in arrival order.

    :meth:`put` takes a block as it finishes; consecutive blocks are gathered into one piece of up
    to :data:`PIECE_REPS` replications before it is appended. The answers read the pieces back in
    replication order. :meth:`close` frees the file (so does garbage collection, and the end of the
    process).
    """

    records: int
    items: int
    replications: int
    file: IO[bytes]
    pieces: list[_Piece] = field(default_factory=list)
    end: int = 0
    gathered: list[tuple[int, Array]] = field(default_factory=list)  # consecutive blocks not yet written

    @classmethod
    def create(cls, records: int, items: int, replications: int, folder: Path | None = None) -> SpilledCounts:
        # Open for as long as the counts live; closed by close() or when they are let go.
        file = tempfile.TemporaryFile(prefix="sim-counts-", dir=folder)  # noqa: SIM115
        return cls(records, items, replications, file)

    def put(self, at: int, counts: Array) -> None:
        """Keep the counts ``(records, items, reps)`` of the replications from ``at`` on."""
        if counts.shape[:2] != (self.records, self.items):
            raise ValueError(f"counts of shape {counts.shape} do not fit ({self.records}, {self.items}, reps)")
        if self.gathered:
            last_at, last = self.gathered[-1]
            if at != last_at + last.shape[2]:
                self.flush()
        self.gathered.append((at, counts))
        if sum(part.shape[2] for _, part in self.gathered) >= PIECE_REPS:
            self.flush()

    def flush(self) -> None:
        """Append the gathered blocks as one piece (the answers do this first)."""
        if not self.gathered:
            return
        parts = [part for _, part in self.gathered]
        data = np.ascontiguousarray(np.concatenate(parts, axis=2).transpose(1, 0, 2))
        view, done = data.data.cast("B"), 0
        while done < len(view):
            done += os.pwrite(self.file.fileno(), view[done:], self.end + done)
        self.pieces.append(_Piece(self.gathered[0][0], int(data.shape[2]), self.end, data.dtype))
        self.end += data.nbytes
        self.gathered.clear()

    def close(self) -> None:
        self.gathered.clear()
        self.file.close()

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.records, self.items, self.replications

    @property
    def dtype(self) -> np.dtype[Any]:
        # As the joined arrays: widened to the widest block.
        widest: np.dtype[Any] = np.result_type(*(p.dtype for p in self._ordered()))
        return widest

    @property
    def held_bytes(self) -> int:
        return sum(int(part.nbytes) for _, part in self.gathered)  # none once every block is written

    def _ordered(self) -> list[_Piece]:
        self.flush()
        return sorted(self.pieces, key=lambda p: p.at)

    def _read(self, piece: _Piece, first: int, count: int) -> Array:
        """Elements ``first`` to ``first + count`` of ``piece``'s flat item-major data."""
        out = np.empty(count, dtype=piece.dtype)
        view = out.data.cast("B")
        offset, done = piece.offset + first * piece.dtype.itemsize, 0
        while done < len(view):
            n = os.preadv(self.file.fileno(), [view[done:]], offset + done)
            if n <= 0:
                raise OSError(f"spilled counts ended early in {self.file.name}")
            done += n
        return out

    def _block(self, piece: _Piece) -> Array:
        """A piece whole: (items, records, reps)."""
        shape = (self.items, self.records, piece.reps)
        return self._read(piece, 0, math.prod(shape)).reshape(shape)

    def _series(self, piece: _Piece, item: int) -> Array:
        """One item's values in ``piece``: (records, reps)."""
        n = self.records * piece.reps
        return self._read(piece, item * n, n).reshape(self.records, piece.reps)

    def row(self, record: int, items: Sequence[int] | None = None) -> Array:
        record = range(self.records)[record]
        chosen = list(range(self.items)) if items is None else [range(self.items)[i] for i in items]
        out = np.empty((len(chosen), self.replications), dtype=self.dtype)
        for p in self._ordered():
            for k, i in enumerate(chosen):
                out[k, p.at : p.at + p.reps] = self._read(p, (i * self.records + record) * p.reps, p.reps)
        return out

    def item(self, item: int) -> Array:
        item = range(self.items)[item]
        out = np.empty((self.records, self.replications), dtype=self.dtype)
        for p in self._ordered():
            out[:, p.at : p.at + p.reps] = self._series(p, item)
        return out

    def total(self, items: Sequence[int] | None = None) -> Array:
        # Whole numbers: any order of adding gives the sum NumPy gives of the joined array.
        out = np.zeros((self.records, self.replications), dtype=_sum_dtype(self.dtype))
        for p in self._ordered():
            into = out[:, p.at : p.at + p.reps]
            if items is None:
                into += self._block(p).sum(axis=0)
            else:
                for i in items:
                    into += self._series(p, range(self.items)[i])
        return out

    def reps(self, start: int, stop: int) -> Array:
        start, stop, _ = slice(start, stop).indices(self.replications)
        out = np.empty((self.records, self.items, max(0, stop - start)), dtype=self.dtype)
        for p in self._ordered():
            lo, hi = max(start, p.at), min(stop, p.at + p.reps)
            if lo < hi:
                block = self._block(p)
                out[:, :, lo - start : hi - start] = block[:, :, lo - p.at : hi - p.at].transpose(1, 0, 2)
        return out

    def whole(self) -> Array:
        return self.reps(0, self.replications)
