"""What every chart shares: the Agg backend, how a figure becomes PNG bytes or a file, and the words.

The Agg backend draws without a display. Files written with :func:`save` carry no timestamp or
software version, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Protocol

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

METADATA = {"Software": None}
DPI = 110
BAND = "#4C78A8"
TARGET = "#D62728"
UP = "#54A24B"
DOWN = "#E45756"
TOTAL = "#4C78A8"


class Words(Protocol):
    """How a report's language writes words and numbers (:class:`sim.i18n.language.Lang` is one)."""

    def t(self, key: str, **values: str) -> str: ...

    def number(self, x: float, decimals: int = 0) -> str: ...

    def signed(self, x: float, decimals: int = 0) -> str: ...

    def short(self, x: float, most: int = 4) -> str: ...

    def percent(self, share: float, decimals: int = 2) -> str: ...


def save(fig: Any, path: Path) -> None:
    """Write ``fig`` as a PNG file without metadata that changes between runs, and close it."""
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata=METADATA)
    plt.close(fig)


def png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes (to embed in a report), closed afterwards."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def thousands(words: Words) -> FuncFormatter:
    """An axis formatter writing numbers the way ``words`` does."""
    return FuncFormatter(lambda x, _pos: words.number(x))


def tick(words: Words, value: object) -> str:
    """A tick label: numbers with as few decimals as they need, anything else as text."""
    return words.short(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
