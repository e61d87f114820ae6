"""Backtests: how well a projection did against the figures that came out after it was made.

The scenario is projected from its start; every later observation inside the horizon is scored
against the replications' values of its series on its date (:mod:`sim.analyses.history.scoring`): its PIT
percentile, whether it lies inside the central 50% and 90% bands, the interval score of the 90%
band, and the CRPS.

Re-anchoring (``--reanchor DATE``) restarts the projection where a planner would mid-semester: the
horizon starts the day after DATE, and the baseline's active members are the ones observed on DATE,
per segment if the history has them, otherwise the observed total apportioned across segments in the
proportions of the scenario's own baseline (largest remainders, so the parts add up to the total).
Inactive members stay as the scenario had them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analyses.history import scoring
from sim.analyses.history.calibrate import Writing
from sim.analyses.history.last_projection import ScoredProjection, score_projection_into_folder
from sim.analyses.history.observations import Observation, check_against, parse_date, read_observations, simulated
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import default_workers, run_scenario
from sim.results.folder import (
    check_destination,
    default_destination,
    write_csv,
    write_json,
    write_result,
    write_scenario,
)
from sim.results.projections import Results
from sim.scenario.loader import load_scenario, validate
from sim.scenario.paths import Override, apply
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.analyses.history.rolling import RollingBacktest  # it imports this module


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` with whole parts that add up (largest remainders)."""
    whole = sum(weights)
    shares = [w / whole for w in weights] if whole > 0 else [1.0 / len(weights)] * len(weights)
    exact = [total * s for s in shares]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def reanchor_overrides(scenario: Scenario, observations: tuple[Observation, ...], when: date) -> list[Override]:
    """Overrides that restart ``scenario`` from the active members observed on ``when``."""
    on_day = [o for o in observations if o.when == when and o.metric == "active"]
    if not on_day:
        dates = sorted({o.when.isoformat() for o in observations if o.metric == "active"})
        raise ScenarioError(
            f"no active-member observation on {when}; dated: {', '.join(dates) or 'none'}", field="--reanchor"
        )
    by_segment = {o.segment: round(o.value) for o in on_day if o.segment}
    totals = [round(o.value) for o in on_day if not o.segment]
    overrides = [Override("start", (when + timedelta(days=1)).isoformat())]
    if not scenario.segmented:
        value = totals[0] if totals else sum(by_segment.values())
        return [*overrides, Override("baseline.active", value)]
    if set(scenario.groups) <= set(by_segment):
        return [*overrides, Override("baseline.active", {g: by_segment[g] for g in scenario.groups})]
    if not totals:
        raise ScenarioError(
            f"{when}: active members are given for {', '.join(sorted(by_segment))} only; "
            "give every segment or the total",
            field="--reanchor",
        )
    parts = apportion(totals[0], scenario.per_group(scenario.baseline.active))
    return [*overrides, Override("baseline.active", dict(zip(scenario.groups, parts, strict=True)))]


@dataclass(frozen=True)
class Score:
    """One observation scored against the projection."""

    observation: Observation
    mean: float
    median: float
    band50: tuple[float, float]
    band90: tuple[float, float]
    pit: float
    crps: float
    interval_score90: float

    @property
    def inside50(self) -> bool:
        return self.band50[0] <= self.observation.value <= self.band50[1]

    @property
    def inside90(self) -> bool:
        return self.band90[0] <= self.observation.value <= self.band90[1]

    def row(self) -> dict[str, Any]:
        o = self.observation
        return {
            "line": o.line,
            "date": o.when.isoformat(),
            "series": o.series,
            "observed": o.value,
            "mean": self.mean,
            "median": self.median,
            "p05": self.band90[0],
            "p25": self.band50[0],
            "p75": self.band50[1],
            "p95": self.band90[1],
            "pit": self.pit,
            "inside50": self.inside50,
            "inside90": self.inside90,
            "interval_score90": self.interval_score90,
            "crps": self.crps,
            "source": o.source,
        }


def score(results: Results, o: Observation) -> Score:
    """Score one observation against the replications' values on its date."""
    draws = simulated(results, o)
    band90 = scoring.central_band(draws, 0.9)
    return Score(
        observation=o,
        mean=float(draws.mean()),
        median=float(np.median(draws)),
        band50=scoring.central_band(draws, 0.5),
        band90=band90,
        pit=scoring.pit(draws, o.value),
        crps=scoring.crps(draws, o.value),
        interval_score90=scoring.interval_score(*band90, o.value, 0.1),
    )


def later(observations: tuple[Observation, ...], scenario: Scenario) -> tuple[Observation, ...]:
    """Observations after the scenario's start and up to its end: the ones a projection can be scored on."""
    return tuple(o for o in observations if scenario.start <= o.when <= scenario.end)


@dataclass(frozen=True)
class Backtest:
    """A projection and its scores: every observation inside the horizon, and those outside it."""

    scenario: Scenario
    results: Results
    scores: tuple[Score, ...]
    skipped: tuple[Observation, ...]


