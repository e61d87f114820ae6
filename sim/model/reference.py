"""The benchmark's yardstick: the same model as :mod:`sim.model.block`, as a plain NumPy day loop.

It holds the same stocks (:class:`~sim.model.state.Stocks`), the same channel kinds and lapse, the same
daily step and the same distributions, drawn from the same named streams, but no SimPy: each day
applies that day's calendar events, then every channel's recruiting in channel order and each
group's lapse (in the order of the model's day phases), then the end-of-day record. What is left
is the cost of the random draws and the array arithmetic, the limit a lock-step model can
approach; ``sim bench`` reports the SimPy model's time as a ratio to it. Tests check that the two agree in distribution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial

import numpy as np

from sim.channels.agent_network import AgentNetwork, Partners, productivity
from sim.channels.base import FLOW_PHASE, LAPSE_PHASE, ChannelBase
from sim.channels.funded_batch import FundedBatch
from sim.channels.loan_linked import LoanLinked, enrol_probability
from sim.channels.organic import Organic, daily_mean
from sim.model.block import BlockOutcome, FloatArray, IntArray, Recorder, baseline_stocks, horizon_of
from sim.model.layout import Layout, layout_of
from sim.model.state import Stocks
from sim.model.streams import stream
from sim.rates import DAYS_PER_MONTH, daily_allocation, daily_probability, ramp_factor
from sim.scenario.calendar import Horizon, add_months, days_in_month
from sim.scenario.schema import Scenario

Step = Callable[[int], None]


class Plan:
    """What happens on each day: calendar events first, then flows, then lapse."""

    def __init__(self) -> None:
        self.events: defaultdict[int, list[Callable[[], None]]] = defaultdict(list)
        self.flows: list[Step] = []
        self.lapses: list[Callable[[], None]] = []

    def on(self, day: int, event: Callable[[], None]) -> None:
        self.events[day].append(event)


class Channel:
    """One channel's rates and counters for a block, without SimPy."""

    def __init__(self, stocks: Stocks, index: int, group: int, seed: np.random.SeedSequence, name: str) -> None:
        self.stocks, self.index, self.group = stocks, index, group
        self.params = stream(seed, f"channel:{name}:params")
        self.flow = stream(seed, f"channel:{name}")
        self.rates: dict[str, FloatArray] = {}

    def new_share(self, day: int) -> FloatArray:
        if "already_member_share" in self.rates:
            return 1.0 - self.rates["already_member_share"]
        return self.stocks.uncovered_share(self.group, day)

    def enrol(self, day: int, candidates: IntArray) -> None:
        self.stocks.enrol(self.index, self.group, candidates, day)


def _common(plan: Plan, h: Horizon, ch: Channel, spec: ChannelBase) -> None:
    reps = ch.stocks.reps
    ch.rates.update({k: d.sample(ch.params, reps) for k, d in spec.rate_fields().items()})
    for switch in spec.policy:
        drawn = {k: d.sample(ch.params, reps) for k, d in switch.set.items()}
        plan.on(h.day_of(switch.on), partial(ch.rates.update, drawn))


def _organic(plan: Plan, h: Horizon, ch: Channel, spec: Organic) -> None:
    season = spec.seasonality

    def step(day: int) -> None:
        when = h.date_of(day)
        mean = daily_mean(ch.rates["per_month"], season[when.month - 1] if season else 1.0, days_in_month(when))
        ch.enrol(day, ch.flow.poisson(mean * ch.new_share(day)).astype(np.int64))

    plan.flows.append(step)


def _loan_linked(plan: Plan, h: Horizon, ch: Channel, spec: LoanLinked) -> None:
    months = spec.monthly_loans()
    if all(m is months[0] for m in months):
        per_month = [months[0].sample(ch.params, ch.stocks.reps)] * 12
    else:
        per_month = [m.sample(ch.params, ch.stocks.reps) for m in months]
    opens = h.day_of(spec.opens_on) if spec.opens_on else 0

    def step(day: int) -> None:
        if day < opens:
            return
        when = h.date_of(day)
        loans = daily_allocation(per_month[when.month - 1], when.day - 1, days_in_month(when))
        ch.enrol(day, ch.flow.binomial(loans, enrol_probability(ch.new_share(day), ch.rates["enrollment_rate"])))

    plan.flows.append(step)


