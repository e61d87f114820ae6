"""What each file of a result folder holds: frozen, validated models, and the one reader of each file.

A result folder (:mod:`sim.results.folder`) is read back only through here. :func:`open_result` checks that
the folder is finished, that its ``run.json`` is of the result :data:`~sim.results.folder.FORMAT` this
version writes, and which kind of result it holds. :func:`read_model` reads a JSON file into its
model, :func:`read_monthly` the month-end table a report draws, :func:`read_scenario` the resolved
scenario, and :func:`read_png` a chart.

A file that was cut short, edited by hand or written by something else gives one line naming the
file and the field (its JSON path, e.g. ``semesters[0].enrolled_mean``), never a traceback. The
models hold what the readers use; keys they do not use are ignored, so that a result can carry
more than a reader needs. A model of a whole file is named for it (``SummaryFile`` for
``summary.json``, ``SweepFile``, ``SolveFile``, ...), and a part that shares its concept with an
in-memory class is named for its figures (``TargetFigures`` beside the scenario's ``Target``,
``MoneyFigures`` beside :class:`sim.results.money.Money`, ``AnswerFigures`` and ``ProbeFigures``
beside those of :mod:`sim.analyses.solve`), so that each name says which form it is.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, ValidationError, model_validator

from sim.errors import Location, ScenarioError
from sim.results.folder import COMPLETE, FORMAT, require_complete
from sim.scenario.loader import load_scenario

Kind = Literal["run", "compare", "sweep", "sensitivity", "solve", "optimize", "calibrate", "backtest"]
# The file that tells each kind of result folder apart; a run's summary.json comes last because
# nothing else has one, and every other kind is recognised first.
MARKERS: dict[str, Kind] = {
    "compare.json": "compare",
    "sweep.json": "sweep",
    "sensitivity.json": "sensitivity",
    "solve.json": "solve",
    "optimize.json": "optimize",
    "fit.json": "calibrate",
    "scores.json": "backtest",
    "summary.json": "run",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MISSING = "a complete result folder of its kind has one"


def _number(value: Any) -> int | float:
    """A JSON number as written: whole numbers stay whole (a lever at 22 agents reads as 22)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_shown(value)}")
    return value


