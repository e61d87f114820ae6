"""The shipped scenarios: they validate, rest on their sources, and the baseline is calibrated."""

from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import SCENARIOS
from sim.experiment.blocks import run_scenario
from sim.scenario.loader import load_scenario

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
BALI = SCENARIOS / "bali-2025.yaml"


@pytest.mark.parametrize("file", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_validate_without_warnings(file):
    loaded = load_scenario(file)
    assert loaded.warnings == ()
    assert loaded.scenario.name


def test_every_bali_value_cites_a_source_or_says_assumption():
    text = BALI.read_text()
    figures = (SCENARIOS.parent.parent / "shared" / "data" / "published-figures.yaml").read_text()
    cited = set(re.findall(r"\b([a-z_0-9]+\.[a-z_0-9]+)\b", text))
    known = {c for c in cited if c.split(".")[0] in figures and c.split(".")[1] in figures}
    assert len(known) >= 10, known
    s = load_scenario(BALI).scenario
    for ch in s.channels:
        assert ch.source, ch.name
    assert s.population.source and s.baseline.source and s.target.source


def test_bali_baseline_reproduces_the_published_net_growth():
    # +3,196 a month from November 2023 to June 2025 (bali_history -> bali_2025). July to
    # September come before the Gianyar batch, so they should continue that trend. The organic
    # rates carry ±30% uncertainty: the mean (standard error about 20) is checked to 5%, and the
    # spread must cover the trend.
    r = run_scenario(load_scenario(BALI).scenario, replications=2000, seed=1)
    september = r.record_dates().index(__import__("datetime").date(2025, 9, 30))
    net_per_month = (r.series()["active"][september] - 897_832) / 3
    assert abs(net_per_month.mean() - 3196) < 160
    assert np.percentile(net_per_month, 5) < 3196 < np.percentile(net_per_month, 95)


@pytest.mark.parametrize(
    "variant",
    [
        "bali-2025-all-bprs.yaml",
        "bali-2025-kur-enforced.yaml",
        "bali-2025-local-government-push.yaml",
        "bali-2025-all-levers.yaml",
    ],
)
def test_every_variant_adds_members_on_common_random_numbers(variant):
    base = run_scenario(load_scenario(BALI).scenario, replications=500, seed=2)
    other = run_scenario(load_scenario(SCENARIOS / variant).scenario, replications=500, seed=2)
    assert (other.at_target - base.at_target).mean() > 0
    assert other.summary()["target"]["probability"] >= base.summary()["target"]["probability"]
