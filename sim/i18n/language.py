"""One language: its words, and how it writes numbers, percentages and dates.

Indonesian writes 1.300.000 and 52,45%: a dot groups thousands and a comma marks decimals, the
opposite of English. Every figure a planner reads goes through :class:`Lang`, so no table mixes the
two. A figure is rounded once, in Python's own way, and Babel then writes that exact decimal in the
language's style; a minus is the typographic ``−``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from sim.i18n.catalogue import LANGS, words


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


@dataclass(frozen=True)
class Lang:
    """One language of :data:`~sim.i18n.catalogue.LANGS`."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in LANGS:
            raise ValueError(f'"lang" must be one of {", ".join(LANGS)}, got {self.code!r}')

    def t(self, key: str, **values: str) -> str:
        """The text ``key`` in this language, with ``values`` filled in."""
        text = words(self.code)[key]
        return text.format(**values) if values else text

    def number(self, x: float, decimals: int = 0) -> str:
        """``1300000`` → ``1.300.000`` (id) or ``1,300,000`` (en)."""
        exact = Decimal(f"{x:.{decimals}f}")
        text = format_decimal(exact, format=_pattern(decimals), locale=self.code)
        return "−" + text[1:] if text.startswith("-") else text

    def signed(self, x: float, decimals: int = 0) -> str:
        """A change, always with its sign: ``+1.234`` or ``−1.234``."""
        return ("+" if x >= 0 else "") + self.number(x, decimals)

    def short(self, x: float, most: int = 4) -> str:
        """A value with as few decimals as it needs (at most ``most``): ``0.3`` → ``0,3`` (id)."""
        decimals = next((d for d in range(most + 1) if abs(round(x, d) - x) < 1e-9), most)
        return self.number(x, decimals)

    def percent(self, share: float, decimals: int = 2) -> str:
        """``0.5245`` → ``52,45%`` (id) or ``52.45%`` (en)."""
        exact = Decimal(f"{share * 100:.{decimals}f}") / 100
        text = format_percent(exact, format=_pattern(decimals) + "%", locale=self.code)
        return "−" + text[1:] if text.startswith("-") else text

    def date(self, iso: str) -> str:
        """``2025-12-31`` → ``31 Desember 2025`` (id) or ``31 December 2025`` (en)."""
        return format_date(date.fromisoformat(iso), format="d MMMM y", locale=self.code)

    def cell(self, value: object, kind: str) -> str:
        """A table cell of ``kind`` (text, int, num, pct, signed, pp); a missing value is a dash.

        ``pp`` is a change in a probability, in signed percentage points.
        """
        if value is None or (isinstance(value, float) and value != value):
            return "–"
        if kind == "text" or not isinstance(value, int | float):
            return str(value)
        if kind == "pct":
            return self.percent(value)
        if kind == "signed":
            return self.signed(value)
        if kind == "pp":
            return self.signed(value * 100, 2) + (" pp" if self.code == "en" else " poin")
        if kind == "num":
            return self.number(value) if abs(value) >= 100 else self.short(value)
        return self.number(value)
