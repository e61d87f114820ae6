"""What ``sim optimize`` maximises, read from an evaluation's replications.

* ``members``: mean members on the target date (the target's metric); 95% t-interval.
* ``probability``: P(target), the share of replications reaching it; Wilson 95% interval.
* ``coverage-p80``: the coverage reached with 80% probability, the figure a meeting can promise
  (:func:`sim.results.projections.promised`, as ``summary.json``'s ``promised`` entry has it): the
  20th percentile of coverage on the target date over replications. Its 95% interval is the
  distribution-free one of order statistics: ranks ``Binomial(n, 0.2)``'s 2.5th and 97.5th
  percentiles.

Each objective's gain over another allocation is paired, replication by replication, as
:mod:`sim.analyses.paired` does it: a mean difference for members and P(target), a paired
bootstrap of the quantile difference for coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim.analyses.paired import mean_interval, paired_difference, promised_difference
from sim.experiment.evaluation import Evaluation
from sim.rates import wilson_interval
from sim.results.projections import promised

Array = np.ndarray[Any, Any]

OBJECTIVES = ("members", "probability", "coverage-p80")
PROMISE = 0.8


def quantile_interval(values: Array, q: float) -> tuple[float, float]:
    """Distribution-free 95% interval of the ``q`` quantile: order statistics at Binomial(n, q) ranks."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    lo, hi = stats.binom.ppf([0.025, 0.975], x.size, q)
    return float(x[max(int(lo) - 1, 0)]), float(x[min(int(hi), x.size - 1)])


@dataclass(frozen=True)
class Objective:
    """One of :data:`OBJECTIVES`: its value, 95% interval and paired gain, from evaluations."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in OBJECTIVES:
            raise ValueError(f'"objective" must be one of {", ".join(OBJECTIVES)}, got {self.name!r}')

    def per_replication(self, ev: Evaluation) -> Array:
        """The replication figures the objective summarises."""
        if self.name == "members":
            return ev.final.astype(np.float64)
        if self.name == "probability":
            return ev.reached.astype(np.float64)
        return ev.coverage

    def value(self, ev: Evaluation) -> float:
        x = self.per_replication(ev)
        return promised(x, PROMISE) if self.name == "coverage-p80" else float(x.mean())

    def interval(self, ev: Evaluation) -> tuple[float, float]:
        x = self.per_replication(ev)
        if self.name == "members":
            return mean_interval(x)[1]
        if self.name == "probability":
            return wilson_interval(int(x.sum()), x.size)
        return quantile_interval(x, 1 - PROMISE)

    def gain(self, base: Evaluation, variant: Evaluation) -> dict[str, Any]:
        """``{"mean_diff", "ci95"}`` of ``variant`` over ``base`` on common random numbers."""
        a, b = self.per_replication(base), self.per_replication(variant)
        if self.name == "coverage-p80":
            return promised_difference(a, b, PROMISE)
        return paired_difference(a, b)
