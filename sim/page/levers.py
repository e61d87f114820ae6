"""The levers of a scenario, derived from the scenario and its schema, and the checking of their values.

Every channel's main rates and counts (agents and rollout, enrolments per agent, contacts and
conversion, loans and the KUR enrolment rate, a batch's size, start date and funded months, organic
inflow, the share who keep paying), the lapse rates and the target become levers, each addressed by
its field path (``channels[BPR agents].agents``). A lever's range comes from the schema's own limits
(a share is in [0, 1], a count at least 0, a date within the horizon) and, where the schema sets
none above, from the scenario (``agents_max``) or three times the value as written.

A value a planner types is checked exactly like ``--set``: applied to the scenario's data and
validated by the same pydantic models and checks, so a bad value gives the same one-line message.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from sim.channels import Channel
from sim.channels.agent_network import AgentNetwork, RolloutStep
from sim.channels.funded_batch import Batch, FundedBatch
from sim.channels.loan_linked import LoanLinked
from sim.channels.organic import Organic
from sim.errors import ScenarioError
from sim.scenario.distributions import Constant, Distribution
from sim.scenario.loader import Loaded, validate
from sim.scenario.paths import apply, check_new_key, get_path, single_overrides
from sim.scenario.schema import Area, LapseRates, Scenario, Target

Kind = Literal["count", "number", "share", "date"]

# The fields of each channel kind a room asks about, in the order they are shown.
MAIN_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    AgentNetwork: ("agents", "enrollments_per_agent_per_month", "contacts_per_agent_per_month", "conversion_rate"),
    LoanLinked: ("loans_per_month", "enrollment_rate"),
    FundedBatch: ("continue_share",),
    Organic: ("per_month",),
}


@dataclass(frozen=True)
class Lever:
    """One value a planner may move: where it is, what it is, its range, and its value as written."""

    path: str
    group: str  # what it belongs to: a channel's name, "lapse pu", "target"
    field: str  # the field's own name, the key of its label in the catalogue
    kind: Kind
    written: str  # the value in the scenario, as YAML text: 22, 0.3, {beta: [3, 7]}, 2025-10-01
    low: float
    high: float
    step: float
    mean: float | None = None  # the mean of a distribution; None for a fixed value
    region: str = ""
    first: str = ""  # dates: the horizon's first and last day
    last: str = ""

    @property
    def uncertain(self) -> bool:
        return self.mean is not None

    @property
    def start(self) -> float:
        """Where the slider starts: the value as written, or the mean of its distribution."""
        if self.kind == "date":
            return 0.0
        return self.mean if self.mean is not None else float(str(yaml.safe_load(self.written)))


def yaml_text(value: Any) -> str:
    """A value as one line of YAML, as a planner would type it: ``22``, ``0.3``, ``{beta: [3, 7]}``."""
    if isinstance(value, date):
        return value.isoformat()
    data = _whole(value.to_data() if hasattr(value, "to_data") else value)
    text = yaml.safe_dump(data, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _whole(data: Any) -> Any:
    """``8583.0`` → ``8583`` anywhere in distribution data, so it reads as the planner wrote it."""
    if isinstance(data, float) and data.is_integer():
        return int(data)
    if isinstance(data, list):
        return [_whole(v) for v in data]
    if isinstance(data, dict):
        return {k: _whole(v) for k, v in data.items()}
    return data


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def schema_bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    """The lowest and highest value the schema allows for a numeric field (``inf`` when it sets none)."""
    prop = _schema(model)["properties"][name]
    options = prop.get("anyOf", [prop])
    numeric = [o for o in options if o.get("type") in ("number", "integer")] or [{}]
    o = numeric[0]
    low = float(o.get("minimum", o.get("exclusiveMinimum", -math.inf)))
    if "exclusiveMinimum" in o and o.get("type") == "integer":
        low += 1
    return low, float(o.get("maximum", math.inf))


def _nice_ceiling(x: float) -> float:
    """The next round number above ``x``: 1, 2 or 5 times a power of ten."""
    if x <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= x))


def _numeric_lever(
    path: str, group: str, model: type[BaseModel], name: str, value: Any, region: str, most: float | None = None
) -> Lever | None:
    low, high = schema_bounds(model, name)
    dist: Distribution | None = None if isinstance(value, int | float) else value
    if dist is not None and not hasattr(dist, "support"):
        return None
    mean = None if dist is None or isinstance(dist, Constant) else dist.mean
    integer = _schema(model)["properties"][name].get("type") == "integer"
    if dist is not None:
        top = dist.support[1]
        here = top if math.isfinite(top) else dist.ppf(0.99)
    else:
        here = float(value)
    if not math.isfinite(high):
        high = float(most) if most is not None else _nice_ceiling(3 * max(here, 1.0))
    kind: Kind = "count" if integer else ("share" if high == 1.0 and low == 0.0 else "number")
    if kind == "share" and here < 0.2:
        high = _nice_ceiling(5 * max(here, 0.002))  # a lapse rate of 1% a month needs a finer slider than [0, 1]
    step = 1.0 if integer else (high / 100 if kind == "share" else _nice_ceiling(high / 200) / 2)
    written = yaml_text(dist if dist is not None and mean is not None else (value if dist is None else dist.mean))
    return Lever(path, group, name, kind, written, max(low, 0.0), high, step, mean, region)


def _date_lever(path: str, group: str, name: str, value: date, s: Scenario, region: str) -> Lever:
    return Lever(
        path, group, name, "date", value.isoformat(), 0, 0, 1, None, region, s.start.isoformat(), s.end.isoformat()
    )


def _channel_levers(ch: Channel, at: str, s: Scenario, region: str) -> Iterator[Lever]:
    here = f"{at}channels[{ch.name}]"
    most = float(ch.agents_max) if isinstance(ch, AgentNetwork) and ch.agents_max is not None else None
    for name in MAIN_FIELDS.get(type(ch), ()):
        value = getattr(ch, name, None)
        if value is None or isinstance(value, list):
            continue
        lever = _numeric_lever(
            f"{here}.{name}", ch.name, type(ch), name, value, region, most if name == "agents" else None
        )
        if lever is not None:
            yield lever
    if isinstance(ch, AgentNetwork):
        for i, step in enumerate(ch.rollout):
            yield _date_lever(f"{here}.rollout[{i}].on", ch.name, "rollout_on", step.on, s, region)
            lever = _numeric_lever(
                f"{here}.rollout[{i}].agents", ch.name, RolloutStep, "agents", step.agents, region, most
            )
            if lever is not None:
                yield lever
    if isinstance(ch, FundedBatch):
        for i, batch in enumerate(ch.batches):
            yield _date_lever(f"{here}.batches[{i}].on", ch.name, "batch_on", batch.on, s, region)
            for name in ("members", "funded_months"):
                lever = _numeric_lever(
                    f"{here}.batches[{i}].{name}", ch.name, Batch, name, getattr(batch, name), region
                )
                if lever is not None:
                    yield lever


def _area_levers(
    area: Area | Scenario, segments: tuple[str, ...], at: str, raw_lapse: Any, s: Scenario, region: str
) -> Iterator[Lever]:
    for ch in area.channels:
        yield from _channel_levers(ch, at, s, region)
    per_segment = isinstance(area.lapse, dict)
    groups = [g for g in segments if not per_segment or (isinstance(raw_lapse, dict) and g in raw_lapse)]
    for g in groups if per_segment else ["all"]:
        rates: LapseRates = area.lapse_for(g)
        prefix = f"{at}lapse.{g}" if per_segment else f"{at}lapse"
        for name in ("monthly_rate", "reactivation_monthly_rate"):
            lever = _numeric_lever(f"{prefix}.{name}", f"lapse {g}", LapseRates, name, getattr(rates, name), region)
            if lever is not None:
                yield lever


def derive_levers(loaded: Loaded) -> list[Lever]:
    """Every lever of the scenario, grouped by what it belongs to, regions in order."""
    s, raw = loaded.scenario, loaded.raw
    out: list[Lever] = []
    target = _numeric_lever("target.members", "target", Target, "members", s.target.members, "")
    out += [target] if target is not None else []
    if not s.regions:
        out += _area_levers(s, s.groups, "", raw.get("lapse"), s, "")
        return [lv for lv in out if _present(raw, lv.path)]
    raw_regions = {r.get("name"): r for r in raw.get("regions", []) if isinstance(r, dict)}
    for r in s.regions:
        at = f"regions[{r.name}]."
        if r.target is not None:
            lever = _numeric_lever(f"{at}target.members", "target", Target, "members", r.target.members, r.name)
            out += [lever] if lever is not None else []
        out += _area_levers(r, r.segments, at, raw_regions.get(r.name, {}).get("lapse"), s, r.name)
    return [lv for lv in out if _present(raw, lv.path)]


def _present(raw: Any, path: str) -> bool:
    """Only values written in the scenario (or its parents) are levers; defaults stay as they are."""
    try:
        get_path(raw, path)
    except ScenarioError:
        return False
    return True


def checked(loaded: Loaded, sets: Sequence[str]) -> Scenario:
    """The scenario with ``sets`` (``PATH=VALUE``) applied, validated like ``--set``; ScenarioError if not."""
    overrides = single_overrides(list(sets))
    for o in overrides:
        check_new_key(loaded.raw, o.path)
    scenario, _ = validate(apply(loaded.raw, overrides), loaded.file)
    return scenario
