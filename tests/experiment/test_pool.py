"""The local pool's way back for large results: through shared memory, whole, and leaving nothing behind."""

from __future__ import annotations

import mmap
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.experiment import pool as pools
from sim.experiment.pool import PREFIX, SHIP_BYTES, SharedPool, local_pool, shared_folder

BIG = SHIP_BYTES // 4 + 1  # int32 counts: just over the size that goes through shared memory


def arrays(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"counts": rng.integers(0, 2**31 - 1, n, dtype=np.int32), "facts": rng.integers(0, 9, (2, 3))}


def left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(PREFIX))


def mapped(a: np.ndarray) -> bool:
    """Whether ``a`` is a view of a memory-mapped file (landed), not of bytes read from the pipe."""
    base: object = a
    while getattr(base, "base", None) is not None:
        base = base.base  # type: ignore[attr-defined]
    return isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)


def test_a_large_result_comes_back_whole_through_shared_memory_and_its_file_goes(tmp_path: Path) -> None:
    with local_pool(2) as pool:
        assert isinstance(pool, SharedPool)
        pool.folder = tmp_path
        sent = [pool.submit(arrays, BIG, seed) for seed in range(3)]
        got = [f.result() for f in sent]
        assert left(tmp_path) == []  # unlinked as soon as landed, while its arrays live on
    for seed, result in enumerate(got):
        expected = arrays(BIG, seed)
        assert mapped(result["counts"])
        assert all(np.array_equal(result[k], expected[k]) for k in expected)
        result["counts"][0] = -1  # copy-on-write views: the result is the parent's to change


def test_what_the_worker_ships_is_its_frame_and_a_file_not_the_bytes(tmp_path: Path) -> None:
    landing = pools._shipped(str(tmp_path / "x-"), arrays, BIG, 1)
    assert len(pickle.dumps(landing)) < 1000
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) >= BIG * 4
    result = pickle.loads(pickle.dumps(landing))
    assert np.array_equal(result["counts"], arrays(BIG, 1)["counts"])
    assert list(tmp_path.iterdir()) == []


def test_small_results_and_a_full_or_missing_folder_go_through_the_pipe(tmp_path: Path) -> None:
    small = pools._shipped(str(tmp_path / "x-"), arrays, 10, 1)
    assert isinstance(small, dict) and list(tmp_path.iterdir()) == []
    assert not mapped(pickle.loads(pickle.dumps(small))["counts"])
    unwritable = pools._shipped(str(tmp_path / "no-such-folder" / "x-"), arrays, BIG, 1)
    assert isinstance(unwritable, dict)
    assert np.array_equal(unwritable["counts"], arrays(BIG, 1)["counts"])


def test_a_stopped_pool_removes_the_results_it_never_landed(tmp_path: Path) -> None:
    def interrupted() -> None:
        with local_pool(2) as pool:
            assert isinstance(pool, SharedPool)
            pool.folder = tmp_path
            (tmp_path / f"{pool.prefix}never-landed").write_bytes(b"x")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert left(tmp_path) == []


def test_files_of_processes_that_are_gone_are_removed_and_of_live_ones_kept(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, alive = int(gone.stdout), os.getpid()
    (tmp_path / f"{PREFIX}{dead}-abc-1").write_bytes(b"x")
    (tmp_path / f"{PREFIX}{alive}-abc-1").write_bytes(b"x")
    (tmp_path / "other").write_bytes(b"x")
    assert shared_folder(tmp_path) == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{PREFIX}{alive}-abc-1", "other"])
    assert shared_folder(tmp_path / "missing") is None
