"""``sim solve``: bisection finds known thresholds, says when the goal is out of reach, and builds frontiers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.analyses.solve import Lever, grid_values, solve
from tests.cli_inproc import sim_cli

AGENTS = Lever("agents", 0, 100, integer=True, step=1)


def test_deterministic_threshold_is_found_exactly() -> None:
    a = solve(lambda v, n: n if v >= 37 else 0, AGENTS, 0.8)
    assert a.value == 37
    assert a.at_answer is not None
    assert a.at_answer.probability == 1.0
    assert a.neighbour is not None
    assert a.neighbour.value == 36
    assert len(a.probes) <= 2 + math.ceil(math.log2(100))
    assert a.uncertain_between() is None


def test_maximize_finds_the_largest_rate_to_the_stated_precision() -> None:
    lapse = Lever("lapse.monthly_rate", 0.0, 0.5, integer=False, step=0.001)
    a = solve(lambda v, n: n if v <= 0.237 else 0, lapse, 0.9, maximize=True)
    assert a.value is not None
    assert abs(a.value - 0.237) <= 0.001
    assert a.value <= 0.237


def test_unreachable_goal_reports_the_best_probability_and_where() -> None:
    a = solve(lambda v, n: int(n * v / 200), AGENTS, 0.8)
    assert not a.reached
    assert a.value is None
    assert a.best.value == 100
    assert a.best.probability == 0.5


def test_goal_already_met_at_the_low_end() -> None:
    a = solve(lambda v, n: n, AGENTS, 0.8)
    assert a.value == 0


def test_noisy_threshold_is_decided_with_more_replications() -> None:
    # P(v) = logistic(v − 50): the goal 0.8 is crossed between 51 (0.73) and 52 (0.88).
    def hits(v: float, n: int) -> int:
        rng = np.random.default_rng([int(v), n])
        return int(rng.binomial(n, 1 / (1 + math.exp(-(v - 50)))))

    a = solve(hits, AGENTS, 0.8, start_reps=100, max_reps=6400)
    assert a.value == 52
    assert a.at_answer is not None
    assert a.at_answer.sure
    assert a.at_answer.ci95[0] >= 0.8
    assert a.neighbour is not None
    assert a.neighbour.ci95[1] < 0.8


def test_bisection_ends_when_the_range_is_not_a_whole_number_of_steps() -> None:
    lever = Lever("r", 0.0, 1.03, integer=False, step=0.1)
    a = solve(lambda v, n: n if v >= 0.42 else 0, lever, 0.5)
    assert a.value == pytest.approx(0.5)
    assert a.neighbour is not None
    assert a.neighbour.value == pytest.approx(0.4)


def test_grid_values_are_whole_and_distinct_for_integer_levers() -> None:
    assert grid_values(Lever("a", 22, 25, integer=True, step=1), 5) == [22, 23, 24, 25]
    assert grid_values(Lever("r", 0.1, 0.5, integer=False, step=0.01), 3) == [0.1, 0.3, 0.5]


KNOWN = """
name: solve known answer
start: 2025-01-01
end: 2025-03-31
seed: 3
population: {workers: 10000000}
baseline: {active: 100000}
target: {members: 105900, by: 2025-03-31}
channels:
  - name: Agents
    kind: agent_network
    agents: 10
    agents_max: 100
    enrollments_per_agent_per_month: 100
    already_member_share: 0
