"""The discrete-event model of blocks of replications, run in lock-step in one SimPy environment.

Calendar things are SimPy processes and events: a partner joining, a batch starting or its
funding ending, a policy switch, the day's lapse, the day's recruiting and the end-of-day record.
The daily steps cover every group and channel at once, one NumPy call per kind of draw
(:mod:`~sim.model.lapse`, :mod:`~sim.model.recruiting`, :mod:`~sim.model.draws`), so a day costs
a few calls whatever the number of provinces. Stocks are NumPy counts with one column per
replication (:class:`~sim.model.state.Stocks`), so the cost is replications × groups × days,
never members. Several blocks run side by side in one pass (:func:`simulate_blocks`), each drawing
its own columns from its own streams (:mod:`~sim.model.streams`), so each gets the outcome it has
alone while the day's calls are shared.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np
import simpy

from sim.channels import ChannelContext, start_channel
from sim.channels.base import FLOW_PHASE, LAPSE_PHASE, RECORD_PHASE, Revision
from sim.model.draws import DrawLog, Draws
from sim.model.lapse import Lapse
from sim.model.layout import layout_of
from sim.model.recruiting import Recruiting
from sim.model.state import Stocks
from sim.model.streams import Blocks, stream
from sim.rates import annual_growth_factor
from sim.scenario.calendar import Horizon
from sim.scenario.schema import Scenario

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass
class BlockOutcome:
    """What one block records: stocks at each record day and per-replication target facts."""

    active: IntArray  # (records, groups, reps): active incl. funded
    inactive: IntArray  # (records, groups, reps)
    enrolled: IntArray  # (records, channels, reps), cumulative
    lapsed: IntArray  # (records, groups, reps), cumulative
    reactivated: IntArray  # (records, groups, reps), cumulative
    at_target: IntArray  # (reps,): target metric at the end of target.by
    crossed_on: IntArray  # (reps,): first day the target metric reached the target, or -1

    def per_block(self, blocks: Blocks) -> list[BlockOutcome]:
        """The outcome of each block of a pass: its columns (views)."""
        if len(blocks.widths) == 1:
            return [self]
        names = [f.name for f in fields(BlockOutcome)]
        return [BlockOutcome(**{n: getattr(self, n)[..., cols] for n in names}) for cols in blocks.columns]


def horizon_of(s: Scenario, marks: tuple[date, ...] = ()) -> Horizon:
    """The scenario's days, with every target date (national, regional) and ``marks`` recorded."""
    regional = tuple(r.target.by for r in s.regions if r.target is not None)
    return Horizon(s.start, s.end, (s.target.by, *regional, *marks))


def workforce(s: Scenario, days: int) -> FloatArray:
    """Workers per day and group, each growing at its ``growth_per_year`` compound."""
    layout = layout_of(s)
    base = np.asarray(layout.workers, dtype=np.float64)
    out = np.empty((days, len(base)))
    for rate in set(layout.growth):
        growth = np.array([annual_growth_factor(rate, d) for d in range(days)])
        cols = [g for g, r in enumerate(layout.growth) if r == rate]
        out[:, cols] = growth[:, None] * base[None, cols]
    return out


