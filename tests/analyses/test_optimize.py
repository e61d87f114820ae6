"""``sim optimize``: known answers with closed-form optima, the search's invariants, honest edges, bad input."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analyses import allocation
from sim.analyses.allocation import Point, Trial, Trials
from sim.analyses.optimize import OptimizePlan
from sim.analyses.solve import Lever
from sim.experiment.evaluation import Evaluator
from sim.i18n.language import Lang
from sim.report.write import build
from tests.cli_inproc import sim_cli

pytestmark = pytest.mark.statistical

# Issue 14's known answer: A enrols 10 a partner-month at Rp 1,000,000 (Rp 100,000 a member), B 5 at
# Rp 400,000 (Rp 80,000 a member). B is cheaper per member, so all 50 of B (Rp 240M over 12 months)
# and the rest on A: Rp 360M / Rp 12M = 30. No lapse and a pool of 10 million: nothing depletes.
KNOWN = """
name: known answer
start: 2025-01-01
end: 2025-12-31
seed: 3
replications: 100
population: {workers: 10000000}
baseline: {active: 100000}
target: {members: 106000, by: 2025-12-31}
lapse: {monthly_rate: 0}
channels:
  - {name: A, kind: agent_network, agents: 10, agents_max: 100, enrollments_per_agent_per_month: 10,
     already_member_share: 0, costs: {per_partner_per_month: 1000000}}
  - {name: B, kind: agent_network, agents: 10, agents_max: 50, enrollments_per_agent_per_month: 5,
     already_member_share: 0, costs: {per_partner_per_month: 400000}}
"""
A, B = "channels[A].agents=0:100", "channels[B].agents=0:50"

# Diminishing returns: A recruits wage earners from a pool of 20,000 (no already_member_share, so its
# enrolments fall with the uncovered share): 20,000 (1 − e^(−0.03 n)) over 12 months with n partners
# at 50 a month. B recruits the self-employed at a steady 10 a partner-month. Both cost Rp 1M a
# partner-month, so Rp 1.2bn buys 100 partner-years; the optimum equalises marginal members:
# 600 e^(−0.03 n) = 120, n_A = ln(5) / 0.03 = 53.6, n_B = 46.4.
DEPLETING = """
name: depleting pool
start: 2025-01-01
end: 2025-12-31
seed: 5
replications: 100
population: {workers: {pu: 20000, bpu: 10000000}}
baseline: {active: {pu: 0, bpu: 100000}}
target: {members: 200000, by: 2025-12-31}
lapse: {pu: {monthly_rate: 0}, bpu: {monthly_rate: 0}}
channels:
  - {name: A, kind: agent_network, segment: pu, agents: 0, enrollments_per_agent_per_month: 50,
     costs: {per_partner_per_month: 1000000}}
  - {name: B, kind: agent_network, segment: bpu, agents: 0, enrollments_per_agent_per_month: 10,
     already_member_share: 0, costs: {per_partner_per_month: 1000000}}
