"""Projections of a run and the figures planners read from them.

:class:`Results` holds the recorded stocks of every replication; :meth:`Results.summary` turns them
into the verdict on the target, per-channel enrolments and semester tables, and
:meth:`Results.monthly_rows` into the month-end percentiles written to ``monthly.csv``.

*Probability of reaching the target* is the share of replications whose target metric (active
members, or registered) on ``target.by`` is at least ``target.members``, with a Wilson 95% interval
for the Monte Carlo error of that share.

*Promised coverage* is the inverse: the figure a meeting can promise with probability ``p`` (80% or
50%). It is the largest value that at least ``p`` of the replications reach on ``target.by``: with
``n`` replications, the ``⌈p·n⌉``-th highest, a 20th (or 50th) percentile of the lower-tail kind,
``−quantile(−x, p, method="inverted_cdf")``. It is given for coverage (active members over the working
population) and for the target metric in members.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property, partial
from typing import Any, TypeVar

import numpy as np

from sim.model.layout import Layout, layout_of
from sim.rates import DAYS_PER_MONTH, wilson_interval
from sim.results.counts import Counts
from sim.results.spread import spread
from sim.results.table import Table
from sim.scenario.calendar import Horizon
from sim.scenario.schema import Scenario

Array = np.ndarray[Any, Any]
T = TypeVar("T")

QUANTILES = (5, 25, 50, 75, 95)
# monthly.csv's figures are taken this many bytes of series (as float64) at a time: batches that
# stay in cache. Measured on the team's 2-core AMD EPYC, 1 MiB against 8 MB: bali-2025's 10,000
# replications 7.5 against 14 ms once warm, national-2026's 1,000 113 against 120 ms in a new process.
DESCRIBE_BYTES = 1 << 20

PROMISE_PROBABILITIES = (0.8, 0.5)

PUBLISHED_STREAM = 0x7075626C  # "publ": the figure noise's own stream of the seed

PROMISE_DEFINITION = (
    "the largest figure at least P of the replications reach on target.by: the ceil(P*n)-th highest of "
    "n replications (p80: P = 0.8, the 20th percentile; p50: P = 0.5, the median)"
)


def verdict(probability: float) -> str:
    """A plain-words reading of P(target)."""
    if probability >= 0.95:
        return "on track"
    if probability >= 0.5:
        return "more likely than not"
    if probability > 0.05:
        return "at risk"
    return "off track"


def describe(values: Array) -> dict[str, float]:
    """Mean, sd and the 5th, 25th, 50th, 75th and 95th percentiles over replications."""
    return describe_each(np.asarray(values)[None, :])[0]


def describe_each(values: Array) -> list[dict[str, float]]:
    """:func:`describe` of each row of ``values`` (replications along the last axis), in a few NumPy calls.

    NumPy reduces each row of a C-ordered array as it would the row alone (the same pairwise sums,
    the same order statistics), so the figures are those of row-by-row calls, bit for bit.
    """
    columns = {name: column.tolist() for name, column in spread(values, QUANTILES).items()}
    return [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]


def promised(values: Array, probability: float) -> float:
    """The largest value at least ``probability`` of the replications reach: the ``⌈p·n⌉``-th highest.

    Over the replications' empirical distribution, ``P(X ≥ c) ≥ p`` holds for this ``c`` and for no
    larger one.
    """
    return _promised_of_sorted(np.sort(np.asarray(values, dtype=np.float64)), probability)


def _promised_of_sorted(x: Array, probability: float) -> float:
    if not 0 < probability <= 1:
        raise ValueError(f'"probability" must be in (0, 1], got {probability}')
    # round first: 0.8 * 700 is 560.0000000000001 in floating point, and its ceiling would be 561
    k = max(1, math.ceil(round(probability * x.size, 9)))
    return float(x[x.size - k])


def promise_figures(values: Array) -> dict[str, float]:
    """``{"p80": ..., "p50": ...}``: what is reached with 80% and with 50% probability."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    return {f"p{round(p * 100)}": _promised_of_sorted(x, p) for p in PROMISE_PROBABILITIES}


@dataclass(frozen=True)
class Figures:
    """``monthly.csv``'s figures of some series: each figure's values, series by series, record date by date."""

    series: tuple[str, ...]
    values: dict[str, Array]  # each figure (mean, sd, p05, ...): (len(series) * record dates,)


def _taken(series: list[T]) -> Iterator[T]:
    """``series`` in order, each let go as it is taken.

    A region's active total is computed once for its three series (``cache``) and would otherwise
    stay held, with every other region's, until the last series is described: 38 regions of
    national-2026 held 570 MB at 100,000 replications.
    """
    series.reverse()
    while series:
        yield series.pop()


