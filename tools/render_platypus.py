"""Draw a 项目支出绩效目标表 the way a reportlab *platypus* report does: a Table of CJK-wrapped Paragraphs,
GRID 0.25, the header row repeated (repeatRows=1), tall rows split inside the row at a page break
(splitInRow=1), the title and 部门名称 only above the table on page 1.  A different code path from
render_pdf.py (which positions every line itself), and platypus has quirks of its own: it fuses the
rest of a split row into the repeated header, repeats the header once more inside the page before a
split row, and drops a space where it wraps a line.

``render(truth, path)`` writes the PDF; the pages are found afterwards from the name column.
"""

from __future__ import annotations

from pathlib import Path

from render_pdf import FONTS, HEADER, fmt_amount
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def render(truth: dict, path: Path) -> None:
    font_path, index = FONTS["wqy"]
    if "P_wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("P_wqy", font_path, subfontIndex=index))
    body = ParagraphStyle("body", fontName="P_wqy", fontSize=7.5, leading=9.5, wordWrap="CJK")
    title = ParagraphStyle("title", fontName="P_wqy", fontSize=15, leading=20, alignment=1)
    data = [[Paragraph(h, body) for h in HEADER]]
    for r in truth["rows"]:
        name = ("&nbsp;" * 4 if r["kind"] == "project" else "") + r["name"]
        amounts = [Paragraph(fmt_amount(r[k]), body) for k in ("total", "fiscal", "special_account", "other")]
        data.append([Paragraph(name, body), *amounts, Paragraph(r["goal"], body),
                     Paragraph(r["indicators_text"], body)])
    table = Table(data, colWidths=[120, 52, 52, 58, 52, 200, 250], repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=20, rightMargin=20, topMargin=20,
                            bottomMargin=20, invariant=1)
    doc.build([Paragraph(truth["title"], title),
               Paragraph(f"部门名称：{truth['department']}　　单位：{truth['amount_unit']}", body),
               Spacer(1, 6), table])
