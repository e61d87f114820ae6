"""The scenarios a page may open: the YAML files of one folder, by name (the file's stem).

A browser names a scenario, never a path, so nothing outside the folder can be read. Each file is
loaded (validated) when it is first listed and again only when it changes on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.errors import ScenarioError
from sim.scenario.loader import Loaded, load_scenario


@dataclass(frozen=True)
class Entry:
    """One scenario of the folder: its name in links, its title and description, or why it cannot open."""

    name: str
    file: Path
    title: str
    description: str = ""
    problem: str = ""


@dataclass
class Folder:
    """The scenarios of ``path``, each loaded once per change of its file."""

    path: Path

    def __post_init__(self) -> None:
        self._loaded: dict[Path, tuple[float, Loaded | ScenarioError]] = {}

    def names(self) -> list[str]:
        """Every scenario's name, sorted, with ``bali-2025`` first when it is there."""
        names = sorted(p.stem for p in self.path.glob("*.yaml") if p.is_file())
        return sorted(names, key=lambda n: n != "bali-2025")

    def load(self, name: str) -> Loaded:
        """The validated scenario called ``name``; a ScenarioError if it does not load."""
        if name not in self.names():
            raise ScenarioError(f"no scenario named {name!r} in {self.path}", field="scenario")
        file = self.path / f"{name}.yaml"
        stamp = file.stat().st_mtime
        kept = self._loaded.get(file)
        if kept is None or kept[0] != stamp:
            try:
                kept = (stamp, load_scenario(file))
            except ScenarioError as exc:
                kept = (stamp, exc)
            self._loaded[file] = kept
        if isinstance(kept[1], ScenarioError):
            raise kept[1]
        return kept[1]

    def entries(self) -> list[Entry]:
        """The folder's scenarios with their titles; one that does not load says why."""
        out = []
        for name in self.names():
            try:
                s = self.load(name).scenario
                out.append(Entry(name, self.path / f"{name}.yaml", s.name, " ".join(s.description.split())))
            except ScenarioError as exc:
                out.append(Entry(name, self.path / f"{name}.yaml", name, problem=str(exc)))
        return out
