"""Estimates of memory and time before Monte Carlo work starts, and the refusals and questions they lead to.

The estimate's constants are checked against what was measured (README "Performance" and
:mod:`sim.experiment.workload`'s docstring), the counts it multiplies against what the algorithms really do
(solve's probes, the Sobol' design, calibration's evaluations), and every command that starts
Monte Carlo work against a refusal before anything is run or written.
"""

from __future__ import annotations

import io
import math
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, SCENARIOS
from sim.analyses.bench import state_bytes
from sim.analyses.history.calibration import max_evaluations, optimise
from sim.analyses.sensitivity.parameters import from_distributions
from sim.analyses.sensitivity.sobol import design, point_count
from sim.analyses.solve import Lever, max_probes, solve
from sim.cli import common, main
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.workload import Memory, Shape, Work
from sim.model.block import simulate_block
from sim.model.streams import block_seed
from sim.scenario.loader import load_scenario

BALI = SCENARIOS / "bali-2025.yaml"
NATIONAL = SCENARIOS / "national-2026.yaml"
TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"
GB = 10**9


@pytest.mark.parametrize("file", [BALI, SCENARIOS / "banuspa-2019-s2.yaml", TINY], ids=lambda p: p.stem)
def test_recorded_bytes_are_what_a_block_records(file: Path) -> None:
    s = load_scenario(file).scenario
    out = simulate_block(s, block_seed(1, 0), 7)
    assert workload.shape_of(s).recorded_bytes * 7 == state_bytes([out])


def test_the_national_shape_and_its_recorded_bytes_a_replication() -> None:
    shape = workload.shape_of(load_scenario(NATIONAL).scenario)
    assert (shape.groups, shape.channels, shape.days, shape.records, shape.regions) == (114, 156, 549, 18, 38)
    # 18 month ends × (4 × 114 groups + 156 channels) × 8 bytes + 16 = 88 KB.
    assert shape.recorded_bytes == 18 * (4 * 114 + 156) * 8 + 16


def test_the_constants_reproduce_the_measured_runs() -> None:
    bali = workload.shape_of(load_scenario(BALI).scenario)
    # The national scenario as it was measured, before its re-base on published figures.
    national = workload.Shape(groups=76, channels=153, days=549, records=18, regions=38)
    # Model time in one process: national-2026, 1,000 replications in blocks of 500, 16.3 s (README
    # "Performance"); bali-2025, 500 replications, 0.086 s (sim.experiment.workload's docstring).
    assert workload.model_seconds(national, 1000, 1, block=500) == pytest.approx(16.3, rel=0.25)
    assert workload.model_seconds(bali, 500, 1) == pytest.approx(0.086, rel=0.25)
    # Peak memory of `sim run --workers 1`, bali-2025 at 100,000: 127 MB with the counts kept as
    # int32 and monthly.csv described in batches (2026-11-30; 207 MB before).
    assert workload.run(bali, "b", 100_000, 1).memory == pytest.approx(127e6, rel=0.25)


def test_ten_million_national_replications_need_hundreds_of_gigabytes_and_most_of_a_day() -> None:
    national = workload.shape_of(load_scenario(NATIONAL).scenario)
    work = workload.run(national, "National", 10_000_000, 2)
    assert national.held_bytes == 18 * (2 * 114 + 2 + 156) * 4 + 16  # int32 counts, int64 target facts
    assert work.memory > 10_000_000 * national.held_bytes  # the results, held once
    assert work.seconds > 10 * 3600
    assert work.field == "--reps"


def test_more_of_anything_costs_more() -> None:
    small = Shape(groups=2, channels=5, days=184, records=6)
    for bigger in (
        Shape(groups=3, channels=5, days=184, records=6),
        Shape(groups=2, channels=6, days=184, records=6),
        Shape(groups=2, channels=5, days=365, records=12),
    ):
        a, b = workload.run(small, "s", 1000, 1), workload.run(bigger, "s", 1000, 1)
        assert b.seconds > a.seconds
        assert b.memory > a.memory
    one, two = workload.run(small, "s", 100_000, 1), workload.run(small, "s", 100_000, 2)
    assert two.seconds < one.seconds < workload.run(small, "s", 200_000, 1).seconds


