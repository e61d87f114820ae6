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
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


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

    def uncovered_share(self, group: int, now: float) -> FloatArray:
        workers = self.workers[min(int(now), len(self.workers) - 1), group]
        share: FloatArray = self.uncovered(group, now) / workers
        return share

    def enrol(self, channel: int, group: int, candidates: IntArray, now: float) -> IntArray:
        """Turn up to ``candidates`` uncovered workers into self-paying members."""
        joined = np.minimum(candidates, self.uncovered(group, now))
        self.active[group] += joined
        self.enrolled[channel] += joined
        return joined

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

    def move(self, group: int, lapsing: IntArray, returning: IntArray | int) -> None:
        """Active members who stop paying become inactive; inactive ones who pay again return."""
        self.active[group] += returning - lapsing
        self.inactive[group] += lapsing - returning
        self.lapsed[group] += lapsing
        self.reactivated[group] += returning
