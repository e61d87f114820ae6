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
from typing import Any

import numpy as np
from scipy import stats

from sim.analyses.history.calibration import Estimate, Fit
from sim.scenario.distributions import Beta, Distribution, Lognormal, Uniform
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
        node = out
        for i, step in enumerate(steps[:-1]):
            if step == "channels" and i == 0:
                continue
            if i == 1 and steps[0] == "channels":
                channels = out.setdefault("channels", [])
                found = [ch for ch in channels if ch["name"] == step]
                node = found[0] if found else _append(channels, {"name": step})
            else:
                node = node.setdefault(str(step), {})
        node[str(steps[-1])] = get_path(calibrated, e.parameter.path)
        if isinstance(source_owner, dict) and "source" in source_owner and node is not out:
            node["source"] = source_owner["source"]
    return out


def _append(items: list[dict[str, Any]], item: dict[str, Any]) -> dict[str, Any]:
    items.append(item)
    return item
