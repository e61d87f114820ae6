"""``sim diff A B``: what a variant changes against its base, as paths and values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.results.folder import scenario_data
from sim.scenario.changes import MISSING, readable_rows, value_text
from sim.scenario.loader import load_scenario


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


def diff(
    base: Path = typer.Argument(..., help="base scenario"),
    variant: Path = typer.Argument(..., help="variant scenario"),
    as_json: bool = typer.Option(False, "--json", help="print the differences as JSON"),
) -> None:
    """Show what VARIANT changes against BASE."""
    rows = scenario_diff(base, variant)
    if as_json:
        typer.echo(json.dumps([{"path": p, "base": x, "variant": y} for p, x, y in rows], indent=2, default=str))
        return
    Console().print(diff_table(rows, f"{variant} against {base}") if rows else "no differences")


def diff_table(rows: list[tuple[str, Any, Any]], title: str) -> Table:
    """The differences as a table of paths, base values and variant values, a row per dated step."""
    table = Table(title=title)
    for col in ("Path", "Base", "Variant"):
        table.add_column(col)
    for path, x, y in readable_rows(rows):
        table.add_row(path, value_text(x), value_text(y))
    return table
