"""Money figures against closed forms: contributions, costs and net new members."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import SCENARIOS
from sim.errors import ScenarioError
from sim.experiment.blocks import run_scenario
from sim.rates import daily_probability, two_state_active
from sim.results.money import enforced_months, member_months, money_of, partner_months, with_money
from sim.scenario.calendar import days_in_month
from sim.scenario.costs import Contributions
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

pytestmark = pytest.mark.statistical

ONE_GROUP = """
name: money test
start: 2025-01-01
end: 2025-12-31
seed: 7
replications: 300
population: {{workers: 10000000}}
baseline: {{active: {active}}}
target: {{members: 200000, by: 2025-12-31}}
lapse: {{monthly_rate: {lapse}, reactivation_monthly_rate: {back}}}
contributions: {{per_month: 10000}}
channels:
{channels}
"""

ORGANIC = """
  - name: Walk-ins
    kind: organic
    per_month: 3000
    already_member_share: 0
"""


def scenario(tmp_path: Path, channels: str, active: int = 100000, lapse: float = 0.05, back: float = 0.0) -> Scenario:
    file = tmp_path / "s.yaml"
    file.write_text(ONE_GROUP.format(active=active, lapse=lapse, back=back, channels=channels), encoding="utf-8")
    return load_scenario(file).scenario


def expected_active_by_day(s: Scenario, inflow_per_day: list[float], lapse: float) -> np.ndarray:
    """Exact mean of the daily recursion: recruits join (flow phase), then Binomial lapse."""
    p = float(daily_probability(lapse))
    a = float(sum(s.per_group(s.baseline.active)))
    out = []
    for flow in inflow_per_day:
        a = (a + flow) * (1 - p)
        out.append(a)
    return np.array(out)


def test_contributions_match_the_exact_mean_member_months(tmp_path: Path) -> None:
    # Tolerance 0.5%: the trapezoid error on month-end snapshots is ~0.01% here and the Monte
    # Carlo error of the mean over 300 replications ~0.02% (sd of A ≈ 300 on ~60,000-100,000).
    s = scenario(tmp_path, ORGANIC)
    r = run_scenario(s)
    days = [r.horizon.date_of(d) for d in range(r.horizon.days)]
    a = expected_active_by_day(s, [3000 / days_in_month(d) for d in days], 0.05)
    weights = np.array([1 / days_in_month(d) for d in days])
    exact = 10000 * float((a * weights).sum())
    m = money_of(r)
    assert m.contributions is not None
    assert m.contributions.mean() == pytest.approx(exact, rel=0.005)
    # And the continuous closed form ∫ N₀e^(−μt) + (λ/μ)(1 − e^(−μt)) dt over 12 months, to 1%.
    mu, lam, t = 0.05, 3000.0, 12.0
    closed = 100000 * (1 - np.exp(-mu * t)) / mu + lam / mu * (t - (1 - np.exp(-mu * t)) / mu)
    assert m.contributions.mean() == pytest.approx(10000 * closed, rel=0.01)


def test_member_months_of_a_constant_stock_are_whole_calendar_months(tmp_path: Path) -> None:
    s = scenario(tmp_path, ORGANIC.replace("3000", "0"), lapse=0.0)
    r = run_scenario(s, replications=5)
    assert member_months(r) == pytest.approx(np.full((1, 5), 100000 * 12.0))


def test_net_new_members_add_up_to_growth_beyond_baseline_survivors(tmp_path: Path) -> None:
    # Recruits still active = final active − baseline survivors (mean N₀·a(t) of the two-state
    # chain); 1% tolerance covers the mid-interval timing of each month's recruits.
    s = scenario(tmp_path, ORGANIC, lapse=0.05, back=0.03)
    r = run_scenario(s)
    m = money_of(r)
    survivors = two_state_active(100000, 0, 0.05, 0.03, r.horizon.days / 30.4375)
    assert m.net_new_active.sum(axis=0).mean() == pytest.approx(
        r.active.row(-1).sum(axis=0).mean() - survivors, rel=0.01
    )


FUNDED = """
  - name: Regency batch
    kind: funded_batch
    batches:
      - {on: 2025-03-01, members: 20000, funded_months: 4}
    continue_share: 0.4
    costs: {per_funded_member_per_month: 16800}
