"""Levers come from the scenario and its schema, and a planner's value is checked exactly like --set."""

from __future__ import annotations

import pytest

from sim.channels.loan_linked import LoanLinked
from sim.errors import ScenarioError
from sim.page.levers import checked, derive_levers, schema_bounds, yaml_text
from sim.scenario.distributions import Beta
from sim.scenario.loader import load_scenario, load_with
from sim.scenario.paths import single_overrides
from sim.scenario.schema import Target
from tests.conftest import SCENARIOS


def by_path(name: str) -> dict[str, object]:
    return {lv.path: lv for lv in derive_levers(load_scenario(SCENARIOS / f"{name}.yaml"))}


def test_every_channel_kind_gives_its_main_levers() -> None:
    levers = by_path("bali-2025")
    assert set(levers) == {
        "target.members",
        "channels[BRI KUR].loans_per_month",
        "channels[BRI KUR].enrollment_rate",
        "channels[BPR agents].agents",
        "channels[BPR agents].enrollments_per_agent_per_month",
        "channels[Gianyar funded workers].continue_share",
        "channels[Gianyar funded workers].batches[0].on",
        "channels[Gianyar funded workers].batches[0].members",
        "channels[Gianyar funded workers].batches[0].funded_months",
        "channels[Employer registrations].per_month",
        "channels[Walk-in and digital].per_month",
        "lapse.pu.monthly_rate",
        "lapse.pu.reactivation_monthly_rate",
        "lapse.bpu.monthly_rate",
        "lapse.bpu.reactivation_monthly_rate",
    }


def test_ranges_come_from_the_schema_and_the_scenario() -> None:
    levers = by_path("bali-2025")
    agents = levers["channels[BPR agents].agents"]
    assert (agents.kind, agents.low, agents.high, agents.step, agents.written) == ("count", 0.0, 128.0, 1.0, "22")
    kur = levers["channels[BRI KUR].enrollment_rate"]
    assert (kur.kind, kur.low, kur.high, kur.written, kur.mean) == ("share", 0.0, 1.0, "{beta: [3, 7]}", 0.3)
    months = levers["channels[Gianyar funded workers].batches[0].funded_months"]
    assert months.low == 1.0  # PositiveCount: exclusiveMinimum 0 for an integer
    when = levers["channels[Gianyar funded workers].batches[0].on"]
    assert (when.kind, when.first, when.last) == ("date", "2025-07-01", "2025-12-31")
    assert schema_bounds(LoanLinked, "enrollment_rate") == (0.0, 1.0)
    assert schema_bounds(Target, "members") == (1.0, float("inf"))


def test_a_regional_scenario_has_levers_per_region() -> None:
    levers = by_path("banuspa-2026")
    assert "regions[Bali].channels[BPR agents].agents" in levers
    assert levers["regions[Bali].target.members"].region == "Bali"
    assert "target.members" in levers


def test_values_read_as_a_planner_wrote_them() -> None:
    assert yaml_text(Beta(3.0, 7.0)) == "{beta: [3, 7]}"
    assert yaml_text(0.45) == "0.45"
    assert yaml_text(60) == "60"


@pytest.mark.parametrize(
    "setting",
    [
        "channels[BPR agents].agents=abc",
        "channels[BPR agents].agents=-3",
        "channels[BRI KUR].enrollment_rate=1.5",
        "channels[Gianyar funded workers].batches[0].on=2027-01-01",
        "channels[BPR agnets].agents=5",
    ],
)
def test_a_bad_value_gives_the_same_message_as_set(setting: str) -> None:
    file = SCENARIOS / "bali-2025.yaml"
    with pytest.raises(ScenarioError) as page:
        checked(load_scenario(file), [setting])
    with pytest.raises(ScenarioError) as cli:
        load_with(file, single_overrides([setting]))
    assert str(page.value) == str(cli.value)
    assert "\n" not in str(page.value)


def test_a_good_value_is_the_scenario_set_would_run() -> None:
    file = SCENARIOS / "bali-2025.yaml"
    sets = ["channels[BPR agents].agents=60", "channels[BRI KUR].enrollment_rate=0.5"]
    assert checked(load_scenario(file), sets) == load_with(file, single_overrides(sets)).scenario
