"""Lapse and reactivation: active members who stop paying, and inactive ones who pay again.

Each day, for every group at once, ``Binomial(active, p)`` members lapse and
``Binomial(inactive, q)`` return, where ``p`` and ``q`` are the daily probabilities of the
monthly hazards (:func:`sim.rates.daily_probability`), drawn once per group and replication.
Members whose contributions a government pays do not lapse while funded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.model.draws import Deviates, DrawLog, Draws
from sim.model.state import Stocks
from sim.model.streams import stream
from sim.rates import daily_probability
from sim.scenario.schema import LapseRates

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class Lapse:
    """The daily lapse and reactivation of every group of one block."""

    def __init__(
        self,
        seed: np.random.SeedSequence,
        groups: Sequence[str],
        rates: Sequence[LapseRates],
        reps: int,
        days: int,
        log: DrawLog | None = None,
        draw_names: Sequence[str] | None = None,
    ) -> None:
        # A national lapse is drawn under one name for every region (``Layout.lapse_draws``), so
        # its value is shared in each replication; its daily draws stay each group's own.
        lapse, back = [], []
        for name, r in zip(draw_names or groups, rates, strict=True):
            params = stream(seed, f"lapse:{name}:params")
            lapse.append(daily_probability(r.monthly_rate.sample(params, reps)))
            back.append(daily_probability(r.reactivation_monthly_rate.sample(params, reps)))
        self.p: FloatArray = np.array(lapse, dtype=np.float64).reshape(len(groups), reps)
        self.q: FloatArray = np.array(back, dtype=np.float64).reshape(len(groups), reps)
        self.deviates = Deviates([stream(seed, f"lapse:{name}:normal") for name in groups], 2, reps, days, log)
        self.rngs = [stream(seed, f"lapse:{name}") for name in groups]
        returning = [r for r in range(len(groups)) if np.any(self.q[r] > 0)]
        # A slice when every group returns: a view, not a copy, every day.
        self.returning: slice | list[int] = slice(None) if len(returning) == len(groups) else returning
        self.returning_rngs = [self.rngs[r] for r in returning]

    def step(self, day: int, stocks: Stocks, draws: Draws) -> None:
        """One day's lapse and reactivation, for every group and replication."""
        z = None if draws.exact else self.deviates.on(day)
        lapsing = draws.binomial(day, stocks.active, self.p, None if z is None else z[:, 0], self.rngs)
        returning = np.zeros_like(lapsing)
        if self.returning:
            # Only groups that can return draw, as each group's own stream always has.
            rows = self.returning
            zq = None if z is None else z[rows, 1]
            returning[rows] = draws.binomial(day, stocks.inactive[rows], self.q[rows], zq, self.returning_rngs)
        stocks.move_all(lapsing, returning)