"""


def closed_form_agents(per_agent_per_month: float, goal: float) -> int:
    """Smallest n with P(Poisson(3 months × rate × n) ≥ 5,900) ≥ goal."""
    return next(n for n in range(1, 101) if stats.poisson.sf(5899, 3 * per_agent_per_month * n) >= goal)


AGENTS_TO_80 = ["--lever", "channels[Agents].agents", "--range", "1:100", "--probability", "0.8", "--workers", "1"]


@pytest.fixture
def known(tmp_path: Path) -> Path:
    file = tmp_path / "known.yaml"
    file.write_text(KNOWN, encoding="utf-8")
    return file


def test_cli_finds_the_closed_form_number_of_agents(
    known: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No lapse and no pool limit: enrolments over Jan–Mar are Poisson(300 n) exactly.
    expected = closed_form_agents(100, 0.8)
    assert expected == 20
    out = tmp_path / "solved"
    done = sim_cli(capsys, "solve", str(known), *AGENTS_TO_80, "--out", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "solve.json").read_text())
    answer = data["answers"][0]
    assert answer["value"] == expected
    assert answer["at_answer"]["ci95"][0] >= 0.8
    assert answer["neighbour"]["value"] == expected - 1
    assert f"agents that reaches it: {expected} " in done.stdout
    assert (out / "solve.csv").read_text().splitlines()[1].startswith(f"channels[Agents].agents,True,{expected},")


def test_cli_says_when_the_target_is_out_of_reach(
    known: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = sim_cli(
        capsys,
        "solve",
        str(known),
        "--lever",
        "channels[Agents].agents",
        "--range",
        "1:15",
        "--probability",
        "0.8",
        "--workers",
        "1",
        "--results-dir",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert "unreachable (best 0.0% at 15)" in done.stdout
    assert "cannot be reached with 80% probability anywhere in the range" in done.stdout


def test_cli_frontier_of_two_levers(known: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "frontier"
    rate = ["--lever", "channels[Agents].enrollments_per_agent_per_month", "--range", "100:200", "--steps", "2"]
    done = sim_cli(capsys, "solve", str(known), *rate, *AGENTS_TO_80, "--out", str(out))
    assert done.returncode == 0, done.stderr
    answers = json.loads((out / "solve.json").read_text())["answers"]
    assert [a["fixed"]["channels[Agents].enrollments_per_agent_per_month"] for a in answers] == [100.0, 200.0]
    assert [a["value"] for a in answers] == [closed_form_agents(100, 0.8), closed_form_agents(200, 0.8)]
    assert "Frontier" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lever", "channels[Agents].agents", "--range", "1-100"], "expected LOW:HIGH"),
        (["--lever", "channels[Agents].agents", "--range", "1:100.5"], "is a whole number"),
        (["--lever", "channels[Agents].agentz", "--range", "1:100"], "'agentz' is not set in this scenario"),
        (["--lever", "channels[Agents].agents", "--range", "1:500"], "agents 500 exceeds agents_max 100"),
        (["--lever", "channels[Agents].agents", "--lever", "target.members", "--range", "1:9"], "one --range per"),
    ],
)
def test_cli_bad_levers_are_one_line_errors(
    known: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    done = sim_cli(capsys, "solve", str(known), *args, "--probability", "0.8", "--results-dir", str(tmp_path))
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [known]


def test_cli_rate_lever_answers_to_its_precision(
    known: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 20 agents: enrolments are Poisson(60 r); the smallest r with P(≥ 5,900) ≥ 0.8 is r* ≈ 99.4.
    # P rises by ~0.2 per unit of r there, so Monte Carlo error (±0.01 at 4,000 replications)
    # moves the answer by well under the precision of 0.5.
    r_star = next(r / 100 for r in range(9000, 11000) if stats.poisson.sf(5899, 0.6 * r) >= 0.8)
    out = tmp_path / "rate"
    lever = ["--lever", "channels[Agents].enrollments_per_agent_per_month", "--range", "50:150", "--precision", "0.5"]
    done = sim_cli(
        capsys,
        "solve",
        str(known),
        "--set",
        "channels[Agents].agents=20",
        *lever,
        "--probability",
        "0.8",
        "--workers",
        "1",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads((out / "solve.json").read_text())["answers"][0]
    assert r_star <= answer["value"] <= r_star + 0.5 + 0.1
    assert answer["neighbour"]["value"] == pytest.approx(answer["value"] - 0.5)
    assert (answer["value"] * 2) % 1 == 0  # on the grid 50, 50.5, 51, ...
