"""Agent-network channel: BPR corporate agents, bank branch counters, individual agents.

``agents`` partners recruit at the start, out of ``agents_max`` who could (22 of Bali's 128
BPRs). A ``rollout`` schedule changes the number of partners on given dates; a partner who joins
during the horizon ramps up linearly to full productivity over ``ramp_up_months``.

Each partner enrols ``enrollments_per_agent_per_month`` people a month, or reaches
``contacts_per_agent_per_month`` people and converts a share ``conversion_rate`` of them. Partners
differ: with ``heterogeneity_cv`` > 0 each partner's productivity is a mean-one gamma multiplier
with that coefficient of variation, drawn once per replication. The sum of ``n`` such multipliers
is Gamma(n·k, 1/k) with ``k = 1/cv²``, so a cohort of partners costs one draw, not ``n``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.channels.base import (
    EVENT_PHASE,
    ChannelBase,
    ChannelContext,
    FloatArray,
    RandomStream,
    start_common,
)
from sim.rates import gamma_shape_for_cv, ramp_factor
from sim.scenario.fields import Count, Date, Frozen, NonNegative, Probability


class RolloutStep(Frozen):
    """From ``on``, the channel has ``agents`` partners."""

    on: Date
    agents: Count


class AgentNetwork(ChannelBase):
    """Partners (BPRs, bank counters, individual agents) who each enrol people."""

    SWITCHABLE: ClassVar[tuple[str, ...]] = (
        "enrollments_per_agent_per_month",
        "contacts_per_agent_per_month",
        "conversion_rate",
    )

    kind: Literal["agent_network"]
    agents: Count = Field(description="partners recruiting at the start")
    agents_max: Count | None = Field(default=None, description="partners there could ever be")
    rollout: list[RolloutStep] = Field(default_factory=list, description="dated partner counts")
    ramp_up_months: float = Field(
        default=0.0, ge=0, description="months a new partner takes to reach full productivity"
    )
    enrollments_per_agent_per_month: NonNegative | None = Field(default=None)
    contacts_per_agent_per_month: NonNegative | None = Field(default=None)
    conversion_rate: Probability | None = Field(default=None, description="share of contacts who enrol")
    heterogeneity_cv: float = Field(default=0.0, ge=0, le=5, description="spread of productivity between partners")

    @model_validator(mode="after")
    def _one_productivity(self) -> AgentNetwork:
        direct = self.enrollments_per_agent_per_month is not None
        funnel = self.contacts_per_agent_per_month is not None or self.conversion_rate is not None
        if direct == funnel:
            raise ValueError(
                "give either enrollments_per_agent_per_month, or contacts_per_agent_per_month with conversion_rate"
            )
        if funnel and (self.contacts_per_agent_per_month is None or self.conversion_rate is None):
            raise ValueError("contacts_per_agent_per_month and conversion_rate go together")
        return self


def productivity(rates: dict[str, FloatArray]) -> FloatArray:
    """Enrolments a month of one fully productive partner: direct, or contacts × conversion."""
    if "enrollments_per_agent_per_month" in rates:
        return rates["enrollments_per_agent_per_month"]
    return rates["contacts_per_agent_per_month"] * rates["conversion_rate"]


@dataclass
class Cohort:
    """Partners who joined on the same day: how many, and the sum of their multipliers."""

    joined: int
    count: int
    strength: FloatArray


def _beta(a: float, b: float, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.beta(a, b, size=n)


def _gamma(shape: float, scale: float, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.gamma(shape, scale, size=n)


@dataclass
class Partners:
    """The partners of one channel, by cohort, and their productivity multipliers."""

    cohorts: list[Cohort]
    cv: float
    rng: RandomStream
    reps: int
    # The last answer of :meth:`effective` and what it was worked out from.
    last: tuple[Any, FloatArray] | None = field(default=None, init=False, repr=False, compare=False)
    # The ramp-up and first day from which every cohort is fully productive: the last answer holds.
    settled: tuple[float, int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cohorts)

    def strength_of(self, count: int) -> FloatArray:
        """Summed multipliers of ``count`` new partners: Gamma(count·k, 1/k), or ``count``."""
        if self.cv == 0 or count == 0:
            return np.full(self.reps, float(count))
        k = gamma_shape_for_cv(self.cv)
        return self.rng.sample(partial(_gamma, count * k, 1 / k))

    def set_count(self, target: int, day: int) -> None:
        """Partners join (a new cohort) or leave (the newest first) until there are ``target``."""
        self.last = self.settled = None
        if target > self.count:
            added = target - self.count
            self.cohorts.append(Cohort(day, added, self.strength_of(added)))
        while self.count > target:
            last = self.cohorts[-1]
            leaving = min(last.count, self.count - target)
            if leaving == last.count:
                self.cohorts.pop()
                continue
            # The leavers' share of a gamma sum is Beta(k·m, k·(n−m)) distributed.
            if self.cv == 0:
                kept = np.full(self.reps, (last.count - leaving) / last.count)
            else:
                k = gamma_shape_for_cv(self.cv)
                kept = self.rng.sample(partial(_beta, k * (last.count - leaving), k * leaving))
            self.cohorts[-1] = Cohort(last.joined, last.count - leaving, last.strength * kept)

    def effective(self, day: int, ramp_up_days: float) -> FloatArray:
        """Partners at full productivity equivalent on ``day``, after ramp-up.

        Once every cohort is ramped up the answer stops changing, and the same array is returned
        day after day (so it must not be modified).
        """
        if self.last is not None and self.settled is not None:
            ramp, since = self.settled
            if ramp == ramp_up_days and day >= since:
                return self.last[1]  # a ramp only rises, to 1: nothing changes until a cohort does
        factors = tuple(ramp_factor(day - cohort.joined, ramp_up_days) for cohort in self.cohorts)
        if self.last is None or self.last[0] != (ramp_up_days, factors):
            total = np.zeros(self.reps)
            for factor, cohort in zip(factors, self.cohorts, strict=True):
                total += factor * cohort.strength
            self.last = ((ramp_up_days, factors), total)
        self.settled = (ramp_up_days, day) if all(f == 1.0 for f in factors) else None
        return self.last[1]


def start(ctx: ChannelContext, channel: AgentNetwork) -> None:
    """Draw the partners' productivity and schedule the rollout; they recruit daily with the rest."""
    start_common(ctx, channel)
    partners = Partners([], channel.heterogeneity_cv, ctx.params_rng, ctx.reps)
    # Partners present at the start joined before it and are fully productive.
    partners.set_count(channel.agents, -(10**9))
    ctx.partners = partners
    for step in channel.rollout:
        ctx.env.process(_rollout(ctx, partners, step))


def _rollout(ctx: ChannelContext, partners: Partners, step: RolloutStep) -> Generator[Any, Any, None]:
    day = ctx.horizon.day_of(step.on)
    yield ctx.at(day, EVENT_PHASE)
    partners.set_count(step.agents, day)
