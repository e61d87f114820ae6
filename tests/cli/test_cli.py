"""The command line: what a planner types and sees, exit codes, and what is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cli_inproc import sim_cli
from conftest import SCENARIOS
from sim.cli import COMMANDS, build_app

pytestmark = pytest.mark.cli

BALI = str(SCENARIOS / "bali-2025.yaml")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    done = sim_cli(capsys, *args)
    return done.returncode, done.stdout, done.stderr


def test_run_prints_the_verdict_and_writes_the_results(capsys, tmp_path):
    code, out, _ = cli(capsys, "run", BALI, "--reps", "300", "--out", str(tmp_path / "run"), "--workers", "1")
    assert code == 0
    for expected in (
        "Bali 2025, current channels",
        "300 replications",
        "Target: 1,300,000 active members by 2025-12-31",
        "Projected active on 2025-12-31: mean",
        "Coverage of the working population",
        "Probability of reaching the target",
        "Gap:",
        "needed",
        "Enrolments by channel",
        "BPR agents",
        "Semesters",
        "2025-S2",
        f"Results written to {tmp_path / 'run'}",
    ):
        assert expected in out, expected
    written = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert written == [
        "COMPLETE",
        "channels.csv",
        "monthly.csv",
        "run.json",
        "scenario.yaml",
        "semesters.csv",
        "summary.json",
    ]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["replications"] == 300 and summary["seed"] == 20250701
    assert set(summary["target"]) >= {"members", "by", "probability", "probability_ci95", "verdict"}
    assert set(summary["final"]) >= {"mean", "sd", "p05", "p50", "p95"}
    assert [c["name"] for c in summary["channels"]][:2] == ["BRI KUR", "BPR agents"]
    assert set(summary["channels"][0]) >= {"name", "enrolled_mean", "enrolled_p05", "enrolled_p95"}
    assert [s["semester"] for s in summary["semesters"]] == ["2025-S2"]


def test_json_prints_the_summary_that_was_written(capsys, tmp_path):
    code, out, _ = cli(capsys, "run", BALI, "--reps", "50", "--seed", "3", "--json", "--out", str(tmp_path / "r"))
    assert code == 0
    assert json.loads(out) == json.loads((tmp_path / "r" / "summary.json").read_text())
    assert json.loads(out)["seed"] == 3


def test_default_destination_is_never_an_earlier_run(capsys, tmp_path):
    first = cli(capsys, "run", BALI, "--reps", "20", "--results-dir", str(tmp_path), "--quiet")[1].strip()
    second = cli(capsys, "run", BALI, "--reps", "20", "--results-dir", str(tmp_path), "--quiet")[1].strip()
    assert first != second
    assert Path(first).parent == Path(second).parent == tmp_path / "bali-2025-current-channels"


def test_an_existing_out_folder_is_refused_and_kept(capsys, tmp_path):
    (tmp_path / "keep.txt").write_text("earlier")
    code, _out, err = cli(capsys, "run", BALI, "--reps", "20", "--out", str(tmp_path))
    assert code == 2 and "never overwritten" in err and len(err.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_same_seed_gives_identical_files_with_one_or_two_workers(capsys, tmp_path):
    for workers in ("1", "2"):
        code, _, _ = cli(capsys, "run", BALI, "--reps", "1200", "--workers", workers, "--out", str(tmp_path / workers))
        assert code == 0
    for name in ("summary.json", "monthly.csv", "channels.csv", "semesters.csv", "scenario.yaml"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_validate_reports_each_file(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((SCENARIOS / "bali-2025.yaml").read_text().replace("agents: 22 ", "agentz: 22 "))
    code, out, err = cli(capsys, "validate", BALI, str(bad))
    assert code == 2
    assert out.startswith(f"ok: {BALI}")
    assert err.startswith(f"error: {bad}:") and "did you mean 'agents'?" in err


def test_schema_is_json_schema_of_the_scenario(capsys):
    code, out, _ = cli(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "sim scenario"
    assert {"start", "end", "population", "baseline", "target", "channels", "extends"} <= set(schema["properties"])
    kinds = json.dumps(schema["$defs"])
    assert all(k in kinds for k in ("loan_linked", "agent_network", "funded_batch", "organic"))


def test_diff_shows_what_a_variant_changes(capsys):
    code, out, _ = cli(capsys, "diff", BALI, str(SCENARIOS / "bali-2025-all-levers.yaml"), "--json")
    rows = {r["path"]: (r["base"], r["variant"]) for r in json.loads(out)}
    assert code == 0
    assert list(rows) == [
        "name",
        "description",
        "channels[BRI KUR].policy",
        "channels[BPR agents].rollout",
        "channels[Regency and province push]",
    ]
    assert rows["channels[BPR agents].rollout"] == (
        [],
        [{"on": "2025-08-01", "agents": 57}, {"on": "2025-09-01", "agents": 92}, {"on": "2025-10-01", "agents": 128}],
    )
    added = rows["channels[Regency and province push]"]
    assert added[0] == "—"
    assert added[1]["kind"] == "funded_batch"


def test_bad_input_is_one_line_exit_2_and_nothing_written(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((SCENARIOS / "bali-2025.yaml").read_text().replace("monthly_rate: 0.03", "monthly_rate: 1.3"))
    code, out, err = cli(capsys, "run", str(bad), "--results-dir", str(tmp_path / "results"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "lapse.bpu.monthly_rate" in err and "[0, 1]" in err and f"{bad}:" in err
    assert not (tmp_path / "results").exists()


def test_version_prints_the_installed_version(capsys):
    declared = tomllib.loads((SCENARIOS.parent / "pyproject.toml").read_text())["project"]["version"]
    assert cli(capsys, "--version") == (0, f"sim {declared}\n", "")


def test_bare_sim_prints_the_help_and_succeeds(capsys):
    code, out, err = cli(capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Usage: sim [OPTIONS] COMMAND")
    assert all(name in out for name in COMMANDS)


@pytest.mark.parametrize("args", [["run", BALI, "--bogus"], ["runn"], ["run"]], ids=["option", "command", "argument"])
def test_usage_error_is_one_line_pointing_at_help(capsys, args):
    code, out, err = cli(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.endswith(" (see 'sim --help')\n") and err.count("\n") == 1


def test_bench_prints_seconds_per_thousand_replications(capsys):
    code, out, _ = cli(capsys, "bench", BALI, "--reps", "200", "--repeat", "1", "--workers", "1")
    assert code == 0
    assert "200 replications" in out
    assert "s per 1,000 replications" in out
    assert "peak memory" in out


def test_a_command_loads_only_its_own_module():
    # `sim run` should not pay at start-up for the libraries other commands need.
    code = (
        "import sys; from sim.cli import build_app; build_app(['run', 'x.yaml']);"
        "print(sorted(m for m in ('matplotlib', 'SALib', 'scipy.stats', 'sim.cli.report') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SCENARIOS.parent)},
    )
    assert done.stdout.strip() == "[]"
    everything = build_app([])
    assert sorted(c.name or "" for c in everything.registered_commands) == sorted(COMMANDS)


def test_the_sim_command_leaves_its_objects_uncollected_at_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The entry points are console(), which freezes every tracked object once main() has finished,
    # so that the interpreter does not garbage-collect them all on the way out (0.15 s a run).
    project = tomllib.loads((SCENARIOS.parent / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["sim"] == "sim.cli:console"
    assert "console()" in (SCENARIOS.parent / "sim" / "__main__.py").read_text()
    import gc

    import sim.cli

    def finished() -> None:
        assert gc.get_freeze_count() == 0  # not before main() is done
        sys.exit(0)

    monkeypatch.setattr(sim.cli, "main", finished)
    try:
        with pytest.raises(SystemExit):
            sim.cli.console()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