"""


def test_funded_members_cost_their_funded_months_and_survive_as_expected(tmp_path: Path) -> None:
    s = scenario(tmp_path, FUNDED, active=0, lapse=0.05, back=0.02)
    r = run_scenario(s)
    m = money_of(r)
    assert m.cost[0] == pytest.approx(np.full(r.replications, 20000 * 4 * 16800.0))
    # With no baseline, every active member at the end is a recruit of the batch; 2% tolerance
    # for the Monte Carlo error of the Binomial continuation (sd ≈ 70 on ~6,000).
    assert m.net_new_active[0].mean() == pytest.approx(r.active.row(-1).sum(axis=0).mean(), rel=0.02)


AGENTS = """
  - name: Agents
    kind: agent_network
    agents: 10
    rollout: [{on: 2025-07-01, agents: 20}]
    enrollments_per_agent_per_month: 5
    already_member_share: 0
    costs: {commission_per_enrolment: 25000, per_partner_per_month: 1000000}
  - name: Late batch
    kind: funded_batch
    batches: [{on: 2025-11-01, members: 1000, funded_months: 6}]
    continue_share: 0.5
    costs: {per_funded_member_per_month: 16800}
"""


def test_costs_are_commission_partner_months_and_funded_months_within_the_horizon(tmp_path: Path) -> None:
    s = scenario(tmp_path, AGENTS)
    r = run_scenario(s, replications=50)
    assert partner_months(s.channels[0], r.horizon) == pytest.approx(10 * 6 + 20 * 6)
    m = money_of(r)
    assert m.cost[0] == pytest.approx(25000 * r.enrolled.row(-1)[0] + 180 * 1_000_000)
    assert m.cost[1] == pytest.approx(np.full(50, 1000 * 2 * 16800.0))  # November and December only
    money = with_money(r.summary(), r)["money"]
    assert money["currency"] == "IDR"
    assert [c["name"] for c in money["channels"]] == ["Agents", "Late batch"]
    assert money["channels"][1]["cost_per_net_member"] == pytest.approx(2 * 16800.0)


ONBOARDED = """
  - name: Agents
    kind: agent_network
    agents: 30
    rollout: [{on: 2025-04-01, agents: 25}, {on: 2025-07-01, agents: 40}]
    enrollments_per_agent_per_month: 5
    already_member_share: 0
    costs: {onboarding_per_new_partner: 5000000, partners_onboarded: 22}
  - name: KUR
    kind: loan_linked
    loans_per_month: 1000
    already_member_share: 0.8
    enrollment_rate: {uniform: [0.5, 0.7]}
    costs: {enforcement_per_month: 100000000, enforcement_from: 0.2}
