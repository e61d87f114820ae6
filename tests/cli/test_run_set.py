"""``sim run --set`` and ``sim diff``: overrides reach the run, bad ones stop it before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.cli_inproc import sim_cli
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.cli

BALI = str(ROOT / "scenarios" / "bali-2025.yaml")
AGENTS_LINE = next(
    i for i, line in enumerate(Path(BALI).read_text().splitlines(), 1) if line.strip().startswith("agents:")
)


def test_set_changes_the_run_and_is_recorded(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = run_cli(
        "run",
        BALI,
        "--reps",
        "20",
        "--workers",
        "1",
        "--out",
        str(out),
        "--quiet",
        "--set",
        "channels[BPR agents].agents=60",
        "--set",
        "target.members=950000",
    )
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    bpr = next(c for c in resolved["channels"] if c["name"] == "BPR agents")
    assert bpr["agents"] == 60
    assert resolved["target"]["members"] == 950000
    summary = json.loads((out / "summary.json").read_text())
    assert summary["target"]["members"] == 950000
    assert "money" in summary
    assert json.loads((out / "run.json").read_text())["overrides"] == [
        "channels[BPR agents].agents=60",
        "target.members=950000",
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("channels[BPR agentz].agents=40", "channels[BPR agentz].agents: no channel named 'BPR agentz'; did you mean"),
        (
            "channels[BPR agents].agents=abc",
            f"bali-2025.yaml:{AGENTS_LINE}: channels[BPR agents].agents: expected a whole number",
        ),
        ("channels[BPR agents].agents=400", "agents 400 exceeds agents_max 128"),
        ("target.membrs=1", "target.membrs: 'membrs' is not set in this scenario; did you mean 'members'?"),
        ("channels[BPR agents].agents=22,40", "one value per --set here, got 2; 'sim sweep' runs several"),
        ("target.members", "expected PATH=VALUE"),
    ],
)
def test_bad_set_is_one_line_exit_2_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    done = sim_cli(capsys, "run", BALI, "--reps", "10", "--results-dir", str(tmp_path), "--set", setting)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def variant(tmp_path: Path, body: str, name: str = "v.yaml") -> Path:
    file = tmp_path / name
    file.write_text(f"extends: {Path(BALI).resolve()}\n{body}", encoding="utf-8")
    return file


def test_diff_shows_exactly_what_a_variant_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v = variant(tmp_path, "name: More BPRs\nchannels:\n  - name: BPR agents\n    agents: 60\n")
    done = sim_cli(capsys, "diff", BALI, str(v), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"path": "name", "base": "Bali 2025, current channels", "variant": "More BPRs"},
        {"path": "channels[BPR agents].agents", "base": 22, "variant": 60},
    ]
    table = sim_cli(capsys, "diff", BALI, str(v))
    assert "channels[BPR agents].agents" in table.stdout
    assert sim_cli(capsys, "diff", BALI, BALI).stdout.strip() == "no differences"


def test_diff_shows_added_and_removed_channels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v = variant(tmp_path, "channels:\n  - {name: BRI KUR, remove: true}\n")
    done = sim_cli(capsys, "diff", BALI, str(v), "--json")
    rows = json.loads(done.stdout)
    # A channel only one side has is one row holding all of it.
    assert [r["path"] for r in rows] == ["channels[BRI KUR]"]
    assert rows[0]["base"]["kind"] == "loan_linked"
    assert rows[0]["variant"] == "—"
