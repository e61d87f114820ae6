"""The report as Markdown, with its charts as PNG files beside it."""

from __future__ import annotations

from sim.i18n.language import Lang
from sim.report.document import Report, Table


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(lang: Lang, t: Table) -> str:
    """A pipe table under its bold title."""
    head = "| " + " | ".join(_escape(c.label) for c in t.columns) + " |"
    rule = "|" + "|".join("---" if c.kind == "text" else "---:" for c in t.columns) + "|"
    body = [
        "| " + " | ".join(_escape(lang.cell(v, c.kind)) for v, c in zip(row, t.columns, strict=True)) + " |"
        for row in t.rows
    ]
    return "\n".join([f"**{_escape(t.title)}**", "", head, rule, *body])


def render(report: Report) -> str:
    """Markdown text; charts are linked as ``<name>.png`` in the same folder."""
    lang = Lang(report.lang)
    out = [
        f"# {report.title}",
        "",
        f"_{report.subtitle}_",
        "",
        f"## {lang.t('headline')}",
        "",
        f"**{report.headline}**",
        "",
    ]
    for s in report.sections:
        out += [f"## {s.title}", ""]
        for p in s.paragraphs:
            out += [p, ""]
        for c in s.charts:
            out += [f"![{c.title}]({c.name})", ""]
        for t in s.tables:
            out += [table(lang, t), ""]
    return "\n".join(out)
