"""The public API: a scenario loaded and run through ``sim`` alone, imported lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sim
from conftest import SCENARIOS


def test_the_public_names_load_and_run_a_scenario() -> None:
    assert sorted(sim.__all__) == sorted(
        ["Results", "Scenario", "ScenarioError", "__version__", "load_scenario", "run_scenario"]
    )
    loaded = sim.load_scenario(SCENARIOS / "bali-2025.yaml")
    assert isinstance(loaded.scenario, sim.Scenario)
    results = sim.run_scenario(loaded.scenario, replications=20, seed=1)
    assert isinstance(results, sim.Results)
    assert results.replications == 20
    with pytest.raises(sim.ScenarioError):
        sim.load_scenario(SCENARIOS / "no-such-file.yaml")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sim.nothing  # noqa: B018


def test_import_sim_loads_none_of_the_model() -> None:
    code = "import sys, sim; print(sorted(m for m in ('simpy', 'numpy', 'sim.scenario.loader') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
