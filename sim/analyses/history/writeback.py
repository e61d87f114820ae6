"""The calibrated scenario: fitted rates written back as distributions that carry their uncertainty.

A rate fitted on the log scale with estimate ``x̂`` and 90% half-width ``q·se`` is written as the
lognormal whose log has mean ``x̂`` and sd ``σ = q·se / z₀.₉₅`` (so its 5th and 95th percentiles are
the fitted interval): ``mean = exp(x̂ + σ²/2)``, ``sd = mean·√(exp(σ²) − 1)``. A share fitted on the
logit scale is written as the Beta with the same mean and variance as that logit-normal (moments by
Gauss–Hermite quadrature): ``a = m·κ``, ``b = (1 − m)·κ``, ``κ = m(1 − m)/v − 1``.

The new scenario names the data it was fitted to in its header and in the ``source`` of every object
whose rate was fitted, and is loaded back (validated) before it is written anywhere.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import stats

from sim.analyses.history.calibration import Estimate, Fit
from sim.errors import Location, ScenarioError
from sim.scenario.distributions import Beta, Distribution, Lognormal, Uniform
from sim.scenario.loader import load_scenario
from sim.scenario.paths import get_path, parse_path, set_path

Z95 = float(stats.norm.ppf(0.95))


def log_sd(e: Estimate) -> float:
    """The sd on the fitted scale whose normal 5–95% range is the fitted 90% interval."""
    return e.quantile * e.se / Z95


def as_distribution(e: Estimate) -> Distribution:
    """The fitted rate with its uncertainty, as a scenario distribution."""
    if not e.identified:
        lo, hi = e.interval
        return Uniform(lo, hi)
    sigma = log_sd(e)
    if not e.parameter.share:
        mean = math.exp(e.x + sigma**2 / 2)
        return Lognormal(mean, mean * math.sqrt(math.expm1(sigma**2)))
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    p = 1 / (1 + np.exp(-(e.x + sigma * nodes)))
    w = weights / weights.sum()
    m = float(w @ p)
    v = float(w @ (p - m) ** 2)
    kappa = m * (1 - m) / v - 1
    return Beta(m * kappa, (1 - m) * kappa)


def _rounded(value: Any) -> Any:
    """Distribution data with 6 significant figures, so the YAML stays readable."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def calibrated_data(data: dict[str, Any], fit: Fit, observed: str) -> dict[str, Any]:
    """Scenario data with each fitted rate replaced by its distribution, its ``source`` naming ``observed``."""
    for e in fit.estimates:
        path = e.parameter.path
        set_path(data, path, _rounded(as_distribution(e).to_data()))
        note = f"{parse_path(path)[-1]} fitted to {observed} by sim calibrate"
        owner_steps = parse_path(path)[:-1]
        owner: Any = data
        if owner_steps:
            owner = get_path(data, _owner_path(path))
        if isinstance(owner, dict) and "source" in owner:
            before = str(owner.get("source") or "").strip()
            owner["source"] = f"{before}; {note}" if before and note not in before else note
    data["name"] = f"{data['name']}, calibrated"
    return data


def _owner_path(path: str) -> str:
    """``channels[X].per_month`` → ``channels[X]``; ``lapse.bpu.monthly_rate`` → ``lapse.bpu``."""
    depth = 0
    for i in range(len(path) - 1, -1, -1):
        depth += path[i] == "]"
        depth -= path[i] == "["
        if path[i] == "." and depth == 0:
            return path[:i]
    return path


def overlay(calibrated: dict[str, Any], fit: Fit, parent: str) -> dict[str, Any] | None:
    """A scenario that ``extends`` ``parent`` and sets only the fitted rates, their sources and the name.

    Built from the full ``calibrated`` data, so both say the same. ``None`` when a fitted path goes
    through a list index (``batches[0]``): ``extends`` merges lists other than channels whole, so such
    a fit is written out in full instead.
    """
    out: dict[str, Any] = {"extends": parent, "name": calibrated["name"]}
    for e in fit.estimates:
        steps = parse_path(e.parameter.path)
        if any(isinstance(step, int) for step in steps):
            return None
        source_owner = get_path(calibrated, _owner_path(e.parameter.path)) if len(steps) > 1 else calibrated
        node = set_layered(out, calibrated, e.parameter.path)
        if isinstance(source_owner, dict) and "source" in source_owner and node is not out:
            node["source"] = source_owner["source"]
    return out


def set_layered(out: dict[str, Any], full: dict[str, Any], path: str) -> dict[str, Any]:
    """Copy the value at ``path`` from ``full`` into the ``extends`` layer ``out``; returns the node it went into.

    Channels and regions are merged by name, so only the named entry and the changed key are
    written. Any other list is merged whole: a path through ``batches[0]`` writes the whole list.
    """
    steps = list(parse_path(path))
    cut = next((i for i, step in enumerate(steps) if isinstance(step, int)), len(steps))
    steps = steps[:cut]
    node: dict[str, Any] = out
    source: Any = full
    i = 0
    while i < len(steps) - 1:
        key = str(steps[i])
        child = source[key]
        if isinstance(child, list):
            name = steps[i + 1]
            entries = node.setdefault(key, [])
            found = [entry for entry in entries if entry.get("name") == name]
            node = found[0] if found else _append(entries, {"name": name})
            source = next(entry for entry in child if isinstance(entry, dict) and entry.get("name") == name)
            i += 2
        else:
            node = node.setdefault(key, {})
            source = child
            i += 1
    if i < len(steps):
        node[str(steps[-1])] = source[str(steps[-1])]
    return node


def _append(items: list[dict[str, Any]], item: dict[str, Any]) -> dict[str, Any]:
    items.append(item)
    return item


def scenario_yaml(data: dict[str, Any]) -> str:
    """Scenario data as YAML, keys in their order, as a planner reads it."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_scenario(path: Path, text: str, field: str = "--scenario-out") -> None:
    """Write beside ``path``, check that it loads (``extends`` resolves from there), then link into place.

    A hard link, unlike a rename, fails when ``path`` appeared meanwhile, so nothing is written over.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        load_scenario(tmp)
        os.link(tmp, path)
    except OSError as exc:
        raise ScenarioError(f"cannot write: {exc.strerror or exc}", where=Location(path), field=field) from None
    finally:
        tmp.unlink(missing_ok=True)
