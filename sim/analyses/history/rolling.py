"""Rolling-origin backtest: whether the uncertainty of calibrated projections is the right size.

At every origin ``d`` (a date with an observed count of active members, in total or for every
segment, with history to fit before it and figures to score after it), as a planner would have:

1. **fit** the rates named by ``--fit`` to the observations from the scenario's start up to ``d``
   only (:func:`sim.analyses.history.calibration.calibrate`), giving each rate's estimate, its 90%
   interval and the relative noise level ``c`` of the published figures;
2. **project** from ``d``: the scenario re-anchored on the active members observed on ``d``
   (:func:`sim.analyses.history.backtest.reanchor_overrides`), each fitted rate drawn per replication
   from the distribution whose 5th–95th percentiles are its interval (parameter uncertainty);
3. **score** every observation in the next ``months`` months (:mod:`sim.analyses.history.scoring`):
   PIT, inside the 50% and 90% bands, the 90% interval score and the CRPS.

Each observation is scored twice. *Model*: against the replications, which hold day-to-day chance
and the uncertainty of the rates. *Published figure*: against the replications plus the figure's
own noise, a Gaussian with sd ``c·|x|/√weight`` (the noise model the fit estimated ``c`` under; an
``sd`` column, where given, replaces it): a published count differs from the true one by its base,
its date and revisions, and a projection is judged by published counts. The 90% coverage of each
(the share of observations inside the 90% band) says whether the bands are as wide as they should be.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.history import scoring
from sim.analyses.history.backtest import reanchor_overrides
from sim.analyses.history.calibrate import Writing
from sim.analyses.history.calibration import Fit, calibrate, max_evaluations, observation_dates
from sim.analyses.history.observations import FloatArray, Observation, check_against, read_observations, simulated
from sim.analyses.history.writeback import as_distribution
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import run_scenario
from sim.results.folder import check_destination, default_destination, write_csv, write_json, write_result
from sim.scenario.loader import Loaded, load_scenario, validate
from sim.scenario.paths import Override, apply
from sim.scenario.schema import Scenario

SCORED_AS = ("model", "figure")


def months_after(d: date, months: int) -> date:
    """The last day of the month ``months`` after ``d``'s month: the end of a projection from ``d``."""
    year, month = divmod(d.month - 1 + months, 12)
    y, m = d.year + year, month + 1
    return date(y, m, calendar.monthrange(y, m)[1])


def origins(s: Scenario, observations: tuple[Observation, ...], months: int, rates: int) -> list[date]:
    """Dates with an active count to restart from, at least ``rates`` figures before and one figure after."""
    out = []
    for d in sorted({o.when for o in observations if o.metric == "active"}):
        counted = {o.segment for o in observations if o.when == d and o.metric == "active"}
        whole = "" in counted or set(s.groups) <= counted
        before = [o for o in observations if s.start <= o.when <= d]
        after = [o for o in observations if d < o.when <= min(months_after(d, months), s.end)]
        if whole and len(before) >= rates and after:
            out.append(d)
    return out


def with_figure_noise(draws: FloatArray, o: Observation, level: float, rng: np.random.Generator) -> FloatArray:
    """Draws of the published figure: each replication plus Gaussian noise of sd ``c·|x|/√w`` (or the row's ``sd``)."""
    sd = np.full(draws.shape, o.sd) if o.sd is not None else level * np.abs(draws) / math.sqrt(o.weight)
    noisy: FloatArray = draws + rng.standard_normal(draws.shape) * sd
    return noisy


def score_row(o: Observation, draws: FloatArray, origin: date, fit: Fit, kind: str) -> dict[str, Any]:
    """One observation scored against one set of draws."""
    lo90, hi90 = scoring.central_band(draws, 0.9)
    return {
        "origin": origin.isoformat(),
        "scored_as": kind,
        "line": o.line,
        "date": o.when.isoformat(),
        "series": o.series,
        "observed": o.value,
        "mean": float(draws.mean()),
        "p05": lo90,
        "p95": hi90,
        "pit": scoring.pit(draws, o.value),
        "inside50": scoring.inside(draws, o.value, 0.5),
        "inside90": lo90 <= o.value <= hi90,
        "interval_score90": scoring.interval_score(lo90, hi90, o.value, 0.1),
        "crps": scoring.crps(draws, o.value),
        "fitted": {e.parameter.path: [e.value, *e.interval] for e in fit.estimates},
        "noise_level": fit.noise_level,
    }


