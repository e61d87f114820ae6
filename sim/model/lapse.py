"""Lapse and reactivation: active members who stop paying, and inactive ones who pay again.

Each day, per group, ``Binomial(active, p)`` members lapse and ``Binomial(inactive, q)`` return,
where ``p`` and ``q`` are the daily probabilities of the monthly hazards
(:func:`sim.rates.daily_probability`). Members whose contributions a government pays do not lapse
while funded.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.channels.base import LAPSE_PHASE
from sim.model.state import Stocks
from sim.rates import daily_probability
from sim.scenario.schema import LapseRates


def start(
    env: simpy.Environment,
    stocks: Stocks,
    group: int,
    rates: LapseRates,
    days: int,
    params_rng: np.random.Generator,
    flow_rng: np.random.Generator,
) -> None:
    """Draw the group's hazards per replication and register its daily lapse process."""
    lapse = daily_probability(rates.monthly_rate.sample(params_rng, stocks.reps))
    back = daily_probability(rates.reactivation_monthly_rate.sample(params_rng, stocks.reps))
    env.process(_daily(env, stocks, group, lapse, back, days, flow_rng))


def _daily(
    env: simpy.Environment,
    stocks: Stocks,
    group: int,
    lapse: Any,
    back: Any,
    days: int,
    rng: np.random.Generator,
) -> Generator[Any, Any, None]:
    returns = bool(np.any(back > 0))
    yield env.timeout(LAPSE_PHASE)
    for _ in range(days):
        lapsing = rng.binomial(stocks.active[group], lapse)
        returning = rng.binomial(stocks.inactive[group], back) if returns else 0
        stocks.move(group, lapsing, returning)
        yield env.timeout(1)