def test_a_sweep_keeps_every_block_until_all_points_are_done() -> None:
    shape = Shape(groups=2, channels=5, days=184, records=6)
    sweep = workload.evaluations([(shape, 1000)] * 18_000, 2, "sweep", "--set", "fewer points")
    assert sweep.memory > 18_000 * 1000 * shape.held_bytes
    assert "18,000,000 replications in all" in sweep.what
    # Spreading the same replications over more points costs more: each point is loaded and summarised.
    fewer = workload.evaluations([(shape, 18_000)] * 1000, 2, "sweep", "--set", "fewer points")
    assert sweep.seconds > fewer.seconds


def test_memory_of_this_machine_and_of_a_cgroup(tmp_path: Path) -> None:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    proc.mkdir()
    cgroup.mkdir()
    (proc / "meminfo").write_text("MemTotal:       24684084 kB\nMemFree: 1 kB\nMemAvailable:   20000000 kB\n")
    assert workload.machine_memory(proc, cgroup) == Memory(20_000_000 * 1024, 24_684_084 * 1024)
    (cgroup / "memory.max").write_text("max\n")  # cgroup v2 without a limit
    assert workload.machine_memory(proc, cgroup).total == 24_684_084 * 1024
    (cgroup / "memory.max").write_text("8000000000\n")
    (cgroup / "memory.current").write_text("3000000000\n")
    assert workload.machine_memory(proc, cgroup) == Memory(5_000_000_000, 8_000_000_000)
    real = workload.machine_memory()
    assert 0 < real.available <= real.total


def test_check_refuses_what_does_not_fit_and_asks_about_what_is_long() -> None:
    memory = Memory(available=16 * GB, total=32 * GB)
    fits = Work("Bali, 1,000 replications", 10.0, 100_000_000, "--reps", "ask for fewer")
    assert workload.check(fits, memory) is False
    assert workload.check(Work("long", 2 * 3600.0, 100_000_000, "--reps", "fewer"), memory) is True
    with pytest.raises(ScenarioError) as info:
        workload.check(Work("National, 10,000,000 replications", 9e4, 1.5e12, "--reps", "ask for fewer"), memory)
    assert info.value.field == "--reps"
    assert info.value.message == (
        "National, 10,000,000 replications would need about 1.5 TB of memory, 93.8 times the 16 GB free on this "
        "machine (32 GB in all), and about 25 h; ask for fewer"
    )


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.2, "1 s"), (42, "42 s"), (75, "1 min"), (3600, "1 h"), (5400, "1 h 30 min")]
)
def test_durations_read_naturally(seconds: float, text: str) -> None:
    assert workload.duration(seconds) == text


def test_sizes_read_naturally() -> None:
    assert [workload.size(n) for n in (900, 65_824, 2.07e8, 1.5e12)] == ["900 bytes", "66 KB", "207 MB", "1.5 TB"]


@pytest.mark.parametrize(("lo", "hi", "step"), [(0, 128, 1), (22, 128, 1), (0, 3000, 100), (0.1, 0.9, 0.01), (5, 7, 1)])
def test_solve_never_decides_more_values_than_its_estimate(lo: float, hi: float, step: float) -> None:
    lever = Lever("x", lo, hi, step == 1, step)
    most = 0
    for threshold in np.linspace(lo, hi, 41):
        answer = solve(lambda v, n, t=threshold: n if v >= t else 0, lever, 0.5, start_reps=10, max_reps=10)
        most = max(most, len(answer.probes))
    assert most <= max_probes(lever) <= most + 1


def test_sobol_point_count_is_the_design_size() -> None:
    s = load_scenario(BALI).scenario
    parameters = from_distributions(s)[:3]
    assert len(design(parameters, 16, 1).points) == point_count(16, 3) == 80