def backtest(
    scenario: Scenario,
    observations: tuple[Observation, ...],
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
) -> Backtest:
    """Project ``scenario`` on ``workers`` processes, recording the observation dates in its horizon; score each."""
    inside = later(observations, scenario)
    marks = tuple(sorted({o.when for o in inside}))
    results = run_scenario(scenario, replications=replications, seed=seed, marks=marks, workers=workers)
    skipped = tuple(o for o in observations if o not in inside)
    return Backtest(scenario, results, tuple(score(results, o) for o in inside), skipped)


def summary(scores: tuple[Score, ...]) -> dict[str, Any]:
    """PIT and band coverage over all scored observations; CRPS and interval score per series (own units)."""
    n = len(scores)
    if n == 0:
        return {"observations": 0}
    by_series: dict[str, dict[str, float]] = {}
    for name in dict.fromkeys(s.observation.series for s in scores):
        own = [s for s in scores if s.observation.series == name]
        by_series[name] = {
            "observations": len(own),
            "mean_crps": sum(s.crps for s in own) / len(own),
            "mean_interval_score90": sum(s.interval_score90 for s in own) / len(own),
        }
    return {**scoring.band_summary([s.row() for s in scores]), "by_series": by_series}


@dataclass(frozen=True)
class Backtested:
    """A backtest as ``sim backtest`` writes it: the projection and scores, their averages, the folder."""

    backtest: Backtest
    summary: dict[str, Any]
    folder: Path


def backtest_into_folder(
    scenario: Path,
    actuals: Path,
    *,
    reanchor: str | None,
    reps: int | None,
    seed: int | None,
    writing: Writing,
    rolling: int | None = None,
    fit: Sequence[str] = (),
) -> Backtested | ScoredProjection | RollingBacktest:
    """Project ``scenario`` (re-anchored on ``reanchor`` if given), score it and write the result folder.

    The folder holds ``scores.csv``, ``scores.json`` (with the averages), ``backtest.png``, the
    scenario as projected and ``run.json``. Given an earlier run's result folder instead of a
    scenario, scores the projection it holds (:mod:`sim.analyses.history.last_projection`). With
    ``rolling`` months, refits ``fit`` up to each origin and scores the projection from it
    (:mod:`sim.analyses.history.rolling`).
    """
    if rolling is not None:
        from sim.analyses.history.rolling import RollingSettings, rolling_backtest

        if reanchor is not None:
            raise ScenarioError("--rolling restarts at every observed count already", field="--reanchor")
        settings = RollingSettings(rolling, reps or 1000, seed=seed)
        return rolling_backtest(scenario, actuals, list(fit), settings, writing)
    if scenario.is_dir():
        given = [name for name, value in (("--reanchor", reanchor), ("--reps", reps), ("--seed", seed)) if value]
        if given:
            raise ScenarioError(
                f"{scenario} is a result folder: its projection is scored as it was made", field=given[0]
            )
        return score_projection_into_folder(scenario, actuals, writing.out)
    loaded = load_scenario(scenario)
    observations = read_observations(actuals)
    check_against(observations, loaded.scenario, actuals)
    s = loaded.scenario
    if reanchor is not None:
        try:
            when = parse_date(reanchor)
        except ValueError:
            raise ScenarioError(
                f"expected a date YYYY-MM-DD or YYYY-MM, got {reanchor!r}", field="--reanchor"
            ) from None
        s, _ = validate(apply(loaded.raw, reanchor_overrides(s, observations, when)), loaded.file)
    dest = writing.out if writing.out is not None else default_destination(writing.results_dir, s)
    check_destination(dest)
    marks = tuple(sorted({o.when for o in later(observations, s)}))
    work = partial(workload.run, workload.shape_of(s, marks), s.name, reps or s.replications)
    workers = workload.processes(work, default_workers())
    writing.approve(work(workers))
    done = backtest(s, observations, reps, seed, workers)
    if not done.scores:
        raise ScenarioError(f"no observation falls inside the horizon {s.start} to {s.end}", field="--actuals")
    overall = summary(done.scores)
    rows = [x.row() for x in done.scores]
    info = {
        "seed": seed if seed is not None else s.seed,
        "replications": reps or s.replications,
        "reanchored_on": reanchor,
    }

    def fill(folder: Path) -> None:
        write_csv(folder / "scores.csv", rows)
        write_json(
            folder / "scores.json",
            {"scenario": s.name, "start": s.start.isoformat(), "summary": overall, "scores": rows},
        )
        used = [(x.observation, 0.0, f"PIT={x.pit:.2f}") for x in done.scores]
        writing.plot_fit(
            folder / "backtest.png", done.results, used, done.skipped, f"{s.name}: projected from {s.start}"
        )
        write_scenario(folder, s, f"# Projected scenario, from {scenario}\n")

    return Backtested(done, overall, write_result(dest, fill, info))
