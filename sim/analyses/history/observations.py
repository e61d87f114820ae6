"""Dated observations of what happened: the history a scenario is calibrated to or scored against.

A CSV with one published figure per row::

    date,metric,value,segment,channel,region,source,weight,sd
    2023-11-30,active,538504,pu,,Bali,siaranbali.com,,
    2025-06,active,897832,,,Bali,ANTARA Bali 2025,1,

``date`` is ``YYYY-MM-DD``, or ``YYYY-MM`` for a figure "as of" a month, read as its last day.
``metric`` is ``active``, ``registered``, ``coverage`` (active members / workers) or ``enrolled``
(cumulative enrolments of the channel named in ``channel``). ``segment`` narrows ``active``,
``registered`` or ``coverage`` to one segment: a group of the scenario (``pu``, or ``Bali/pu`` in a
national one), or in a national scenario a segment of every region (``pu``: the sum of all ``*/pu``).
``sd`` is the figure's noise level in its own units; ``weight`` (default 1) scales an estimated
noise level instead: a row of weight ``w`` is trusted like ``w`` rows of weight 1. ``region`` and
``source`` are carried through to reports.

Every problem is one :class:`~sim.errors.ScenarioError` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import Location, ScenarioError
from sim.results.projections import Results
from sim.scenario.calendar import days_in_month
from sim.scenario.schema import Scenario
from sim.scenario.textfile import TextKind, read_text

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

METRICS = ("active", "registered", "coverage", "enrolled")
REQUIRED = ("date", "metric", "value")
OPTIONAL = ("segment", "channel", "region", "source", "weight", "sd", "note")
HISTORY_FILE = TextKind("history", ".csv", "CSV")


@dataclass(frozen=True)
class Observation:
    """One published figure, with where it was read from."""

    when: date
    metric: str
    value: float
    segment: str = ""
    channel: str = ""
    region: str = ""
    source: str = ""
    weight: float = 1.0
    sd: float | None = None
    note: str = ""
    line: int = 0

    @property
    def series(self) -> str:
        """The name of the simulated series it is compared with, e.g. ``active[pu]``."""
        if self.metric == "enrolled":
            return f"enrolled[{self.channel}]"
        return f"{self.metric}[{self.segment}]" if self.segment else self.metric

    @property
    def label(self) -> str:
        return f"{self.when.isoformat()} {self.series}"


def parse_date(text: str) -> date:
    """``YYYY-MM-DD``, or ``YYYY-MM`` read as that month's last day."""
    parts = text.strip().split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        first = date(int(parts[0]), int(parts[1]), 1)
        return first.replace(day=days_in_month(first))
    return date.fromisoformat(text.strip())


def _number(text: str, column: str, where: Location, *, positive: bool = False) -> float:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise ScenarioError(f"expected a number, got {text!r}", where=where, field=column) from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        allowed = "> 0" if positive else ">= 0"
        raise ScenarioError(f"must be a finite number {allowed}, got {text!r}", where=where, field=column)
    return value


def _row(row: dict[str, str], where: Location) -> Observation:
    cell = {k: (row.get(k) or "").strip() for k in (*REQUIRED, *OPTIONAL)}
    try:
        when = parse_date(cell["date"])
    except ValueError:
        raise ScenarioError(
            f"expected a date YYYY-MM-DD or YYYY-MM, got {cell['date']!r}", where=where, field="date"
        ) from None
    metric = cell["metric"]
    if metric not in METRICS:
        raise ScenarioError(f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}", where=where, field="metric")
    if metric == "enrolled" and not cell["channel"]:
        raise ScenarioError("metric enrolled needs the channel's name", where=where, field="channel")
    if metric != "enrolled" and cell["channel"]:
        raise ScenarioError(f"channel is only for metric enrolled, not {metric}", where=where, field="channel")
    value = _number(cell["value"], "value", where)
    if metric == "coverage" and value > 1:
        raise ScenarioError(f"coverage is a share in [0, 1], got {cell['value']}", where=where, field="value")
    return Observation(
        when=when,
        metric=metric,
        value=value,
        segment=cell["segment"],
        channel=cell["channel"],
        region=cell["region"],
        source=cell["source"],
        weight=_number(cell["weight"], "weight", where, positive=True) if cell["weight"] else 1.0,
        sd=_number(cell["sd"], "sd", where, positive=True) if cell["sd"] else None,
        note=cell["note"],
        line=where.line or 0,
    )


