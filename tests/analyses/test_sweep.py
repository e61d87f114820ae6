"""``sim sweep``: every grid point is the run it names; bad paths stop it before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.experiment.blocks import run_scenario
from sim.rates import wilson_interval
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override, grid
from tests.cli_inproc import sim_cli
from tests.conftest import ROOT

BALI = str(ROOT / "scenarios" / "bali-2025.yaml")


def test_grid_is_every_combination_in_order() -> None:
    paths, points = grid(["a.b=1,2", "channels[X].c={beta: [2, 3]},0.5"])
    assert paths == ["a.b", "channels[X].c"]
    assert points == [
        [Override("a.b", 1), Override("channels[X].c", {"beta": [2, 3]})],
        [Override("a.b", 1), Override("channels[X].c", 0.5)],
        [Override("a.b", 2), Override("channels[X].c", {"beta": [2, 3]})],
        [Override("a.b", 2), Override("channels[X].c", 0.5)],
    ]


def test_each_point_is_the_run_it_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sw"
    done = sim_cli(
        capsys,
        "sweep",
        BALI,
        "--set",
        "channels[BPR agents].agents=22,128",
        "--set",
        "target.members=930000,940000",
        "--reps",
        "150",
        "--workers",
        "1",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "sweep.json").read_text())
    assert data["kind"] == "sweep"
    assert data["parameters"] == ["channels[BPR agents].agents", "target.members"]
    assert [list(p["values"].values()) for p in data["points"]] == [
        [22, 930000],
        [22, 940000],
        [128, 930000],
        [128, 940000],
    ]
    for p in data["points"]:
        overrides = [Override(k, v) for k, v in p["values"].items()]
        r = run_scenario(load_scenario(BALI, overrides=overrides).scenario, replications=150, seed=data["seed"])
        hits = int(r.reached().sum())
        assert p["probability"] == hits / 150
        assert p["probability_ci95"] == list(wilson_interval(hits, 150))
        assert p["final"]["mean"] == r.at_target.mean()
    # Common random numbers: a lower target is reached at least as often, with the same finals.
    pts = data["points"]
    assert pts[0]["final"] == pts[1]["final"]
    assert pts[0]["probability"] >= pts[1]["probability"]
    assert pts[2]["final"]["mean"] > pts[0]["final"]["mean"]
    assert (out / "sweep.png").stat().st_size > 10_000
    header = (out / "sweep.csv").read_text().splitlines()[0].split(",")
    assert header[:4] == ["channels[BPR agents].agents", "target.members", "probability", "probability_ci95_lo"]
    assert "930000" in done.stdout


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("channels[BPR agentz].agents=22,40", "no channel named 'BPR agentz'"),
        ("lapse.bpu.monthly_rat=0.1,0.2", "'monthly_rat' is not set in this scenario; did you mean 'monthly_rate'?"),
        ("channels[BPR agents].agents=22,400", "agents 400 exceeds agents_max 128"),
        ("population.workrs.pu=1", "'workrs' is not set in this scenario; did you mean 'workers'?"),
    ],
)
def test_bad_path_or_value_is_an_error_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    done = sim_cli(capsys, "sweep", BALI, "--set", setting, "--results-dir", str(tmp_path))
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "point 1" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_sweep_needs_a_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = sim_cli(capsys, "sweep", BALI, "--results-dir", str(tmp_path))
    assert done.returncode == 2
    assert "give at least one --set" in done.stderr
