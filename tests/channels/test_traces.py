"""Exact event traces at tiny, deterministic rates: what happened, and on which day."""

from __future__ import annotations

from datetime import date

import numpy as np

from builders import organic, scenario
from sim.experiment.blocks import run_scenario


def month_end_trace(s, series: str = "active") -> list[tuple[str, int]]:
    r = run_scenario(s, replications=3, seed=7)
    values = r.series()[series]
    assert (values == values[:, :1]).all(), "a deterministic scenario must not vary between replications"
    return [(d.isoformat(), int(v)) for d, v in zip(r.record_dates(), values[:, 0], strict=True)]


def kur(**fields):
    return {"name": "KUR", "kind": "loan_linked", "already_member_share": 0, "enrollment_rate": 1, **fields}


def test_loans_are_paid_out_whole_and_every_borrower_enrols():
    # 31 loans a month is one a day in July; 30 in a 30-day September, 31 over 31 days in October.
    s = scenario([kur(loans_per_month=31)])
    assert month_end_trace(s) == [
        ("2025-07-31", 100_031),
        ("2025-08-31", 100_062),
        ("2025-09-30", 100_093),
        ("2025-10-31", 100_124),
        ("2025-11-30", 100_155),
        ("2025-12-31", 100_186),
    ]


def test_seasonal_loans_and_a_season_that_opens_late():
    monthly = [0] * 6 + [10, 20, 30, 40, 50, 60]
    s = scenario([kur(loans_per_month=monthly, opens_on="2025-09-01")])
    assert month_end_trace(s, "enrolled[KUR]") == [
        ("2025-07-31", 0),
        ("2025-08-31", 0),
        ("2025-09-30", 30),
        ("2025-10-31", 70),
        ("2025-11-30", 120),
        ("2025-12-31", 180),
    ]


def test_policy_switch_changes_the_rate_on_its_date():
    s = scenario(
        [kur(loans_per_month=310, enrollment_rate=0, policy=[{"on": "2025-10-01", "set": {"enrollment_rate": 1}}])]
    )
    trace = month_end_trace(s, "enrolled[KUR]")
    assert trace[:3] == [("2025-07-31", 0), ("2025-08-31", 0), ("2025-09-30", 0)]
    assert trace[3:] == [("2025-10-31", 310), ("2025-11-30", 620), ("2025-12-31", 930)]


def test_funded_batch_starts_then_its_funding_ends():
    batch = {"on": "2025-08-01", "members": 500, "funded_months": 3}
    s = scenario(
        [{"name": "LG", "kind": "funded_batch", "batches": [batch], "continue_share": 1}],
        lapse={"monthly_rate": 0.0},
    )
    assert month_end_trace(s) == [
        ("2025-07-31", 100_000),
        ("2025-08-31", 100_500),
        ("2025-09-30", 100_500),
        ("2025-10-31", 100_500),
        ("2025-11-30", 100_500),
        ("2025-12-31", 100_500),
    ]
    nobody_keeps_paying = scenario([{"name": "LG", "kind": "funded_batch", "batches": [batch], "continue_share": 0}])
    assert month_end_trace(nobody_keeps_paying, "inactive") == [
        ("2025-07-31", 0),
        ("2025-08-31", 0),
        ("2025-09-30", 0),
        ("2025-10-31", 0),
        ("2025-11-30", 500),  # funding ran August, September, October; ends 1 November
        ("2025-12-31", 500),
    ]


def test_funded_members_do_not_lapse_while_funded():
    batch = {"on": "2025-07-01", "members": 1000, "funded_months": 12}
    s = scenario(
        [{"name": "LG", "kind": "funded_batch", "batches": [batch], "continue_share": 1}],
        baseline={"active": 0},
        lapse={"monthly_rate": 0.9},
    )
    assert month_end_trace(s)[-1] == ("2025-12-31", 1000)


def bpr(**fields):
    return {
        "name": "BPR",
        "kind": "agent_network",
        "agents": 2,
        "agents_max": 10,
        "enrollments_per_agent_per_month": 31,
        "already_member_share": 0,
        "rollout": [{"on": "2025-08-01", "agents": 4}, {"on": "2025-10-01", "agents": 1}],
        **fields,
    }


def monthly_mean_enrolments(ch, reps=2000):
    r = run_scenario(scenario([ch]), replications=reps, seed=3)
    return np.diff(r.series()["enrolled[BPR]"].mean(axis=1), prepend=0)


def test_agents_join_and_leave_on_rollout_dates():
    # Recruiting is Poisson, so compare monthly means with their expectation: agents × 31.
    # The sd of a mean over 2000 replications is sqrt(124/2000) < 0.25; 1.5 is over 6 sd.
    monthly = monthly_mean_enrolments(bpr(ramp_up_months=0))
    assert np.allclose(monthly, [62, 124, 124, 31, 31, 31], atol=1.5)


def test_new_partners_ramp_up_linearly():
    monthly = monthly_mean_enrolments(bpr(ramp_up_months=1, rollout=[{"on": "2025-08-01", "agents": 4}]))
    ramp_days = 365.25 / 12
    august = 2 * 31 + 2 * sum(min(1.0, d / ramp_days) for d in range(31))
    assert abs(monthly[1] - august) < 1.5
    assert abs(monthly[2] - 124) < 1.5  # fully ramped from September


def test_record_days_are_month_ends_and_the_target_date():
    s = scenario([organic(0)], target={"members": 150_000, "by": "2025-09-15"})
    r = run_scenario(s, replications=1)
    assert date(2025, 9, 15) in r.record_dates()
    assert r.record_dates()[-1] == date(2025, 12, 31)