"""


def test_new_partners_pay_onboarding_once_and_enforcement_scales_with_the_rate(tmp_path: Path) -> None:
    s = scenario(tmp_path, ONBOARDED)
    r = run_scenario(s, replications=20)
    m = money_of(r)
    # The most partners at any time is 40, of whom 22 were in place: 18 onboarded, once each.
    assert m.cost[0] == pytest.approx(np.full(20, 18 * 5_000_000.0))
    # Mean rate 0.6, free up to 0.2: (0.6 − 0.2) / (1 − 0.2) = half of full enforcement, 12 months.
    assert m.cost[1] == pytest.approx(np.full(20, 12 * 100_000_000 * 0.5))


def test_enforcement_follows_the_rate_in_force(tmp_path: Path) -> None:
    switched = ONBOARDED + "    policy: [{on: 2025-07-01, set: {enrollment_rate: 0.2}}]\n"
    s = scenario(tmp_path, switched)
    h = run_scenario(s, replications=2).horizon
    # Half of full enforcement January–June, none from July (0.2 is the free rate).
    assert enforced_months(s.channels[1], h) == pytest.approx(6 * 0.5)


@pytest.mark.parametrize(
    ("channels", "field"),
    [
        (ORGANIC + "    costs: {onboarding_per_new_partner: 5}", "onboarding_per_new_partner"),
        (ORGANIC + "    costs: {enforcement_per_month: 5}", "enforcement_per_month"),
        (AGENTS.replace("per_partner_per_month: 1000000", "enforcement_from: 0.3"), "enforcement_from"),
    ],
)
def test_onboarding_and_enforcement_belong_to_their_channel_kinds(tmp_path: Path, channels: str, field: str) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(ONE_GROUP.format(active=1, lapse=0, back=0, channels=channels))
    with pytest.raises(ScenarioError, match=rf"costs\.{field}: .*channels only$"):
        load_scenario(file)


def test_no_money_figures_means_no_money_entry(tmp_path: Path) -> None:
    s = scenario(tmp_path, ORGANIC).model_copy(update={"contributions": None})
    r = run_scenario(s, replications=5)
    assert "money" not in with_money(r.summary(), r)


def test_bali_carries_money_figures(scenarios_dir: Path) -> None:
    s = load_scenario(scenarios_dir / "bali-2025.yaml").scenario
    r = run_scenario(s, replications=100)
    money = with_money(r.summary(), r)["money"]
    assert money["contributions"]["p05"] < money["contributions"]["mean"] < money["contributions"]["p95"]
    by_name = {c["name"]: c for c in money["channels"]}
    # Gianyar is funded from October to the end of the horizon: 3 months at Rp16,800.
    assert by_name["Gianyar funded workers"]["cost_per_net_member"] == pytest.approx(3 * 16800)
    assert by_name["BPR agents"]["cost_mean"] == pytest.approx(25000 * r.enrolled.row(-1)[1].mean())


@pytest.mark.parametrize(
    ("contributions", "message"),
    [
        ("{pu_wage_share: 0.1}", "pu_wage_share and pu_wage_per_month go together"),
        ("{pu_per_month: 5, pu_wage_share: 0.1, pu_wage_per_month: 9}", "not both"),
        ("{bpu_per_month: -1}", "greater than or equal to 0"),
        ("{bpu_per_mnth: 1}", "did you mean 'bpu_per_month'"),
    ],
)
def test_bad_contributions_are_one_line_errors(tmp_path: Path, contributions: str, message: str) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(
        ONE_GROUP.format(active=1, lapse=0, back=0, channels=ORGANIC).replace("{per_month: 10000}", contributions)
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    text = str(caught.value)
    assert message in text
    assert text.startswith(f"{file}:11: contributions")
    assert "\n" not in text


def test_bad_channel_costs_point_at_the_field(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(ONE_GROUP.format(active=1, lapse=0, back=0, channels=FUNDED.replace("16800", "-5")))
    with pytest.raises(ScenarioError, match=r"channels\[Regency batch\]\.costs\.per_funded_member_per_month"):
        load_scenario(file)


def test_contribution_rates_by_segment() -> None:
    c = Contributions(per_month=1.0, bpu_per_month=16800.0, pu_wage_share=0.1, pu_wage_per_month=3_000_000.0)
    assert (c.monthly("pu"), c.monthly("bpu"), c.monthly("jakon"), c.monthly("all")) == (300_000.0, 16800.0, 1.0, 1.0)


def test_a_regional_scenario_with_costs_uses_each_channels_own_group_and_lapse(tmp_path: Path) -> None:
    # North's employers recruit into North/pu, which lapses at 10% a month: their recruits still
    # active are final North/pu − the baseline's survivors, and the closed form ∫λe^(−μ(T−t))dt.
    # (At the top level's "no lapse" they would be all 12 × 1,200.) 1% tolerance as above.
    from tests.conftest import REGIONAL

    text = (
        REGIONAL.replace("pu: {monthly_rate: 0.01, reactivation_monthly_rate: 0.02}", "pu: {monthly_rate: 0.1}")
        .replace(
            "per_month: 1200, already_member_share: 0}",
            "per_month: 1200, already_member_share: 0, costs: {commission_per_enrolment: 25000}}",
        )
        .replace("regions:\n", "contributions: {per_month: 1000, pu_per_month: 5000}\nregions:\n")
    )
    file = tmp_path / "regional.yaml"
    file.write_text(text, encoding="utf-8")
    r = run_scenario(load_scenario(file).scenario, replications=300)
    m = money_of(r)
    employers = [ch.name for ch in r.scenario.channels].index("North/Employers")
    months = r.horizon.days / 30.4375
    survivors = 40000 * np.exp(-0.1 * months)
    recruits = m.net_new_active[employers].mean()
    assert recruits == pytest.approx(r.active.row(-1)[0].mean() - survivors, rel=0.01)
    assert recruits == pytest.approx(1200 * (1 - np.exp(-0.1 * 12)) / 0.1, rel=0.01)
    assert m.cost[employers] == pytest.approx(25000 * r.enrolled.row(-1)[employers])
    # contributions: pu pays 5,000 a month in every region, every other group 1,000
    mm = member_months(r)
    assert m.contributions == pytest.approx(5000 * mm[0] + 1000 * mm[1:].sum(axis=0))
    money = with_money(r.summary(), r)["money"]
    assert [c["name"] for c in money["channels"]] == ["North/Employers"]


def test_member_months_taken_a_slice_of_replications_at_a_time_are_exactly_those_taken_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sim.results import money

    r = run_scenario(load_scenario(SCENARIOS / "bali-2025-all-levers.yaml").scenario, replications=53, seed=3)
    monkeypatch.setattr(money, "MONEY_REPS", 10)
    sliced = money.member_months(r)
    monkeypatch.setattr(money, "MONEY_REPS", 10**9)
    assert np.array_equal(sliced, money.member_months(r))
