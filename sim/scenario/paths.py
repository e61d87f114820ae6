"""Field paths: how ``--set``, sweeps, goal-seeking and sensitivity address a scenario value.

A path walks the scenario's YAML from the top, with dots between keys and channels picked by name::

    target.members
    population.workers.bpu
    lapse.bpu.monthly_rate
    channels[BPR agents].agents
    channels[BRI KUR].enrollment_rate
    channels[Gianyar funded workers].batches[0].members

A value is written as YAML: ``22``, ``0.35``, ``2025-10-01`` or ``{beta: [6, 4]}``. Overrides are
applied to the scenario data before validation, so an overridden value is checked exactly like
one written in the file, and a path that does not exist is an error before anything runs.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.scenario.yamlio import parse_yaml

_STEP = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]+\])*)\s*")
_INDEX = re.compile(r"\[([^\]]+)\]")


@dataclass(frozen=True)
class Override:
    """Set ``path`` to ``value`` (already parsed from YAML)."""

    path: str
    value: Any


def parse_path(text: str) -> tuple[Hashable, ...]:
    """``channels[BPR agents].agents`` → ``("channels", "BPR agents", "agents")``.

    Inside brackets a whole number is a list index; anything else is a channel name.
    """
    steps: list[Hashable] = []
    for part in _split_dots(text):
        m = _STEP.fullmatch(part)
        if m is None:
            raise ScenarioError(
                "not a field path; write e.g. channels[BPR agents].agents or lapse.bpu.monthly_rate", field=text
            )
        steps.append(m.group(1))
        for index in _INDEX.findall(m.group(2)):
            index = index.strip()
            steps.append(int(index) if index.isdigit() else index)
    return tuple(steps)


def _split_dots(text: str) -> list[str]:
    """Split at dots that are not inside brackets (channel names may contain dots)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def parse_value(text: str) -> Any:
    """A value written as YAML, read like a scenario file: plain data only, within the same limits."""
    try:
        return parse_yaml(text, None)
    except ScenarioError as exc:
        shown = text if len(text) <= 60 else f"{text[:40]}...{text[-10:]}"
        raise ScenarioError(f"{shown!r} is not a valid YAML value: {exc.message}") from None


def parse_assignment(text: str) -> tuple[str, list[Any]]:
    """``PATH=V1,V2,...`` → the path and its values (``{beta: [2, 3]}`` keeps its commas)."""
    if "=" not in text:
        raise ScenarioError(f"expected PATH=VALUE[,VALUE...], got {text!r}", field="--set")
    path, _, values = text.partition("=")
    parsed = parse_value(f"[{values}]")
    if not isinstance(parsed, list) or not parsed:
        raise ScenarioError(f"no values given for {path.strip()}", field="--set")
    parse_path(path.strip())
    return path.strip(), parsed


