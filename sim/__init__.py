"""Membership-growth simulator for BPJS Ketenagakerjaan planners.

A scenario (YAML) describes the working population, today's members, the partner channels that
recruit new ones and the lapse of those who stop paying. :func:`sim.experiment.blocks.run_scenario` runs it
through a SimPy discrete-event model over Monte Carlo replications and returns
:class:`sim.results.projections.Results`, which the CLI prints as a verdict on the target and writes to disk.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
