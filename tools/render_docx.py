"""Write a 项目支出绩效目标表 as a Word document (python-docx) and export it with LibreOffice Writer
headless: how most disclosures are produced (the real Jiangsu PDFs are Word exports).

A narrative paragraph, the title and the 部门名称/单位 line before a "Table Grid" table whose header row
repeats on every page; rows may break across pages (Word's default), cells are top-aligned, project
names indented with spaces.  Writer puts a small gap between Chinese and Latin text (auto-spacing)
that is not a space in the document.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from render_pdf import HEADER, row_cells

WIDTHS_CM = (4.5, 1.8, 1.8, 2.0, 1.8, 6.5, 8.3)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _borders(table, size: int, outer_only: bool) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        inside = edge.startswith("inside")
        e.set(qn("w:val"), "nil" if inside and outer_only else "single")
        e.set(qn("w:sz"), str(size))  # eighths of a point
        e.set(qn("w:color"), "000000")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def render(truth: dict, out: Path, font: str = "AR PL UMing CN", *, borders: str = "all", valign: str = "top",
           indent: bool = True, repeat: bool = True, orientation: str = "landscape", rows: str = "auto") -> None:
    """borders: all (Table Grid, 0.5 pt), hairline (0.25 pt), outer (a box only), none.  rows: auto (each line
    as high as the face makes it: Noto's 1.45 em) or tight (lines set exactly 1.1 em apart, no space
    around a cell's paragraph: little room above and below a line)."""
    doc = Document()
    section = doc.sections[0]
    widths = WIDTHS_CM
    if orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        widths = (3.0, 1.8, 1.8, 2.0, 1.8, 3.4, 4.2)  # amounts keep their width; the text columns narrow
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(8)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    doc.add_paragraph("七、项目支出绩效目标情况：本部门项目支出绩效目标如下表。")
    title = doc.add_paragraph(truth["title"])
    title.runs[0].font.size = Pt(15)
    doc.add_paragraph(f"部门名称：{truth['department']}{' ' * 40}单位：{truth['amount_unit']}")
    table = doc.add_table(rows=1, cols=7)
    if borders == "none":
        _no_borders(table)
    elif borders == "all":
        table.style = "Table Grid"
    else:
        _borders(table, 2 if borders == "hairline" else 4, outer_only=borders == "outer")
    if repeat:
        mark = OxmlElement("w:tblHeader")
        mark.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(mark)
    for cell, text in zip(table.rows[0].cells, HEADER):
        cell.text = text
    align = {"top": WD_ALIGN_VERTICAL.TOP, "middle": WD_ALIGN_VERTICAL.CENTER, "bottom": WD_ALIGN_VERTICAL.BOTTOM}
    for row in truth["rows"]:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row_cells(row))):
            cell.text = ("    " + text) if i == 0 and indent and row["kind"] == "project" else text
            cell.vertical_alignment = align[valign]
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
            for para in cell.paragraphs if rows == "tight" else []:
                para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                para.paragraph_format.line_spacing = Pt(8 * 1.1)
                para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(0)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "table.docx"
        doc.save(src)
        subprocess.run(["soffice", f"-env:UserInstallation=file:///tmp/lo-profile-{os.getpid()}",
                        "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)],
                       check=True, capture_output=True)
        out.write_bytes((Path(tmp) / "table.pdf").read_bytes())