def _resolve(node: Any, step: Hashable, shown: str) -> Any:
    """The child of ``node`` at ``step``; a channel is found by name."""
    if isinstance(node, list) and isinstance(step, str):
        names = [item.get("name") for item in node if isinstance(item, dict)]
        for item in node:
            if isinstance(item, dict) and item.get("name") == step:
                return item
        close = difflib.get_close_matches(step, [n for n in names if isinstance(n, str)], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(f"no channel named {step!r}{hint} (channels: {', '.join(map(str, names))})", field=shown)
    if isinstance(node, list) and isinstance(step, int):
        if not 0 <= step < len(node):
            raise ScenarioError(f"index {step} is out of range (there are {len(node)})", field=shown)
        return node[step]
    if isinstance(node, dict) and isinstance(step, str):
        if step not in node:
            close = difflib.get_close_matches(step, list(node), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(f"{step!r} is not set in this scenario{hint}", field=shown)
        return node[step]
    raise ScenarioError(f"cannot go into {type(node).__name__} with {step!r}", field=shown)


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in scenario data (raw or dumped)."""
    node = data
    for step in parse_path(path):
        node = _resolve(node, step, path)
    return node


def set_path(data: Any, path: str, value: Any) -> None:
    """Set ``path`` in ``data`` in place; the last key may be new (validation then checks it)."""
    *parents, last = parse_path(path)
    node = data
    for step in parents:
        node = _resolve(node, step, path)
    if isinstance(node, dict) and isinstance(last, str):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int):
        _resolve(node, last, path)
        node[last] = value
    else:
        raise ScenarioError(f"cannot set {last!r} inside a {type(node).__name__}", field=path)


REGION_OPTION = "--region"


def region_overrides(name: str | None) -> list[Override]:
    """``--region NAME`` as an override, applied after every ``--set`` (none without the option)."""
    return [] if name is None else [Override(REGION_OPTION, name)]


def initials(name: str) -> str:
    """``Nusa Tenggara Barat`` → ``NTB``: how planners write a province."""
    return "".join(word[0] for word in name.split() if word).upper()


def find_region(regions: list[Any], name: str) -> Any:
    """The region named ``name`` (any case), or the one whose initials it is (``NTB``); else a one-line error."""
    by_name = [r for r in regions if str(r.get("name", "")).casefold() == name.strip().casefold()]
    by_initials = [
        r for r in regions if len(str(r.get("name", "")).split()) > 1 and initials(r["name"]) == name.strip().upper()
    ]
    found = by_name or by_initials
    if len(found) != 1:
        names = ", ".join(
            f"{r['name']} ({initials(r['name'])})" if len(str(r["name"]).split()) > 1 else str(r["name"])
            for r in regions
        )
        which = "more than one region" if found else "no region"
        raise ScenarioError(f"{which} is called {name!r}; regions: {names}", field=REGION_OPTION)
    return found[0]


def only_region(data: Any, name: str) -> Any:
    """Scenario data restricted to one region: only its groups and channels, and its own target as the target.

    Every region has its own pool and named random streams, so the region's figures are exactly
    those it has in the whole scenario's run.
    """
    regions = data.get("regions") if isinstance(data, dict) else None
    if not regions:
        raise ScenarioError(
            f"this scenario has no regions, so there is none called {name!r} to pick", field=REGION_OPTION
        )
    region = find_region(regions, name)
    if region.get("target") is None:
        raise ScenarioError(
            f"region {region['name']!r} has no target of its own; give it one with "
            f"--set 'regions[{region['name']}].target={{members: N, by: YYYY-MM-DD}}'",
            field=REGION_OPTION,
        )
    data["regions"] = [region]
    data["target"] = region["target"]
    data["name"] = f"{data.get('name', '')}: {region['name']}"
    return data


def apply(data: Any, overrides: Sequence[Override]) -> Any:
    """A copy of ``data`` with every override set (``--region`` restricts it to one region)."""
    out = copy.deepcopy(data)
    for o in overrides:
        if o.path == REGION_OPTION:
            out = only_region(out, o.value)
        else:
            set_path(out, o.path, o.value)
    return out


def single_overrides(sets: list[str], region: str | None = None) -> list[Override]:
    """``--set PATH=VALUE`` options, one value each, then ``--region NAME`` if given, as overrides."""
    out = []
    for text in sets:
        path, values = parse_assignment(text)
        if len(values) != 1:
            raise ScenarioError(
                f"one value per --set here, got {len(values)}; 'sim sweep' runs several", field=f"--set {path}"
            )
        out.append(Override(path, values[0]))
    return out + region_overrides(region)


def grid(sets: list[str]) -> tuple[list[str], list[list[Override]]]:
    """``--set PATH=V1,V2,...`` options as their paths and every combination of values, in order."""
    axes = [parse_assignment(text) for text in sets]
    paths = [p for p, _ in axes]
    if len(set(paths)) != len(paths):
        raise ScenarioError("a path is given twice", field="--set")
    points = [
        [Override(p, v) for p, v in zip(paths, combo, strict=True)]
        for combo in itertools.product(*(values for _, values in axes))
    ]
    return paths, points


def check_new_key(raw: Any, path: str) -> None:
    """A path whose last key is new but close to one already there is a typo, not a new field."""
    if path == REGION_OPTION:
        return
    *parents, last = parse_path(path)
    if not isinstance(last, str) or not parents:
        return
    try:
        parent = get_path(raw, path[: path.rstrip().rfind(".")]) if "." in path else raw
    except ScenarioError as exc:
        raise ScenarioError(exc.message, field=path) from None
    if isinstance(parent, dict) and last not in parent:
        close = difflib.get_close_matches(last, [str(k) for k in parent], n=1, cutoff=0.8)
        if close:
            raise ScenarioError(f"{last!r} is not set in this scenario; did you mean {close[0]!r}?", field=path)
