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


def column_shares(t: Table, least: int = 8, most: int = 60) -> tuple[float, ...]:
    """Each column's share of the table's width, by the length of its longer cells.

    A column's length is the 90th percentile of its cells' lengths in characters (heading
    included), held within [``least``, ``most``]: a column of long sources gets the most room, one
    or two long values do not take it from them, and no column is starved. Longer cells wrap.
    """
    lengths = []
    for i, c in enumerate(t.columns):
        ordered = sorted([len(c.label), *(len(str(row[i])) for row in t.rows)])
        lengths.append(min(most, max(least, ordered[int(0.9 * (len(ordered) - 1))])))
    return tuple(n / sum(lengths) for n in lengths)


def all_text(t: Table) -> bool:
    """A table of words (assumptions, changes): laid out at the page's width with wrapping cells."""
    return all(c.kind == "text" for c in t.columns)


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
