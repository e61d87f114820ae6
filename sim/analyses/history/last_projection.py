"""How our last projection did: an earlier run's result folder scored against what happened since.

A run folder keeps its projection as month-end percentiles (``monthly.csv``: mean, sd and the 5th,
25th, 50th, 75th and 95th percentile of every series), not the replications themselves. Each later
observation of the history is set against the row of its series on its date:

* its PIT, interpolated from the stored percentiles (:func:`~sim.analyses.history.scoring.pit_from_quantiles`:
  linear between them, a normal tail with the stored mean and sd beyond the 5th and 95th);
* whether it lies inside the 50% band (P25–P75) and the 90% band (P5–P95), ends included;
* the interval score of both bands (Gneiting & Raftery 2007, eq. 43): the band's width plus
  ``2/α`` times the distance by which the observation misses it (α = 0.5 and 0.1).

The CRPS needs the whole distribution and is not computed from five percentiles. Observations
before the projection's start, after its end, or of a series or date the folder does not hold are
listed as not scored. The scores go to their own result folder, by default ``scored/<time>/`` inside
the run folder, so that ``sim report`` of the run carries a "how our last projection did" section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sim.analyses.history import scoring
from sim.analyses.history.observations import Observation, read_observations
from sim.errors import Location, ScenarioError
from sim.results.files import MonthlyRow, SummaryFile, open_result, read_model, read_monthly
from sim.results.folder import check_destination, write_csv, write_json, write_result

SCORED = "scored"
PIT_METHOD = (
    "interpolated from the stored 5th, 25th, 50th, 75th and 95th percentiles: linear between them, "
    "a normal tail with the stored mean and sd beyond the 5th and the 95th"
)


@dataclass(frozen=True)
class ProjectionScore:
    """One later observation against the stored projection of its series on its date."""

    observation: Observation
    row: MonthlyRow

    @property
    def pit(self) -> float:
        r = self.row
        return scoring.pit_from_quantiles((r.p05, r.p25, r.p50, r.p75, r.p95), self.observation.value, r.mean, r.sd)

    @property
    def inside50(self) -> bool:
        return self.row.p25 <= self.observation.value <= self.row.p75

    @property
    def inside90(self) -> bool:
        return self.row.p05 <= self.observation.value <= self.row.p95

    def record(self) -> dict[str, Any]:
        o, r = self.observation, self.row
        return {
            "line": o.line,
            "date": o.when.isoformat(),
            "series": o.series,
            "observed": o.value,
            "mean": r.mean,
            "p05": r.p05,
            "p25": r.p25,
            "p50": r.p50,
            "p75": r.p75,
            "p95": r.p95,
            "pit": self.pit,
            "inside50": self.inside50,
            "inside90": self.inside90,
            "interval_score50": scoring.interval_score(r.p25, r.p75, o.value, 0.5),
            "interval_score90": scoring.interval_score(r.p05, r.p95, o.value, 0.1),
            "source": o.source,
        }


def match(
    observations: tuple[Observation, ...], rows: tuple[MonthlyRow, ...], start: date, end: date
) -> tuple[list[ProjectionScore], list[tuple[Observation, str]]]:
    """Each observation with its stored row, or the reason it cannot be scored."""
    stored = {(r.date, r.series): r for r in rows}
    scored, skipped = [], []
    for o in observations:
        row = stored.get((o.when.isoformat(), o.series))
        if o.when < start:
            skipped.append((o, "before the projection's start"))
        elif o.when > end:
            skipped.append((o, "after the projection's end"))
        elif row is None:
            skipped.append((o, f"the folder holds no {o.series} on {o.when}"))
        else:
            scored.append(ProjectionScore(o, row))
    return scored, skipped


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Band coverage and mean PIT over all scores; mean interval scores per series (in its own units)."""
    by_series: dict[str, dict[str, float]] = {}
    for name in dict.fromkeys(r["series"] for r in records):
        own = [r for r in records if r["series"] == name]
        by_series[name] = {
            "observations": len(own),
            "mean_interval_score50": sum(r["interval_score50"] for r in own) / len(own),
            "mean_interval_score90": sum(r["interval_score90"] for r in own) / len(own),
        }
    return {**scoring.band_summary(records), "by_series": by_series}


@dataclass(frozen=True)
class ScoredProjection:
    """An earlier run scored: its summary, every score and skipped observation, and the folder written."""

    projection: SummaryFile
    records: list[dict[str, Any]]
    skipped: list[tuple[Observation, str]]
    summary: dict[str, Any]
    folder: Path


def score_projection_into_folder(run: Path, actuals: Path, out: Path | None) -> ScoredProjection:
    """Score the run folder ``run`` against the history ``actuals``; write ``scores.csv`` and ``scores.json``.

    The folder goes to ``out``, or by default to ``run/scored/<time>/``.
    """
    opened = open_result(run)
    if opened.kind != "run":
        raise ScenarioError(f"is a {opened.kind} result; give a run's result folder to score", where=Location(run))
    projection = read_model(run / "summary.json", SummaryFile)
    observations = read_observations(actuals)
    start, end = date.fromisoformat(projection.start), date.fromisoformat(projection.end)
    scores, skipped = match(observations, read_monthly(run / "monthly.csv"), start, end)
    if not scores:
        raise ScenarioError(
            f"no observation falls on a stored date of the projection's series from {start} to {end}", field="--actuals"
        )
    dest = out if out is not None else run / SCORED / datetime.now().strftime("%Y%m%dT%H%M%S")
    check_destination(dest)
    records = [s.record() for s in scores]
    overall = summary(records)
    data = {
        "scenario": projection.scenario,
        "start": projection.start,
        "projection": str(run),
        "actuals": str(actuals),
        "pit_method": PIT_METHOD,
        "summary": overall,
        "scores": records,
        "not_scored": [
            {"line": o.line, "date": o.when.isoformat(), "series": o.series, "why": why} for o, why in skipped
        ],
    }

    def fill(folder: Path) -> None:
        write_csv(folder / "scores.csv", records)
        write_json(folder / "scores.json", data)

    info = {"seed": projection.seed, "replications": projection.replications}
    return ScoredProjection(projection, records, skipped, overall, write_result(dest, fill, info))
