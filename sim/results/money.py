"""Money after a run: contributions collected, what each channel cost, and cost per net new member.

Everything here is computed from :class:`~sim.results.projections.Results` after the run, from the month-end
snapshots, so money figures never slow the engine. The approximations, each small against the
figures planners compare:

* **Member-months.** Active members are taken to change linearly between two recorded days
  (trapezoid rule), and each day counts as ``1 / days in its month`` of a month, so a full
  calendar month is one month. Contributions = Σ over segments of member-months × the segment's
  monthly rate. A batch that joins on the 1st is counted as joining half way through its month.
* **Net new active members of a channel** are its recruits still active at the end of the
  horizon: each month's recruits times the expected share of a new member still active
  ``τ`` months later, ``a(τ)`` of the active ⇄ inactive chain at the group's mean hazards
  (:func:`sim.rates.two_state_active`). Funded members stay active while funded; when funding ends
  a share ``continue_share`` (its mean) starts paying and the rest start inactive.
* **Cost** = commission × enrolments + fixed cost × partner-months + budget × funded member-months
  + onboarding × new partners + enforcement × months × enforced share.
  Partner-months follow ``agents`` and the ``rollout``; a channel without partners counts as one.
  New partners are the most partners the channel has at any time beyond ``partners_onboarded``.
  Enforced months weigh each month by :meth:`~sim.scenario.costs.ChannelCosts.enforced_share` of
  the mean ``enrollment_rate`` in force, following the channel's policy switches.
  Members of a funded batch are the channel's enrolments in the recorded interval holding the
  batch date (shared by expected size when two batches fall in one interval).

*Cost per net new member* is the mean cost over the mean net new members (a ratio of means).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from sim import __version__
from sim.channels.agent_network import AgentNetwork
from sim.channels.base import ChannelBase
from sim.channels.funded_batch import Batch, FundedBatch
from sim.channels.loan_linked import LoanLinked
from sim.rates import DAYS_PER_MONTH, two_state_active
from sim.results.projections import Results, describe
from sim.scenario.calendar import Horizon, add_months, days_in_month
from sim.scenario.schema import Scenario

Array = np.ndarray[Any, Any]

CURRENCY = "IDR"
MONEY_REPS = 2000  # replications whose member-months are taken at once


@dataclass(frozen=True)
class Money:
    """Money figures per replication (last axis)."""

    contributions: Array | None  # (reps,), rupiah over the horizon; None without contribution rates
    cost: Array  # (channels, reps), rupiah over the horizon
    net_new_active: Array  # (channels, reps): recruits still active at the end
    costed: tuple[bool, ...]  # whether each channel has costs


def has_money(s: Scenario) -> bool:
    """Whether the scenario gives any money figure (contributions or a channel's costs)."""
    return s.contributions is not None or any(ch.costs is not None for ch in s.channels)


@functools.lru_cache(maxsize=16)
def month_weights(h: Horizon) -> Array:
    """Each day's share of its calendar month: ``1 / days_in_month`` (read-only: kept for the next call)."""
    weights = np.array([1.0 / days_in_month(h.date_of(d)) for d in range(h.days)])
    weights.flags.writeable = False
    return weights


def months_between(h: Horizon, first: int, stop: int) -> float:
    """Calendar months in days ``first`` to ``stop - 1`` of the horizon (clipped to it)."""
    w = month_weights(h)
    return float(w[max(first, 0) : max(min(stop, h.days), 0)].sum())


def interval_weights(h: Horizon) -> Array:
    """Calendar months in each recorded interval: days after the previous record up to this one."""
    w = np.concatenate([[0.0], np.cumsum(month_weights(h))])
    ends = np.asarray(h.record_days) + 1
    starts = np.concatenate([[0], ends[:-1]])
    out: Array = w[ends] - w[starts]
    return out


def member_months(r: Results) -> Array:
    """Active member-months per group and replication (trapezoid between records)."""
    opening = np.asarray(r.layout.active, dtype=np.float64)
    weights = interval_weights(r.horizon)[:, None, None]
    out: Array = np.empty(r.active.shape[1:])
    # A slice of replications at a time: the float temporaries are several times the counts.
    for start in range(0, r.replications, MONEY_REPS):
        active = r.active.reps(start, start + MONEY_REPS)
        # In place: each temporary is fresh memory, and a page touched first costs about as much as the sums.
        trapezoid = np.concatenate([np.repeat(opening[None, :, None], active.shape[2], axis=2), active[:-1]], axis=0)
        trapezoid += active
        trapezoid /= 2
        trapezoid *= weights
        out[:, start : start + MONEY_REPS] = trapezoid.sum(axis=0)
    return out


def segment_of(group: str) -> str:
    """The segment of a layout group: ``pu`` of ``pu`` or of ``Bali/pu`` (regions prefix their groups)."""
    return group.rsplit("/", 1)[-1]


def contributions(r: Results) -> Array | None:
    """Rupiah collected over the horizon per replication, or None without contribution rates."""
    c = r.scenario.contributions
    if c is None:
        return None
    rates = np.array([c.monthly(segment_of(g)) for g in r.layout.groups])
    out: Array = (member_months(r) * rates[:, None]).sum(axis=0)
    return out


def partner_months(ch: ChannelBase, h: Horizon) -> float:
    """Partner-months over the horizon: ``agents`` then each ``rollout`` step; one otherwise."""
    if not isinstance(ch, AgentNetwork):
        return months_between(h, 0, h.days)
    counts = np.full(h.days, float(ch.agents))
    for step in ch.rollout:
        counts[max(h.day_of(step.on), 0) :] = step.agents
    return float((counts * month_weights(h)).sum())


def new_partners(ch: AgentNetwork, onboarded: int) -> int:
    """Partners onboarded during the horizon: the most the channel ever has, beyond ``onboarded``."""
    return max(0, max([ch.agents, *(step.agents for step in ch.rollout)]) - onboarded)


def enforced_months(ch: LoanLinked, h: Horizon) -> float:
    """Months of full enforcement the rates in force add up to: Σ months × enforced share."""
    costs = ch.costs
    if costs is None:
        return 0.0
    shares = np.full(h.days, costs.enforced_share(ch.enrollment_rate.mean))
    for switch in ch.policy:
        if "enrollment_rate" in switch.set:
            shares[max(h.day_of(switch.on), 0) :] = costs.enforced_share(switch.set["enrollment_rate"].mean)
    return float((shares * month_weights(h)).sum())


def _enrolled_by_interval(r: Results, channel: int) -> Array:
    """Enrolments of a channel in each recorded interval: (records, reps)."""
    # np.diff(e, axis=0, prepend=0.0), in place, last row first: the same differences, without the
    # slow path of diff's scalar prepend (0.8 ms for bali-2025's 10,000 replications) or its temporaries.
    out: Array = r.enrolled.item(channel).astype(np.float64)
    for row in range(len(out) - 1, 0, -1):
        out[row] -= out[row - 1]
    return out


def batch_members(r: Results, channel: int, ch: FundedBatch) -> list[Array]:
    """Members each batch enrolled, per replication."""
    by_interval = _enrolled_by_interval(r, channel)
    rows = [int(np.searchsorted(r.horizon.record_days, r.horizon.day_of(b.on))) for b in ch.batches]
    out = []
    for b, row in zip(ch.batches, rows, strict=True):
        together = [o for o, rr in zip(ch.batches, rows, strict=True) if rr == row]
        share = b.members.mean / max(sum(o.members.mean for o in together), 1e-12)
        out.append(by_interval[row] * share)
    return out


def _funding_end(b: Batch) -> date:
    return add_months(b.on, b.funded_months)


def recruit_active_share(r: Results, group: int, months: Array | float, active: float = 1.0) -> Array:
    """Expected share of recruits of layout group ``group`` active ``months`` later, ``active`` of them paying at first.

    The group's own lapse rates, so a region's recruits lapse at that region's rates.
    """
    rates = r.layout.lapse[group]
    mu, rho = rates.monthly_rate.mean, rates.reactivation_monthly_rate.mean
    m = np.atleast_1d(np.asarray(months, dtype=np.float64))
    return np.array([two_state_active(active, 1.0 - active, mu, rho, float(t)) for t in m])


def net_new_active(r: Results, channel: int) -> Array:
    """Recruits of ``channel`` expected still active at the end of the horizon, per replication."""
    s, h = r.scenario, r.horizon
    ch = s.channels[channel]
    group = r.layout.channels[channel].group  # the group it recruits from, inside its own region
    if isinstance(ch, FundedBatch):
        total = np.zeros(r.replications)
        for b, members in zip(ch.batches, batch_members(r, channel, ch), strict=True):
            end = h.day_of(_funding_end(b))
            if end >= h.days:
                total += members
                continue
            keep = (b.continue_share or ch.continue_share).mean
            total += members * recruit_active_share(r, group, (h.days - end) / DAYS_PER_MONTH, keep)[0]
        return total
    ends = np.asarray(h.record_days, dtype=np.float64)
    starts = np.concatenate([[0.0], ends[:-1] + 1])
    mid = (starts + ends) / 2
    share = recruit_active_share(r, group, (h.days - mid) / DAYS_PER_MONTH)
    weighted = _enrolled_by_interval(r, channel)
    weighted *= share[:, None]
    out: Array = weighted.sum(axis=0)
    return out


def channel_cost(r: Results, channel: int) -> Array:
    """Rupiah a channel cost over the horizon, per replication (zeros without costs)."""
    ch = r.scenario.channels[channel]
    cost = np.zeros(r.replications)
    if ch.costs is None:
        return cost
    c, h = ch.costs, r.horizon
    cost += c.commission_per_enrolment * r.enrolled.row(-1, [channel])[0]
    cost += c.per_partner_per_month * partner_months(ch, h)
    if isinstance(ch, FundedBatch) and c.per_funded_member_per_month:
        for b, members in zip(ch.batches, batch_members(r, channel, ch), strict=True):
            funded = months_between(h, h.day_of(b.on), h.day_of(_funding_end(b)))
            cost += c.per_funded_member_per_month * funded * members
    if isinstance(ch, AgentNetwork):
        cost += c.onboarding_per_new_partner * new_partners(ch, c.partners_onboarded)
    if isinstance(ch, LoanLinked) and c.enforcement_per_month:
        cost += c.enforcement_per_month * enforced_months(ch, h)
    return cost


def money_of(r: Results) -> Money:
    """Every money figure of a run, per replication."""
    n = len(r.scenario.channels)
    return Money(
        contributions=contributions(r),
        cost=np.array([channel_cost(r, i) for i in range(n)]).reshape(n, r.replications),
        net_new_active=np.array([net_new_active(r, i) for i in range(n)]).reshape(n, r.replications),
        costed=tuple(ch.costs is not None for ch in r.scenario.channels),
    )


def cost_per_member(cost: Array, members: Array) -> float | None:
    """Mean cost over mean net new members; None when there are none."""
    net = float(np.mean(members))
    return float(np.mean(cost)) / net if net > 0 else None


def money_summary(s: Scenario, m: Money) -> dict[str, Any]:
    """The ``money`` entry of ``summary.json``."""
    contrib = None
    if m.contributions is not None:
        d = describe(m.contributions)
        contrib = {"mean": d["mean"], "p05": d["p05"], "p95": d["p95"]}
    channels = [
        {
            "name": ch.name,
            "cost_mean": float(m.cost[i].mean()),
            "net_new_active_mean": float(m.net_new_active[i].mean()),
            "cost_per_net_member": cost_per_member(m.cost[i], m.net_new_active[i]),
        }
        for i, ch in enumerate(s.channels)
        if m.costed[i]
    ]
    return {"currency": CURRENCY, "contributions": contrib, "channels": channels}


def summary_data(r: Results, warnings: tuple[str, ...] = ()) -> dict[str, Any]:
    """``summary.json``'s data: the run's summary, by this version, with its money figures."""
    return with_money(r.summary(__version__, warnings), r)


def with_money(summary: dict[str, Any], r: Results) -> dict[str, Any]:
    """``summary`` with its ``money`` entry when the scenario gives money figures."""
    if not has_money(r.scenario):
        return summary
    return {**summary, "money": money_summary(r.scenario, money_of(r))}