@pytest.mark.parametrize("rates", [1, 2, 3])
def test_calibration_runs_no_more_than_its_estimate(rates: int) -> None:
    class Bowl:
        """A noisy quadratic on the fitted scale: common random numbers keep real objectives this smooth."""

        def __init__(self) -> None:
            self.parameters = [_Share() for _ in range(rates)]
            self.calls = 0

        def __call__(self, x: object) -> float:
            self.calls += 1
            v = np.atleast_1d(np.asarray(x, dtype=float))
            return float(((v - 1.3) ** 2).sum() + 1e-3 * math.sin(40 * v.sum()))

    bowl = Bowl()
    optimise(bowl)  # type: ignore[arg-type]
    # The search, then 2 runs per rate for the information, the fitted point and the plotted run.
    assert bowl.calls + 2 * rates + 2 <= max_evaluations(rates)


class _Share:
    start = 0.3
    bounds = (math.log(1e-5 / (1 - 1e-5)), math.log((1 - 1e-5) / 1e-5))

    def to_x(self, value: float) -> float:
        return math.log(value / (1 - value))


# --- the commands: refused or asked before anything runs or is written --------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    with pytest.raises(SystemExit) as info:
        main(args)
    code = info.value.code
    return int(code) if isinstance(code, int) else 0, capsys.readouterr().err, time.perf_counter() - t0


def _memory(monkeypatch: pytest.MonkeyPatch, available: float, total: float | None = None) -> None:
    monkeypatch.setattr(workload, "machine_memory", lambda: Memory(int(available), int(total or available)))


