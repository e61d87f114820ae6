"""The CSV tables of result folders: written as ``csv.DictWriter`` with floats as ``repr`` writes them.

:func:`sim.results.folder.write_csv` builds its rows' cells itself, for speed; here its files are
compared byte for byte with the DictWriter's on the awkward cases: keys in another order, a key
missing, a key too many, NumPy floats (whose ``str`` and ``repr`` differ), and text to be quoted.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.results.folder import write_csv
from sim.results.table import Table


def dict_writer(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return out.getvalue()


ROWS = [
    {"date": "2025-01-31", "series": "active", "mean": 0.1 + 0.2, "sd": 1e-7, "p05": float("nan")},
    {"series": 'enrolled[BPR, "agents"]', "date": "2025-02-28", "mean": np.float64(2.5), "sd": 3, "p05": None},
    {"date": "2025-03-31", "series": "line\nbreak", "mean": 1e22, "sd": True},  # p05 missing
    {"date": "2025-04-30", "series": "coverage", "mean": np.float32(0.25), "sd": -0.0, "p05": 7},
]


def test_rows_are_written_as_dict_writer_writes_them(tmp_path: Path) -> None:
    write_csv(tmp_path / "t.csv", ROWS)
    assert (tmp_path / "t.csv").read_bytes() == dict_writer(ROWS).encode()
    assert "np.float64(2.5)" in dict_writer(ROWS)  # repr, not str: the DictWriter's way, kept


def test_a_key_the_first_row_lacks_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'extra'"):
        write_csv(tmp_path / "t.csv", [{"a": 1}, {"a": 2, "extra": 3}])


def test_no_rows_is_an_empty_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "t.csv", [])
    assert (tmp_path / "t.csv").read_bytes() == b""


def test_a_table_is_written_as_its_rows_would_be(tmp_path: Path) -> None:
    # A column of floats only (written in one call), text to be quoted (repeated, and empty), and
    # columns of mixed types: 1, 1.0 and True are equal but written apart, as are 0.0 and -0.0.
    names = ("date", 'se,"ries"', "mean", "sd", "p05")
    table = Table(
        names,
        (
            ["2025-01-31", "2025-02-28", "2025-01-31", "", "2025-03-31", "2025-04-30"],
            ["active", 'enrolled[BPR, "agents"]', "line\nbreak", "", "active", " padded "],
            [0.1 + 0.2, -0.0, float("nan"), float("inf"), 1e-7, 1e22],
            [1, 1.0, True, None, np.float64(2.5), np.float32(0.25)],
            [0.0, -0.0, "", 7, False, "x"],
        ),
    )
    write_csv(tmp_path / "t.csv", table)
    as_dicts = [dict(zip(names, cells, strict=True)) for cells in zip(*table.columns, strict=True)]
    assert list(table) == as_dicts and table[-1] == as_dicts[-1] and table[1:3] == as_dicts[1:3]
    assert len(table) == 6
    assert (tmp_path / "t.csv").read_bytes() == dict_writer(as_dicts).encode()


def test_a_table_of_no_rows_is_an_empty_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "t.csv", Table(("a", "b"), ([], [])))
    assert (tmp_path / "t.csv").read_bytes() == b""


def test_a_table_refuses_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        Table(("a", "b"), ([1], [1, 2]))
