"""Loading scenarios: extends chains, merging by channel name, and errors that point at the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SCENARIOS
from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_extends_chain_merges_mappings_and_channels_by_name():
    loaded = load_scenario(SCENARIOS / "bali-2025-all-levers.yaml")
    s = loaded.scenario
    assert [p.name for p in loaded.chain] == [
        "bali-2025-all-levers.yaml",
        "bali-2025-local-government-push.yaml",
        "bali-2025.yaml",
    ]
    bpr = next(c for c in s.channels if c.name == "BPR agents")
    assert bpr.agents == 22  # from the base
    assert [step.agents for step in bpr.rollout] == [57, 92, 128]  # from this file
    assert s.channels[-1].name == "Regency and province push"  # from the middle file
    assert s.name == "Bali 2025, all levers"


def test_a_channel_can_be_removed_by_a_variant(tmp_path):
    base = (SCENARIOS / "bali-2025.yaml").read_text()
    write(tmp_path, "base.yaml", base)
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nchannels:\n  - {name: BRI KUR, remove: true}\n")
    names = [c.name for c in load_scenario(child).scenario.channels]
    assert "BRI KUR" not in names
    assert len(names) == 4


def test_extends_cycle_and_missing_parent_are_named(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError, match=r"cycle: a.yaml -> b.yaml -> a.yaml"):
        load_scenario(tmp_path / "a.yaml")
    orphan = write(tmp_path, "c.yaml", "name: c\nextends: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match=r"c.yaml:2: extends: parent scenario .*nowhere.yaml does not exist"):
        load_scenario(orphan)


def test_errors_name_the_file_line_and_field_with_a_suggestion(tmp_path):
    text = (SCENARIOS / "bali-2025.yaml").read_text().replace("ramp_up_months: 3", "ramp_up_month: 3")
    bad = write(tmp_path, "bad.yaml", text)
    line = text.splitlines().index(next(x for x in text.splitlines() if "ramp_up_month:" in x)) + 1
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert str(err.value).startswith(f"{bad}:{line}: channels[BPR agents].ramp_up_month: unknown key")
    assert "did you mean 'ramp_up_months'?" in str(err.value)


def test_rollout_beyond_agents_max_points_at_the_step(tmp_path):
    text = (SCENARIOS / "bali-2025-all-bprs.yaml").read_text().replace("agents: 128}", "agents: 129}")
    bad = write(tmp_path, "bali-2025-all-bprs.yaml", text)
    write(tmp_path, "bali-2025.yaml", (SCENARIOS / "bali-2025.yaml").read_text())
    with pytest.raises(ScenarioError, match=r"channels\[BPR agents\].rollout\[2\].agents: rollout to 129 agents"):
        load_scenario(bad)


def test_inactive_may_be_left_out_of_a_split_population(tmp_path):
    original = (SCENARIOS / "bali-2025.yaml").read_text()
    text = original.replace("  inactive: {pu: 0, bpu: 0}\n", "")
    assert text != original
    s = load_scenario(write(tmp_path, "no-inactive.yaml", text)).scenario
    assert s.per_group(s.baseline.inactive) == [0, 0]
