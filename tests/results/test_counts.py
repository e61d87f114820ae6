"""Spilled counts: a run too large to hold gives the same figures, bit for bit, and frees its file."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.analyses.history.observations import Observation, trajectory
from sim.experiment.blocks import BLOCK_SIZE, Block, Joined, Request, kept_of, run_block, run_scenario
from sim.experiment.evaluation import evaluation_of
from sim.results.counts import PIECE_REPS, HeldCounts, Spill, SpilledCounts
from sim.results.folder import write_run
from sim.results.money import money_of, with_money
from sim.results.projections import Results
from sim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

REPS = 2 * BLOCK_SIZE + 7  # two whole blocks and a short one
EVERYTHING = Spill(over_bytes=0)  # spill every run, however small

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads open files from /proc")


def open_in(folder: Path) -> list[str]:
    """Files this process has open inside ``folder`` (an unlinked one reads ``<path> (deleted)``)."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            out.append(target)
    return out


@pytest.mark.parametrize(("order", "pieces_written"), [([2, 1, 0], 3), ([0, 1, 2], 1), ([1, 2, 0], 2)])
def test_every_answer_of_spilled_counts_is_the_held_arrays_own(order: list[int], pieces_written: int) -> None:
    rng = np.random.default_rng(5)
    pieces = [(0, 3, np.int32), (3, 4, np.int64), (7, 2, np.int32)]  # one block did not fit int32
    arrays = [rng.integers(-(2**31), 2**31 - 1, size=(5, 4, n)).astype(dtype) for _, n, dtype in pieces]
    arrays[1][0, 0, 0] = 2**40
    spilled = SpilledCounts.create(5, 4, 9)
    for i in order:  # consecutive blocks are written together
        spilled.put(pieces[i][0], arrays[i])
    held = HeldCounts(np.concatenate([a.astype(np.int64) for a in arrays], axis=2))
    answers: list[tuple[str, Any, Any]] = [
        ("whole", spilled.whole(), held.whole()),
        ("row", spilled.row(2), held.row(2)),
        ("last row of some", spilled.row(-1, [3, 0]), held.row(-1, [3, 0])),
        ("item", spilled.item(1), held.item(1)),
        ("total", spilled.total(), held.total()),
        ("total of some", spilled.total([0, 2]), held.total([0, 2])),
        ("one item's total", spilled.total([3]), held.total([3])),
        ("replications across blocks", spilled.reps(2, 8), held.reps(2, 8)),
    ]
    for name, got, want in answers:
        assert got.dtype == want.dtype and np.array_equal(got, want), name
    assert spilled.shape == held.shape == (5, 4, 9) and spilled.held_bytes == 0
    assert len(spilled.pieces) == pieces_written and not spilled.gathered
    spilled.close()


def test_consecutive_blocks_are_written_a_piece_of_piece_reps_at_a_time() -> None:
    spilled = SpilledCounts.create(1, 2, 3 * PIECE_REPS)
    for at in range(0, 3 * PIECE_REPS, 100):
        spilled.put(at, np.full((1, 2, 100), at, dtype=np.int32))
    assert [(p.at, p.reps) for p in spilled.pieces] == [(i * PIECE_REPS, PIECE_REPS) for i in range(3)]
    assert spilled.item(1)[0].tolist() == [at - at % 100 for at in range(3 * PIECE_REPS)]
    spilled.close()


def test_spilled_counts_keep_int32_when_every_block_fits() -> None:
    spilled = SpilledCounts.create(2, 3, 4)
    spilled.put(2, np.ones((2, 3, 2), dtype=np.int32))
    spilled.put(0, np.zeros((2, 3, 2), dtype=np.int32))
    assert spilled.item(0).dtype == np.int32 and spilled.total().dtype == np.int64
    assert spilled.item(2).tolist() == [[0, 0, 1, 1], [0, 0, 1, 1]]
    with pytest.raises(ValueError, match="do not fit"):
        spilled.put(4, np.zeros((2, 2, 1), dtype=np.int32))
    spilled.close()


def written(folder: Path, r: Results) -> tuple[bytes, bytes]:
    loaded = load_scenario(SCENARIOS / "bali-2025.yaml")
    out = write_run(folder, with_money(r.summary("v"), r), r.monthly_rows(), r.scenario, loaded.chain, {})
    return (out / "summary.json").read_bytes(), (out / "monthly.csv").read_bytes()