def _cells(line: str, where: Location) -> list[str]:
    """One CSV line's cells; a line the csv module cannot split (a field over its size limit) is an error."""
    try:
        return next(csv.reader([line]))
    except csv.Error as exc:
        raise ScenarioError(f"cannot read this line as CSV: {exc}", where=where, field="line") from None


def _columns(header: str, where: Location) -> list[str]:
    """The header's column names: the required ones present, none unknown."""
    columns = [c.strip() for c in _cells(header, where)]
    separator = next((sep for sep in ";\t|" if sep in header), None)
    if len(columns) == 1 and separator is not None:
        raise ScenarioError(
            f"the columns are separated by {separator!r}; separate them with commas: {','.join(REQUIRED)},...",
            where=where,
        )
    for column in REQUIRED:
        if column not in columns:
            raise ScenarioError(
                f"missing column {column!r}; required: {', '.join(REQUIRED)}", where=where, field=column
            )
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise ScenarioError(
            f"unknown column {unknown[0]!r}; allowed: {', '.join(REQUIRED + OPTIONAL)}", where=where, field=unknown[0]
        )
    return columns


def read_observations(path: Path) -> tuple[Observation, ...]:
    """Read and check a history CSV; lines starting with ``#`` are comments.

    The file passes the same checks as a scenario file first (:func:`~sim.scenario.textfile.read_text`):
    a regular file, at most a megabyte, UTF-8 text.
    """
    text = read_text(path, HISTORY_FILE)
    if not text.strip():
        raise ScenarioError(
            f"file is empty; a history has a header line ({','.join(REQUIRED)},...) and one row per figure",
            where=Location(path),
        )
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    numbered = [(n, line) for n, line in numbered if not line.lstrip().startswith("#")]
    if not numbered:
        raise ScenarioError("no header line; expected columns " + ",".join(REQUIRED), where=Location(path))
    header_line, header = numbered[0]
    columns = _columns(header, Location(path, header_line))
    out = []
    for n, line in numbered[1:]:
        cells = _cells(line, Location(path, n))
        if len(cells) > len(columns):
            raise ScenarioError(
                f"{len(cells)} cells but the header has {len(columns)} columns; "
                'put quotes around a value that holds a comma, e.g. "44,500"',
                where=Location(path, n),
                field="line",
            )
        out.append(_row(dict(zip(columns, cells, strict=False)), Location(path, n)))
    if not out:
        raise ScenarioError("no observations after the header", where=Location(path, header_line))
    return tuple(out)


def segment_groups(scenario: Scenario, segment: str) -> list[int]:
    """The groups a ``segment`` cell names: that group, or in a national scenario every region's segment."""
    if segment in scenario.groups:
        return [scenario.groups.index(segment)]
    if not scenario.regions:
        return []
    return [i for i, g in enumerate(scenario.groups) if g.rpartition("/")[2] == segment]


def check_against(observations: tuple[Observation, ...], scenario: Scenario, file: Path) -> None:
    """Refuse rows naming a segment or channel the scenario does not have."""
    channels = [ch.name for ch in scenario.channels]
    for o in observations:
        where = Location(file, o.line)
        if o.segment and not segment_groups(scenario, o.segment):
            allowed = ", ".join(scenario.groups) if scenario.segmented else "none (the scenario has no segments)"
            raise ScenarioError(
                f"segment {o.segment!r} is not in the scenario; allowed: {allowed}", where=where, field="segment"
            )
        if o.channel and o.channel not in channels:
            raise ScenarioError(
                f"no channel named {o.channel!r}; channels: {', '.join(channels)}", where=where, field="channel"
            )


def trajectory(results: Results, o: Observation) -> FloatArray:
    """The replications' values of the series ``o`` observes, on every record date: (records, reps)."""
    s = results.scenario
    if o.metric == "enrolled":
        return np.asarray(results.enrolled.item([ch.name for ch in s.channels].index(o.channel)), dtype=np.float64)
    groups = segment_groups(s, o.segment) if o.segment else None
    rows = slice(None) if groups is None else groups
    active = results.active.total(groups)
    if o.metric == "active":
        return np.asarray(active, dtype=np.float64)
    if o.metric == "registered":
        return np.asarray(active + results.inactive.total(groups), dtype=np.float64)
    return np.asarray(active / results.workers[:, rows].sum(axis=1)[:, None], dtype=np.float64)


def simulated(results: Results, o: Observation) -> FloatArray:
    """The replications' values of the series ``o`` observes, on ``o``'s date (which must be recorded)."""
    out: FloatArray = trajectory(results, o)[results.record_dates().index(o.when)]
    return out
