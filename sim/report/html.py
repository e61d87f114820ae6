"""The report as one self-contained HTML page: charts embedded as base64 PNG, ready for a projector."""

from __future__ import annotations

import base64
from html import escape

from sim.i18n.language import Lang
from sim.report.document import Report, Section, Table, all_text, column_shares

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
.subtitle { color: #666; margin-top: 0; }
.headline { font-size: 1.35em; font-weight: bold; background: #f3f6fa; border-left: 6px solid #4C78A8;
            padding: 0.7em 1em; }
section { margin-top: 2em; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.92em; max-width: 100%; }
table.words { width: 100%; table-layout: fixed; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; overflow-wrap: break-word; }
table.words td { overflow-wrap: anywhere; }
th { background: #eef2f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; }
  tr, img { break-inside: avoid; }
}
"""


def table(lang: Lang, t: Table) -> str:
    """One table, numbers right-aligned; a table of words fills the page width and wraps its cells."""
    head = "".join(f"<th>{escape(c.label)}</th>" for c in t.columns)
    body = "".join(
        "<tr>" + "".join(_cell(lang, v, c.kind) for v, c in zip(row, t.columns, strict=True)) + "</tr>"
        for row in t.rows
    )
    opening, cols = "<table>", ""
    if all_text(t):
        opening = '<table class="words">'
        cols = "<colgroup>" + "".join(f'<col style="width: {100 * s:.1f}%">' for s in column_shares(t)) + "</colgroup>"
    return (
        f"{opening}<caption>{escape(t.title)}</caption>{cols}<thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _cell(lang: Lang, value: object, kind: str) -> str:
    attr = "" if kind == "text" else ' class="n"'
    return f"<td{attr}>{escape(lang.cell(value, kind))}</td>"


def section(lang: Lang, s: Section) -> str:
    """One section with its anchor ``id``."""
    parts = [f'<section id="{escape(s.key)}"><h2>{escape(s.title)}</h2>']
    parts += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
    parts += [
        f'<img alt="{escape(c.title)}" src="data:image/png;base64,{base64.b64encode(c.png).decode("ascii")}">'
        for c in s.charts
    ]
    parts += [table(lang, t) for t in s.tables]
    return "".join(parts) + "</section>"


def render(report: Report) -> str:
    """The whole page."""
    lang = Lang(report.lang)
    sections = "\n".join(section(lang, s) for s in report.sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{report.lang}"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>\n"
        f'<h1>{escape(report.title)}</h1><p class="subtitle">{escape(report.subtitle)}</p>\n'
        f'<section id="headline"><h2>{escape(lang.t("headline"))}</h2>'
        f'<p class="headline">{escape(report.headline)}</p></section>\n{sections}\n</body></html>\n'
    )
