"""``--region NAME`` on run, compare, sweep and solve: one region alone, with its own target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.experiment.blocks import run_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override, initials, only_region
from tests.cli_inproc import sim_cli
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.cli

VARIANT = """\
extends: regional.yaml
name: More employers
regions:
  - name: North
    channels:
      - {name: Employers, per_month: 2000}
"""


def test_a_region_alone_runs_with_its_own_target_and_the_figures_it_has_in_the_whole(
    regional_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = sim_cli(
        capsys, "run", str(regional_file), "--region", "north", "--reps", "200", "--out", str(tmp_path / "r")
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["target"]["members"] == 75000
    assert [r["name"] for r in summary["regions"]] == ["North"]
    assert all(c["name"].startswith("North/") for c in summary["channels"])
    assert "Target: 75,000 active members" in done.stdout
    assert "South" not in done.stdout
    whole = run_scenario(load_scenario(regional_file).scenario, replications=200)
    assert summary["final"]["mean"] == pytest.approx(float(whole.active.row(-1, [0, 1]).sum(axis=0).mean()))
    assert (
        summary["regions"][0]["final"] == next(r for r in whole.summary()["regions"] if r["name"] == "North")["final"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--region", "Nowhere"), "--region: no region is called 'Nowhere'; regions: North, South"),
        (("--region", "South"), "--region: region 'South' has no target of its own; give it one with --set"),
    ],
)
def test_an_unknown_region_or_one_without_a_target_is_a_one_line_error(
    regional_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    done = sim_cli(capsys, "run", str(regional_file), *args, "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_a_region_without_a_target_runs_once_given_one(
    regional_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = "regions[South].target={members: 60000, by: 2025-12-31}"
    done = sim_cli(capsys, "run", str(regional_file), "--set", target, "--region", "South", "--reps", "100", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["target"]["members"] == 60000


def test_a_scenario_without_regions_refuses_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = sim_cli(capsys, "run", str(SCENARIOS / "bali-2025.yaml"), "--region", "NTB", "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: --region: this scenario has no regions")


def test_provinces_are_found_by_their_initials() -> None:
    assert initials("Nusa Tenggara Barat") == "NTB"
    data = {"name": "x", "target": {}, "regions": [{"name": "Nusa Tenggara Barat", "target": {"members": 1}}]}
    assert only_region(data, "NTB")["target"] == {"members": 1}
    s = load_scenario(SCENARIOS / "banuspa-2026.yaml", [Override("--region", "NTB")]).scenario
    assert [r.name for r in s.regions] == ["Nusa Tenggara Barat"]
    assert s.target.members == 1174396


def test_compare_sweep_and_solve_take_the_region(
    regional_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variant = tmp_path / "variant.yaml"
    variant.write_text(VARIANT, encoding="utf-8")
    done = sim_cli(capsys, "compare", str(regional_file), str(variant), "--region", "North", "--reps", "200", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["base"]["summary"]["target"]["members"] == 75000
    assert [c["name"] for c in data["base"]["summary"]["channels"]] == [
        "North/Walk-ins",
        "North/KUR",
        "North/Employers",
    ]
    # only North's employers change: 800 more a month for 12 months, still paying at 1%/month lapse
    assert 8000 < data["variants"][0]["paired"]["final"]["mean_diff"] < 9600

    path = "regions[North].channels[Employers].per_month"
    done = sim_cli(
        capsys, "sweep", str(regional_file), "--set", f"{path}=0,1200", "--region", "North", "--reps", "100", "--json"
    )
    assert done.returncode == 0, done.stderr
    points = json.loads(done.stdout)["points"]
    assert [p["values"] for p in points] == [{path: 0}, {path: 1200}]
    assert {p["target"] for p in points} == {75000}
    assert all(p["summary"]["scenario"] == "Two regions: North" for p in points)

    done = sim_cli(
        capsys, "solve", str(regional_file), "--lever", path, "--range", "0:3000", "--probability", "0.9",
        "--region", "North", "--reps", "100", "--max-reps", "200", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)["answers"][0]
    # North alone reaches its 75,000 in 39% of replications without employers (the national
    # 140,000 with South would give another answer): the lever lies inside the range
    assert answer["reached"] and 0 < answer["value"] < 3000
    assert answer["at_answer"]["probability"] >= 0.9