def monthly_table(dates: Sequence[date], parts: Sequence[Figures]) -> Table:
    """``monthly.csv``'s rows from the figures of consecutive parts of the series, in order."""
    days = [when.isoformat() for when in dates]
    described = [part for part in parts if part.series]
    names = [name for part in described for name in part.series]
    keys = list(described[0].values) if described else []
    columns = [np.concatenate([part.values[key] for part in described]).tolist() for key in keys]
    return Table(("date", "series", *keys), (days * len(names), [name for name in names for _ in days], *columns))


@dataclass(frozen=True)
class Results:
    """Recorded stocks of every replication (last axis) at each record day (first axis).

    The month-end counts are read through :class:`~sim.results.counts.Counts`, held in memory or
    spilled to a temporary file for a very large run; the target figures are always held.
    """

    scenario: Scenario
    seed: int
    horizon: Horizon
    active: Counts  # (records, groups, reps), including funded members
    inactive: Counts
    enrolled: Counts  # (records, channels, reps)
    lapsed: Counts  # (records, 1, reps): summed over groups, all any figure reads
    reactivated: Counts
    at_target: Array  # (reps,)
    crossed_on: Array  # (reps,)

    @property
    def replications(self) -> int:
        return int(self.at_target.shape[0])

    def held_bytes(self) -> int:
        """Bytes of per-replication results held in memory (spilled counts hold none)."""
        counts = (self.active, self.inactive, self.enrolled, self.lapsed, self.reactivated)
        return sum(c.held_bytes for c in counts) + int(self.at_target.nbytes + self.crossed_on.nbytes)

    @cached_property
    def workers(self) -> Array:
        """Workers per record day and group."""
        from sim.model.block import workforce

        days: Array = workforce(self.scenario, self.horizon.days)[list(self.horizon.record_days)]
        return days

    @cached_property
    def layout(self) -> Layout:
        return layout_of(self.scenario)

    def baseline_metric(self) -> int:
        s = self.scenario
        total = sum(self.layout.active)
        if s.target.metric == "registered":
            total += sum(self.layout.inactive)
        return total

    def reached(self) -> Array:
        return self.at_target >= self.scenario.target.members

    def target_summary(self) -> dict[str, Any]:
        s, h = self.scenario, self.horizon
        hits = int(self.reached().sum())
        p = hits / self.replications
        lo, hi = wilson_interval(hits, self.replications)
        months = (h.day_of(s.target.by) + 1) / DAYS_PER_MONTH
        base = self.baseline_metric()
        mean_final = float(self.at_target.mean())
        crossed = self.crossed_on[self.crossed_on >= 0]
        crossing: dict[str, Any] = {"share": float(crossed.size / self.replications)}
        if crossed.size:
            days = np.percentile(crossed, QUANTILES, method="lower")
            crossing.update({f"p{q:02d}": h.date_of(int(d)).isoformat() for q, d in zip(QUANTILES, days, strict=True)})
        return {
            "members": s.target.members,
            "by": s.target.by.isoformat(),
            "metric": s.target.metric,
            "probability": p,
            "probability_ci95": [lo, hi],
            "verdict": verdict(p),
            "baseline": base,
            "gap_mean": max(0.0, s.target.members - mean_final),
            "months": months,
            "needed_per_month": (s.target.members - base) / months,
            "projected_per_month": (mean_final - base) / months,
            "first_crossed": crossing,
        }

    def published(self) -> Array:
        """The target metric as it would be published: each replication times ``1 + c·ε``, ε standard normal.

        ``c`` is ``target.figure_noise``, the relative noise of published figures that ``sim calibrate``
        estimates; the draws come from their own stream of the seed, so the model's figures do not move.
        """
        rng = np.random.default_rng([self.seed, PUBLISHED_STREAM])
        noise = rng.standard_normal(self.replications) * (self.scenario.target.figure_noise or 0.0)
        out: Array = self.at_target * (1 + noise)
        return out

    def published_summary(self) -> dict[str, Any]:
        """The ``published`` entry of ``summary.json``: the band and P(target) of the published figure."""
        figure = self.published()
        hits = int((figure >= self.scenario.target.members).sum())
        p = hits / self.replications
        return {
            "figure_noise": self.scenario.target.figure_noise,
            "final": describe(figure),
            "probability": p,
            "probability_ci95": list(wilson_interval(hits, self.replications)),
            "verdict": verdict(p),
        }

    def _row_of(self, day: int) -> int:
        return self.horizon.record_days.index(day)

    def coverage_at(self, row: int) -> Array:
        """Active members as a share of the working population, per replication."""
        total_workers = float(self.workers[row].sum())
        share: Array = self.active.row(row).sum(axis=0) / total_workers
        return share

    def target_row(self) -> int:
        """The record row of ``target.by``."""
        return self._row_of(self.horizon.day_of(self.scenario.target.by))

    def promised_coverage(self, probability: float = 0.8) -> float:
        """Coverage on ``target.by`` reached with ``probability`` (see :func:`promised`)."""
        return promised(self.coverage_at(self.target_row()), probability)

    def promise_summary(self) -> dict[str, Any]:
        """The ``promised`` entry of ``summary.json``: coverage and target members reached with 80% and 50%."""
        s = self.scenario
        return {
            "by": s.target.by.isoformat(),
            "metric": s.target.metric,
            "definition": PROMISE_DEFINITION,
            "coverage": promise_figures(self.coverage_at(self.target_row())),
            "members": promise_figures(self.at_target),
        }

    def channel_summary(self) -> list[dict[str, Any]]:
        last = self.enrolled.row(-1)
        total = max(1.0, float(last.sum(axis=0).mean()))
        out = []
        for ch, d in zip(self.scenario.channels, describe_each(last), strict=True):
            out.append(
                {
                    "name": ch.name,
                    "kind": ch.kind,
                    "segment": ch.segment or "all",
                    "enrolled_mean": d["mean"],
                    "enrolled_p05": d["p05"],
                    "enrolled_p95": d["p95"],
                    "share_of_enrolments": d["mean"] / total,
                }
            )
        return out

    def semester_summary(self) -> list[dict[str, Any]]:
        s = self.scenario
        baseline = np.asarray(self.layout.active, dtype=np.int64).sum()
        out = []
        for sem in self.horizon.semesters:
            end = self._row_of(sem.last_day)
            start = self._row_of(sem.first_day - 1) if sem.first_day > 0 else None

            def delta(a: Counts, start: int | None = start, end: int = end) -> Array:
                change: Array = a.row(end) - (a.row(start) if start is not None else 0)
                return change

            opening = self.active.row(start).sum(axis=0) if start is not None else np.full(self.replications, baseline)
            closing = self.active.row(end).sum(axis=0)
            d = describe(closing)
            enrolled = delta(self.enrolled)
            out.append(
                {
                    "semester": sem.label,
                    "from": self.horizon.date_of(sem.first_day).isoformat(),
                    "to": self.horizon.date_of(sem.last_day).isoformat(),
                    "opening_active_mean": float(opening.mean()),
                    "closing_active_mean": d["mean"],
                    "closing_active_p05": d["p05"],
                    "closing_active_p95": d["p95"],
                    "enrolled_mean": float(enrolled.sum(axis=0).mean()),
                    "enrolled_by_channel": {ch.name: float(enrolled[i].mean()) for i, ch in enumerate(s.channels)},
                    "lapsed_mean": float(delta(self.lapsed).sum(axis=0).mean()),
                    "reactivated_mean": float(delta(self.reactivated).sum(axis=0).mean()),
                    "net_change_mean": float((closing - opening).mean()),
                }
            )
        return out

    def summary(self, version: str = "", warnings: tuple[str, ...] = ()) -> dict[str, Any]:
        """Everything ``summary.json`` holds, as plain JSON-ready values."""
        s = self.scenario
        row = self.target_row()
        return {
            "scenario": s.name,
            "version": version,
            "replications": self.replications,
            "seed": self.seed,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "target": self.target_summary(),
            "final": describe(self.at_target),
            "coverage": describe(self.coverage_at(row)),
            "promised": self.promise_summary(),
            **({"published": self.published_summary()} if s.target.figure_noise else {}),
            "workers_at_target": float(self.workers[row].sum()),
            "channels": self.channel_summary(),
            "semesters": self.semester_summary(),
            **({"regions": self.region_summary()} if s.regions else {}),
            "warnings": list(warnings),
        }

    def region_summary(self) -> list[dict[str, Any]]:
        """Each region's projection on its own target date (or the national one), and its verdict."""
        s, out = self.scenario, []
        for region in self.layout.regions:
            target = region.target
            by = target.by if target is not None else s.target.by
            metric = target.metric if target is not None else s.target.metric
            row, groups = self._row_of(self.horizon.day_of(by)), list(region.groups)
            active = self.active.row(row, groups).sum(axis=0)
            value = active + self.inactive.row(row, groups).sum(axis=0) if metric == "registered" else active
            workers = float(self.workers[row, groups].sum())
            entry: dict[str, Any] = {
                "name": region.name,
                "by": by.isoformat(),
                "metric": metric,
                "workers": workers,
                "baseline": sum(self.layout.active[g] for g in groups),
                "final": describe(value),
                "promised": {
                    "coverage": promise_figures(active / workers),
                    "members": promise_figures(value),
                },
                "target": None,
            }
            if target is not None:
                hits = int((value >= target.members).sum())
                p = hits / self.replications
                entry["target"] = {
                    "members": target.members,
                    "gap_mean": max(0.0, target.members - float(value.mean())),
                    "probability": p,
                    "probability_ci95": list(wilson_interval(hits, self.replications)),
                    "verdict": verdict(p),
                }
            out.append(entry)
        return out

    def record_dates(self) -> tuple[date, ...]:
        return self.horizon.record_dates

    def series(self) -> dict[str, Array]:
        """Every recorded series, by name: (records, reps) arrays."""
        return dict(self.each_series())

    def each_series(self) -> Iterator[tuple[str, Array]]:
        """Every recorded series with its name, one at a time, so that a caller need not hold them all."""
        for name, values in _taken(self._series()):
            yield name, values()

    def series_count(self) -> int:
        """How many series :meth:`each_series` gives (without computing them)."""
        return len(self._series())

    def _series(self) -> list[tuple[str, Callable[[], Array]]]:
        """Every recorded series' name, and how to compute it."""
        s = self.scenario
        # The totals a few series share, each computed once (a spilled run reads them from disk).
        active, inactive = cache(self.active.total), cache(self.inactive.total)
        out: list[tuple[str, Callable[[], Array]]] = [
            ("active", active),
            ("inactive", inactive),
            ("registered", lambda: active() + inactive()),
            ("coverage", lambda: active() / self.workers.sum(axis=1)[:, None]),
            ("lapsed", self.lapsed.total),
            ("reactivated", self.reactivated.total),
        ]
        for region in self.layout.regions:
            out += self._region_series(region.name, list(region.groups))
        if s.segmented or s.regions:
            for g, name in enumerate(self.layout.groups):
                out += [
                    (f"active[{name}]", partial(self.active.item, g)),
                    (f"inactive[{name}]", partial(self.inactive.item, g)),
                ]
        out += [(f"enrolled[{ch.name}]", partial(self.enrolled.item, i)) for i, ch in enumerate(s.channels)]
        return out

    def _region_series(self, region: str, groups: list[int]) -> list[tuple[str, Callable[[], Array]]]:
        active = cache(partial(self.active.total, groups))
        return [
            (f"active[{region}]", active),
            (f"registered[{region}]", lambda: active() + self.inactive.total(groups)),
            (f"coverage[{region}]", lambda: active() / self.workers[:, groups].sum(axis=1)[:, None]),
        ]

    def monthly_rows(self) -> Table:
        """One row per record date and series, with mean, sd and percentiles."""
        return monthly_table(self.record_dates(), [self.monthly_figures()])

    def monthly_figures(self, start: int = 0, stop: int | None = None) -> Figures:
        """``monthly.csv``'s figures of series ``start`` to ``stop`` (of :meth:`each_series`), at every record date.

        The series are taken a batch of about :data:`DESCRIBE_BYTES` at a time (as float64), each
        batch in a few NumPy calls, so that memory stays bounded whatever the number of
        replications. A row's figures are its own whatever rows share its batch, so a run's figures
        are the same whether its series are described at once or in parts (:func:`monthly_table`).
        """
        records = len(self.record_dates())
        per_batch = max(1, DESCRIBE_BYTES // (8 * records * max(1, self.replications)))
        names: list[str] = []
        parts: list[dict[str, Array]] = []
        batch: list[tuple[str, Array]] = []

        def flush() -> None:
            parts.append(spread(np.concatenate([values for _, values in batch]), QUANTILES))
            names.extend(name for name, _ in batch)
            batch.clear()

        for name, values in _taken(self._series()[start:stop]):
            item = (name, values())
            if batch and (item[1].dtype.kind == "f") != (batch[0][1].dtype.kind == "f"):
                flush()  # counts and shares apart, so that counts keep their whole-number dtype
            batch.append(item)
            if len(batch) == per_batch:
                flush()
        if batch:
            flush()
        return Figures(
            tuple(names), {key: np.concatenate([part[key] for part in parts]) for key in parts[0]} if parts else {}
        )
