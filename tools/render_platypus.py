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

from render_pdf import HEADER, fmt_amount, font_file
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def render(truth: dict, path: Path, *, borders: str = "all", valign: str = "top", indent: bool = True,
           font: str = "wqy", repeat: bool = True, orientation: str = "landscape", rows: str = "auto") -> None:
    """borders: all (GRID 0.25), hairline (0.1), outer (a box, and a rule under the header), none.  rows:
    auto (platypus' padding, 3 pt above and below, leading 1.27 em) or tight (half a point of padding,
    leading 1.13 em: a face with a tall ascent, Noto's 1.16 em, prints a line's foot on the rule under it)."""
    font_path, index = font_file(font)
    name = f"P_{font}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, font_path, subfontIndex=index))
    body = ParagraphStyle("body", fontName=name, fontSize=7.5, leading=9.5 if rows == "auto" else 8.5, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=name, fontSize=15, leading=20, alignment=1)
    data = [[Paragraph(h, body) for h in HEADER]]
    for r in truth["rows"]:
        label = ("&nbsp;" * 4 if indent and r["kind"] == "project" else "") + r["name"]
        amounts = [Paragraph(fmt_amount(r[k]), body) for k in ("total", "fiscal", "special_account", "other")]
        data.append([Paragraph(label, body), *amounts, Paragraph(r["goal"], body),
                     Paragraph(r["indicators_text"], body)])
    widths = [120, 52, 52, 58, 52, 200, 250]
    pagesize = landscape(A4) if orientation == "landscape" else portrait(A4)
    if orientation == "portrait":
        widths = [84, 52, 52, 58, 52, 113, 144]  # amounts keep their width; the text columns narrow
    table = Table(data, colWidths=widths, repeatRows=1 if repeat else 0, splitInRow=1)
    rules = {"all": [("GRID", (0, 0), (-1, -1), 0.25, colors.black)],
             "hairline": [("GRID", (0, 0), (-1, -1), 0.1, colors.black)],
             "outer": [("BOX", (0, 0), (-1, -1), 0.5, colors.black), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)],
             "none": [("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]}[borders]
    pads = [] if rows == "auto" else [("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]
    table.setStyle(TableStyle([*rules, *pads, ("VALIGN", (0, 0), (-1, -1), valign.upper())]))
    doc = SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=20, rightMargin=20, topMargin=20,
                            bottomMargin=20, invariant=1)
    doc.build([Paragraph(truth["title"], title),
               Paragraph(f"部门名称：{truth['department']}　　单位：{truth['amount_unit']}", body),
               Spacer(1, 6), table])
