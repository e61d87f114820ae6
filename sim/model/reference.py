"""The benchmark's yardstick: the same model as :mod:`sim.model.block`, as a plain NumPy day loop.

It holds the same stocks (:class:`~sim.model.state.Stocks`), draws the same rates from the same
named streams, and makes the same vectorised daily steps (:class:`~sim.model.lapse.Lapse`,
:class:`~sim.model.recruiting.Recruiting`, one NumPy call per kind of draw), but has no SimPy: each
day applies that day's calendar events (policy switches, rollouts, batches) from a plain table,
then lapse and recruiting (in the order of the model's day phases), then the end-of-day record.
What is left is the cost of the random draws and the array arithmetic, the limit a lock-step
model can approach; ``sim bench`` reports the SimPy model's time as a ratio to it. Tests check
that the two give identical outcomes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial

import numpy as np

from sim.channels.agent_network import AgentNetwork, Partners
from sim.channels.base import FLOW_PHASE, LAPSE_PHASE, ChannelBase, RandomStream, Revision
from sim.channels.funded_batch import FundedBatch
from sim.channels.loan_linked import LoanLinked
from sim.channels.organic import Organic
from sim.model.block import BlockOutcome, FloatArray, IntArray, Recorder, baseline_stocks, horizon_of
from sim.model.draws import Draws
from sim.model.lapse import Lapse
from sim.model.layout import layout_of
from sim.model.recruiting import Recruiting
from sim.model.state import Stocks
from sim.model.streams import Blocks, stream
from sim.scenario.calendar import Horizon, add_months
from sim.scenario.schema import Scenario


class Plan:
    """The calendar: what happens on each day before lapse and recruiting."""

    def __init__(self) -> None:
        self.events: defaultdict[int, list[Callable[[], None]]] = defaultdict(list)

    def on(self, day: int, event: Callable[[], None]) -> None:
        self.events[day].append(event)


class Channel:
    """One channel's rates and counters for a block, without SimPy."""

    def __init__(self, stocks: Stocks, index: int, group: int, blocks: Blocks, name: str, revision: Revision) -> None:
        self.stocks, self.index, self.group, self.revision = stocks, index, group, revision
        self.params = stream(blocks, f"channel:{name}:params")
        self.flow_rng: RandomStream = stream(blocks, f"channel:{name}")
        self.rates: dict[str, FloatArray] = {}
        self.partners: Partners | None = None
        self.loans: list[FloatArray] | None = None
        self.opens = 0

    def switch(self, drawn: dict[str, FloatArray]) -> None:
        self.rates.update(drawn)
        self.revision.bump()


def _common(plan: Plan, h: Horizon, ch: Channel, spec: ChannelBase) -> None:
    ch.rates.update({k: ch.params.sample(d.sample) for k, d in spec.rate_fields().items()})
    for switch in spec.policy:
        drawn = {k: ch.params.sample(d.sample) for k, d in switch.set.items()}
        plan.on(h.day_of(switch.on), partial(ch.switch, drawn))


def _organic(plan: Plan, h: Horizon, ch: Channel, spec: Organic) -> None:
    """Nothing but its rates: recruiting is drawn with every channel's."""


def _loan_linked(plan: Plan, h: Horizon, ch: Channel, spec: LoanLinked) -> None:
    months = spec.monthly_loans()
    if all(m is months[0] for m in months):
        ch.loans = [ch.params.sample(months[0].sample)] * 12
    else:
        ch.loans = [ch.params.sample(m.sample) for m in months]
    ch.opens = h.day_of(spec.opens_on) if spec.opens_on else 0


def _agent_network(plan: Plan, h: Horizon, ch: Channel, spec: AgentNetwork) -> None:
    partners = Partners([], spec.heterogeneity_cv, ch.params, ch.stocks.reps)
    partners.set_count(spec.agents, -(10**9))
    ch.partners = partners
    for step_ in spec.rollout:
        day = h.day_of(step_.on)
        plan.on(day, partial(partners.set_count, step_.agents, day))


def _funded_batch(plan: Plan, h: Horizon, ch: Channel, spec: FundedBatch) -> None:
    st = ch.stocks
    for batch in spec.batches:
        size = np.rint(ch.params.sample(batch.members.sample)).astype(np.int64)
        own = ch.params.sample(batch.continue_share.sample) if batch.continue_share is not None else None
        start, end = h.day_of(batch.on), h.day_of(add_months(batch.on, batch.funded_months))
        joined: list[IntArray] = []

        def begin(size: IntArray = size, joined: list[IntArray] = joined, day: int = start) -> None:
            joined.append(st.enrol_funded(ch.index, ch.group, size, day))

        def finish(joined: list[IntArray] = joined, own: FloatArray | None = own) -> None:
            share = own if own is not None else ch.rates["continue_share"]
            st.end_funding(ch.group, joined[0], ch.flow_rng.binomial(joined[0], share))

        plan.on(start, begin)
        if end < h.days:
            plan.on(end, finish)


KINDS: dict[type[ChannelBase], Callable[..., None]] = {
    Organic: _organic,
    LoanLinked: _loan_linked,
    AgentNetwork: _agent_network,
    FundedBatch: _funded_batch,
}


def simulate_block_numpy(
    s: Scenario, seed: np.random.SeedSequence, reps: int, marks: tuple[date, ...] = ()
) -> BlockOutcome:
    """Run ``reps`` replications of ``s`` as a plain day loop; same outcome as the SimPy model."""
    return simulate_blocks_numpy(s, Blocks.one(seed, reps), marks)[0]


def simulate_blocks_numpy(s: Scenario, blocks: Blocks, marks: tuple[date, ...] = ()) -> list[BlockOutcome]:
    """The blocks of one pass as a plain day loop, side by side as the SimPy model runs them."""
    h = horizon_of(s, marks)
    layout = layout_of(s)
    stocks = baseline_stocks(s, h, blocks.reps)
    draws = Draws(s.draws == "exact")
    lapse = Lapse(blocks, layout.groups, layout.lapse, h.days, draw_names=layout.lapse_draws)
    plan = Plan()
    revision = Revision()
    channels = []
    for i, placed in enumerate(layout.channels):
        ch = Channel(stocks, i, placed.group, blocks, placed.stream, revision)
        _common(plan, h, ch, placed.channel)
        KINDS[type(placed.channel)](plan, h, ch, placed.channel)
        channels.append(ch)
    specs = [p.channel for p in layout.channels]
    recruiting = Recruiting(blocks, specs, [p.stream for p in layout.channels], channels, revision, h)
    recorder = Recorder(s, h, stocks)
    lapse_first = LAPSE_PHASE < FLOW_PHASE  # the same order within a day as the SimPy model's
    for day in range(h.days):
        for event in plan.events.get(day, ()):
            event()
        if lapse_first:
            lapse.step(day, stocks, draws)
        recruiting.step(day, stocks, draws)
        if not lapse_first:
            lapse.step(day, stocks, draws)
        recorder.end_of_day(day)
    return recorder.out.per_block(blocks)
