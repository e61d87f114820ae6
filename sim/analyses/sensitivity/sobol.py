"""Global sensitivity: Sobol' indices of final members and P(target), via SALib.

SALib's Saltelli/Sobol' sampler draws ``N × (D + 2)`` points of the unit cube (``D`` parameters,
first-order and total indices only). Each coordinate ``u`` becomes a parameter value through the
parameter's own quantile function, ``x = F⁻¹(u)``, so every distribution the scenario allows (beta
included, which SALib does not offer) is sampled exactly. Each point is run for ``reps``
replications with its parameters fixed; its output is the mean final members and the share of
replications reaching the target. :func:`SALib.analyze.sobol.analyze` then estimates

* ``S1`` (first order): the share of the variance explained by the parameter alone, and
* ``ST`` (total): the share it explains with all its interactions,

with bootstrap 95% intervals. Parameters are ranked by ``ST`` of final members: a figure with a
small ``ST`` is not worth measuring better, whatever its range.

Points run in chunks of about :data:`CHUNK_REPS` replications, each chunk one lock-step block
with its own spawned seed, through :func:`sim.experiment.blocks.run_scenarios` like every other run;
every replication in a chunk carries its point's values
(:class:`~sim.analyses.sensitivity.parameters.Pinned` with one value per replication).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from sim.analyses.sensitivity.parameters import Parameter, pin
from sim.experiment.blocks import Request, run_scenarios
from sim.scenario.schema import Scenario

CHUNK_REPS = 5000
SEED_OFFSET = 7919  # keeps the sampler's draws apart from the model's streams of the same seed

Array = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Design:
    """The points to run: one row per point, one column per parameter (in its own units)."""

    problem: dict[str, Any]
    points: Array


def point_count(samples: int, parameters: int) -> int:
    """Points the design runs: ``samples × (parameters + 2)`` (first-order and total indices only)."""
    return samples * (parameters + 2)


def design(parameters: list[Parameter], samples: int, seed: int) -> Design:
    """SALib's Sobol' sample of ``samples`` base points, mapped through each parameter's quantiles."""
    names = [p.path for p in parameters]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed + SEED_OFFSET)
    columns = []
    for j, p in enumerate(parameters):
        if p.distribution is None:
            raise ValueError(f"{p.path} has no distribution to sample")
        ppf = np.vectorize(p.distribution.ppf, otypes=[np.float64])
        columns.append(ppf(unit[:, j]))
    return Design(problem, np.column_stack(columns))


def evaluate(
    scenario: Scenario,
    paths: list[str],
    points: Array,
    reps: int,
    seed: int,
    workers: int = 1,
    executor: Executor | None = None,
) -> Array:
    """Outputs of every point, in order: (points, 2), mean final members and the share reaching the target.

    Chunk ``i`` is one request of one block, numbered ``i`` (its seed), whose replications carry
    their points' values; only the target figures come back.
    """
    per_chunk = max(1, CHUNK_REPS // reps)
    chunks = [points[s : s + per_chunk] for s in range(0, len(points), per_chunk)]
    requests = [
        Request(
            pin(scenario, {path: np.repeat(chunk[:, j], reps) for j, path in enumerate(paths)}),
            len(chunk) * reps,
            seed,
            block_size=len(chunk) * reps,
            first_block=i,
            finals_only=True,
        )
        for i, chunk in enumerate(chunks)
    ]
    results = run_scenarios(requests, executor=executor, workers=workers)
    final = np.concatenate([r.at_target for r in results]).reshape(len(points), reps).astype(np.float64)
    reached = final >= scenario.target.members
    out: Array = np.column_stack([final.mean(axis=1), reached.mean(axis=1)])
    return out


def indices(problem: dict[str, Any], y: Array, seed: int) -> list[dict[str, Any]] | None:
    """S1 and ST with 95% intervals per parameter, or None when the output never varies."""
    if float(np.var(y)) == 0.0:
        return None
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed + SEED_OFFSET)
    out = []
    for j, name in enumerate(problem["names"]):
        s1, s1c, st, stc = (float(si[k][j]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
        out.append(
            {"parameter": name, "S1": s1, "S1_ci95": [s1 - s1c, s1 + s1c], "ST": st, "ST_ci95": [st - stc, st + stc]}
        )
    return out


def sobol(
    scenario: Scenario,
    parameters: list[Parameter],
    *,
    samples: int,
    reps: int,
    seed: int,
    workers: int = 1,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Sobol' indices of final members and P(target) over ``parameters``, ranked by total index."""
    d = design(parameters, samples, seed)
    y = evaluate(scenario, [p.path for p in parameters], d.points, reps, seed, workers, executor)
    final = indices(d.problem, y[:, 0], seed)
    probability = indices(d.problem, y[:, 1], seed)
    ranking = sorted(final or [], key=lambda r: r["ST"], reverse=True)
    return {
        "samples": samples,
        "points": len(d.points),
        "reps_per_point": reps,
        "replications": len(d.points) * reps,
        "final": final,
        "probability": probability,
        "ranking": [r["parameter"] for r in ranking],
        "output_mean": {"final": float(y[:, 0].mean()), "probability": float(y[:, 1].mean())},
        "output_sd": {"final": float(y[:, 0].std()), "probability": float(y[:, 1].std())},
    }
