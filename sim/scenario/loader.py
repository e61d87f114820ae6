"""Scenario files in, validated :class:`~sim.scenario.schema.Scenario` out; the edge of the system.

Loading is three steps, and every problem in any of them becomes one
:class:`~sim.errors.ScenarioError` naming the file, the YAML line and the field path:

1. :func:`load_raw` reads the file safely and resolves ``extends``: the parent is read first and
   this file overrides it, mappings merge key by key and channels merge by ``name``
   (``{name: X, remove: true}`` drops a parent's channel).
2. :func:`validate` checks every field (pydantic) and how fields fit together (:mod:`sim.scenario.checks`).
3. The engine only ever sees the frozen result.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.channels import REGISTRY
from sim.channels.agent_network import RolloutStep
from sim.channels.base import PolicySwitch
from sim.channels.funded_batch import Batch
from sim.errors import Location, ScenarioError
from sim.scenario import checks, costs, paths
from sim.scenario.distributions import KINDS
from sim.scenario.fields import SEGMENTS
from sim.scenario.paths import Override, check_new_key
from sim.scenario.schema import Baseline, LapseRates, Population, Region, Scenario, Target
from sim.scenario.yamlio import MarkedDict, MarkedList, location_of, read_yaml

_MODELS: tuple[type[BaseModel], ...] = (
    Scenario,
    Region,
    Population,
    Baseline,
    Target,
    LapseRates,
    RolloutStep,
    Batch,
    PolicySwitch,
    costs.ChannelCosts,
    costs.Contributions,
    *(model for model, _ in REGISTRY.values()),
)


# Names pydantic puts into an error's location for union members; never keys of the data.
_NOT_KEYS = {"int", "float", "str", "bool", "date", "constrained-int", *(m.__name__ for m in _MODELS)}


@dataclass(frozen=True)
class Loaded:
    """A validated scenario with where it came from and what looked suspicious."""

    scenario: Scenario
    file: Path
    raw: MarkedDict
    chain: tuple[Path, ...]
    warnings: tuple[str, ...] = field(default=())


def format_path(raw: Any, path: tuple[Hashable, ...]) -> str:
    """``("channels", 1, "rollout", 0, "on")`` as ``channels[BPR agents].rollout[0].on``."""
    out = ""
    node = raw
    for step in path:
        if isinstance(step, int):
            name = None
            if isinstance(node, list) and 0 <= step < len(node) and isinstance(node[step], dict):
                name = node[step].get("name")
            named = out == "regions" or out.endswith("channels")
            out += f"[{name}]" if isinstance(name, str) and named else f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _merge(parent: Any, child: Any, key: Hashable = None) -> Any:
    """``child`` over ``parent``: mappings key by key, channels and regions by name, anything else replaced."""
    if isinstance(child, dict) and len(child) == 1 and next(iter(child)) in KINDS:
        return child  # a distribution replaces the parent's value whole, whatever its kind
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = MarkedDict(parent)
        merged.marks = dict(parent.marks) if isinstance(parent, MarkedDict) else {}
        merged.where = getattr(child, "where", Location())
        for k, v in child.items():
            merged[k] = _merge(parent[k], v, k) if k in parent else v
            if isinstance(child, MarkedDict) and k in child.marks:
                merged.marks[k] = child.marks[k]
        return merged
    if key in ("channels", "regions") and isinstance(parent, list) and isinstance(child, list):
        return _merge_channels(parent, child)
    return child


def _merge_channels(parent: list[Any], child: list[Any]) -> MarkedList:
    out = MarkedList()
    marks: dict[Hashable, Location] = {}
    by_name = {ch.get("name"): i for i, ch in enumerate(parent) if isinstance(ch, dict)}
    items: list[tuple[Any, Location]] = [(ch, location_of(parent, (i,))) for i, ch in enumerate(parent)]
    for j, ch in enumerate(child):
        where = location_of(child, (j,))
        name = ch.get("name") if isinstance(ch, dict) else None
        if name in by_name:
            i = by_name[name]
            if isinstance(ch, dict) and ch.get("remove") is True:
                items[i] = (None, where)
                continue
            items[i] = (_merge(parent[i], ch), where)
        else:
            items.append((ch, where))
    for ch, where in items:
        if ch is not None:
            marks[len(out)] = where
            out.append(ch)
    out.marks = marks
    out.where = getattr(child, "where", Location())
    return out


def load_raw(file: Path, _seen: tuple[Path, ...] = ()) -> tuple[MarkedDict, tuple[Path, ...]]:
    """Read ``file`` and the chain of files it ``extends``, merged; returns data and the chain."""
    resolved = file.resolve()
    raw = read_yaml(file)
    if "extends" not in raw:
        return raw, (file,)
    parent_name = raw["extends"]
    where = location_of(raw, ("extends",))
    if not isinstance(parent_name, str) or not parent_name:
        raise ScenarioError("extends names a scenario file, e.g. bali-2025.yaml", where=where, field="extends")
    parent = file.parent / parent_name
    if parent.resolve() in (*_seen, resolved):
        cycle = " -> ".join(p.name for p in (*_seen, resolved, parent.resolve()))
        raise ScenarioError(f"extends makes a cycle: {cycle}", where=where, field="extends")
    if not parent.exists():
        raise ScenarioError(f"parent scenario {parent} does not exist", where=where, field="extends")
    base, chain = load_raw(parent, (*_seen, resolved))
    child = MarkedDict({k: v for k, v in raw.items() if k != "extends"})
    child.marks, child.where = raw.marks, raw.where
    merged = _merge(base, child)
    assert isinstance(merged, MarkedDict)
    return merged, (file, *chain)


def _data_path(raw: Any, loc: tuple[Hashable, ...]) -> tuple[tuple[Hashable, ...], tuple[Hashable, ...]]:
    """Split a pydantic ``loc`` into the steps that exist in the data and the full data path.

    Pydantic puts union members and discriminator tags into ``loc``; those are not keys of the
    data and are dropped. A step that is a missing key is kept at the end of the full path.
    """
    node: Any = raw
    found: list[Hashable] = []
    full: list[Hashable] = []
    for step in loc:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]  # type: ignore[call-overload]
            found.append(step)
            full.append(step)
        elif isinstance(step, str) and (step in REGISTRY or step in _NOT_KEYS or "[" in step):
            continue
        else:
            full.append(step)
    return tuple(found), tuple(full)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The scenario models an annotation can hold (through lists, dicts, unions and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _model_at(loc: tuple[Hashable, ...]) -> type[BaseModel]:
    """The model whose fields the error at pydantic ``loc`` (ending in the bad key) was checked against."""
    model: type[BaseModel] = Scenario
    candidates: list[type[BaseModel]] = [Scenario]
    by_name = {m.__name__: m for m in _MODELS}
    for step in loc[:-1]:
        if isinstance(step, str) and step in REGISTRY:
            candidates = [REGISTRY[step][0]]
        elif isinstance(step, str) and step in by_name:
            candidates = [by_name[step]]
        elif isinstance(step, str) and step in model.model_fields:
            candidates = _models_in(model.model_fields[step].annotation) or candidates
        else:
            continue
        model = candidates[0]
    return model


def _branch_fits(tag: str, value: Any) -> bool:
    """Whether the data ``value`` has the shape of the union member pydantic named ``tag``.

    "In total or per segment" fields accept a figure (or a rate model) or a mapping by segment; an
    error is only worth showing from the form the planner evidently meant.
    """
    models = {m.__name__: m for m in _MODELS}
    per_segment = isinstance(value, dict) and (
        bool(set(value) & set(SEGMENTS)) or all(isinstance(v, dict) for v in value.values())
    )
    if tag.startswith("dict["):
        return per_segment
    if tag in models:
        return isinstance(value, dict) and not per_segment
    return not isinstance(value, dict | list)


def _fits(raw: Any, loc: tuple[Hashable, ...]) -> bool:
    """Whether every union member named in ``loc`` fits the data it was tried on."""
    node: Any = raw
    for step in loc:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]  # type: ignore[call-overload]
        elif isinstance(step, str) and step not in REGISTRY and step != "[key]" and not _branch_fits(step, node):
            return False
    return True


def _pick(errors: list[Any], raw: Any) -> Any:
    """The error a planner should see first: the first field, the most specific complaint.

    Errors from a union member the data does not look like are dropped, and an unknown key beats
    a missing one beside it, since the unknown key is usually the missing one misspelt.
    """
    errors = [e for e in errors if _fits(raw, e["loc"])] or errors
    first = _data_path(raw, errors[0]["loc"])[1]
    if errors[0]["type"] == "missing":
        beside = [
            e for e in errors if e["type"] == "extra_forbidden" and _data_path(raw, e["loc"])[1][:-1] == first[:-1]
        ]
        if beside:
            return beside[0]
    same = [e for e in errors if _data_path(raw, e["loc"])[1][: len(first)] == first]
    specific = [e for e in same if not e["type"].endswith("_type")]
    return (specific or same)[0]


def _describe(error: Any, raw: Any) -> ScenarioError:
    found, full = _data_path(raw, error["loc"])
    where = location_of(raw, found)
    kind, msg = error["type"], error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(full[-1])
        allowed = list(_model_at(error["loc"]).model_fields)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return ScenarioError(
            f"unknown key {key!r}{hint} (allowed: {', '.join(allowed)})", where=where, field=format_path(raw, full)
        )
    if kind == "missing":
        return ScenarioError(f"{full[-1]!r} is required", where=where, field=format_path(raw, full))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = ", ".join(REGISTRY)
        got = error.get("ctx", {}).get("tag")
        what = f"unknown channel kind {got!r}" if got else "channel has no 'kind'"
        return ScenarioError(f"{what}; allowed: {kinds}", where=where, field=format_path(raw, (*found, "kind")))
    field = format_path(raw, full)
    if kind == "literal_error" and error["loc"][-1] == "[key]":
        key = str(error.get("input"))
        close = difflib.get_close_matches(key, SEGMENTS, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        segments = ", ".join(SEGMENTS)
        return ScenarioError(f"unknown segment {key!r}{hint} (allowed: {segments})", where=where, field=field)
    if kind == "too_short" and full == ("channels",):
        kinds = ", ".join(REGISTRY)
        return ScenarioError(f"no channels given; give at least one (kinds: {kinds})", where=where, field="channels")
    value = error.get("input")
    plain = _PLAIN.get(kind) or ("expected a date written YYYY-MM-DD" if kind.startswith("date") else "")
    if plain:
        return ScenarioError(f"{plain}, got {_shown(value)}", where=where, field=field)
    policy = _POLICY.match(msg) if full and full[-1] == "policy" else None
    if policy is not None:
        index, name = int(policy["index"]), policy["name"] or policy["quoted"]
        rest = policy["rest"] if policy["name"] else f"{name!r} {policy['rest']}"
        inner = (*full, index, "set", name)
        return ScenarioError(rest, where=location_of(raw, _data_path(raw, inner)[0]), field=format_path(raw, inner))
    shown = "" if isinstance(value, dict | list) or "got" in msg else f", got {_shown(value)}"
    return ScenarioError(f"{msg[0].lower()}{msg[1:]}{shown}", where=where, field=field)


_POLICY = re.compile(r"policy\[(?P<index>\d+)\]\.set(?:\.(?P<name>\w+): |: '(?P<quoted>\w+)' )(?P<rest>.*)")

_PLAIN = {
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "model_type": "expected a mapping of fields (key: value)",
    "model_attributes_type": "expected a mapping of fields (key: value)",
    "dict_type": "expected a mapping (key: value)",
    "list_type": "expected a list",
}


def _shown(value: Any) -> str:
    """A value as the planner wrote it, in a few words."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        return f"the text {value!r}" + ("; write numbers without quotes" if _numeric(value) else "")
    return repr(value)


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return False
    return True


