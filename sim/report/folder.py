"""Reading a finished result folder: which kind it is and the files a report needs."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from sim.errors import Location, ScenarioError
from sim.results.folder import require_complete

FolderKind = Literal["run", "compare", "sweep", "sensitivity", "solve"]
MARKERS: dict[str, FolderKind] = {
    "compare.json": "compare",
    "sweep.json": "sweep",
    "sensitivity.json": "sensitivity",
    "solve.json": "solve",
    "summary.json": "run",
}


@dataclass(frozen=True)
class Folder:
    """A complete result folder and its kind."""

    path: Path
    kind: FolderKind

    def json(self, name: str) -> Any:
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def scenario(self) -> dict[str, Any]:
        """The resolved scenario written beside the results (empty when absent)."""
        file = self.path / "scenario.yaml"
        data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else None
        return data if isinstance(data, dict) else {}

    def monthly(self, series: str) -> list[dict[str, Any]]:
        """Rows of ``monthly.csv`` for one series, with numbers as floats."""
        with (self.path / "monthly.csv").open(encoding="utf-8") as f:
            return [
                {k: (v if k in ("date", "series") else float(v)) for k, v in row.items()}
                for row in csv.DictReader(f)
                if row["series"] == series
            ]


def open_folder(path: Path) -> Folder:
    """The result folder at ``path``, or a one-line error saying what is missing."""
    require_complete(path)
    for marker, kind in MARKERS.items():
        if (path / marker).is_file():
            return Folder(path, kind)
    raise ScenarioError(f"holds none of {', '.join(MARKERS)}", where=Location(path))