def _agent_network(plan: Plan, h: Horizon, ch: Channel, spec: AgentNetwork) -> None:
    partners = Partners([], spec.heterogeneity_cv, ch.params, ch.stocks.reps)
    partners.set_count(spec.agents, -(10**9))
    for step_ in spec.rollout:
        day = h.day_of(step_.on)
        plan.on(day, partial(partners.set_count, step_.agents, day))
    ramp = spec.ramp_up_months * DAYS_PER_MONTH

    def step(day: int) -> None:
        strength = np.zeros(ch.stocks.reps)
        for cohort in partners.cohorts:
            strength += ramp_factor(day - cohort.joined, ramp) * cohort.strength
        per_day = productivity(ch.rates) * strength / days_in_month(h.date_of(day))
        ch.enrol(day, ch.flow.poisson(per_day * ch.new_share(day)))

    plan.flows.append(step)


def _funded_batch(plan: Plan, h: Horizon, ch: Channel, spec: FundedBatch) -> None:
    st = ch.stocks
    for batch in spec.batches:
        size = np.rint(batch.members.sample(ch.params, st.reps)).astype(np.int64)
        own = batch.continue_share.sample(ch.params, st.reps) if batch.continue_share is not None else None
        start, end = h.day_of(batch.on), h.day_of(add_months(batch.on, batch.funded_months))
        joined: list[IntArray] = []

        def begin(size: IntArray = size, joined: list[IntArray] = joined, day: int = start) -> None:
            joined.append(st.enrol_funded(ch.index, ch.group, size, day))

        def finish(joined: list[IntArray] = joined, own: FloatArray | None = own) -> None:
            share = own if own is not None else ch.rates["continue_share"]
            st.end_funding(ch.group, joined[0], ch.flow.binomial(joined[0], share))

        plan.on(start, begin)
        if end < h.days:
            plan.on(end, finish)


KINDS: dict[type[ChannelBase], Callable[..., None]] = {
    Organic: _organic,
    LoanLinked: _loan_linked,
    AgentNetwork: _agent_network,
    FundedBatch: _funded_batch,
}


def _lapse(plan: Plan, stocks: Stocks, layout: Layout, g: int, seed: np.random.SeedSequence) -> None:
    name, rates = layout.groups[g], layout.lapse[g]
    params, rng = stream(seed, f"lapse:{layout.lapse_draws[g]}:params"), stream(seed, f"lapse:{name}")
    out = daily_probability(rates.monthly_rate.sample(params, stocks.reps))
    back = daily_probability(rates.reactivation_monthly_rate.sample(params, stocks.reps))
    returns = bool(np.any(back > 0))

    def step() -> None:
        stocks.move(g, rng.binomial(stocks.active[g], out), rng.binomial(stocks.inactive[g], back) if returns else 0)

    plan.lapses.append(step)


def simulate_block_numpy(
    s: Scenario, seed: np.random.SeedSequence, reps: int, marks: tuple[date, ...] = ()
) -> BlockOutcome:
    """Run ``reps`` replications of ``s`` as a plain day loop; same outcome shape as the SimPy model."""
    h = horizon_of(s, marks)
    layout = layout_of(s)
    stocks = baseline_stocks(s, h, reps)
    plan = Plan()
    for g in range(len(layout.groups)):
        _lapse(plan, stocks, layout, g, seed)
    for i, placed in enumerate(layout.channels):
        ch = Channel(stocks, i, placed.group, seed, placed.stream)
        _common(plan, h, ch, placed.channel)
        KINDS[type(placed.channel)](plan, h, ch, placed.channel)
    recorder = Recorder(s, h, stocks)
    lapse_first = LAPSE_PHASE < FLOW_PHASE  # the same order within a day as the SimPy model's
    for day in range(h.days):
        for event in plan.events.get(day, ()):
            event()
        if lapse_first:
            _lapse_all(plan)
        for flow in plan.flows:
            flow(day)
        if not lapse_first:
            _lapse_all(plan)
        recorder.end_of_day(day)
    return recorder.out


def _lapse_all(plan: Plan) -> None:
    for lapse in plan.lapses:
        lapse()
