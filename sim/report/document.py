"""What a report holds, independent of its format: sections of text, tables and charts.

Tables keep real numbers; each column says what kind of number it holds, so the Markdown, HTML and
PDF renderers format it in the report's language while the xlsx keeps the number itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "int", "num", "pct", "signed", "pp"]


@dataclass(frozen=True)
class Column:
    """A table column: its heading and the kind of value it holds."""

    label: str
    kind: Kind = "int"


@dataclass(frozen=True)
class Table:
    """A table; ``sheet`` names its xlsx sheet (at most 31 characters)."""

    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a file name and its PNG bytes."""

    name: str
    title: str
    png: bytes


@dataclass(frozen=True)
class Section:
    """A titled part of the report; ``key`` is its stable anchor (HTML id, tests)."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Report:
    """A whole report: title, the one-sentence verdict, and its sections."""

    lang: str
    title: str
    subtitle: str
    headline: str
    sections: tuple[Section, ...] = field(default=())
