"""Uncertain parameters by field path, and how a sensitivity run holds one of them fixed.

A parameter is fixed by replacing its distribution with :class:`Pinned`, which still draws from
the parameter stream exactly as the distribution it replaces would, then throws the draws away.
Every other parameter of the channel therefore sees the same random numbers as in the unfixed
run: common random numbers hold between the low, the high and the base run, so their difference
is the parameter's effect and not a reshuffle of the others. (Replacing the field by a plain
number would stop its draws and shift every parameter drawn after it.)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim.errors import ScenarioError
from sim.scenario.distributions import Constant, Distribution, FloatArray
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override, parse_path, parse_value
from sim.scenario.schema import Scenario

LOW_QUANTILE = 0.05
HIGH_QUANTILE = 0.95


@dataclass(frozen=True, eq=False)
class Pinned:
    """A parameter held at ``values`` (one number, or one per replication), drawn as ``drawn_as``."""

    values: FloatArray
    drawn_as: Distribution

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def variance(self) -> float:
        return float(np.var(self.values))

    @property
    def support(self) -> tuple[float, float]:
        return (float(np.min(self.values)), float(np.max(self.values)))

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        self.drawn_as.sample(rng, n)  # consumed only to keep the stream in step; see module doc
        if self.values.size not in (1, n):
            raise ValueError(f"pinned to {self.values.size} values, asked for {n}")
        return np.broadcast_to(self.values, (n,)).astype(np.float64)

    def ppf(self, q: float) -> float:
        return float(np.quantile(self.values, q))

    def to_data(self) -> Any:
        return float(self.values.flat[0]) if self.values.size == 1 else self.values.tolist()


@dataclass(frozen=True)
class Parameter:
    """One figure to vary: its path, its low and high value, and its distribution if it has one."""

    path: str
    low: Any
    high: Any
    distribution: Distribution | None = None
    given: bool = False

    @property
    def source(self) -> str:
        """Where low and high came from, for the table."""
        return "given" if self.given else f"P{LOW_QUANTILE * 100:.0f}/P{HIGH_QUANTILE * 100:.0f}"


def uncertain(scenario: Scenario) -> dict[str, Distribution]:
    """Every non-constant distribution in the scenario, by field path.

    This is :meth:`Scenario.uncertain` (channel rates and lapse) plus the other drawn figures, such
    as a loan channel's ``loans_per_month`` or a funded batch's ``members``.
    """
    found = dict(scenario.uncertain())
    found.update(_walk(scenario, ""))
    return {p: d for p, d in found.items() if not isinstance(d, Constant) and d.variance > 0}


def _walk(node: Any, prefix: str) -> dict[str, Distribution]:
    out: dict[str, Distribution] = {}
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            out.update(_walk(getattr(node, name), f"{prefix}.{name}" if prefix else name))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            label = getattr(item, "name", None) if prefix == "channels" else None
            out.update(_walk(item, f"{prefix}[{label if isinstance(label, str) else i}]"))
    elif isinstance(node, dict):
        for key, item in node.items():
            out.update(_walk(item, f"{prefix}.{key}"))
    elif hasattr(node, "sample") and hasattr(node, "ppf"):
        out[prefix] = node
    return out


def from_distributions(scenario: Scenario) -> list[Parameter]:
    """The scenario's uncertain parameters, each at its 5th and 95th percentile."""
    return [
        Parameter(path, dist.ppf(LOW_QUANTILE), dist.ppf(HIGH_QUANTILE), dist)
        for path, dist in uncertain(scenario).items()
    ]


def parse_given(text: str, file: Path, scenario: Scenario) -> Parameter:
    """``PATH=LOW:HIGH`` from ``--param``; both values are validated as if written in the file."""
    path, sep, values = text.partition("=")
    low_text, colon, high_text = values.partition(":")
    if not sep or not colon or not low_text.strip() or not high_text.strip():
        raise ScenarioError(f"expected PATH=LOW:HIGH, got {text!r}", field="--param")
    path = path.strip()
    parse_path(path)
    low, high = parse_value(low_text.strip()), parse_value(high_text.strip())
    for value in (low, high):
        load_scenario(file, [Override(path, value)])
    current = _get(scenario, path)
    dist = current if hasattr(current, "sample") else None
    return Parameter(path, low, high, dist, given=True)


def _get(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for step in parse_path(path):
        node = _child(node, step, path)
    return node


def _child(node: Any, step: Hashable, path: str) -> Any:
    if isinstance(node, BaseModel) and isinstance(step, str) and step in type(node).model_fields:
        return getattr(node, step)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    if isinstance(node, list) and isinstance(step, str):
        for item in node:
            if getattr(item, "name", None) == step:
                return item
    if isinstance(node, dict) and step in node:
        return node[step]
    raise ScenarioError(f"{step!r} is not a field of this scenario here", field=path)


def _replace(node: Any, steps: Sequence[Hashable], value: Any, path: str) -> Any:
    if not steps:
        return value
    step, rest = steps[0], steps[1:]
    child = _child(node, step, path)
    new = _replace(child, rest, value, path)
    if isinstance(node, BaseModel):
        return node.model_copy(update={str(step): new})
    if isinstance(node, list):
        return [new if item is child else item for item in node]
    return {**node, step: new}


def pin(scenario: Scenario, values: Mapping[str, float | FloatArray]) -> Scenario:
    """``scenario`` with each distribution at ``path`` held at the given value(s).

    Values are not re-validated: they come from the distribution's own quantiles or from a
    ``--param`` already validated by :func:`parse_given`.
    """
    out = scenario
    for path, value in values.items():
        current = _get(out, path)
        if not hasattr(current, "sample"):
            raise ScenarioError("holds no distribution to pin", field=path)
        pinned = Pinned(np.atleast_1d(np.asarray(value, dtype=np.float64)), current)
        out = _replace(out, parse_path(path), pinned, path)
    return out


def at_value(scenario: Scenario, file: Path, parameter: Parameter, value: Any) -> Scenario:
    """The scenario with one parameter at ``value``: pinned if it is drawn, else set and validated."""
    if parameter.distribution is not None:
        return pin(scenario, {parameter.path: float(value)})
    return load_scenario(file, [Override(parameter.path, value)]).scenario
