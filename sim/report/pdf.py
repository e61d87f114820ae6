"""The report as a PDF, with fpdf2 (pure Python) and matplotlib's bundled DejaVu font.

DejaVu covers the en dash, the minus sign and Indonesian text, which PDF core fonts do not.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from sim.i18n.language import Lang
from sim.report.document import Report, Table, all_text, column_shares

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"


def _table(pdf: FPDF, lang: Lang, t: Table) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 6, t.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(FONT, "", 8)
    align = tuple("LEFT" if c.kind == "text" else "RIGHT" for c in t.columns)
    # A table of words gets room by its content, as in the HTML; numbers keep equal columns.
    widths = column_shares(t) if all_text(t) else None
    with pdf.table(
        text_align=align,
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 242, 247)),
        line_height=5,
    ) as out:
        head = out.row()
        for c in t.columns:
            head.cell(c.label)
        for values in t.rows:
            row = out.row()
            for v, c in zip(values, t.columns, strict=True):
                row.cell(lang.cell(v, c.kind))
    pdf.ln(4)


def write(report: Report, path: Path) -> None:
    """Write the PDF: landscape A4, one chart per page width."""
    lang = Lang(report.lang)
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, report.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, report.subtitle, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 7, report.headline, new_x="LMARGIN", new_y="NEXT", align="L")
    for s in report.sections:
        pdf.add_page()
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 8, s.title, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font(FONT, "", 9)
        for p in s.paragraphs:
            pdf.multi_cell(0, 5, p, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        for c in s.charts:
            pdf.image(io.BytesIO(c.png), w=min(pdf.epw, 200))
            pdf.ln(2)
        for t in s.tables:
            _table(pdf, lang, t)
    pdf.output(str(path))
