"""``sim bench`` prints the model against its NumPy yardstick, end-to-end wall and memory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SCENARIOS, run_cli
from sim.analyses import bench as benchmark
from sim.scenario.loader import load_scenario


def test_comparison_reports_both_times_and_their_ratio() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    c = benchmark.model_vs_reference(s, 300, 2, floor=benchmark.draw_log(s, 300))
    assert c.simpy_s > 0
    assert c.numpy_s > 0
    assert c.repeats == 2
    assert 0 < c.floor_s < c.simpy_s and c.floor_ratio > 1  # the model makes the floor's draws, and more
    # A replication keeps, per record day (6 month ends), 4 group series × 2 segments and 5 channel
    # counts, plus 2 target facts: (6 × 13 + 2) int64 = 640 bytes, far below the 10 KB budget.
    assert c.state_bytes_per_rep == 8 * (6 * (4 * 2 + 5) + 2)
    # Live: 5 stocks × 2 segments, 5 channel counters, and the 12 rates drawn per replication.
    assert c.live_bytes_per_rep == 8 * (5 * 2 + 5 + len(s.uncertain()))


@pytest.mark.slow
def test_bench_cli_prints_every_figure() -> None:
    args = ("bench", str(SCENARIOS / "bali-2025.yaml"), "--reps", "300", "--repeat", "1", "--sweep-points", "2")
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"SimPy/NumPy ratio \d+\.\d{3}", out)
    assert "s per 1,000 replications" in out
    assert re.search(r"peak memory \d+ MB", out)
    assert "state per replication" in out
    assert "serial fraction: " in out and "results held in the parent: " in out
    assert "preview: sim run" in out
    assert "sweep: 2 points × 1,000 replications" in out
    assert out.startswith("machine: ")


def test_the_machine_line_says_how_the_model_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(benchmark, "COMPILED", True)
    assert "draws by the compiled kernel;" in benchmark.machine()
    monkeypatch.setattr(benchmark, "COMPILED", False)
    assert "draws by NumPy methods (the kernel is not built);" in benchmark.machine()


def test_serial_tail_is_the_parents_own_cpu_and_the_compact_results_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_here(*_: object, **__: object) -> None:
        raise AssertionError("the tail is measured in a fresh interpreter, as sim run runs")

    monkeypatch.setattr(benchmark, "project", not_here)
    tail = benchmark.serial_tail(SCENARIOS / "bali-2025.yaml", 4001, 2)
    assert tail.workers == 2
    assert 0 < tail.parent_s < 5
    # Per replication: 6 month ends × (2 group series × 2 segments + 5 channels + lapses and
    # reactivations summed over groups) int32 counts, and the 2 int64 target facts: 280 bytes, of
    # the 640 the model records.
    assert tail.held_bytes_per_rep == 4 * 6 * (2 * 2 + 5 + 2) + 2 * 8
    assert [step for step, _ in tail.parts] == list(benchmark.TAIL_STEPS)
    assert sum(s for _, s in tail.parts) == pytest.approx(tail.parent_s)
    line = benchmark._tail_line(tail, 4 * tail.parent_s)
    assert "= 25.0% (a short run: the 2% goal is held from 5 s of model time" in line and "0.03 GB for 100,000" in line
    assert f"({benchmark.TAIL_STEPS[0]} {tail.parts[0][1]:.3f}, writing the folder " in line
    # The pool's own start and stop, measured beside the run: its forks and threads cost CPU.
    assert 0 < tail.pool_s < 5
    ratio = tail.pool_s / (4 * tail.parent_s)
    assert f"pool alone (2 workers, one empty task each): {tail.pool_s:.3f} s = {ratio:.1%};" in line
    # The goal is judged for runs of 5 s of model time and more: at 2% exactly it is met.
    assert "= 2.0% (goal <= 2%: met)" in benchmark._tail_line(benchmark.Tail(0.1, 2, 280.0), 5.0)
    assert "= 2.1% (goal <= 2%: NOT MET)" in benchmark._tail_line(benchmark.Tail(0.105, 2, 280.0), 5.0)
    assert "a short run" in benchmark._tail_line(benchmark.Tail(0.01, 2, 280.0), 4.99)
    spilled = benchmark._tail_line(benchmark.Tail(0.5, 2, 28_000.0), 20.0)  # national: 2.8 GB if held
    assert "100,000 would hold 2.80 GB: above 512 MiB a run's counts go to a temporary file" in spilled
    alone = benchmark._tail_line(benchmark.Tail(0.1, 1, 328.0), 1.0)
    assert "not measured (the run stayed in one process)" in alone


def test_the_page_benchmark_reports_latencies_and_memory() -> None:
    times = benchmark.PageTimes([400.0, 600.0, 500.0], [900.0, 1100.0, 1000.0], [(0, 120.0, 230.0), (3, 125.0, 231.0)])
    lines = list(benchmark.page_lines(times, "bali-2025"))
    assert lines[0] == "page (sim serve, bali-2025, 3 changes of channels[BPR agents].agents, headless Chromium):"
    assert lines[1].endswith("median 500 ms, p90 580 ms, max 600 ms")
    assert lines[2].endswith("median 1000 ms, p90 1080 ms, max 1100 ms")
    assert lines[3] == "  memory (RSS, MB) after n changes: 0: server 120 + workers 230, 3: server 125 + workers 231"


@pytest.mark.slow
@pytest.mark.e2e
def test_the_page_benchmark_drives_sim_serve() -> None:
    times = benchmark.page_server(SCENARIOS, "bali-2025", 3)
    assert len(times.first_ms) == len(times.full_ms) == 3
    assert all(0 < first <= full for first, full in zip(times.first_ms, times.full_ms, strict=True))
    assert [n for n, _, _ in times.memory_mb] == [0, 1, 3]


def test_the_national_memory_line_measures_the_parent_against_the_goal(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, int, list[str]]] = []

    def peak(mb: float) -> None:
        def run(file: Path, reps: int, repeats: int, extra: list[str]) -> benchmark.Wall:
            asked.append((file.name, reps, list(extra)))
            return benchmark.Wall(600.0, mb, repeats)

        monkeypatch.setattr(benchmark, "cli_run", run)

    peak(1900.0)
    line = benchmark.national_memory_line(100_000, 2)
    assert asked == [("national-2026.yaml", 100_000, ["--workers", "2"])]
    assert "100,000 replications" in line and "peak memory of the parent 1900 MB (goal <= 2,048 MB: met)" in line
    peak(4500.0)
    assert "4500 MB (goal <= 2,048 MB: NOT MET)" in benchmark.national_memory_line(100_000, 2)


def test_the_tail_is_the_median_run_and_the_model_alone_is_timed_in_its_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    parents = iter([0.3, 0.1, 0.2])
    monkeypatch.setattr(benchmark, "serial_tail", lambda *_: benchmark.Tail(next(parents), 2, 1.0))
    assert benchmark.median_tail(SCENARIOS / "bali-2025.yaml", 10, 2, 3).parent_s == 0.2
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    ran: list[tuple[int, ...]] = []
    monkeypatch.setattr(benchmark, "simulate_blocks", lambda _, run: ran.append(run.widths))
    assert benchmark.model_alone(s, 1200) >= 0
    assert ran == [(500, 500, 200)]
