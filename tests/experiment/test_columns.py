"""On the local pool, workers write the month-end counts straight into the parent's shared arrays."""

from __future__ import annotations

import mmap
import os
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from conftest import SCENARIOS
from sim.experiment.blocks import (
    COUNTS,
    Block,
    Joined,
    KeptBlocks,
    Request,
    count_shapes,
    kept_of,
    run_block,
    run_scenarios,
)
from sim.experiment.columns import SharedColumns, written
from sim.experiment.pool import local_pool
from sim.model.block import BlockOutcome
from sim.results.counts import Spill
from sim.scenario.loader import load_scenario

SHM = Path("/dev/shm")
pytestmark = pytest.mark.skipif(not SHM.is_dir(), reason="no shared memory folder")


def _mine() -> list[str]:
    return [p.name for p in SHM.iterdir() if p.name.startswith(f"sim-result-{os.getpid()}-")]


def _mapped(array: np.ndarray) -> bool:
    """Whether ``array`` is a view of a memory map."""
    base: object = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)


def test_pooled_counts_are_written_in_place_and_equal_those_run_here() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    requests = [Request(s, 2 * 500 + 7, 3), Request(s, 600, 4)]
    kept = KeptBlocks()
    pooled = run_scenarios(requests, workers=2, checkpoint=kept)
    here = run_scenarios(requests)
    for a, b in zip(pooled, here, strict=True):
        for name in COUNTS:
            x, y = getattr(a, name).whole(), getattr(b, name).whole()
            assert x.dtype == y.dtype == np.int32 and np.array_equal(x, y), name
            assert _mapped(x) and not _mapped(y)
        assert np.array_equal(a.at_target, b.at_target) and np.array_equal(a.crossed_on, b.crossed_on)
    assert _mine() == []  # the files' names are gone; the arrays live on in the mappings
    # A checkpoint still gets each block whole, its counts read back from the shared arrays.
    block = requests[0].blocks()[1]
    saved = kept.load_block(requests[0], block)
    assert saved is not None
    alone = kept_of(requests[0], run_block(s, 3, block))
    for f in fields(BlockOutcome):
        assert np.array_equal(getattr(saved, f.name), getattr(alone, f.name)), f.name


def test_a_pool_that_outlives_the_run_is_left_no_files() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    with local_pool(2) as pool:  # as the page keeps one
        (results,) = run_scenarios([Request(s, 1000, 2)], executor=pool)
        assert _mapped(results.active.whole())
        assert _mine() == []


def test_a_worker_ships_back_only_the_target_figures_unless_the_counts_are_wide(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, 30, 1)
    shared, arrays = SharedColumns.create(tmp_path / "x-", count_shapes(request))
    outcome = kept_of(request, run_block(s, 1, Block(0, 30)))
    shipped = shared.write(0, outcome)
    assert all(written(getattr(shipped, name), 30) for name in COUNTS)
    assert np.array_equal(shipped.at_target, outcome.at_target)
    for name in COUNTS:
        assert np.array_equal(arrays[name], getattr(outcome, name)), name
    wide = BlockOutcome(**{**vars(outcome), "active": outcome.active.astype(np.int64) + 2**31})
    assert shared.write(0, wide) is wide  # not int32: shipped whole, and joined as before
    joined = Joined.of(request, request.blocks())
    joined.arrays.update(arrays)
    joined.spilling = False
    joined.place(Block(0, 30), wide)
    assert joined.arrays["active"].dtype == np.int64 and int(joined.arrays["active"].min()) >= 2**31


def test_counts_that_would_spill_are_not_shared(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, 1007, 3)
    assert Joined.of(request, request.blocks(), Spill(0, tmp_path)).share(tmp_path / "x-") is None
    assert (
        Request(s, 10, 1, finals_only=True)
        and Joined.of(Request(s, 10, 1, finals_only=True), [Block(0, 10)]).share(tmp_path / "y-") is None
    )
    assert list(tmp_path.iterdir()) == []


def test_counts_are_not_shared_where_there_is_too_little_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, 1007, 3)
    real = os.statvfs(tmp_path)
    need = sum(int(np.prod(shape)) for shape in count_shapes(request).values()) * 4

    class Full:
        f_frsize = real.f_frsize
        f_bavail = (2 * need - 1) // real.f_frsize

    monkeypatch.setattr(os, "statvfs", lambda _: Full)
    assert Joined.of(request, request.blocks()).share(tmp_path / "x-") is None
    assert list(tmp_path.iterdir()) == []
