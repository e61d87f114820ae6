"""The optimise panel's pure parts: the levers it offers, the budget as typed, the values it applies."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.page.levers import derive_levers
from sim.page.optimise import Optimisation, costed_levers, lever_spec, lever_values, parse_budget, plan_of
from sim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS


def test_only_levers_money_buys_on_costed_channels_are_offered() -> None:
    loaded = load_scenario(SCENARIOS / "bali-2025.yaml")
    paths = [lv.path for lv in costed_levers(loaded, derive_levers(loaded))]
    assert paths == [
        "channels[BPR agents].agents",
        "channels[Gianyar funded workers].batches[0].members",
        "channels[Gianyar funded workers].batches[0].funded_months",
    ]  # BRI KUR has no costs; enrolments per agent and the continuing share are not bought


@pytest.mark.parametrize(
    ("text", "rupiah"),
    [
        ("5e9", 5e9),
        ("5000000000", 5e9),
        ("5.000.000.000", 5e9),
        ("5,000,000,000", 5e9),
        ("Rp 2.500.000", 2.5e6),
        ("1,5 M", 1.5e9),
        ("5 miliar", 5e9),
        ("750 jt", 7.5e8),
        ("  3e9 ", 3e9),
    ],
)
def test_a_budget_is_read_as_a_planner_types_it(text: str, rupiah: float) -> None:
    assert parse_budget(text) == pytest.approx(rupiah)


@pytest.mark.parametrize("text", ["", "abc", "0", "-5e9", "5 apples", "1.2.3", "inf"])
def test_a_bad_budget_is_one_line_naming_the_field(text: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_budget(text)
    message = str(caught.value)
    assert "budget" in message and "\n" not in message


def test_the_best_allocation_is_applied_as_the_levers_show_values() -> None:
    shown = lever_values({"a": 64.0, "b": 0.75, "c": 50000, "d": 1e6, "e": 0.1 + 0.2})
    assert shown == {"a": "64", "b": "0.75", "c": "50000", "d": "1000000", "e": "0.3"}


def test_a_lever_already_moved_and_optimised_is_not_held_fixed() -> None:
    loaded = load_scenario(SCENARIOS / "bali-2025.yaml")
    agents = "channels[BPR agents].agents"
    members = "channels[Gianyar funded workers].batches[0].members"
    asked = Optimisation(
        loaded, (f"{agents}=40", f"{members}=1000"), (lever_spec(agents, " 10", "90 "),), 3e9, "members"
    )
    plan = plan_of(asked)
    assert [lv.path for lv in plan.levers] == [agents]
    assert (plan.levers[0].lo, plan.levers[0].hi) == (10, 90)
    assert [o.path for o in plan.fixed] == [members]
    assert plan.budget == 3e9 and plan.reps == 300


def test_the_answer_shows_the_headline_flags_and_the_best_allocation() -> None:
    from sim.experiment.evaluation import Evaluator
    from sim.i18n.language import Lang
    from sim.page.views import optimised

    loaded = load_scenario(SCENARIOS / "bali-2025.yaml")
    agents = "channels[BPR agents].agents"
    plan = plan_of(
        Optimisation(loaded, (), (lever_spec(agents, "0", "128"),), 3e9, "members", reps=100, evaluations=10)
    )
    data = plan.run(Evaluator(), lambda _: None)
    html = str(optimised(Lang("en"), data))
    assert "of Rp 3,000,000,000" in html and f"<td>{agents}</td>" in html
    assert f"{agents} is at an end of its range" in html  # 128 agents, far under budget
    flat = str(optimised(Lang("en"), {**data, "objective": "probability", "flat": True}))
    assert "P(target) cannot tell these allocations apart" in flat and "--objective" not in flat
    small = str(optimised(Lang("id"), {**data, "best": None, "least_spend": 1e9}))
    assert 'data-testid="optimise-too-small"' in small and "<table" not in small


@pytest.mark.parametrize(("low", "high"), [("90", "10"), ("ten", "90"), ("0", "")])
def test_a_bad_range_is_one_line_naming_the_lever(low: str, high: str) -> None:
    loaded = load_scenario(SCENARIOS / "bali-2025.yaml")
    agents = "channels[BPR agents].agents"
    with pytest.raises(ScenarioError) as caught:
        plan_of(Optimisation(loaded, (), (lever_spec(agents, low, high),), 3e9, "members"))
    assert agents in str(caught.value) and "\n" not in str(caught.value)
