"""``--json``: every command that writes a result folder prints its JSON file, and only that, on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_inproc import sim_cli
from tests.conftest import ROOT

pytestmark = pytest.mark.cli

TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"
HISTORY = "date,metric,value,sd,source\n2024-06,active,47000,300,a\n2024-12,active,53000,300,b\n"
WALK_IN = "channels[Walk-in].per_month"


def _variant(folder: Path) -> Path:
    file = folder / "more.yaml"
    file.write_text(f"extends: {TINY}\nname: More walk-ins\nchannels:\n  - {{name: Walk-in, per_month: 2600}}\n")
    return file


def _history(folder: Path) -> Path:
    file = folder / "history.csv"
    file.write_text(HISTORY)
    return file


# Command -> (its arguments but --out, given a scratch folder; the JSON file; keys it must hold).
CASES = {
    "run": (lambda d: ["run", str(TINY), "--reps", "20"], "summary.json", {"scenario", "target", "final", "seed"}),
    "compare": (
        lambda d: ["compare", str(TINY), str(_variant(d)), "--reps", "20", "--workers", "1"],
        "compare.json",
        {"kind", "base", "variants", "replications", "seed"},
    ),
    "sweep": (
        lambda d: ["sweep", str(TINY), "--set", f"{WALK_IN}=1500,2500", "--reps", "20", "--workers", "1"],
        "sweep.json",
        {"kind", "scenario", "parameters", "points", "replications", "seed"},
    ),
    "solve": (
        lambda d: [
            "solve",
            str(TINY),
            *f"--lever {WALK_IN} --range 1000:4000 --precision 500 --probability 0.5 --reps 10 --max-reps 20".split(),
            "--workers",
            "1",
        ],
        "solve.json",
        {"kind", "scenario", "goal", "levers", "answers"},
    ),
    "sensitivity": (
        lambda d: [
            "sensitivity",
            str(TINY),
            *f"--param {WALK_IN}=1500:2500 --no-sobol --tornado-reps 20 --workers 1".split(),
        ],
        "sensitivity.json",
        {"scenario", "seed", "settings", "tornado", "sobol"},
    ),
    "calibrate": (
        lambda d: ["calibrate", str(TINY), "--observed", str(_history(d)), "--fit", WALK_IN, "--reps", "20"],
        "fit.json",
        {"method", "parameters", "observations_used", "replications", "seed"},
    ),
    "backtest": (
        lambda d: ["backtest", str(TINY), "--actuals", str(_history(d)), "--reps", "20"],
        "scores.json",
        {"scenario", "start", "summary", "scores"},
    ),
}


@pytest.mark.parametrize("command", list(CASES))
def test_json_prints_the_written_file_and_nothing_else(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, name, keys = CASES[command]
    out = tmp_path / "out"
    done = sim_cli(capsys, *args(tmp_path), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    written = (out / name).read_text(encoding="utf-8")
    assert json.loads(done.stdout) == json.loads(written)
    assert done.stdout == written  # not a line of table, progress or "written to" around it
    assert keys <= set(json.loads(done.stdout))


@pytest.mark.parametrize("command", list(CASES))
def test_without_json_the_command_prints_for_people(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, _name, _keys = CASES[command]
    done = sim_cli(capsys, *args(tmp_path), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(done.stdout)
    assert str(tmp_path / "out") in done.stdout
