"""Sensitivity against closed forms: an additive scenario whose Sobol' indices and swings are known.

In ``ADDITIVE`` nothing lapses and two organic channels enrol Poisson(6·x) people over six whole
months, with x_A ~ U[1000, 3000] and x_B ~ U[1000, 2000] a month. So
E[final | x] = 100,000 + 6·(x_A + x_B), additive, and (Saltelli 2008, linear model)
S1_A = ST_A = Var x_A / (Var x_A + Var x_B) = (2000²/12) / (2000²/12 + 1000²/12) = 0.8, S1_B = 0.2.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.sensitivity.parameters import Pinned, from_distributions, parse_given, pin
from sim.analyses.sensitivity.sobol import sobol
from sim.analyses.sensitivity.tornado import tornado
from sim.report.write import write_report
from sim.scenario.distributions import Beta
from sim.scenario.loader import load_scenario
from tests.conftest import run_cli

pytestmark = pytest.mark.statistical

ADDITIVE = """\
name: Additive
start: 2025-01-01
end: 2025-06-30
seed: 11
replications: 200
population: {workers: 10000000}
baseline: {active: 100000}
target: {members: 121000, by: 2025-06-30}
lapse: {monthly_rate: 0.0}
channels:
  - {name: A, kind: organic, per_month: {uniform: [1000, 3000]}, already_member_share: 0}
  - {name: B, kind: organic, per_month: {uniform: [1000, 2000]}, already_member_share: 0}
  - name: Agents
    kind: agent_network
    agents: 10
    agents_max: 50
    enrollments_per_agent_per_month: 5
    already_member_share: 0
"""
A, B = "channels[A].per_month", "channels[B].per_month"


@pytest.fixture
def additive(tmp_path: Path) -> Path:
    path = tmp_path / "additive.yaml"
    path.write_text(ADDITIVE, encoding="utf-8")
    return path


def test_pinned_draws_like_the_distribution_it_replaces() -> None:
    # The stream must advance exactly as before, or every later parameter of the channel shifts.
    dist = Beta(3, 7)
    pinned, plain = np.random.default_rng(5), np.random.default_rng(5)
    values = Pinned(np.array([0.25]), dist).sample(pinned, 4)
    dist.sample(plain, 4)
    assert values.tolist() == [0.25] * 4
    assert pinned.random() == plain.random()


def test_pin_replaces_only_the_named_field(additive: Path) -> None:
    s = load_scenario(additive).scenario
    pinned = pin(s, {A: 1234.0})
    assert pinned.channels[0].per_month.mean == 1234.0  # type: ignore[union-attr]
    assert pinned.channels[1] is s.channels[1]
    assert s.channels[0].per_month.mean == 2000.0  # type: ignore[union-attr]


def test_parameters_are_the_drawn_figures_at_their_5th_and_95th_percentiles(additive: Path) -> None:
    params = from_distributions(load_scenario(additive).scenario)
    assert [(p.path, p.low, p.high) for p in params] == [(A, 1100.0, 2900.0), (B, 1050.0, 1950.0)]


def test_sobol_indices_match_the_additive_closed_form(additive: Path) -> None:
    # Over 8 seeds the estimates had sd 0.002 (S1, ST of final); 0.02 is 10 sd, so a false alarm is
    # out of reach while a swapped or mis-scaled parameter (0.8 vs 0.2) is caught.
    s = load_scenario(additive).scenario
    result = sobol(s, from_distributions(s), samples=256, reps=10, seed=3)
    by_name = {r["parameter"]: r for r in result["final"]}
    assert by_name[A]["S1"] == pytest.approx(0.8, abs=0.02)
    assert by_name[B]["S1"] == pytest.approx(0.2, abs=0.02)
    assert by_name[A]["ST"] == pytest.approx(0.8, abs=0.02)
    assert by_name[B]["ST"] == pytest.approx(0.2, abs=0.02)
    assert result["ranking"] == [A, B]
    assert result["points"] == 256 * 4
    assert result["probability"] is not None  # target at the mean, so P(target) varies


PRODUCT = """\
name: Product
start: 2025-01-01
end: 2025-06-30
seed: 5
population: {workers: 10000000}
baseline: {active: 100000}
target: {members: 124000, by: 2025-06-30}
lapse: {monthly_rate: 0.0}
channels:
  - name: KUR
    kind: loan_linked
    loans_per_month: {uniform: [5000, 15000]}
    enrollment_rate: {uniform: [0.2, 0.6]}
    already_member_share: 0
