"""Save as scenario: a layer over the base with only the changed fields, never over a file."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import yaml

from sim.page.keep import save_scenario
from sim.page.levers import checked
from sim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

SETS = [
    "channels[BPR agents].agents=60",
    "channels[Gianyar funded workers].batches[0].members=20000",
    "target.members=1250000",
]


def test_the_saved_scenario_extends_the_base_with_only_the_changes(tmp_path: Path) -> None:
    shutil.copy(SCENARIOS / "bali-2025.yaml", tmp_path / "bali-2025.yaml")
    base = load_scenario(tmp_path / "bali-2025.yaml")
    path = save_scenario(base, SETS, "60 BPR", datetime(2026, 1, 2, 3, 4, 5))
    assert path == tmp_path / "bali-2025-60-bpr.yaml"
    text = path.read_text()
    assert text.startswith("# Saved from the what-if page (sim serve) on 2026-01-02T03:04:05")
    data = yaml.safe_load(text)
    assert data["extends"] == "bali-2025.yaml" and data["name"] == "Bali 2025, current channels: 60 BPR"
    assert data["target"] == {"members": 1250000}
    assert data["channels"][0] == {"name": "BPR agents", "agents": 60}
    assert data["channels"][1]["batches"][0]["members"] == 20000  # a list is merged whole
    assert load_scenario(path).scenario.model_dump(exclude={"name"}) == checked(base, SETS).model_dump(exclude={"name"})
    again = save_scenario(base, SETS, "60 BPR")
    assert again.name == "bali-2025-60-bpr-2.yaml" and path.read_text() == text
