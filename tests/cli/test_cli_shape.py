"""The CLI stays thin: options and printing, one library call per command (issue 10's bar)."""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT
from sim.cli import COMMANDS

pytestmark = pytest.mark.cli

CLI = ROOT / "sim" / "cli"


def test_the_cli_is_under_1000_lines() -> None:
    # About 70 lines a command, options and printing: 900 for 12 commands, 1,000 for 14 (optimize, serve).
    lines = sum(len(p.read_text().splitlines()) for p in CLI.glob("*.py"))
    assert lines < 1000, f"sim/cli/ has {lines} lines; move logic into the library"


def test_every_command_is_named_the_same_way_and_short() -> None:
    for name, (module, function) in COMMANDS.items():
        assert function == f"{name}_command", name
        tree = ast.parse((CLI / f"{module}.py").read_text())
        [node] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
        length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
        assert length <= 40, f"{function} is {length} lines long"
