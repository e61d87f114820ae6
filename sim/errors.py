"""The one error type a planner sees: where the problem is, and what would be allowed instead.

Every problem with input -- a scenario file, a CLI option, an output folder -- becomes a
:class:`ScenarioError`. The CLI prints its one-line :meth:`~ScenarioError.__str__` and exits with
code 2, so no traceback reaches the planner unless ``--debug`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a scenario file: the file and the 1-based YAML line, when known."""

    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else str(self.file)


class ScenarioError(Exception):
    """Bad input, reported as ``file:line: field: what is wrong``."""

    def __init__(self, message: str, *, where: Location | None = None, field: str = "") -> None:
        self.message = message
        self.where = where or Location()
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        # A field path typed on the command line may hold anything; the report stays one line.
        field = self.field if self.field.isprintable() else repr(self.field)
        parts = [p for p in (str(self.where), field) if p]
        return ": ".join([*parts, self.message]).replace("\n", "\\n")
