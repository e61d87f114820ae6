"""Imports point down the pipeline only: scenario -> channels -> model -> ... -> report -> cli and page.

The table below is the layer order, bottom first; a module belongs to the most specific prefix that
names it, and may import its own layer and the layers below. Every import counts, including those
inside functions and under ``TYPE_CHECKING``: an upward import for typing still ties the lower
module to the upper one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYERS: list[list[str]] = [
    ["sim.errors", "sim.rates"],
    [
        "sim.scenario.fields",
        "sim.scenario.distributions",
        "sim.scenario.costs",
        "sim.scenario.calendar",
        "sim.scenario.yamlio",
        "sim.scenario.paths",
        "sim.scenario.textfile",
    ],
    ["sim.channels"],
    ["sim.scenario"],
    ["sim.model"],
    ["sim.results"],
    ["sim.experiment"],
    ["sim.analyses"],
    ["sim.i18n"],
    ["sim.figures"],
    ["sim.report"],
    ["sim.cli", "sim.__main__", "sim.page"],
]
# The package itself only re-exports, lazily; it may name any layer.
UNLAYERED = {"sim"}

SIM = Path(__file__).resolve().parent.parent / "sim"


def layer_of(module: str, layers: list[list[str]] = LAYERS) -> int | None:
    """The index of the layer whose most specific prefix names ``module``, or None."""
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(layers):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def module_name(path: Path, root: Path) -> str:
    """``sim/a/b.py`` -> ``sim.a.b``; ``sim/a/__init__.py`` -> ``sim.a``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.Module, known: set[str]) -> set[str]:
    """Every ``sim`` module a source file imports; ``from sim.x import y`` is ``sim.x.y`` when y is a module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "sim")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "sim":
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in known else node.module)
    return names


def upward_imports(root: Path, layers: list[list[str]] = LAYERS) -> list[str]:
    """Each import under ``root`` that points to a higher layer, as 'importer -> imported'."""
    files = sorted(root.rglob("*.py"))
    known = {module_name(f, root) for f in files}
    problems = []
    for f in files:
        importer = module_name(f, root)
        if importer in UNLAYERED:
            continue
        here = layer_of(importer, layers)
        if here is None:
            problems.append(f"{importer}: in no layer")
            continue
        for target in sorted(imported(ast.parse(f.read_text(), str(f)), known)):
            there = layer_of(target, layers)
            if target not in UNLAYERED and (there is None or there > here):
                problems.append(f"{importer} -> {target}")
    return problems


def test_every_import_points_down() -> None:
    assert upward_imports(SIM) == []


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "sim"
    (root / "model").mkdir(parents=True)
    (root / "channels").mkdir()
    (root / "__init__.py").write_text("")
    (root / "model" / "__init__.py").write_text("")
    (root / "model" / "state.py").write_text("X = 1\n")
    (root / "channels" / "__init__.py").write_text("")
    (root / "channels" / "base.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim.model.state import X\n"
    )
    (root / "channels" / "ok.py").write_text("from sim.channels import base\n")
    assert upward_imports(root) == ["sim.channels.base -> sim.model.state"]


@pytest.mark.parametrize(
    ("module", "layer"),
    [("sim.scenario.fields", 1), ("sim.scenario.schema", 3), ("sim.scenario", 3), ("sim.channels.base", 2)],
)
def test_the_most_specific_prefix_wins(module: str, layer: int) -> None:
    assert layer_of(module) == layer


def test_an_unknown_module_is_in_no_layer(tmp_path: Path) -> None:
    root = tmp_path / "sim"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "stray.py").write_text("")
    assert upward_imports(root) == ["sim.stray: in no layer"]