def test_ten_million_national_replications_are_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _memory(monkeypatch, 16 * GB, 24 * GB)
    results = tmp_path / "results"
    code, err, seconds = _cli(["run", str(NATIONAL), "--reps", "10000000", "--results-dir", str(results)], capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("error: --reps: Indonesia 2026, by province, 10,000,000 replications would need about ")
    assert "GB of memory" in line
    assert "the 16 GB free on this machine (24 GB in all)" in line
    assert "--precision" in line
    assert seconds < 10  # loading the national scenario, and nothing more
    assert not results.exists()


def _grid() -> list[str]:
    agents = ",".join(str(i) for i in range(120))
    rates = ",".join(f"{0.3 + i / 1000:.3f}" for i in range(150))
    return ["--set", f"channels[BPR agents].agents={agents}", "--set", f"channels[BRI KUR].enrollment_rate={rates}"]


def test_an_18000_point_sweep_that_does_not_fit_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _memory(monkeypatch, 16 * GB, 24 * GB)
    results = tmp_path / "results"
    args = ["sweep", str(BALI), *_grid(), "--reps", "4000", "--workers", "2", "--results-dir", str(results)]
    code, err, seconds = _cli(args, capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("error: --set: Bali 2025, current channels, 18,000 points of 4,000 replications")
    assert "GB of memory" in line
    assert "give fewer --set values (the grid has 18,000 points) or fewer --reps" in line
    assert seconds < 5  # the 18,000 points were not even loaded
    assert not results.exists()


def test_an_18000_point_sweep_of_hours_asks_for_yes_without_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _memory(monkeypatch, 10_000 * GB)
    results = tmp_path / "results"
    args = ["sweep", str(BALI), *_grid(), "--reps", "4000", "--workers", "2", "--results-dir", str(results)]
    code, err, seconds = _cli(args, capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("error: --yes: Bali 2025, current channels, 18,000 points of 4,000 replications")
    assert "more than an hour; pass --yes to start it anyway" in line
    assert seconds < 5
    assert not results.exists()


@pytest.fixture
def long_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every piece of work counts as more than an hour (and as worth a note)."""
    monkeypatch.setattr(workload, "CONFIRM_SECONDS", 1e-6)
    monkeypatch.setattr(workload, "NOTE_SECONDS", 1e-6)


def _small_run(out: Path, *extra: str) -> list[str]:
    return ["run", str(TINY), "--reps", "20", "--workers", "1", "--out", str(out), "--quiet", *extra]


@pytest.mark.usefixtures("long_hour")
def test_yes_lets_a_long_run_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, _ = _cli(_small_run(tmp_path / "refused"), capsys)
    assert code == 2
    assert err.startswith("error: --yes: Tiny growth, 20 replications: about 1 s and ")
    assert not (tmp_path / "refused").exists()
    code, err, _ = _cli(_small_run(tmp_path / "run", "--yes"), capsys)
    assert code == 0, err
    assert err.startswith("estimate: Tiny growth, 20 replications: about 1 s")
    assert (tmp_path / "run" / "summary.json").is_file()


@pytest.mark.usefixtures("long_hour")
@pytest.mark.parametrize(("answer", "code"), [("y\n", 0), ("n\n", 1), ("\n", 1)])
def test_at_a_terminal_a_long_run_asks_first(
    answer: str, code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    got, err, _ = _cli(_small_run(tmp_path / "run"), capsys)
    assert got == code, err
    assert "Start it? [y/N]" in err
    assert (tmp_path / "run").exists() == (code == 0)
    if code:
        assert err.endswith("not started; nothing was run or written\n")


def _history(tmp_path: Path) -> Path:
    history = tmp_path / "history.csv"
    history.write_text("date,metric,value,sd,source\n2024-06,active,47000,300,a\n2024-12,active,53000,300,b\n")
    return history


COMMANDS = {
    "run": lambda t: ["run", str(TINY)],
    "run --precision": lambda t: ["run", str(TINY), "--precision", "0.01"],
    "compare": lambda t: ["compare", str(TINY), str(TINY)],
    "sweep": lambda t: ["sweep", str(TINY), "--set", "channels[Walk-in].per_month=1000,2000"],
    "solve": lambda t: [
        *("solve", str(TINY), "--lever", "channels[Walk-in].per_month", "--range", "0:3000", "--probability", "0.8")
    ],
    "sensitivity": lambda t: ["sensitivity", str(BALI), "--samples", "4"],
    "calibrate": lambda t: [
        "calibrate",
        str(TINY),
        "--observed",
        str(_history(t)),
        "--fit",
        "channels[Walk-in].per_month",
    ],
    "backtest": lambda t: ["backtest", str(TINY), "--actuals", str(_history(t))],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_that_runs_replications_checks_its_memory_first(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _memory(monkeypatch, 1_000_000, 2_000_000)
    results = tmp_path / "results"
    code, err, _ = _cli([*COMMANDS[command](tmp_path), "--results-dir", str(results)], capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert " would need about " in line
    assert "the 1.0 MB free on this machine (2.0 MB in all)" in line
    assert not results.exists()


@pytest.mark.usefixtures("long_hour")
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_that_runs_replications_asks_before_a_long_one(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    code, err, _ = _cli([*COMMANDS[command](tmp_path), "--results-dir", str(results)], capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("error: --yes: ")
    assert not results.exists()


def test_the_pool_is_used_by_work_not_by_replications() -> None:
    from sim.experiment.workload import POOL_START_SECONDS, processes, run

    national = workload.shape_of(load_scenario(SCENARIOS / "national-2026.yaml").scenario)
    bali = workload.shape_of(load_scenario(SCENARIOS / "bali-2025.yaml").scenario)

    def where(shape: Shape, reps: int, workers: int = 2) -> int:
        return processes(lambda n: run(shape, "s", reps, n), workers)

    assert where(national, 1000) == 2  # about 10 s saved
    assert where(bali, 1000) == 1  # under 0.1 s saved: less than the pool costs
    assert where(national, 200) == 2  # a preview: two blocks of 100, one a worker
    assert where(national, 100) == 1  # one block: nothing to share
    assert where(national, 1000, workers=1) == 1
    saved = run(bali, "s", 2000, 1).seconds - run(bali, "s", 2000, 2).seconds
    assert (saved > POOL_START_SECONDS) == (where(bali, 2000) == 2)
