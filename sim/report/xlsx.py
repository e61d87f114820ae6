"""The report's tables as an xlsx workbook: one sheet per table, numbers kept as numbers.

Cells carry an Excel number format for their kind, so a planner sees 52.45% or 1,300,000 in
their own Excel locale and can still add, sort and chart the values.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from sim.i18n.language import Lang
from sim.report.document import Report, Table

FORMATS = {"int": "#,##0", "signed": "+#,##0;-#,##0;0", "pct": "0.00%", "pp": "+0.00%;-0.00%;0.00%", "num": "General"}


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name: at most 31 characters, none of the characters Excel forbids."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[:28]}-{n}"
    taken.add(candidate)
    return candidate


def write(report: Report, path: Path) -> None:
    """Write the workbook; the first sheet holds the title and the verdict."""
    lang = Lang(report.lang)
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = lang.t("headline")[:31]
    cover.append([report.title])
    cover.append([report.subtitle])
    cover.append([report.headline])
    cover["A1"].font = Font(bold=True, size=14)
    taken = {cover.title}
    tables: list[Table] = [t for s in report.sections for t in s.tables]
    for t in tables:
        ws = book.create_sheet(sheet_name(t.sheet, taken))
        ws.append([t.title])
        ws["A1"].font = Font(bold=True)
        ws.append([c.label for c in t.columns])
        for row in t.rows:
            ws.append([v if v is None or isinstance(v, int | float | str) else str(v) for v in row])
            for cell, column in zip(ws[ws.max_row], t.columns, strict=True):
                if column.kind in FORMATS and isinstance(cell.value, int | float):
                    cell.number_format = FORMATS[column.kind]
        for i, column in enumerate(t.columns, start=1):
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = max(12, min(60, len(column.label) + 4))
    book.save(path)
