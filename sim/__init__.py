"""Membership-growth simulator for BPJS Ketenagakerjaan planners.

A scenario (YAML) describes the working population, today's members, the partner channels that
recruit new ones and the lapse of those who stop paying. :func:`load_scenario` reads and checks it,
:func:`run_scenario` runs it through a SimPy discrete-event model over Monte Carlo replications and
returns :class:`Results`, which the CLI prints as a verdict on the target and writes to disk.

The names below are imported on first use (PEP 562), so ``import sim`` and ``import sim.cli`` stay
fast; the README's "Code map" says where everything else lives.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("sim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from sim.errors import ScenarioError
    from sim.experiment.blocks import run_scenario
    from sim.results.projections import Results
    from sim.scenario.loader import load_scenario
    from sim.scenario.schema import Scenario

_PUBLIC = {
    "load_scenario": "sim.scenario.loader",
    "run_scenario": "sim.experiment.blocks",
    "Scenario": "sim.scenario.schema",
    "Results": "sim.results.projections",
    "ScenarioError": "sim.errors",
}

__all__ = ["Results", "Scenario", "ScenarioError", "__version__", "load_scenario", "run_scenario"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