def validate(raw: MarkedDict, file: Path) -> tuple[Scenario, tuple[str, ...]]:
    """Validate merged scenario data; returns the scenario and warnings as one-line texts."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise _describe(_pick(exc.errors(), raw), raw) from None
    for problem in checks.problems(scenario):
        raise ScenarioError(problem.message, where=location_of(raw, problem.path), field=format_path(raw, problem.path))
    notes = tuple(
        str(ScenarioError(w.message, where=location_of(raw, w.path), field=format_path(raw, w.path)))
        for w in checks.warnings(scenario)
    )
    return scenario, notes


def load_scenario(file: Path | str, overrides: Sequence[Override] = ()) -> Loaded:
    """Read, merge and validate a scenario file, with ``overrides`` (``--set``) applied first."""
    file = Path(file)
    raw, chain = load_raw(file)
    if overrides:
        raw = paths.apply(raw, overrides)
    scenario, notes = validate(raw, file)
    outside = [p for p in chain[1:] if not p.resolve().is_relative_to(file.resolve().parent)]
    notes += tuple(f"{file}: extends {p} from outside the scenario's folder" for p in outside)
    return Loaded(scenario, file, raw, chain, notes)


def load_with(file: Path, overrides: Sequence[Override]) -> Loaded:
    """:func:`~sim.scenario.loader.load_scenario` with ``--set`` overrides, catching misspelt last keys first."""
    if overrides:
        raw, _ = load_raw(Path(file))
        for o in overrides:
            check_new_key(raw, o.path)
    return load_scenario(file, overrides=overrides)
