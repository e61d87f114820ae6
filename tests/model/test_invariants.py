"""Invariants of every run, on random valid scenarios (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.experiment.blocks import run_scenario
from sim.scenario.schema import Scenario

pytestmark = pytest.mark.property

START = date(2025, 7, 1)
rate = st.one_of(
    st.floats(0, 0.3),
    st.tuples(st.floats(0.5, 5), st.floats(0.5, 5)).map(lambda ab: {"beta": list(ab)}),
)
count = st.integers(0, 3000)


@st.composite
def channels(draw: Any, segment: str | None, name: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["organic", "loan_linked", "agent_network", "funded_batch"]))
    ch: dict[str, Any] = {"name": name, "kind": kind}
    if segment is not None:
        ch["segment"] = segment
    if draw(st.booleans()):
        ch["already_member_share"] = draw(rate)
    if kind == "organic":
        ch["per_month"] = draw(count)
    elif kind == "loan_linked":
        ch.update(loans_per_month=draw(count), enrollment_rate=draw(rate))
    elif kind == "agent_network":
        agents = draw(st.integers(0, 20))
        ch.update(
            agents=agents,
            agents_max=40,
            enrollments_per_agent_per_month=draw(st.floats(0, 50)),
            heterogeneity_cv=draw(st.sampled_from([0.0, 0.7])),
            ramp_up_months=draw(st.floats(0, 3)),
            rollout=[{"on": START + timedelta(days=draw(st.integers(1, 50))), "agents": draw(st.integers(0, 40))}],
        )
    else:
        ch.update(
            continue_share=draw(rate),
            batches=[
                {
                    "on": START + timedelta(days=draw(st.integers(0, 60))),
                    "members": draw(count),
                    "funded_months": draw(st.integers(1, 2)),
                }
            ],
        )
    return ch


@st.composite
def scenarios(draw: Any) -> Scenario:
    segmented = draw(st.booleans())
    groups = ["pu", "bpu"] if segmented else [None]
    workers = {g: draw(st.integers(100, 20_000)) for g in groups}
    active = {g: draw(st.integers(0, workers[g] // 2)) for g in groups}
    inactive = {g: draw(st.integers(0, workers[g] // 4)) for g in groups}

    def per(values: dict[Any, int]) -> Any:
        return values if segmented else values[None]

    n = draw(st.integers(1, 4))
    data = {
        "name": "random",
        "start": START,
        "end": START + timedelta(days=draw(st.integers(70, 120))),
        "population": {"workers": per(workers), "growth_per_year": draw(st.floats(0, 0.1))},
        "baseline": {"active": per(active), "inactive": per(inactive)},
        "target": {"members": 1, "by": START + timedelta(days=60)},
        "lapse": {"monthly_rate": draw(rate), "reactivation_monthly_rate": draw(rate)},
        "channels": [draw(channels(draw(st.sampled_from(groups)), f"ch{i}")) for i in range(n)],
    }
    return Scenario.model_validate(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_stocks_are_conserved(s: Scenario, seed: int) -> None:
    r = run_scenario(s, replications=7, seed=seed)
    workers = r.workers[:, :, None]  # (records, groups, 1)
    uncovered = np.floor(workers) - r.active.whole() - r.inactive.whole()
    # Counts never go negative, and active + inactive + uncovered = workers.
    assert (r.active.whole() >= 0).all() and (r.inactive.whole() >= 0).all() and (uncovered >= 0).all()
    assert (r.enrolled.whole() >= 0).all() and (r.lapsed.whole() >= 0).all() and (r.reactivated.whole() >= 0).all()
    # Nobody leaves the register: registered = baseline registered + everyone enrolled.
    base = np.array(s.per_group(s.baseline.active)) + np.array(s.per_group(s.baseline.inactive))
    registered = (r.active.whole() + r.inactive.whole()).sum(axis=1)
    assert (registered == base.sum() + r.enrolled.total()).all()
    # Active members change only by enrolment, lapse and reactivation.
    active = r.active.total()
    flows = r.enrolled.total() - r.lapsed.total() + r.reactivated.total()
    assert (active == sum(s.per_group(s.baseline.active)) + flows).all()
    # Channel enrolments sum to the total reported for each semester.
    total = sum(sem["enrolled_mean"] for sem in r.semester_summary())
    by_channel = sum(c["enrolled_mean"] for c in r.channel_summary())
    assert np.isclose(total, by_channel)
