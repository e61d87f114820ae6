"""The stocks of one block of replications, held as counts, never as member objects.

Every array has one column per replication, so a block of replications advances in lock-step and
the cost of a run grows with replications × groups × days, not with the number of members.

* ``active``: self-paying members, who may lapse;
* ``funded``: members whose contributions a local government pays; active, but they do not lapse
  until their funding ends;
* ``inactive``: registered members unpaid for longer than the grace period, not covered;
* uncovered workers are ``workers − active − funded − inactive``: the pool every channel recruits
  from, so it depletes as channels succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class ChannelGroups:
    """Recruiting channels sorted by group: where each group's rows start, and which group it is.

    Within a group the rows keep layout order, so that a pool too small for all of them serves
    them in that order.
    """

    groups: IntArray  # (k,): the groups that have recruiting channels, ascending
    starts: IntArray  # (k,): first row of each
    size: int  # rows in all
    # For j = 1, 2, …: the groups with a (j+1)-th row, and those rows; views where they are runs.
    later: tuple[tuple[Index, Index], ...] = ()

    @classmethod
    def of(cls, sorted_groups: IntArray) -> ChannelGroups:
        """From the group of each row, rows already sorted by group."""
        starts = (
            np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
            if sorted_groups.size
            else sorted_groups
        ).astype(np.int64)
        sizes = np.diff(np.r_[starts, sorted_groups.size])
        later = tuple(
            (_index(np.flatnonzero(sizes > j)), _index(starts[sizes > j] + j))
            for j in range(1, int(sizes.max(initial=1)))
        )
        return cls(sorted_groups[starts].astype(np.int64), starts, int(sorted_groups.size), later)

    def rows(self, k: int) -> range:
        """The rows of the ``k``-th group."""
        end = int(self.starts[k + 1]) if k + 1 < len(self.starts) else self.size
        return range(int(self.starts[k]), end)

    def totals(self, rows: IntArray) -> IntArray:
        """Each group's sum of its ``rows``, in row order; a few calls, however many groups."""
        total: IntArray = rows[self.starts]
        for groups, later in self.later:
            total[groups] += rows[later]
        return total


Index = slice | IntArray


def _index(positions: IntArray) -> Index:
    """``positions`` (ascending) as a slice when they are a run, so that they index a view."""
    if positions.size and positions[-1] - positions[0] == positions.size - 1:
        return slice(int(positions[0]), int(positions[-1]) + 1)
    return positions


@dataclass
class Stocks:
    """Member counts by group and replication, plus cumulative flows for reporting."""

    workers: FloatArray  # (days, groups): the working population on each day
    active: IntArray  # (groups, reps)
    funded: IntArray  # (groups, reps)
    inactive: IntArray  # (groups, reps)
    enrolled: IntArray  # (channels, reps), cumulative
    lapsed: IntArray  # (groups, reps), cumulative, including funding that ended unrenewed
    reactivated: IntArray  # (groups, reps), cumulative

    @classmethod
    def at_baseline(cls, workers: FloatArray, active: IntArray, inactive: IntArray, channels: int, reps: int) -> Stocks:
        """Stocks for ``reps`` replications starting from the per-group baseline counts."""
        groups = workers.shape[1]

        def per_rep(values: IntArray) -> IntArray:
            return np.repeat(np.asarray(values, dtype=np.int64)[:, None], reps, axis=1)

        return cls(
            workers=workers,
            active=per_rep(active),
            funded=np.zeros((groups, reps), dtype=np.int64),
            inactive=per_rep(inactive),
            enrolled=np.zeros((channels, reps), dtype=np.int64),
            lapsed=np.zeros((groups, reps), dtype=np.int64),
            reactivated=np.zeros((groups, reps), dtype=np.int64),
        )

    @property
    def reps(self) -> int:
        return int(self.active.shape[1])

    def registered(self, group: int) -> IntArray:
        total: IntArray = self.active[group] + self.funded[group] + self.inactive[group]
        return total

    def uncovered(self, group: int, now: float) -> IntArray:
        """Workers in ``group`` who are not registered, on the day containing ``now``."""
        workers = np.int64(self.workers[min(int(now), len(self.workers) - 1), group])
        pool: IntArray = np.maximum(workers - self.registered(group), 0)
        return pool

    def enrol_funded(self, channel: int, group: int, candidates: IntArray, now: float) -> IntArray:
        """Turn up to ``candidates`` uncovered workers into government-funded members."""
        joined = np.minimum(candidates, self.uncovered(group, now))
        self.funded[group] += joined
        self.enrolled[channel] += joined
        return joined

    def end_funding(self, group: int, members: IntArray, keep_paying: IntArray) -> None:
        """Funding ends for ``members``: ``keep_paying`` of them pay themselves, the rest lapse."""
        self.funded[group] -= members
        self.active[group] += keep_paying
        self.inactive[group] += members - keep_paying
        self.lapsed[group] += members - keep_paying

    @cached_property
    def whole_workers(self) -> IntArray:
        """``workers`` in whole people, (days, groups)."""
        whole: IntArray = self.workers.astype(np.int64)
        return whole

    def uncovered_all(self, day: int) -> IntArray:
        """Every group's uncovered workers on ``day``, (groups, reps)."""
        pool: IntArray = self.active + self.funded
        pool += self.inactive
        np.subtract(self.whole_workers[min(day, len(self.workers) - 1)][:, None], pool, out=pool)
        return np.maximum(pool, 0, out=pool)

    def uncovered_shares(self, day: int) -> tuple[IntArray, FloatArray]:
        """Every group's uncovered workers on ``day`` (groups, reps), and their share of the workers."""
        pool = self.uncovered_all(day)
        share: FloatArray = pool / self.workers[min(day, len(self.workers) - 1)][:, None]
        return pool, share

    def enrol_all(self, channels: IntArray, sorted_groups: ChannelGroups, candidates: IntArray, pool: IntArray) -> None:
        """Enrol every recruiting channel's ``candidates`` at once, never past a group's ``pool``.

        ``candidates`` has one row per channel of ``channels``, sorted by group as ``sorted_groups``
        says. When a group's channels ask for more than its pool, they are served in layout order,
        as if each had enrolled in turn.
        """
        groups = sorted_groups.groups
        every = len(groups) == len(self.active)  # then ``groups`` is every group, in order
        totals = sorted_groups.totals(candidates)
        short = totals > (pool if every else pool[groups])
        if short.any():
            candidates = candidates.copy()
            for k in np.flatnonzero(short.any(axis=1)):
                rows = sorted_groups.rows(int(k))
                left = pool[groups[k]].copy()
                for row in rows:
                    candidates[row] = np.minimum(candidates[row], left)
                    left -= candidates[row]
                totals[k] = candidates[rows].sum(axis=0)
        if every:
            self.active += totals
        else:
            self.active[groups] += totals
        self.enrolled[channels] += candidates

    def move_all(self, lapsing: IntArray, returning: IntArray) -> None:
        """Lapsing members become inactive, returning ones active: arrays of shape (groups, reps)."""
        net = returning - lapsing
        self.active += net
        self.inactive -= net
        self.lapsed += lapsing
        self.reactivated += returning
