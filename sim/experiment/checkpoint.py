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

What an interrupt does (and to the workers) is decided in :mod:`sim.experiment.interrupts`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.experiment.blocks import Block, Request
from sim.model.block import BlockOutcome
from sim.scenario.schema import scenario_data

PARTIAL_PREFIX = ".partial-"


def command_hash(identity: Any) -> str:
    """A short hash of a command's inputs (JSON-able, dates as text)."""
    text = json.dumps(identity, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def scenario_key(request: Request) -> str:
    """A key that changes whenever anything that decides a request's block figures changes."""
    decides: dict[str, Any] = {
        "scenario": scenario_data(request.scenario),
        "seed": request.seed,
        "version": __version__,
    }
    if request.marks:
        decides["marks"] = request.marks
    text = json.dumps(decides, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


class Checkpoint:
    """A folder of finished blocks of replications, one ``<scenario key>-<block>-<reps>.npz`` file each.

    It is the :class:`~sim.experiment.blocks.BlockStore` of the long commands.
    """

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

    def save_block(self, request: Request, block: Block, outcome: BlockOutcome) -> None:
        """Write one block's outcome atomically: temporary name, then rename."""
        key = scenario_key(request)
        tmp = self.folder / f".{key}-{block.index}.{os.getpid()}.tmp"
        arrays: dict[str, Any] = {f.name: getattr(outcome, f.name) for f in fields(BlockOutcome)}
        with tmp.open("wb") as out:
            np.savez(out, **arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self._file(key, block))

    def load_block(self, request: Request, block: Block) -> BlockOutcome | None:
        """The outcome kept for ``block`` of ``request``, or None."""
        path = self._file(scenario_key(request), block)
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            return BlockOutcome(**{f.name: data[f.name] for f in fields(BlockOutcome)})

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
