"""What the planner's commands share: ``--set`` options, and turning them into overrides."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from sim.errors import ScenarioError
from sim.loader import Loaded, load_raw, load_scenario
from sim.paths import Override, get_path, parse_assignment, parse_path

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


def _check_new_key(raw: Any, path: str) -> None:
    """A path whose last key is new but close to one already there is a typo, not a new field."""
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


def load_with(file: Path, overrides: Sequence[Override]) -> Loaded:
    """:func:`~sim.loader.load_scenario` with ``--set`` overrides, catching misspelt last keys first."""
    if overrides:
        raw, _ = load_raw(Path(file))
        for o in overrides:
            _check_new_key(raw, o.path)
    return load_scenario(file, overrides=overrides)
