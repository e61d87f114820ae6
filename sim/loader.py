"""Scenario files in, validated :class:`~sim.scenario.Scenario` out; the edge of the system.

Loading is three steps, and every problem in any of them becomes one
:class:`~sim.errors.ScenarioError` naming the file, the YAML line and the field path:

1. :func:`load_raw` reads the file safely and resolves ``extends``: the parent is read first and
   this file overrides it, mappings merge key by key and channels merge by ``name``
   (``{name: X, remove: true}`` drops a parent's channel).
2. :func:`validate` checks every field (pydantic) and how fields fit together (:mod:`sim.checks`).
3. The engine only ever sees the frozen result.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim import checks, costs, paths
from sim.channels import REGISTRY
from sim.channels.agent_network import RolloutStep
from sim.channels.base import PolicySwitch
from sim.channels.funded_batch import Batch
from sim.distributions import KINDS
from sim.errors import Location, ScenarioError
from sim.paths import Override
from sim.scenario import Baseline, LapseRates, Population, Region, Scenario, Target
from sim.yamlio import MarkedDict, MarkedList, location_of, read_yaml

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
_NOT_KEYS = {"int", "float", "str", "bool", "date", *(m.__name__ for m in _MODELS)}


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


_BY_KEY: dict[Hashable, type[BaseModel]] = {"costs": costs.ChannelCosts, "contributions": costs.Contributions}


def _allowed_keys(raw: Any, parent: tuple[Hashable, ...], loc: tuple[Hashable, ...]) -> list[str]:
    """Field names of the model the mapping at ``parent`` was validated against."""
    for step in loc:
        if isinstance(step, str) and step in REGISTRY and len(parent) == 2:
            return list(REGISTRY[step][0].model_fields)
    node: Any = raw
    for step in parent:
        node = node[step]
    keys = set(node) if isinstance(node, dict) else set()
    best = max(_MODELS, key=lambda m: len(keys & set(m.model_fields)))
    if not parent:
        best = Scenario
    elif parent[-1] in _BY_KEY:
        best = _BY_KEY[parent[-1]]
    return list(best.model_fields)


def _pick(errors: list[Any], raw: Any) -> Any:
    """The error a planner should see first: the first field, the most specific complaint."""
    # Of the errors under the first field, the one that got deepest into the data is the one
    # about the union member the planner meant (per-segment lapse rates, not one set of rates).
    head = _data_path(raw, errors[0]["loc"])[0][:1]
    under = [e for e in errors if _data_path(raw, e["loc"])[0][:1] == head]
    deepest = max(len(_data_path(raw, e["loc"])[0]) for e in under)
    first = next(_data_path(raw, e["loc"])[1] for e in under if len(_data_path(raw, e["loc"])[0]) == deepest)
    same = [e for e in under if _data_path(raw, e["loc"])[1][: len(first)] == first]
    specific = [
        e
        for e in same
        if (not e["type"].endswith("_type") and e["type"] != "union_tag_invalid") or e["type"] == "union_tag_invalid"
    ]
    return (specific or same)[0]


def _describe(error: Any, raw: Any) -> ScenarioError:
    found, full = _data_path(raw, error["loc"])
    where = location_of(raw, found)
    kind, msg = error["type"], error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(full[-1])
        allowed = _allowed_keys(raw, found[:-1], error["loc"])
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
    value = error.get("input")
    shown = "" if isinstance(value, dict | list) or "got" in msg else f", got {value!r}"
    return ScenarioError(f"{msg[0].lower()}{msg[1:]}{shown}", where=where, field=format_path(raw, full))


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
