"""Lapse and reactivation: active members who stop paying, and inactive ones who pay again.

Each day, for every group at once (one binomial call), ``Binomial(active, p)`` members lapse and
``Binomial(inactive, q)`` return, where ``p`` and ``q`` are the daily probabilities of the
monthly hazards (:func:`sim.rates.daily_probability`), drawn once per group and replication.
Members whose contributions a government pays do not lapse while funded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.model.draws import Deviates, DrawLog, Draws, ExactRows
from sim.model.state import Stocks
from sim.model.streams import Blocks, stream
from sim.rates import daily_probability
from sim.scenario.schema import LapseRates

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
Float32Array = np.ndarray[Any, np.dtype[np.float32]]


class Lapse:
    """The daily lapse and reactivation of every group of one block."""

    def __init__(
        self,
        blocks: Blocks,
        groups: Sequence[str],
        rates: Sequence[LapseRates],
        days: int,
        log: DrawLog | None = None,
        draw_names: Sequence[str] | None = None,
    ) -> None:
        # A national lapse is drawn under one name for every region (``Layout.lapse_draws``), so
        # its value is shared in each replication; its daily draws stay each group's own.
        reps = blocks.reps
        lapse, back = [], []
        for name, r in zip(draw_names or groups, rates, strict=True):
            params = stream(blocks, f"lapse:{name}:params")
            lapse.append(daily_probability(params.sample(r.monthly_rate.sample)))
            back.append(daily_probability(params.sample(r.reactivation_monthly_rate.sample)))
        self.p: FloatArray = np.array(lapse, dtype=np.float64).reshape(len(groups), reps)
        self.q: FloatArray = np.array(back, dtype=np.float64).reshape(len(groups), reps)
        self.deviates = Deviates([stream(blocks, f"lapse:{name}:normal") for name in groups], 2, reps, days, log)
        rngs = [stream(blocks, f"lapse:{name}") for name in groups]
        returning = [r for r in range(len(groups)) if np.any(self.q[r] > 0)]
        # A slice when every group returns: a view, not a copy, every day.
        self.returning: slice | list[int] = slice(None) if len(returning) == len(groups) else returning
        # Lapse and reactivation are drawn in one call: a row per group that lapses, then one per
        # group that can return. A group's exact draws come from its own stream, lapse first.
        self.chances: FloatArray = np.concatenate((self.p, self.q[self.returning]))
        self.rows = ExactRows(rngs + [rngs[r] for r in returning])
        # Each day's members and deviates, one row per draw, gathered into the same arrays.
        self.members: IntArray = np.empty(self.chances.shape, dtype=np.int64)
        self.zs: Float32Array = np.empty(self.chances.shape, dtype=np.float32)

    def step(self, day: int, stocks: Stocks, draws: Draws) -> None:
        """One day's lapse and reactivation, for every group and replication."""
        rows, groups = self.returning, len(self.p)
        z = None if draws.exact else self.deviates.on(day)
        members = np.concatenate((stocks.active, stocks.inactive[rows]), out=self.members)
        zs = None if z is None else np.concatenate((z[:, 0], z[rows, 1]), out=self.zs)
        drawn = draws.binomial(day, members, self.chances, zs, self.rows)
        lapsing = drawn[:groups]
        if isinstance(rows, slice):
            returning = drawn[groups:]
        else:
            # Only groups that can return draw, as each group's own stream always has.
            returning = np.zeros_like(lapsing)
            returning[rows] = drawn[groups:]
        stocks.move_all(lapsing, returning)