"""


def test_sobol_indices_see_the_interaction_of_a_product(tmp_path: Path) -> None:
    # E[final | L, e] = 100,000 + 6·L·e with L ~ U[5000, 15000], e ~ U[0.2, 0.6] independent. For a
    # product (Sobol' 1993): V_L = Var L·(E e)², V_e = Var e·(E L)², V_Le = Var L·Var e, so
    # S1 = 1.3333e6 / 2.7778e6 = 0.48 for each and ST = (1.3333e6 + 1.111e5) / 2.7778e6 = 0.52.
    # Over 6 seeds the sd was 0.005 (S1) and 0.002 (ST); the tolerances are 5 and 7 sd.
    path = tmp_path / "product.yaml"
    path.write_text(PRODUCT, encoding="utf-8")
    s = load_scenario(path).scenario
    result = sobol(s, from_distributions(s), samples=256, reps=10, seed=2)
    for r in result["final"]:
        assert r["S1"] == pytest.approx(0.48, abs=0.025)
        assert r["ST"] == pytest.approx(0.52, abs=0.015)
    assert sum(r["ST"] - r["S1"] for r in result["final"]) > 0.04  # the interaction, counted in both ST


def test_tornado_swings_match_the_closed_form_and_rank_the_dominant_parameter_first(additive: Path) -> None:
    s = load_scenario(additive).scenario
    params = [*from_distributions(s), parse_given("channels[Agents].agents=0:50", additive, s)]
    rows = tornado(s, additive, params, replications=400, seed=9)
    assert [r["parameter"] for r in rows] == [A, B, "channels[Agents].agents"]
    # E[high − low] = 6 × (x_high − x_low) per channel; agents: 6 months × 5 × (50 − 0) at full
    # strength less the ramp-up, so only its sign and size order are checked. The interval is the
    # paired normal one, so the closed form falls outside it 5% of the time; widen it ×2 (≈ 5e-5).
    for row, expected in zip(rows[:2], (6 * 1800, 6 * 900), strict=True):
        lo, hi = row["final_swing_ci95"]
        half = (hi - lo) / 2
        assert abs(row["final_swing"] - expected) < 2 * half
        assert half < 100  # common random numbers: the pair differs by Poisson noise only
    assert rows[0]["probability_low"] < 0.01 < 0.99 < rows[0]["probability_high"]
    assert 0 < rows[2]["final_swing"] < rows[1]["final_swing"]


def test_sensitivity_cli_writes_its_folder(additive: Path, tmp_path: Path) -> None:
    out = tmp_path / "sens"
    done = run_cli(
        "sensitivity",
        str(additive),
        "--samples",
        "32",
        "--reps",
        "5",
        "--tornado-reps",
        "100",
        "--workers",
        "1",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "COMPLETE",
        "run.json",
        "scenario.yaml",
        "sensitivity.csv",
        "sensitivity.json",
        "tornado.png",
    ]
    report = json.loads((out / "sensitivity.json").read_text())
    assert report["tornado"][0]["parameter"] == A
    assert report["sobol"]["ranking"] == [A, B]
    assert (out / "tornado.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Sobol' N=32, 5 replications a point" in done.stdout
    assert f"Most worth measuring better: {A}" in done.stdout
    md = (write_report(out, "en", ["md"]) / "report.md").read_text()
    assert f"**The figure most worth measuring better: {A}; its range moves final members by +" in md
    assert "![What the projection depends on most](tornado.png)" in md


def test_a_bad_param_is_one_line_and_writes_nothing(additive: Path, tmp_path: Path) -> None:
    out = tmp_path / "sens"
    done = run_cli("sensitivity", str(additive), "--param", "channels[Agnets].agents=1:5", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "did you mean 'Agents'" in done.stderr
    assert not out.exists()


def test_a_param_outside_its_allowed_range_names_the_field(additive: Path, tmp_path: Path) -> None:
    done = run_cli("sensitivity", str(additive), "--param", f"{A}=-5:10", "--out", str(tmp_path / "x"))
    assert done.returncode == 2
    assert "channels[A].per_month" in done.stderr


def test_samples_must_be_a_power_of_two(additive: Path, tmp_path: Path) -> None:
    done = run_cli("sensitivity", str(additive), "--samples", "100", "--out", str(tmp_path / "x"))
    assert done.returncode == 2
    assert "--samples: 100 is not a power of two" in done.stderr
