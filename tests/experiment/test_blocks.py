"""What a block ships back and how the parent joins blocks: compact, once, and exactly."""

from __future__ import annotations

import numpy as np

from conftest import SCENARIOS
from sim.experiment.blocks import (
    BLOCK_SIZE,
    MIN_BLOCK_SIZE,
    PASS_STEPS,
    Block,
    Joined,
    Request,
    block_size_for,
    block_size_of,
    kept_of,
    passes,
    passes_of,
    rep_steps,
    run_block,
    run_scenario,
)
from sim.model.block import BlockOutcome
from sim.scenario.loader import load_scenario

COUNTS = ("active", "inactive", "enrolled", "lapsed", "reactivated")


def _outcome(reps: int, value: int) -> BlockOutcome:
    counts = np.full((2, 3, reps), value, dtype=np.int64)
    flows = np.zeros_like(counts)
    flows[:, 0] = value  # so that their sum over groups is ``value`` too
    facts = np.arange(reps, dtype=np.int64)
    return BlockOutcome(counts, counts, counts, flows, flows, facts, facts)


def test_counts_ship_as_int32_when_they_fit_and_int64_when_not() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, 4, 1)
    fits, too_big = kept_of(request, _outcome(4, 2**31 - 1)), kept_of(request, _outcome(4, 2**31))
    assert {getattr(fits, n).dtype for n in COUNTS} == {np.dtype(np.int32)}
    assert {getattr(too_big, n).dtype for n in COUNTS} == {np.dtype(np.int64)}
    assert fits.at_target.dtype == np.int64 and int(too_big.active.max()) == 2**31
    assert fits.lapsed.shape == fits.reactivated.shape == (2, 1, 4) and int(fits.lapsed.max()) == 2**31 - 1
    again = kept_of(request, too_big)  # a block read back from a checkpoint is kept again
    for n in COUNTS:
        assert np.array_equal(getattr(again, n), getattr(too_big, n)) and getattr(again, n).dtype == np.int64, n
    finals = kept_of(Request(s, 4, 1, finals_only=True), _outcome(4, 5))
    assert finals.active.shape == (0, 3, 4) and finals.at_target.tolist() == [0, 1, 2, 3]


def test_blocks_arriving_out_of_order_join_into_their_columns_and_widen_when_needed() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    request = Request(s, 7, 1, block_size=3)
    blocks = request.blocks()
    assert [(b.index, b.reps) for b in blocks] == [(0, 3), (1, 3), (2, 1)]
    joined = Joined.of(request, blocks)
    joined.place(blocks[2], kept_of(request, _outcome(1, 2**31)))
    joined.place(blocks[0], kept_of(request, _outcome(3, 1)))
    joined.place(blocks[1], kept_of(request, _outcome(3, 2)))
    r = joined.results()
    assert r.active.dtype == np.int64
    assert r.active.row(0)[0].tolist() == [1, 1, 1, 2, 2, 2, 2**31]
    assert r.at_target.tolist() == [0, 1, 2, 0, 1, 2, 0]


def test_a_run_holds_exactly_the_model_counts_in_compact_form() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    r = run_scenario(s, replications=BLOCK_SIZE + 5, seed=3)
    model = [run_block(s, 3, Block(0, BLOCK_SIZE)), run_block(s, 3, Block(1, 5))]
    for name in (*COUNTS, "at_target", "crossed_on"):
        whole = np.concatenate([getattr(m, name) for m in model], axis=-1)
        if name in ("lapsed", "reactivated"):
            whole = whole.sum(axis=1, keepdims=True)
        held = getattr(r, name)
        assert np.array_equal(held if name not in COUNTS else held.whole(), whole), name
    assert r.active.dtype == np.int32 and r.at_target.dtype == np.int64


def test_a_large_scenario_runs_in_smaller_blocks_of_at_most_the_same_steps() -> None:
    # bali-2025: 7 processes × 184 days; national-2026: 270 × 549; national-backtest-2025: 267 × 122.
    assert block_size_for(7, 184) == BLOCK_SIZE
    assert block_size_for(270, 549) == MIN_BLOCK_SIZE
    assert block_size_for(267, 122) == 300  # 10,000,000 // 32,574 = 306 steps' worth, in hundreds
    sizes = [block_size_for(units, 365) for units in range(1, 400)]
    assert sizes == sorted(sizes, reverse=True)
    assert all(s % MIN_BLOCK_SIZE == 0 and MIN_BLOCK_SIZE <= s <= BLOCK_SIZE for s in sizes)
    national = load_scenario(SCENARIOS / "national-2026.yaml").scenario
    assert block_size_of(national) == MIN_BLOCK_SIZE
    assert [(b.index, b.reps) for b in Request(national, 250, 1).blocks()] == [(0, 100), (1, 100), (2, 50)]
    assert block_size_of(load_scenario(SCENARIOS / "banuspa-2026.yaml").scenario) == BLOCK_SIZE


def test_a_process_runs_consecutive_blocks_of_one_request_in_passes_of_bounded_steps() -> None:
    bali = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    national = load_scenario(SCENARIOS / "national-2026.yaml").scenario
    requests = [Request(bali, 2000, 1), Request(national, 1000, 2), Request(bali, 500, 3)]
    jobs = [(i, b) for i, r in enumerate(requests) for b in r.blocks()]
    runs = passes_of(requests, jobs)
    assert [j for run in runs for j in run] == jobs
    assert all(len({i for i, _ in run}) == 1 for run in runs)
    assert [len(run) for run in runs] == [4, *[1] * 10, 1]  # a national-2026 block fills a pass alone
    assert all(sum(b.reps for _, b in run) * rep_steps(requests[run[0][0]].scenario) <= PASS_STEPS for run in runs[:1])
    assert [p.widths for p in passes(requests[0])] == [(500, 500, 500, 500)]
