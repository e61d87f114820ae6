"""Tornado: one parameter at a time at its low and high value, the others at their distributions.

The low, high and base runs share one seed, and a fixed parameter keeps drawing from its stream
(:class:`~sim.analyses.sensitivity.parameters.Pinned`), so replication ``i`` of each run sees the same
random numbers for everything else. The swing ``high − low`` is therefore a paired difference:
its 95% interval is ``mean ± 1.96 sd/√n`` of the per-replication differences, much narrower than
two independent runs would give.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.sensitivity.parameters import Parameter, at_value
from sim.experiment.blocks import Request, run_scenarios
from sim.rates import wilson_interval
from sim.results.projections import Results
from sim.scenario.schema import Scenario

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Outcome:
    """Final members per replication and whether each reached the target."""

    final: np.ndarray[Any, np.dtype[np.float64]]
    reached: np.ndarray[Any, np.dtype[np.bool_]]

    @classmethod
    def of(cls, results: Results) -> Outcome:
        return cls(results.at_target.astype(np.float64), results.reached())

    @property
    def probability(self) -> float:
        return float(self.reached.mean())


def paired_ci(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> tuple[float, float, float]:
    """Mean of ``b − a`` over paired replications and its normal 95% interval."""
    d = np.asarray(b, dtype=np.float64) - np.asarray(a, dtype=np.float64)
    half = Z95 * float(d.std(ddof=1)) / np.sqrt(d.size) if d.size > 1 else float("nan")
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def row(parameter: Parameter, base: Outcome, low: Outcome, high: Outcome) -> dict[str, Any]:
    """One line of the tornado table."""
    swing, lo, hi = paired_ci(low.final, high.final)
    p_swing, p_lo, p_hi = paired_ci(low.reached, high.reached)
    n = low.reached.size
    return {
        "parameter": parameter.path,
        "low": parameter.low,
        "high": parameter.high,
        "range": parameter.source,
        "final_mean_low": float(low.final.mean()),
        "final_mean_high": float(high.final.mean()),
        "final_swing": swing,
        "final_swing_ci95": [lo, hi],
        "probability_low": low.probability,
        "probability_low_ci95": list(wilson_interval(int(low.reached.sum()), n)),
        "probability_high": high.probability,
        "probability_high_ci95": list(wilson_interval(int(high.reached.sum()), n)),
        "probability_swing": p_swing,
        "probability_swing_ci95": [p_lo, p_hi],
        "final_mean_base": float(base.final.mean()),
        "probability_base": base.probability,
    }


def tornado(
    scenario: Scenario,
    file: Path,
    parameters: list[Parameter],
    *,
    replications: int,
    seed: int,
    workers: int = 1,
    executor: Executor | None = None,
) -> list[dict[str, Any]]:
    """Tornado rows, largest swing in final members first (ties broken by P(target) swing).

    The base run and every parameter's low and high run go to the workers together; only their
    target figures come back.
    """
    variants = [at_value(scenario, file, p, value) for p in parameters for value in (p.low, p.high)]
    requests = [Request(s, replications, seed, finals_only=True) for s in (scenario, *variants)]
    base, *outcomes = (Outcome.of(r) for r in run_scenarios(requests, executor=executor, workers=workers))
    rows = [row(p, base, outcomes[2 * k], outcomes[2 * k + 1]) for k, p in enumerate(parameters)]
    rows.sort(key=lambda r: (abs(r["final_swing"]), abs(r["probability_swing"])), reverse=True)
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank
    return rows
