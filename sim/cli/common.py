"""What the planner's commands share: ``--set`` options, and turning them into overrides."""

from __future__ import annotations

import itertools
from typing import Any

import typer

from sim.errors import ScenarioError
from sim.paths import Override, parse_assignment

SET_HELP = "PATH=VALUE, e.g. 'channels[BPR agents].agents=40' (repeatable; see README 'Field paths')"


def set_option(help_text: str = SET_HELP) -> Any:
    """The repeatable ``--set`` option."""
    return typer.Option([], "--set", help=help_text, metavar="PATH=VALUE")


def single_overrides(sets: list[str]) -> list[Override]:
    """``--set PATH=VALUE`` options, one value each, as overrides."""
    out = []
    for text in sets:
        path, values = parse_assignment(text)
        if len(values) != 1:
            raise ScenarioError(
                f"one value per --set here, got {len(values)}; 'sim sweep' runs several", field=f"--set {path}"
            )
        out.append(Override(path, values[0]))
    return out


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
