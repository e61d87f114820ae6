"""An agent network's partners: cohorts that ramp up, and the effective partners they add up to."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.channels.agent_network import Partners
from sim.model.streams import Blocks, block_seed, stream
from sim.rates import ramp_factor

REPS = 6


def _partners(cv: float) -> Partners:
    rng = stream(Blocks.one(block_seed(3, 0), REPS), "channel:Agents:params")
    partners = Partners([], cv, rng, REPS)
    partners.set_count(10, -(10**9))  # present at the start: fully productive
    return partners


def _by_hand(partners: Partners, day: int, ramp: float) -> np.ndarray:
    return sum((ramp_factor(day - c.joined, ramp) * c.strength for c in partners.cohorts), np.zeros(REPS))


def test_a_new_cohort_ramps_up_and_then_the_answer_holds_until_the_partners_change() -> None:
    partners = _partners(0.0)
    assert np.array_equal(partners.effective(0, 30.0), np.full(REPS, 10.0))
    partners.set_count(16, 10)  # six join on day 10
    assert np.array_equal(partners.effective(25, 30.0), np.full(REPS, 10.0 + 6 * 0.5))
    settled = partners.effective(40, 30.0)
    assert np.array_equal(settled, np.full(REPS, 16.0))
    assert partners.effective(41, 30.0) is settled and partners.effective(400, 30.0) is settled
    assert np.allclose(partners.effective(41, 60.0), 10.0 + 6 * 31 / 60)  # another ramp-up: worked out again
    partners.set_count(13, 400)  # three leave, the newest first
    assert np.array_equal(partners.effective(401, 30.0), np.full(REPS, 13.0))


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(st.tuples(st.integers(1, 40), st.integers(0, 30)), max_size=4),
    asked=st.lists(st.integers(0, 30), min_size=1, max_size=12),
    ramp=st.sampled_from([0.0, 1.0, 7.0, 30.0]),
    cv=st.sampled_from([0.0, 0.4]),
)
def test_effective_partners_are_each_cohorts_strength_times_its_ramp(
    changes: list[tuple[int, int]], asked: list[int], ramp: float, cv: float
) -> None:
    # Days asked for in order, with the partners changing on some of them, as a run asks.
    partners = _partners(cv)
    due = sorted((day, count) for count, day in changes)
    day = 0
    for step in asked:
        day += step
        while due and due[0][0] <= day:
            partners.set_count(due.pop(0)[1], day)
        assert np.allclose(partners.effective(day, ramp), _by_hand(partners, day, ramp), rtol=0, atol=1e-9)