@pytest.mark.parametrize("which", ["bali-2025", "regional"])
def test_a_spilled_run_writes_exactly_the_held_runs_files(tmp_path: Path, regional_file: Path, which: str) -> None:
    file = SCENARIOS / "bali-2025.yaml" if which == "bali-2025" else regional_file
    s = load_scenario(file).scenario
    held = run_scenario(s, replications=REPS, seed=3)
    spilled = run_scenario(s, replications=REPS, seed=3, spill=Spill(0, tmp_path))
    assert isinstance(held.active, HeldCounts) and isinstance(spilled.active, SpilledCounts)
    assert written(tmp_path / "held", held) == written(tmp_path / "spilled", spilled)
    a, b = evaluation_of(held), evaluation_of(spilled)
    for name, value in a.arrays().items():
        assert np.array_equal(value, b.arrays()[name]), name
    m, n = money_of(held), money_of(spilled)
    assert np.array_equal(m.cost, n.cost) and np.array_equal(m.net_new_active, n.net_new_active)
    seen = Observation(s.end, "registered", 1.0, segment=s.groups[-1], line=2)
    assert np.array_equal(trajectory(held, seen), trajectory(spilled, seen))


def test_a_spilled_run_holds_only_its_target_figures(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, REPS, 3)
    joined = Joined.of(request, request.blocks(), Spill(0, tmp_path))
    for b in reversed(request.blocks()):
        joined.place(b, kept_of(request, run_block(s, 3, b)))
    assert set(joined.arrays) == {"at_target", "crossed_on"}  # no month-end count held in memory
    r = joined.results()
    assert r.held_bytes() == 16 * REPS
    assert r.held_bytes() < run_scenario(s, replications=REPS, seed=3).held_bytes() / 10


def test_small_runs_hold_their_counts_and_large_ones_spill(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    held = run_scenario(s, replications=10, seed=1)
    assert isinstance(held.enrolled, HeldCounts)
    per_rep = held.held_bytes() / 10 - 16
    just_over = Spill(int(per_rep * BLOCK_SIZE) - 1, tmp_path)
    assert isinstance(run_scenario(s, replications=BLOCK_SIZE, seed=1, spill=just_over).enrolled, SpilledCounts)
    just_under = Spill(int(per_rep * BLOCK_SIZE), tmp_path)
    assert isinstance(run_scenario(s, replications=BLOCK_SIZE, seed=1, spill=just_under).enrolled, HeldCounts)


def test_the_spill_file_has_no_name_and_goes_with_the_results(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    during: list[tuple[list[Path], list[str]]] = []

    def look(reps: int) -> None:
        during.append((list(tmp_path.iterdir()), open_in(tmp_path)))

    r = run_scenario(s, replications=REPS, seed=3, spill=Spill(0, tmp_path), progress=look)
    assert all(names == [] for names, _ in during)  # never a name another process could see or leave behind
    assert all(files and all(f.endswith("(deleted)") for f in files) for _, files in during)
    assert r.summary()["replications"] == REPS
    del r
    gc.collect()
    assert open_in(tmp_path) == [] and list(tmp_path.iterdir()) == []


def test_an_interrupted_run_frees_its_spill_files_at_once(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    held: list[list[str]] = []

    def interrupt(reps: int) -> None:
        held.append(open_in(tmp_path))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_scenario(s, replications=REPS, seed=3, spill=Spill(0, tmp_path), progress=interrupt)
    assert held and held[0]  # the first block was spilled ...
    assert open_in(tmp_path) == []  # ... and its file closed before the interrupt went on
    assert list(tmp_path.iterdir()) == []


def test_a_block_that_fails_frees_the_spill_files_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.experiment.blocks as blocks

    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    real = blocks.run_blocks

    def second_fails(scenario: Any, seed: int, run: list[Block], marks: Any = ()) -> Any:
        if any(b.index == 1 for b in run):
            raise RuntimeError("worker lost")
        return real(scenario, seed, run, marks)

    monkeypatch.setattr(blocks, "run_blocks", second_fails)
    monkeypatch.setattr(blocks, "PASS_STEPS", 1)  # a pass a block, so that the first is kept before the second fails
    with pytest.raises(RuntimeError, match="worker lost"):
        run_scenario(s, replications=REPS, seed=3, spill=Spill(0, tmp_path))
    assert open_in(tmp_path) == []
