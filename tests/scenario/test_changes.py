"""What a variant changes, as people read it: one row per batch, rollout or policy step."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.i18n.language import Lang
from sim.report.strategies import changes_section
from sim.results.files import Change, Variant
from sim.scenario.changes import MISSING, readable_rows, step_text, value_text
from sim.scenario.diff import scenario_diff
from tests.cli_inproc import sim_cli
from tests.conftest import SCENARIOS

BALI = SCENARIOS / "bali-2025.yaml"
GIANYAR = "channels[Gianyar funded workers].batches"


def test_a_step_is_said_in_words() -> None:
    assert step_text({"on": "2025-08-01", "members": 13200.0, "funded_months": 12, "source": ""}) == (
        "on 2025-08-01, 13,200 members, 12 funded months"
    )
    assert step_text({"on": "2025-10-01", "members": {"uniform": [8733.0, 13200.0]}, "funded_months": 3}) == (
        "on 2025-10-01, uniform 8,733–13,200 members, 3 funded months"
    )
    assert step_text({"on": "2025-08-01", "agents": 57}) == "on 2025-08-01, 57 agents"
    assert step_text({"on": "2025-08-01", "set": {"enrollment_rate": {"beta": [18.0, 2.0]}}}) == (
        "on 2025-08-01, set enrollment_rate beta(18, 2)"
    )
    assert value_text({"triangular": [1500, 2000, 2500.5]}) == "triangular 1,500–2,500.5 (mode 2,000)"
    assert value_text({"lognormal": {"mean": 5000.0, "sd": 800.0}}) == "lognormal mean 5,000, sd 800"


def test_a_changed_list_of_batches_is_a_row_per_batch_that_differs() -> None:
    first = {"on": "2025-10-01", "members": 13200.0, "funded_months": 3}
    later = {"on": "2025-11-01", "members": 5000.0, "funded_months": 6}
    assert readable_rows([(GIANYAR, [first], [{**first, "funded_months": 12}, later])]) == [
        (f"{GIANYAR}[0]", first, {**first, "funded_months": 12}),
        (f"{GIANYAR}[1]", MISSING, later),
    ]
    # A step both sides share is left out; other rows pass through untouched.
    assert readable_rows([(GIANYAR, [first, later], [first]), ("target.members", 1, 2)]) == [
        (f"{GIANYAR}[1]", later, MISSING),
        ("target.members", 1, 2),
    ]


def test_the_all_levers_variant_reads_step_by_step() -> None:
    rows = readable_rows(scenario_diff(BALI, SCENARIOS / "bali-2025-all-levers.yaml"))
    shown = {path: (value_text(a), value_text(b)) for path, a, b in rows}
    assert shown["channels[BPR agents].rollout[2]"] == ("—", "on 2025-10-01, 128 agents")
    assert shown["channels[BRI KUR].policy[0]"] == ("—", "on 2025-08-01, set enrollment_rate beta(18, 2)")
    # A channel only the variant has: one row per field it sets, its kind first.
    added = [path for path in shown if path.startswith("channels[Regency and province push]")]
    assert added[0] == "channels[Regency and province push].kind"
    assert shown["channels[Regency and province push].batches[0]"] == (
        "—",
        "on 2025-08-01, uniform 20,000–35,000 members, 12 funded months",
    )


def test_sim_diff_prints_rows_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    variant = tmp_path / "bigger.yaml"
    variant.write_text(
        f"extends: {BALI}\nchannels:\n  - name: Gianyar funded workers\n    batches:\n"
        "      - {on: 2025-10-01, members: 13200, funded_months: 12}\n"
    )
    done = sim_cli(capsys, "diff", str(BALI), str(variant))
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if f"{GIANYAR}[0]" in x)
    assert "on 2025-10-01, uniform 8,733–13,200 members, 3 funded months" in line
    assert "on 2025-10-01, 13,200 members, 12 funded months" in line
    assert '{"on"' not in done.stdout


def test_the_report_lists_each_step_in_its_language() -> None:
    batch = [{"on": "2025-10-01", "members": 13200.0, "funded_months": 12}]
    variant = Variant.model_construct(name="Bigger", changes=[Change(path=GIANYAR, base=[], variant=batch)])
    (table,) = changes_section(Lang("id"), [variant]).tables
    assert table.rows == ((f"{GIANYAR}[0]", "—", "on: 2025-10-01; members: 13.200; funded_months: 12"),)