class Inconsistent(ValueError):
    """A model's fields disagree with each other; ``loc`` says where, below the model."""

    def __init__(self, loc: tuple[int | str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _iso_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    return text


Number = Annotated[int | float, PlainValidator(_number)]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
Metric = Literal["active", "registered"]
Verdict = Literal["on track", "more likely than not", "at risk", "off track"]


class Contents(BaseModel):
    """Base of every model of a result file: immutable, no coercion, unused keys ignored."""

    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")


class RunInfo(Contents):
    """``run.json``: the result format, and what wrote the folder, how and when."""

    format: int
    version: str
    command: list[str]
    written: str


class Spread(Contents):
    """The mean and the 5th and 95th percentiles of a figure over replications."""

    mean: float
    p05: float
    p95: float


class TargetFigures(Contents):
    """The target and the chance of reaching it, as a headline needs them."""

    members: int
    by: IsoDate
    metric: Metric
    probability: float
    verdict: Verdict


class RunTargetFigures(TargetFigures):
    """A run's target: the headline's figures and the metric's baseline."""

    baseline: Number


class Outlook(Contents):
    """A scenario's verdict: its target and its final figure."""

    target: TargetFigures
    final: Spread


class ChannelFigures(Contents):
    """One channel's enrolments over the horizon."""

    name: str
    kind: str
    segment: str
    enrolled_mean: float
    enrolled_p05: float
    enrolled_p95: float
    share_of_enrolments: float


class SemesterFigures(Contents):
    """One semester's opening, flows and closing, as means over replications."""

    semester: str
    first_day: IsoDate = Field(alias="from")
    to: IsoDate
    opening_active_mean: float
    closing_active_mean: float
    enrolled_mean: float
    enrolled_by_channel: dict[str, float]
    lapsed_mean: float
    reactivated_mean: float
    net_change_mean: float


class ChannelCost(Contents):
    """One channel's cost and the net new members it brought."""

    name: str
    cost_mean: float
    net_new_active_mean: float
    cost_per_net_member: float | None


class MoneyFigures(Contents):
    """Contributions collected and the costs of the channels that have them."""

    currency: str
    contributions: Spread | None
    channels: list[ChannelCost] = []


class Promise(Contents):
    """A figure reached with 80% and with 50% probability (see :func:`sim.results.projections.promised`)."""

    p80: float
    p50: float


class RegionPromise(Contents):
    """A region's promised coverage and members."""

    coverage: Promise
    members: Promise


class Promised(RegionPromise):
    """What a meeting can promise on the target date: coverage and the target metric in members."""

    by: IsoDate
    metric: Metric


class RegionTarget(Contents):
    """A region's own target, its chance and its mean gap."""

    members: int
    probability: float
    verdict: Verdict
    gap_mean: float | None = None


class RegionFigures(Contents):
    """One region of a regional scenario on its target date."""

    name: str
    by: IsoDate
    metric: Metric
    workers: float
    baseline: Number
    final: Spread
    promised: RegionPromise | None = None
    target: RegionTarget | None


class Published(Contents):
    """The target metric as it will be published: the count with the figures' own noise."""

    figure_noise: float
    final: Spread
    probability: float


class SummaryFile(Outlook):
    """``summary.json`` of a run."""

    scenario: str
    version: str
    replications: int
    seed: int
    start: IsoDate
    end: IsoDate
    target: RunTargetFigures
    coverage: Spread
    workers_at_target: float
    channels: list[ChannelFigures]
    semesters: Annotated[list[SemesterFigures], Field(min_length=1)]
    money: MoneyFigures | None = None
    promised: Promised | None = None
    published: Published | None = None
    regions: list[RegionFigures] = []


class ScoredObservation(Contents):
    """One later observation against a stored projection (``scores.json`` of a scored run folder)."""

    date: IsoDate
    series: str
    observed: Number
    mean: float
    p05: float
    p25: float
    p75: float
    p95: float
    pit: float
    inside50: bool
    inside90: bool
    interval_score50: float
    interval_score90: float


class ScoreSummary(Contents):
    """How many observations were scored, their mean PIT and how many fell inside each band."""

    observations: int
    mean_pit: float
    inside50_share: float
    inside90_share: float


class ProjectionScores(Contents):
    """``scores.json`` of an earlier run scored against what happened (``sim backtest RUN_FOLDER``)."""

    scenario: str
    start: IsoDate
    pit_method: str
    summary: ScoreSummary
    scores: Annotated[list[ScoredObservation], Field(min_length=1)]


class Change(Contents):
    """One path a variant changes against the base, as ``sim diff`` shows it."""

    path: str
    base: Any
    variant: Any


class PairedFinal(Contents):
    """The paired difference in final members, with its 95% interval."""

    mean_diff: float
    ci95: Pair


class PairedProbability(Contents):
    """The paired difference in P(target), with its 95% interval."""

    diff: float
    ci95: Pair


class Paired(Contents):
    """A variant's paired differences against the base."""

    final: PairedFinal
    probability: PairedProbability


class Strategy(Contents):
    """The base of a comparison."""

    name: str
    summary: Outlook


class Variant(Strategy):
    """A variant of a comparison: what it changes and how it does against the base."""

    paired: Paired
    p_beats_base: float
    changes: list[Change] = []


class CompareFile(Contents):
    """``compare.json``."""

    kind: Literal["compare"]
    base: Strategy
    variants: list[Variant]


class SweepPoint(Contents):
    """One grid point of a sweep."""

    values: dict[str, Any]
    probability: float
    probability_ci95: Pair
    final: Spread


class SweepFile(Contents):
    """``sweep.json``: every point carries a value for every parameter."""

    kind: Literal["sweep"]
    scenario: str = ""
    parameters: list[str]
    points: Annotated[list[SweepPoint], Field(min_length=1)]

    @model_validator(mode="after")
    def _every_value_given(self) -> SweepFile:
        for i, p in enumerate(self.points):
            missing = [name for name in self.parameters if name not in p.values]
            if missing:
                raise Inconsistent(("points", i, "values"), f"no value for the parameter {missing[0]!r}")
        return self


class ProbeFigures(Contents):
    """One lever value a search decided."""

    value: Number
    reps: int
    probability: float
    ci95: Pair


class AnswerFigures(Contents):
    """One goal-seeking search: the lever value found, or the best one when the goal is out of reach."""

    lever: str
    goal: float
    maximize: bool
    reached: bool
    value: Number | None
    at_answer: ProbeFigures | None
    best: ProbeFigures
    uncertain_between: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = None
    probes: list[ProbeFigures]
    fixed: dict[str, Any] = {}

    @model_validator(mode="after")
    def _reached_has_a_value(self) -> AnswerFigures:
        if self.reached and self.value is None:
            raise Inconsistent(("value",), "null, but reached is true")
        if self.reached and self.at_answer is None:
            raise Inconsistent(("at_answer",), "null, but reached is true")
        return self


class SolveFile(Contents):
    """``solve.json``."""

    kind: Literal["solve"]
    scenario: str
    goal: float
    answers: Annotated[list[AnswerFigures], Field(min_length=1)]


class Gain(Contents):
    """A paired difference and its 95% interval."""

    mean_diff: float
    ci95: Pair


class Allocation(Contents):
    """An allocation refined with the full replications: lever values, spend and objective."""

    values: dict[str, Number]
    spend: float
    spend_p95: float
    spend_by_lever: dict[str, float]
    objective: float
    ci95: Pair
    members: float
    reps: int
    at_bound: list[str]
    gain: Gain | None = None
    versus_best: Gain | None = None


class Margin(Contents):
    """Extra members per extra Rp 1 billion when one lever moves from the answer."""

    lever: str
    channel: str
    to: Number
    extra_spend: float
    extra_members: float
    extra_members_ci95: Pair
    per_billion: float | None
    per_billion_ci95: Pair | None


class TrialRow(Contents):
    """An allocation the search scored."""

    values: dict[str, Number]
    spend: float
    objective: float
    members: float


class SearchFacts(Contents):
    """How the search went: method, allocations and replications."""

    method: Literal["grid", "evolution"]
    allocations: int
    search_reps: int
    refined: int
    reps: int
    evaluations: int


class OptimizeLever(Contents):
    """A lever searched: its path, channel and range."""

    path: str
    channel: str
    range: Pair


class OptimizeFile(Contents):
    """``optimize.json``."""

    kind: Literal["optimize"]
    scenario: str
    budget: float
    objective: Literal["members", "probability", "coverage-p80"]
    levers: Annotated[list[OptimizeLever], Field(min_length=1)]
    search: SearchFacts
    base: Allocation
    best: Allocation | None
    finalists: list[Allocation]
    marginal: list[Margin]
    frontier: list[TrialRow]
    flat: bool
    too_small: bool
    least_spend: float | None
    trials: list[TrialRow]


class TornadoRow(Contents):
    """One parameter at its low and its high value."""

    rank: int
    parameter: str
    low: Number
    high: Number
    final_mean_low: float
    final_mean_high: float
    final_swing: float
    probability_low: float
    probability_high: float


class SobolIndex(Contents):
    """A parameter's first-order and total Sobol' indices."""

    parameter: str
    S1: float
    ST: float


class Sobol(Contents):
    """Sobol' indices of final members (None when the output never varied)."""

    final: list[SobolIndex] | None


class SensitivityFile(Contents):
    """``sensitivity.json``."""

    scenario: str
    seed: int
    settings: dict[str, Any]
    tornado: list[TornadoRow]
    sobol: Sobol | None


class MonthlyRow(BaseModel):
    """One row of ``monthly.csv``: a series' spread over replications at one record date."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # CSV cells are text: numbers are parsed

    date: IsoDate
    series: str
    mean: float
    sd: float
    p05: float
    p25: float
    p50: float
    p75: float
    p95: float


MONTHLY_COLUMNS = tuple(MonthlyRow.model_fields)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Opened:
    """A finished result folder of this format: where it is, what kind, and its ``run.json``."""

    path: Path
    kind: Kind
    run: RunInfo


def open_result(folder: Path) -> Opened:
    """The finished result folder at ``folder``, or one line saying why it cannot be read."""
    folder = Path(folder)
    if folder.is_dir() and not any((folder / name).exists() for name in (COMPLETE, "run.json", *MARKERS)):
        raise ScenarioError(
            f"is not a result folder: it has no {COMPLETE} marker, no run.json and none of {', '.join(MARKERS)}",
            where=Location(folder),
        )
    folder = require_complete(folder)
    run = read_run_info(folder / "run.json")
    for marker, kind in MARKERS.items():
        if (folder / marker).is_file():
            return Opened(folder, kind, run)
    raise ScenarioError(f"holds none of {', '.join(MARKERS)}: it is not a result folder", where=Location(folder))


def read_run_info(path: Path) -> RunInfo:
    """``run.json``, refused with a one-line error when it is of another result format."""
    data = read_json(path, "every result folder has one; this one was not written by this version of sim")
    if isinstance(data, dict) and data.get("format") != FORMAT:
        written = f"sim {data['version']}" if isinstance(data.get("version"), str) else "another version of sim"
        if "format" not in data:
            problem = f"missing: the folder was written by {written}, before result folders carried a format"
        else:
            problem = f"the folder is in result format {_shown(data['format'])} (written by {written})"
        raise ScenarioError(
            f"{problem}; this version reads format {FORMAT}: re-run the command, or read it with the sim that wrote it",
            where=Location(path),
            field="format",
        )
    return _validated(path, data, RunInfo)


def read_model(path: Path, model: type[M]) -> M:
    """A JSON file of a result folder, validated into ``model``."""
    return _validated(path, read_json(path), model)


def read_json(path: Path, missing: str = MISSING) -> Any:
    """The JSON value in ``path``; a missing, binary, non-UTF-8 or malformed file is a one-line error."""
    text = _text(path, "JSON", missing)
    if not text.strip():
        raise ScenarioError("the file is empty; it was cut short or never written", where=Location(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"not valid JSON ({exc.msg}, column {exc.colno}); the file was cut short or edited by hand",
            where=Location(path, exc.lineno),
        ) from None


def read_monthly(path: Path) -> tuple[MonthlyRow, ...]:
    """``monthly.csv``: every row, with its columns checked and its numbers parsed."""
    text = _text(path, "CSV")
    reader = csv.DictReader(text.splitlines())
    columns = reader.fieldnames or []
    absent = [c for c in MONTHLY_COLUMNS if c not in columns]
    if absent:
        raise ScenarioError(
            f"column {absent[0]!r} is missing; the table has {', '.join(MONTHLY_COLUMNS)}",
            where=Location(path, 1),
            field=absent[0],
        )
    rows = []
    for row in reader:
        try:
            rows.append(MonthlyRow.model_validate(row))
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            column = str(error["loc"][0]) if error["loc"] else ""
            raise ScenarioError(_problem(error), where=Location(path, reader.line_num), field=column) from None
    return tuple(rows)


def read_scenario(path: Path) -> dict[str, Any]:
    """The resolved scenario written beside the results, validated as any scenario file is; its raw data."""
    if not path.is_file():
        raise ScenarioError("missing; a complete run folder has the scenario it ran", where=Location(path))
    return dict(load_scenario(path).raw)


def read_png(path: Path) -> bytes:
    """A chart written beside the results."""
    data = _read_bytes(path, MISSING)
    if not data.startswith(PNG_SIGNATURE):
        raise ScenarioError("not a PNG image", where=Location(path))
    return data


def _read_bytes(path: Path, missing: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"missing; {missing}", where=Location(path)) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, not a file", where=Location(path)) from None
    except OSError as exc:
        raise ScenarioError(f"cannot be read ({exc.strerror or exc})", where=Location(path)) from None


def _text(path: Path, kind: str, missing: str = MISSING) -> str:
    """The UTF-8 text of a ``kind`` (JSON, CSV) file."""
    data = _read_bytes(path, missing)
    if b"\0" in data:
        raise ScenarioError(f"the file is binary, not {kind} text", where=Location(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8; the file is not {kind} text", where=Location(path, line)
        ) from None


def _validated(path: Path, data: Any, model: type[M]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        inner = first.get("ctx", {}).get("error")
        loc = (*first["loc"], *inner.loc) if isinstance(inner, Inconsistent) else first["loc"]
        raise ScenarioError(_problem(first) + more, where=Location(path), field=json_path(loc)) from None


def json_path(loc: tuple[int | str, ...]) -> str:
    """``('semesters', 0, 'enrolled_mean')`` → ``semesters[0].enrolled_mean``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_EXPECTED = {
    "missing": "missing",
    "model_type": "expected an object",
    "dict_type": "expected an object",
    "list_type": "expected a list",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "string_type": "expected text",
    "bool_type": "expected true or false",
}


# Problems whose message is better for the value that was found.
_GOT = {*_EXPECTED, "literal_error"} - {"missing"}


def _problem(error: Any) -> str:
    """What is wrong with a value, in the planner's words, with the value when that helps."""
    got = f", got {_shown(error['input'])}" if error["type"] in _GOT else ""
    return _what(error) + got


def _what(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind in ("too_short", "too_long"):
        n = ctx["min_length" if kind == "too_short" else "max_length"]
        return f"expected {'at least' if kind == 'too_short' else 'at most'} {_items(n)}, got {ctx['actual_length']}"
    msg = str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        return "expected " + msg.removeprefix("Input should be ")
    return msg[:1].lower() + msg[1:]


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _shown(value: Any) -> str:
    """A value as JSON writes it, cut short."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
