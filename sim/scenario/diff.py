"""What a variant changes against its base: the paths whose resolved values differ.

:func:`scenario_diff` loads both scenarios and compares their resolved data path by path (channels
and regions addressed by name, a distribution or a list of dated steps as one value); a channel or
region only one side has is one row. :mod:`sim.scenario.changes` turns the rows into what a person reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.scenario.changes import MISSING
from sim.scenario.loader import load_scenario
from sim.scenario.schema import scenario_data


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by path; channels are addressed by name, e.g. ``channels[BPR agents].agents``."""
    out: dict[str, Any] = {}
    if isinstance(data, dict) and _is_leaf_dict(data):
        out[prefix] = data
    elif isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list) and (prefix in ("channels", "regions") or prefix.endswith(".channels")):
        for item in data:
            out.update(flatten(item, f"{prefix}[{item['name']}]"))
    else:  # a list of rollout steps or batches is one value: a variant sets it as a whole
        out[prefix] = data
    return out


def _is_leaf_dict(data: dict[str, Any]) -> bool:
    """A distribution (``{beta: [...]}``) is one value, not a branch."""
    return len(data) == 1 and next(iter(data)) in ("beta", "uniform", "triangular", "lognormal")


def _named_items(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every channel and region by its path, e.g. ``channels[BRI KUR]`` or ``regions[Bali]``."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(_named_items(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list) and (prefix in ("channels", "regions") or prefix.endswith(".channels")):
        for item in data:
            path = f"{prefix}[{item['name']}]"
            out[path] = item
            out.update(_named_items(item, path))
    return out


def scenario_diff(a: Path, b: Path) -> list[tuple[str, Any, Any]]:
    """Paths whose resolved values differ between scenario ``a`` and scenario ``b``.

    A channel or region that only one of them has is one row holding all of it.
    """
    da, db = scenario_data(load_scenario(a).scenario), scenario_data(load_scenario(b).scenario)
    na, nb = _named_items(da), _named_items(db)
    whole = {p: (na.get(p, MISSING), nb.get(p, MISSING)) for p in [*na, *nb] if (p in na) != (p in nb)}
    fa, fb = flatten(da), flatten(db)
    rows: list[tuple[str, Any, Any]] = []
    for k in list(fa) + [k for k in fb if k not in fa]:
        owner = next((p for p in whole if k.startswith(p + ".")), None)
        if owner is not None:
            if all(row[0] != owner for row in rows):
                rows.append((owner, *whole[owner]))
        elif fa.get(k, MISSING) != fb.get(k, MISSING):
            rows.append((k, fa.get(k, MISSING), fb.get(k, MISSING)))
    return rows