def project_from(loaded: Loaded, observations: tuple[Observation, ...], fit: Fit, origin: date) -> Scenario:
    """The scenario restarted on ``origin``'s observed count, with each fitted rate as its fitted distribution."""
    fitted = [Override(e.parameter.path, as_distribution(e).to_data()) for e in fit.estimates]
    restart = reanchor_overrides(loaded.scenario, observations, origin)
    scenario, _ = validate(apply(loaded.raw, [*fitted, *restart]), loaded.file)
    return scenario


def at_origin(
    loaded: Loaded, observations: tuple[Observation, ...], fit_paths: list[str], origin: date, settings: RollingSettings
) -> list[dict[str, Any]]:
    """Fit up to ``origin``, project from it and score the next months, both ways."""
    s = loaded.scenario
    known = tuple(o for o in observations if o.when <= origin)
    later = tuple(o for o in observations if origin < o.when <= min(months_after(origin, settings.months), s.end))
    fit = calibrate(loaded.raw, loaded.file, s, fit_paths, known, settings.fit_replications, settings.seed)
    projection = project_from(loaded, observations, fit, origin)
    marks = tuple(sorted({o.when for o in later}))
    results = run_scenario(projection, replications=settings.replications, seed=settings.seed, marks=marks)
    rng = np.random.default_rng([settings.seed if settings.seed is not None else s.seed, origin.toordinal()])
    rows = []
    for o in later:
        draws = simulated(results, o)
        rows.append(score_row(o, draws, origin, fit, "model"))
        rows.append(score_row(o, with_figure_noise(draws, o, fit.noise_level, rng), origin, fit, "figure"))
    return rows


@dataclass(frozen=True)
class RollingSettings:
    """How far each projection reaches, and the replications of the fits and of the projections."""

    months: int = 6
    replications: int = 1000
    fit_replications: int = 200
    seed: int | None = None


def rolling_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """For each way of scoring: 90% and 50% coverage, mean PIT, and mean CRPS per series."""
    out: dict[str, Any] = {}
    for kind in SCORED_AS:
        own = [r for r in rows if r["scored_as"] == kind]
        out[kind] = {
            **scoring.band_summary(own),
            "mean_crps": {
                series: float(np.mean([r["crps"] for r in own if r["series"] == series]))
                for series in dict.fromkeys(r["series"] for r in own)
            },
        }
    return out


@dataclass(frozen=True)
class RollingBacktest:
    """Every origin's scores, their summary and the folder written."""

    scenario: Scenario
    origins: list[date]
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    folder: Path


def rolling_backtest(
    scenario: Path,
    actuals: Path,
    fit_paths: list[str],
    settings: RollingSettings,
    writing: Writing,
) -> RollingBacktest:
    """Fit up to each origin, project ``settings.months`` months, score; write ``scores.csv`` and ``scores.json``."""
    loaded = load_scenario(scenario)
    observations = read_observations(actuals)
    check_against(observations, loaded.scenario, actuals)
    if not fit_paths:
        raise ScenarioError("name the rates to refit at each origin with --fit PATH", field="--fit")
    s = loaded.scenario
    starts = origins(s, observations, settings.months, len(set(fit_paths)))
    if not starts:
        raise ScenarioError(
            f"no date from {s.start} to {s.end} has an active count with figures to fit before it and to score "
            f"in the {settings.months} months after it",
            field="--actuals",
        )
    dest = writing.out if writing.out is not None else default_destination(writing.results_dir, s)
    check_destination(dest)
    runs = len(starts) * (
        max_evaluations(len(set(fit_paths))) + math.ceil(settings.replications / settings.fit_replications)
    )
    writing.approve(
        workload.calibrate(
            workload.shape_of(s, observation_dates(observations)), s.name, runs, settings.fit_replications
        )
    )
    rows = [row for d in starts for row in at_origin(loaded, observations, fit_paths, d, settings)]
    overall = rolling_summary(rows)
    data = {
        "scenario": s.name,
        "start": s.start.isoformat(),
        "rolling": {"months": settings.months, "origins": [d.isoformat() for d in starts], "fit": fit_paths},
        "summary": overall,
        "scores": rows,
    }

    def fill(folder: Path) -> None:
        write_csv(folder / "scores.csv", [{k: v for k, v in r.items() if k != "fitted"} for r in rows])
        write_json(folder / "scores.json", data)

    info = {"seed": settings.seed if settings.seed is not None else s.seed, "replications": settings.replications}
    return RollingBacktest(s, starts, rows, overall, write_result(dest, fill, info))
