"""A table held column by column: rows of a CSV file without a dict per row until one is asked for.

``monthly.csv`` of national-2026 has 9,072 rows; building a dict for each, and formatting each
cell of each dict on its own, took longer than computing the figures. A :class:`Table` keeps the
columns as lists, so that :func:`sim.results.folder.write_csv` formats a column of floats in one
call (:func:`float_texts`), and is still a sequence of row dicts for every reader that wants those.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload


@dataclass(frozen=True)
class Table(Sequence[dict[str, Any]]):
    """Rows with the fields ``names``; ``columns[j]`` holds field ``names[j]`` of every row.

    ``text`` is the table's CSV text, header included, when it was written already (the pool's
    workers write ``monthly.csv``'s rows a part each, :mod:`sim.experiment.describe`); it is the
    text :func:`sim.results.folder.table_text` would write, and not part of a table's equality.
    """

    names: tuple[str, ...]
    columns: tuple[list[Any], ...]
    text: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.names) != len(self.columns):
            raise ValueError(f"{len(self.names)} names for {len(self.columns)} columns")
        if len({len(c) for c in self.columns}) > 1:
            raise ValueError(f"columns of different lengths: {[len(c) for c in self.columns]}")

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        i = range(len(self))[index]
        return {name: column[i] for name, column in zip(self.names, self.columns, strict=True)}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for cells in zip(*self.columns, strict=True):
            yield dict(zip(self.names, cells, strict=True))


def float_texts(values: Sequence[Any]) -> list[str] | None:
    """``[repr(v) for v in values]`` when there are values and every one is a float, in one call; None otherwise.

    A list's repr is its items' reprs joined by ", ", and no float's repr holds a comma.
    """
    if not values or set(map(type, values)) != {float}:
        return None
    return repr(list(values))[1:-1].split(", ")