class Recorder:
    """End-of-day bookkeeping: month-end snapshots and the day the target is first reached."""

    def __init__(self, s: Scenario, horizon: Horizon, stocks: Stocks) -> None:
        self.stocks = stocks
        self.target = s.target.members
        self.registered_metric = s.target.metric == "registered"
        self.target_day = horizon.day_of(s.target.by)
        self.record_days = set(horizon.record_days)
        n, g, c, r = len(horizon.record_days), stocks.active.shape[0], stocks.enrolled.shape[0], stocks.reps
        self.out = BlockOutcome(
            active=np.zeros((n, g, r), dtype=np.int64),
            inactive=np.zeros((n, g, r), dtype=np.int64),
            enrolled=np.zeros((n, c, r), dtype=np.int64),
            lapsed=np.zeros((n, g, r), dtype=np.int64),
            reactivated=np.zeros((n, g, r), dtype=np.int64),
            at_target=np.zeros(r, dtype=np.int64),
            crossed_on=np.full(r, -1, dtype=np.int64),
        )
        self.row = 0
        self.waiting = r > 0  # replications yet to reach the target

    def metric(self) -> IntArray:
        st = self.stocks
        total: IntArray = (st.active + st.funded).sum(axis=0)
        if self.registered_metric:
            total = total + st.inactive.sum(axis=0)
        return total

    def end_of_day(self, day: int) -> None:
        out, st = self.out, self.stocks
        value = self.metric()
        if self.waiting:
            reached = value >= self.target
            if reached.any():
                out.crossed_on[(out.crossed_on < 0) & reached] = day
                self.waiting = bool((out.crossed_on < 0).any())
        if day == self.target_day:
            out.at_target[:] = value
        if day in self.record_days:
            i = self.row
            out.active[i] = st.active + st.funded
            out.inactive[i] = st.inactive
            out.enrolled[i] = st.enrolled
            out.lapsed[i] = st.lapsed
            out.reactivated[i] = st.reactivated
            self.row += 1

    def process(self, env: simpy.Environment, days: int) -> Generator[Any, Any, None]:
        yield env.timeout(RECORD_PHASE)
        for day in range(days):
            self.end_of_day(day)
            yield env.timeout(1)


def baseline_stocks(s: Scenario, horizon: Horizon, reps: int) -> Stocks:
    """Stocks of ``reps`` replications on the start date, one group per region × segment."""
    layout = layout_of(s)
    return Stocks.at_baseline(
        workforce(s, horizon.days),
        np.asarray(layout.active, dtype=np.int64),
        np.asarray(layout.inactive, dtype=np.int64),
        len(layout.channels),
        reps,
    )


def daily(env: simpy.Environment, phase: float, days: int, step: Callable[[int], None]) -> Generator[Any, Any, None]:
    """A process that runs ``step(day)`` at ``phase`` of every day."""
    yield env.timeout(phase)
    for day in range(days):
        step(day)
        yield env.timeout(1)


def simulate_block(
    s: Scenario,
    seed: np.random.SeedSequence,
    reps: int,
    marks: tuple[date, ...] = (),
    log: DrawLog | None = None,
) -> BlockOutcome:
    """Run ``reps`` replications of ``s`` in lock-step, drawing from streams of ``seed``: one block alone."""
    return simulate_blocks(s, Blocks.one(seed, reps), marks, log)[0]


def simulate_blocks(
    s: Scenario, blocks: Blocks, marks: tuple[date, ...] = (), log: DrawLog | None = None
) -> list[BlockOutcome]:
    """Run the replications of every block of ``blocks`` in one lock-step pass; each block's outcome.

    A block's outcome is the one it has alone (:mod:`sim.model.streams`): running blocks side by
    side only spreads the cost of each day's calls over more replications. ``log``, when given,
    notes every draw (for the benchmark's draw floor).
    """
    horizon = horizon_of(s, marks)
    layout = layout_of(s)
    env = simpy.Environment()
    stocks = baseline_stocks(s, horizon, blocks.reps)
    draws = Draws(s.draws == "exact", log)
    lapse = Lapse(blocks, layout.groups, layout.lapse, horizon.days, log, layout.lapse_draws)
    revision = Revision()
    contexts = []
    for i, placed in enumerate(layout.channels):
        ctx = ChannelContext(
            env,
            stocks,
            horizon,
            i,
            placed.group,
            stream(blocks, f"channel:{placed.stream}:params"),
            stream(blocks, f"channel:{placed.stream}"),
            revision=revision,
        )
        start_channel(ctx, placed.channel)
        contexts.append(ctx)
    specs = [p.channel for p in layout.channels]
    recruiting = Recruiting(blocks, specs, [p.stream for p in layout.channels], contexts, revision, horizon, log)
    env.process(daily(env, LAPSE_PHASE, horizon.days, lambda day: lapse.step(day, stocks, draws)))
    env.process(daily(env, FLOW_PHASE, horizon.days, lambda day: recruiting.step(day, stocks, draws)))
    recorder = Recorder(s, horizon, stocks)
    env.process(recorder.process(env, horizon.days))
    env.run(until=horizon.days)
    return recorder.out.per_block(blocks)