"""


def _file(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


def _optimise(file: Path, levers: list[str], budget: float, **options: Any) -> dict[str, Any]:
    options = {"search_reps": 100, "reps": 300, **options}
    plan = OptimizePlan.plan(file, options.pop("sets", []), levers, budget, **options)
    return plan.run(Evaluator(), lambda _: None)


def test_known_answer_spends_on_the_cheaper_member_first(tmp_path: Path) -> None:
    data = _optimise(_file(tmp_path, KNOWN), [A, B], 600e6)
    best = data["best"]
    assert best["values"] == {"channels[A].agents": 30, "channels[B].agents": 50}
    assert best["spend"] == pytest.approx(600e6)
    assert best["spend_by_lever"] == pytest.approx({"channels[A].agents": 360e6, "channels[B].agents": 240e6})
    assert best["at_bound"] == ["channels[B].agents"]
    # Over the 10 + 10 partners written: 20 more of A and 40 of B, 12 × (20 × 10 + 40 × 5) = 4,800.
    assert best["gain"]["ci95"][0] < 4800 < best["gain"]["ci95"][1] + 50
    by_lever = {m["lever"]: m for m in data["marginal"]}
    # A: 10 members per Rp 1M = 10,000 per billion; B: 5 per Rp 400,000 = 12,500.
    assert by_lever["channels[A].agents"]["per_billion"] == pytest.approx(10_000, rel=0.03)
    assert by_lever["channels[B].agents"]["per_billion"] == pytest.approx(12_500, rel=0.08)
    assert data["search"]["method"] == "grid"


def test_known_answer_by_differential_evolution(tmp_path: Path) -> None:
    data = _optimise(_file(tmp_path, KNOWN), [A, B], 600e6, method="evolution", evaluations=60, reps=200)
    assert data["search"]["method"] == "evolution"
    assert data["best"]["values"] == {"channels[A].agents": 30, "channels[B].agents": 50}


def test_diminishing_returns_meet_where_marginal_members_are_equal(tmp_path: Path) -> None:
    levers = ["channels[A].agents=0:100", "channels[B].agents=0:200"]
    best = _optimise(_file(tmp_path, DEPLETING), levers, 1.2e9)["best"]
    n_a = math.log(5) / 0.03
    assert abs(best["values"]["channels[A].agents"] - n_a) <= 6
    assert best["values"]["channels[A].agents"] + best["values"]["channels[B].agents"] == 100
    # The objective is flat near the optimum: within 0.3% of the closed form's members there.
    expected = 100_000 + 20_000 * (1 - math.exp(-0.03 * n_a)) + 120 * (100 - n_a)
    assert best["objective"] == pytest.approx(expected, rel=0.003)


def test_probability_buys_the_most_partners_the_budget_allows(tmp_path: Path) -> None:
    # P(target) rises with A's partners; Rp 300M buys 300 / 12 = 25 partner-years and no more. A's
    # rate is uncertain, r ~ U(5, 15) a partner-month, so with B's 600 members
    # P(target) = P(100,600 + 12 n r ≥ 103,600) = P(r ≥ 250 / n) rises steadily: 0.5 at n = 25.
    text = KNOWN.replace("members: 106000", "members: 103600").replace(
        "enrollments_per_agent_per_month: 10", "enrollments_per_agent_per_month: {uniform: [5, 15]}"
    )
    data = _optimise(_file(tmp_path, text), ["channels[A].agents=0:100"], 300e6, objective="probability")
    assert data["best"]["values"] == {"channels[A].agents": 25}
    assert data["best"]["spend"] <= 300e6 + 1
    assert data["best"]["objective"] == pytest.approx(0.5, abs=0.1)


def test_more_budget_never_lowers_the_optimum_beyond_monte_carlo_error(tmp_path: Path) -> None:
    file = _file(tmp_path, KNOWN)
    bests = [_optimise(file, [A, B], budget)["best"] for budget in (200e6, 400e6, 600e6)]
    for small, large in itertools.pairwise(bests):
        assert large["objective"] >= small["objective"] - (large["ci95"][1] - large["ci95"][0])


def test_a_budget_too_small_for_any_change_says_so(tmp_path: Path) -> None:
    data = _optimise(_file(tmp_path, KNOWN), ["channels[A].agents=10:100", "channels[B].agents=10:50"], 1e6)
    assert data["best"] is None and data["too_small"]
    assert data["least_spend"] == pytest.approx(168e6)


def test_an_unreachable_target_is_a_flat_objective(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = KNOWN.replace("members: 106000", "members: 900000")
    out = tmp_path / "out"
    args = ["optimize", str(_file(tmp_path, text)), "--budget", "6e8", "--lever", A, "--objective", "probability"]
    done = sim_cli(capsys, *args, "--reps", "100", "--workers", "1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "P(target) is the same for every allocation tried; use --objective members or coverage-p80" in said
    data = json.loads((out / "optimize.json").read_text())
    assert data["flat"] and data["best"]["objective"] == 0.0
    paragraphs = [p for s in build(out, Lang("en")).sections for p in s.paragraphs]
    assert "Use --objective members or coverage-p80 to tell the allocations apart." in paragraphs


# --- the search alone, on closed forms (no simulation) -----------------------------------------

LEVERS = [Lever("a", 0, 100, True, 1), Lever("b", 0, 50, True, 1), Lever("c", 0, 100, True, 1)]


def linear(points: list[Point]) -> list[Trial]:
    """The known answer, with a third, dominated channel when there are three levers: 9 members per Rp 12M a year."""
    return [
        Trial(p, 12e6 * p[0] + 4.8e6 * p[1] + 12e6 * sum(p[2:]), 12 * (10 * p[0] + 5 * p[1] + 9 * sum(p[2:])))
        for p in points
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_evolution_finds_the_known_answer_with_a_dominated_third_lever(seed: int) -> None:
    trials = Trials(linear, LEVERS)
    best = allocation.search(trials, 600e6, method="evolution", steps=0, evaluations=60, seed=seed)
    assert best is not None and best.values == (30, 50, 0)


@pytest.mark.property
@settings(max_examples=25, deadline=None)
@given(budget=st.floats(min_value=1e6, max_value=2e9), more=st.floats(min_value=0.0, max_value=1e9))
def test_spend_keeps_to_the_budget_and_more_budget_never_lowers_the_optimum(budget: float, more: float) -> None:
    def best_at(b: float) -> Trial | None:
        return allocation.search(Trials(linear, LEVERS[:2]), b, method="grid", steps=5, evaluations=0, seed=1)

    small, large = best_at(budget), best_at(budget + more)
    assert small is not None and large is not None  # zero partners costs nothing
    assert small.spend <= budget * (1 + allocation.TOLERANCE)
    assert large.objective >= small.objective


# --- the command line, the result folder and the report ------------------------------------------


def test_cli_writes_the_folder_and_reports_it_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    file = _file(tmp_path, KNOWN)
    args = ["optimize", str(file), "--budget", "6e8", "--lever", A, "--lever", B, "--reps", "100"]
    done = sim_cli(capsys, *args, "--workers", "1", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data == json.loads((out / "optimize.json").read_text())
    assert {"optimize.json", "optimize.csv", "optimize.png", "run.json"} <= {p.name for p in out.iterdir()}
    rows = (out / "optimize.csv").read_text().splitlines()
    assert rows[0] == "channels[A].agents,channels[B].agents,spend,objective,members"
    assert len(rows) == 1 + data["search"]["allocations"]
    english, indonesian = build(out, Lang("en")), build(out, Lang("id"))
    assert english.headline.startswith("Best allocation: members on the target date (mean) 106,")
    assert "Rp 600,000,000 of Rp 600,000,000" in english.headline
    assert indonesian.headline.startswith("Alokasi terbaik: peserta pada tanggal target (rata-rata) 106.")
    assert [s.key for s in english.sections] == ["allocation", "finalists", "marginal", "frontier"]
    assert english.sections[3].charts[0].png[:4] == b"\x89PNG"
    shown = sim_cli(capsys, *args, "--workers", "1", "--out", str(tmp_path / "again"))
    assert "Best allocation" in shown.stdout and "channels[B].agents is at an end of its range" in shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "0", "--lever", A], "--budget: must be a positive number of rupiah"),
        (["--budget", "nan", "--lever", A], "--budget: must be a positive number of rupiah"),
        (["--budget", "6e8", "--lever", "channels[A].agents"], "--lever: expected PATH=LOW:HIGH"),
        (["--budget", "6e8", "--lever", "channels[A].agents=9:3"], "--lever channels[A].agents: LOW must be below"),
        (["--budget", "6e8", "--lever", "channels[A].agents=1:x"], "--lever channels[A].agents: expected LOW:HIGH"),
        (["--budget", "6e8", "--lever", "channels[A].agents=0.5:9"], "--lever: channels[A].agents is a whole number"),
        (["--budget", "6e8", "--lever", "target.members=1:9"], "a lever must set a channel's field"),
        (["--budget", "6e8", "--lever", "channels[C].per_month=1:9"], "has no costs"),
        (["--budget", "6e8", "--lever", A, "--lever", A], "--lever: a lever is given twice"),
        (["--budget", "6e8", "--lever", "channels[A].agents=0:500"], "exceeds agents_max"),
        (["--budget", "6e8", "--lever", A, "--objective", "cheapest"], "--objective: choose one of members"),
    ],
)
def test_bad_budgets_and_lever_ranges_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    text = KNOWN + "  - {name: C, kind: organic, per_month: 5, already_member_share: 0}\n"
    out = tmp_path / "out"
    done = sim_cli(capsys, "optimize", str(_file(tmp_path, text)), *args, "--yes", "--out", str(out))
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
    assert not out.exists()
