"""A day's recruiting by every channel at once: one Poisson call and one binomial call a day.

Organic and agent-network channels draw Poisson recruits, loan-linked ones thin the day's loans
binomially (their own modules say why, and hold the rate functions used here). Their rates are
kept stacked, one row per channel, and restacked only when a policy switch changes one.

All channels see the uncovered share of their group as it stands when recruiting starts; when a
group's channels together ask for more than its uncovered workers, they are served in layout
order (:meth:`~sim.model.state.Stocks.enrol_all`). Funded batches are calendar events and enrol
on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from sim.channels.agent_network import AgentNetwork, Partners, productivity
from sim.channels.base import ChannelBase, RandomStream, Revision
from sim.channels.loan_linked import LoanLinked, enrol_probability
from sim.channels.organic import Organic, daily_mean, multipliers
from sim.model.draws import Deviates, DrawLog, Draws, ExactRows
from sim.model.state import ChannelGroups, Stocks
from sim.model.streams import Blocks, stream
from sim.rates import DAYS_PER_MONTH, monthly_allocation
from sim.scenario.calendar import Horizon, days_in_month

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


class Recruiter(Protocol):
    """One channel as daily recruiting reads it (the model's channel context, or the yardstick's)."""

    index: int
    group: int
    rates: dict[str, FloatArray]
    partners: Any
    loans: list[FloatArray] | None
    opens: int
    flow_rng: RandomStream


def _stack(rows: Sequence[FloatArray], reps: int) -> FloatArray:
    return np.array(rows, dtype=np.float64).reshape(len(rows), reps)


class Recruiting:
    """The daily recruiting of every recruiting channel of one block."""

    def __init__(
        self,
        blocks: Blocks,
        specs: Sequence[ChannelBase],
        streams: Sequence[str],
        recruiters: Sequence[Recruiter],
        revision: Revision,
        horizon: Horizon,
        log: DrawLog | None = None,
    ) -> None:
        reps = blocks.reps
        self.horizon, self.reps, self.revision, self.seen = horizon, reps, revision, -1
        kinds = (Organic, AgentNetwork, LoanLinked)
        chosen = [i for i, spec in enumerate(specs) if isinstance(spec, kinds)]
        # Poisson rows (organic, then agent networks) first, then binomial rows; each in layout order.
        order = sorted(chosen, key=lambda i: (not isinstance(specs[i], Organic), isinstance(specs[i], LoanLinked), i))
        self.specs = [specs[i] for i in order]
        self.recruiters = [recruiters[i] for i in order]
        self.organic = sum(isinstance(s, Organic) for s in self.specs)
        self.poisson = self.organic + sum(isinstance(s, AgentNetwork) for s in self.specs)
        groups = np.array([r.group for r in self.recruiters], dtype=np.int64)
        # Enrolment works on rows sorted by group (layout order within a group): a permutation.
        self.by_group = np.array(sorted(range(len(order)), key=lambda k: (groups[k], order[k])), dtype=np.int64)
        self.sorted = ChannelGroups.of(groups[self.by_group])
        self.channels = np.array([self.recruiters[k].index for k in self.by_group], dtype=np.int64)
        self.groups = groups
        self.seasons = np.array([multipliers(s.seasonality) for s in self.specs if isinstance(s, Organic)]).reshape(
            -1, 12
        )
        self.ramps = [s.ramp_up_months * DAYS_PER_MONTH for s in self.specs if isinstance(s, AgentNetwork)]
        self.opens = np.array([r.opens for r in self.recruiters[self.poisson :]], dtype=np.int64)
        names = [streams[i] for i in order]
        self.deviates = Deviates([stream(blocks, f"channel:{n}:normal") for n in names], 1, reps, horizon.days, log)
        rngs = [r.flow_rng for r in self.recruiters]
        self.poisson_rows, self.binomial_rows = ExactRows(rngs[: self.poisson]), ExactRows(rngs[self.poisson :])
        # Each day's (month, day of the month, days in the month), all 0-based but the last.
        self.calendar = [(w.month - 1, w.day - 1, days_in_month(w)) for w in map(horizon.date_of, range(horizon.days))]
        self.opening = int(self.opens.max(initial=0))  # the last day a loan-linked channel is still closed
        self.month: tuple[int, int] | None = None

    def _refresh(self) -> None:
        """Restack the rates after a policy switch (or on the first day)."""
        rec = self.recruiters
        share = [r.rates.get("already_member_share") for r in rec]
        self.own_share = np.array([s is not None for s in share])
        self.new_if_own = _stack([1.0 - s if s is not None else np.zeros(self.reps) for s in share], self.reps)
        self.per_month = _stack([r.rates["per_month"] for r in rec[: self.organic]], self.reps)
        self.productivity = _stack([productivity(r.rates) for r in rec[self.organic : self.poisson]], self.reps)
        self.enrol_rate = _stack([r.rates["enrollment_rate"] for r in rec[self.poisson :]], self.reps)
        loans = [r.loans or [] for r in rec[self.poisson :]]
        self.loans = np.array(
            [_stack([row[m] for row in loans], self.reps) for m in range(12)], dtype=np.float64
        ).reshape(12, len(loans), self.reps)
        # With every channel's own share of members, the new share and loan-linked enrolment
        # chances do not depend on the stocks: fixed until the next switch.
        fixed = bool(self.own_share.all())
        self.fixed_new = self.new_if_own if fixed else None
        self.fixed_p = enrol_probability(self.new_if_own[self.poisson :], self.enrol_rate) if fixed else None
        self.month = None
        self.agents_mean = np.empty((self.poisson - self.organic, self.reps))
        self.agents_dim = 0
        self.agents_from: tuple[FloatArray | None, ...] = (None,) * len(self.ramps)
        self.seen = self.revision.value

    def _month(self, month: int, dim: int) -> None:
        """The organic means and daily loans of a calendar month, worked out on its first day."""
        if self.month != (month, dim):
            self.organic_mean = daily_mean(self.per_month, self.seasons[:, month : month + 1], dim)
            self.month_loans = monthly_allocation(self.loans[month], dim)
            self.month = (month, dim)

    def _agent_means(self, day: int, dim: int) -> FloatArray:
        """Every agent network's mean recruits (before the new share), worked out again only when they change."""
        partners: list[Partners] = [r.partners for r in self.recruiters[self.organic : self.poisson]]
        effective = tuple(p.effective(day, ramp) for p, ramp in zip(partners, self.ramps, strict=True))
        if dim != self.agents_dim or any(a is not b for a, b in zip(effective, self.agents_from, strict=True)):
            for k, partners_k in enumerate(effective):
                self.agents_mean[k] = self.productivity[k] * partners_k / dim
            self.agents_dim, self.agents_from = dim, effective
        return self.agents_mean

    def step(self, day: int, stocks: Stocks, draws: Draws) -> None:
        """One day's recruits of every channel, drawn in one call per kind and enrolled."""
        if not self.specs:
            return
        if self.seen != self.revision.value:
            self._refresh()
        month, day_of_month, dim = self.calendar[day]
        self._month(month, dim)
        if self.fixed_new is None:
            pool, share = stocks.uncovered_shares(day)
            new = np.where(self.own_share[:, None], self.new_if_own, share[self.groups])
        else:
            pool, new = stocks.uncovered_all(day), self.fixed_new
        z = None if draws.exact else self.deviates.on(day)[:, 0]
        candidates = np.empty((len(self.specs), self.reps), dtype=np.int64)
        if self.poisson:
            mean = np.empty((self.poisson, self.reps))
            mean[: self.organic] = self.organic_mean
            if self.ramps:
                mean[self.organic :] = self._agent_means(day, dim)
            mean *= new[: self.poisson]
            candidates[: self.poisson] = draws.poisson(
                day, mean, None if z is None else z[: self.poisson], self.poisson_rows
            )
        if self.poisson < len(self.specs):
            loans = self.month_loans[day_of_month]
            if day < self.opening:
                loans = loans.copy()
                loans[day < self.opens] = 0
            p = enrol_probability(new[self.poisson :], self.enrol_rate) if self.fixed_p is None else self.fixed_p
            zb = None if z is None else z[self.poisson :]
            candidates[self.poisson :] = draws.binomial(day, loans, p, zb, self.binomial_rows)
        stocks.enrol_all(self.channels, self.sorted, candidates[self.by_group], pool)
