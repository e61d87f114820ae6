"""Reading a finished result folder for its report: which kind it is, and each file as its validated model.

Every file goes through :mod:`sim.results.files`, so a damaged or foreign folder gives one line
naming the file and the field before any part of the report is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sim.errors import Location, ScenarioError
from sim.results.files import (
    CompareFile,
    MonthlyRow,
    Opened,
    OptimizeFile,
    ProjectionScores,
    SensitivityFile,
    SolveFile,
    SummaryFile,
    SweepFile,
    open_result,
    read_model,
    read_monthly,
    read_png,
    read_scenario,
)
from sim.results.folder import complete_results

REPORTED = ("run", "compare", "sweep", "sensitivity", "solve", "optimize")


@dataclass(frozen=True)
class Folder(Opened):
    """A complete result folder of a kind the report reads, and its files."""

    def summary(self) -> SummaryFile:
        return read_model(self.path / "summary.json", SummaryFile)

    def compare(self) -> CompareFile:
        return read_model(self.path / "compare.json", CompareFile)

    def sweep(self) -> SweepFile:
        return read_model(self.path / "sweep.json", SweepFile)

    def solve(self) -> SolveFile:
        return read_model(self.path / "solve.json", SolveFile)

    def optimize(self) -> OptimizeFile:
        return read_model(self.path / "optimize.json", OptimizeFile)

    def sensitivity(self) -> SensitivityFile:
        return read_model(self.path / "sensitivity.json", SensitivityFile)

    def last_scores(self) -> ProjectionScores | None:
        """The latest scoring of this run against what happened (``scored/<time>/``), if it was scored."""
        scored = [p for p in complete_results(self.path / "scored") if (p / "scores.json").is_file()]
        return read_model(scored[-1] / "scores.json", ProjectionScores) if scored else None

    def tornado_png(self) -> bytes:
        return read_png(self.path / "tornado.png")

    @cached_property
    def _scenario(self) -> dict[str, Any]:
        return read_scenario(self.path / "scenario.yaml")

    def scenario(self) -> dict[str, Any]:
        """The resolved scenario written beside the results, as its YAML says it."""
        return self._scenario

    @cached_property
    def _monthly(self) -> tuple[MonthlyRow, ...]:
        return read_monthly(self.path / "monthly.csv")

    def monthly(self, series: str) -> list[MonthlyRow]:
        """Rows of ``monthly.csv`` for one series."""
        return [row for row in self._monthly if row.series == series]


def open_folder(path: Path) -> Folder:
    """The result folder at ``path``, or a one-line error saying why it cannot be reported."""
    opened = open_result(path)
    if opened.kind not in REPORTED:
        raise ScenarioError(
            f"is a {opened.kind} result; sim report reads {', '.join(REPORTED)} folders", where=Location(path)
        )
    return Folder(opened.path, opened.kind, opened.run)
