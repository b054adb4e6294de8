"""Regenerate the bundled sample and the test fixtures from the ground-truth JSON.

    python tools/make_fixtures.py            # everything (needs LibreOffice for the spreadsheet export)
    python tools/make_fixtures.py --no-office   # skip the LibreOffice exports (spreadsheet, Word)
    python tools/make_fixtures.py --noto        # only the Noto CJK spreadsheets (the others as they are)

Writes ``data/raw/jinhua_performance_targets.pdf`` (the bundled sample) and ``tests/fixtures/*.pdf``
with ``tests/fixtures/manifest.json``: for every fixture, its ground-truth file and the page on
which each row starts.  The PDFs are committed, so neither the tests nor CI need this script, its
fonts or LibreOffice.  Needs the Debian fonts fonts-wqy-microhei and fonts-arphic-uming, and qpdf.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
import render_docx
import render_platypus
from render_pdf import HEADER, Style, render, row_cells
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
DATA = ROOT / "tests" / "data"
REAL = ROOT.parent / "shared" / "real-pdfs"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def text_pages(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_bounded() for i in range(len(doc))]
    finally:
        doc.close()


def check_pages(path: Path, truth: dict, pages: list[int]) -> None:
    """Each row's name must be printed on the page the manifest gives (the generator's own check)."""
    texts = [t.replace("\r", "").replace("\n", "").replace(" ", "") for t in text_pages(path)]
    for row, page in zip(truth["rows"], pages):
        head = row["name"][:6]
        if head not in texts[page - 1]:
            raise SystemExit(f"{path.name}: {row['name']} not on page {page}")


def name_column_texts(path: Path) -> list[str]:
    """Per page, the text below the header row and left of 总计: the name column.  A page without
    the header (title rows not repeated) uses the column found on the page before it, from the top."""
    doc = pdfium.PdfDocument(str(path))
    out = []
    left = None
    for i in range(len(doc)):
        textpage = doc[i].get_textpage()
        searcher = textpage.search("总计")
        hit = searcher.get_next()
        if hit:  # below the header row and left of 总计
            left, bottom_y, _, _ = textpage.get_charbox(hit[0])
            text = textpage.get_text_bounded(right=left, top=bottom_y)
        elif left is not None:
            text = textpage.get_text_bounded(right=left)
        else:
            text = ""
        out.append(text.replace("\r", "").replace("\n", "").replace(" ", ""))
    doc.close()
    return out


def find_pages(path: Path, truth: dict) -> list[int]:
    """The page each row starts on, where the producer paginated by itself (LibreOffice).

    A row whose name starts with the k-th occurrence of its prefix among the names so far is on the page
    holding the k-th occurrence of the prefix in the name column, read across the pages as one text (a name that a
    page break splits is found whole); text order within a page does not matter.
    """
    texts = name_column_texts(path)
    joined = "".join(texts)
    ends = [sum(len(t) for t in texts[: n + 1]) for n in range(len(texts))]
    pages = []
    for i, row in enumerate(truth["rows"]):
        prefix = row["name"][:4]  # short: a narrow name column may print only a few characters before a page break
        # the row's own name starts with the k-th occurrence (a name may hold the prefix twice: 某某经费某某经费)
        k = sum(r["name"].count(prefix) for r in truth["rows"][:i]) + 1
        at = -len(prefix)
        for _ in range(k):
            at = joined.find(prefix, at + len(prefix))
        if at < 0:
            raise ValueError(f"{path}: row {i} ({row['name']}) not found in the name column")
        pages.append(next(n for n, end in enumerate(ends, start=1) if at < end))
    return pages


def spreadsheet(truth: dict, out: Path, *, two_row_header: bool = False, note: str | None = None,
                numbers: bool = False, font: str = "AR PL UMing CN", border_style: str | None = "hair",
                widths: tuple[int, ...] = (24, 10, 10, 11, 10, 38, 52), line_height: float = 12.5,
                row_pad: float = 6, fill: float = 11 / 9, valign: str = "middle", indent: bool = True,
                repeat: bool = True, orientation: str = "landscape") -> list[int]:
    """Write the table as .xlsx with openpyxl and export it with LibreOffice headless.

    two_row_header: 资金来源 spans 财政拨款/财政专户拨款/其他资金 on a second header row.
    line_height, row_pad: each row's height (points) per wrapped line and added; 12.5 + 6 leaves room,
    about 11 + 0 is tight (text touching the rules), less is too small (text crossing them).
    note: a footnote row under the table.  numbers: amounts as numeric cells formatted #,##0.00.
    border_style "outer": a box round the table and a rule under the header, no inner rules.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效目标表"
    outer = border_style == "outer"
    side = Side(style="thin" if outer else border_style, color="000000")  # border_style None: no borders
    border = Border(left=side, right=side, top=side, bottom=side)
    body = Font(name=font, size=9)
    ws.merge_cells("A1:G1")
    ws["A1"] = truth["title"]
    ws["A1"].font = Font(name=font, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:F2")
    ws["A2"] = f"部门名称：{truth['department']}"
    ws["G2"] = f"单位：{truth['amount_unit']}"
    ws["G2"].alignment = Alignment(horizontal="right")
    header_rows = 2 if two_row_header else 1
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in range(3, 3 + header_rows):
        for col in range(1, 8):
            ws.cell(row=r, column=col).border = border
            ws.cell(row=r, column=col).font = body
            ws.cell(row=r, column=col).alignment = centred
    if two_row_header:
        for col, text in enumerate(HEADER, start=1):
            if 3 <= col <= 5:
                ws.cell(row=4, column=col, value=text)
            else:
                ws.cell(row=3, column=col, value=text)
                ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        ws.cell(row=3, column=3, value="资金来源")
        ws.merge_cells("C3:E3")
    else:
        for col, text in enumerate(HEADER, start=1):
            ws.cell(row=3, column=col, value=text)
    for col, width in zip("ABCDEFG", widths):
        ws.column_dimensions[col].width = width
    first = 3 + header_rows
    for i, row in enumerate(truth["rows"]):
        r = first + i
        # LibreOffice does not fit row heights on import: size each row from its longest cell
        # (a CJK character is two width units; generous, so no text is ever clipped)
        lines = max(int(-(-sum(2 if ord(ch) > 255 else 1 for ch in text) * fill // w))
                    for text, w in zip(row_cells(row), widths))
        ws.row_dimensions[r].height = max(1, lines) * line_height + row_pad
        values = row_cells(row)
        if numbers:
            values[1:5] = [float(row[k]) if row[k] else None
                           for k in ("total", "fiscal", "special_account", "other")]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value if value not in ("", None) else None)
            cell.font = body
            if outer:  # the box: left of column A, right of G, under the last row
                last = i == len(truth["rows"]) - 1
                cell.border = Border(left=side if col == 1 else None, right=side if col == 7 else None,
                                     bottom=side if last else None)
            else:
                cell.border = border
            numeric = 2 <= col <= 5
            if numeric and numbers:
                cell.number_format = "#,##0.00"
            cell.alignment = Alignment(
                horizontal="right" if numeric else "left", vertical={"middle": "center"}.get(valign, valign),
                wrap_text=True, indent=2 if col == 1 and indent and row["kind"] == "project" else 0)
    if note:
        r = first + len(truth["rows"])
        for col in range(1, 8):  # ruled like the table, so camelot reads it as the grid's last row
            ws.cell(row=r, column=col).border = border
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=7)
        ws.cell(row=r, column=1, value=note).font = body
    if repeat:
        ws.print_title_rows = f"1:{2 + header_rows}"
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / (out.stem + ".xlsx")
        wb.save(xlsx)
        subprocess.run(["soffice", f"-env:UserInstallation=file:///tmp/lo-profile-{os.getpid()}",
                        "--headless", "--convert-to", "pdf", "--outdir", tmp, str(xlsx)],
                       check=True, capture_output=True)
        out.write_bytes((Path(tmp) / (out.stem + ".pdf")).read_bytes())
    return find_pages(out, truth)


def noto_spreadsheets(jinhua: dict, other: dict, record) -> None:
    """Calc exports in the Noto CJK faces, whose metrics are tall and which LibreOffice embeds declaring no
    descent (a reader that places a character by its font's FontBBox puts it a line low), with hand-set row
    heights that leave little room around a line: thin borders on every cell, and none at all."""
    cramped = FIX / "libreoffice_noto_cramped.pdf"
    record(cramped, "jinhua_truth.json", jinhua, spreadsheet(jinhua, cramped, font="Noto Sans CJK SC",
                                                              border_style="thin", line_height=11.5, row_pad=0.5))
    plain = FIX / "libreoffice_noto_borderless.pdf"
    record(plain, "other_truth.json", other, spreadsheet(other, plain, font="Noto Serif CJK SC", border_style=None,
                                                          line_height=11.5, row_pad=0.5))


def embed(table_pdf: Path, out: Path, before: Path, after: Path, n_before: int, n_after: int) -> int:
    """Build a disclosure: pages of real documents, then the table, then more real pages."""
    doc = pdfium.PdfDocument.new()
    first = pdfium.PdfDocument(str(before))
    doc.import_pages(first, list(range(min(n_before, len(first)))))
    offset = len(doc)
    table = pdfium.PdfDocument(str(table_pdf))
    doc.import_pages(table)
    last = pdfium.PdfDocument(str(after))
    doc.import_pages(last, list(range(min(n_after, len(last)))))
    doc.save(str(out))
    for d in (first, table, last, doc):
        d.close()
    return offset


def scanned(src: Path, out: Path) -> None:
    """An image-only PDF: the sample's first page rendered to a bitmap, no text layer."""
    doc = pdfium.PdfDocument(str(src))
    image = doc[0].render(scale=1.5).to_pil()
    doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    c = canvas.Canvas(str(out), pagesize=landscape(A4), invariant=1)
    c.drawImage(ImageReader(buf), 0, 0, *landscape(A4))
    c.save()


def bad_inputs(sample: Path) -> None:
    (FIX / "bad").mkdir(exist_ok=True)
    (FIX / "bad" / "empty.pdf").write_bytes(b"")
    (FIX / "bad" / "not_a_pdf.pdf").write_text("部门名称,总计\n金花街道,4125.06\n", encoding="utf-8")
    data = sample.read_bytes()
    (FIX / "bad" / "truncated.pdf").write_bytes(data[: len(data) // 2])
    damaged = bytearray(data)  # intact start and end, 30 kB zeroed in the middle (a font object is lost)
    damaged[len(data) // 3: len(data) // 3 + 30_000] = bytes(30_000)
    (FIX / "bad" / "damaged.pdf").write_bytes(bytes(damaged))
    c = canvas.Canvas(str(FIX / "bad" / "encrypted.pdf"), encrypt="secret", invariant=1)
    c.drawString(72, 720, "encrypted")
    c.save()
    scanned(sample, FIX / "bad" / "scanned.pdf")
    # not bad: encrypted with an empty user password (only an owner password), which readers open
    subprocess.run(["qpdf", "--encrypt", "", "owner-secret", "256", "--", str(sample),
                    str(FIX / "owner_password_only.pdf")], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-office", action="store_true", help="skip the LibreOffice spreadsheet export")
    ap.add_argument("--noto", action="store_true", help="only the Noto CJK spreadsheets (the rest kept as they are)")
    args = ap.parse_args()
    FIX.mkdir(parents=True, exist_ok=True)
    jinhua, other = load("jinhua_truth.json"), load("other_truth.json")
    manifest: dict[str, dict] = {}

    def record(path: Path, truth_name: str, truth: dict, pages: list[int], offset: int = 0) -> None:
        pages = [p + offset for p in pages]
        check_pages(path, truth, pages)
        key = str(path.relative_to(ROOT))
        manifest[key] = {"truth": truth_name, "pages": pages}
        print(f"{key}: {len(truth['rows'])} rows on {max(pages)} pages")

    if args.noto:
        manifest.update(json.loads((FIX / "manifest.json").read_text(encoding="utf-8")))
        noto_spreadsheets(jinhua, other, record)
        (FIX / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
        return

    sample = ROOT / "data" / "raw" / "jinhua_performance_targets.pdf"
    sample.parent.mkdir(parents=True, exist_ok=True)
    record(sample, "jinhua_truth.json", jinhua, render(jinhua, sample))

    split = FIX / "reportlab_split_rows.pdf"
    style = Style(font="uming", font_size=8, leading=10.5, valign="top", indent=False, split_rows=True,
                  col_widths=[150, 62, 62, 62, 62, 170, 218], page_numbers=True)
    record(split, "other_truth.json", other, render(other, split, style))

    borderless = FIX / "borderless.pdf"
    style = Style(ruled=False, valign="top", pad=4, col_widths=[140, 56, 56, 60, 56, 190, 228])
    record(borderless, "other_truth.json", other, render(other, borderless, style))

    # rules between rows so thin and light that a rendered page loses them, and no rule under the
    # (shaded) header: camelot's raster lattice merges rows, and fuses the header with the 合计 row
    thin = FIX / "reportlab_thin_rules.pdf"
    style = Style(row_rule=(0.1, "#c8c8c8"), header_rule=False, col_widths=[140, 54, 54, 58, 54, 190, 236])
    record(thin, "other_truth.json", other, render(other, thin, style))

    # ruled columns but no rule at all between data rows, cells centred vertically: rows from text positions
    no_rules = FIX / "reportlab_no_row_rules.pdf"
    style = Style(row_rule=(0, ""), font="uming", font_size=8, leading=10, pad=3)
    record(no_rules, "jinhua_truth.json", jinhua, render(jinhua, no_rules, style))

    # borderless again, cells centred vertically, spaced header labels, the name label wrapped in two lines
    spaced = FIX / "borderless_centred.pdf"
    style = Style(ruled=False, valign="middle", pad=3.5, font="uming", font_size=8, leading=10.5,
                  col_widths=[88, 62, 62, 66, 60, 204, 244],
                  header=("项目名称（资金使用单位）", "总  计", "财政拨款", "财政专户拨款", "其他资金", "绩 效 目 标",
                          "绩 效 指 标"))
    record(spaced, "jinhua_truth.json", jinhua, render(jinhua, spaced, style))

    platypus = FIX / "reportlab_platypus.pdf"
    render_platypus.render(jinhua, platypus)
    record(platypus, "jinhua_truth.json", jinhua, find_pages(platypus, jinhua))

    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "table.pdf"
        pages = render(jinhua, table)
        embedded = FIX / "embedded_in_disclosure.pdf"
        offset = embed(table, embedded, REAL / "江苏省委办公厅2019年度部门预算公开表格.pdf",
                       REAL / "江苏省政协办公厅2019年预算公开表.pdf", 12, 10)
        record(embedded, "jinhua_truth.json", jinhua, pages, offset)

    if not args.no_office:
        office = FIX / "libreoffice_xlsx.pdf"
        record(office, "jinhua_truth.json", jinhua, spreadsheet(jinhua, office))
        # another spreadsheet: two header rows (资金来源 over the three sources), numeric cells, thin
        # borders, another font and widths, and a footnote under the table
        word = FIX / "word_docx_writer.pdf"  # a Word document exported by LibreOffice Writer
        render_docx.render(jinhua, word)
        record(word, "jinhua_truth.json", jinhua, find_pages(word, jinhua))
        plain = FIX / "libreoffice_borderless.pdf"  # a spreadsheet with no borders at all
        record(plain, "other_truth.json", other, spreadsheet(other, plain, border_style=None))
        office2 = FIX / "libreoffice_two_row_header.pdf"
        record(office2, "other_truth.json", other, spreadsheet(
            other, office2, two_row_header=True, numbers=True, font="WenQuanYi Micro Hei", border_style="thin",
            note="注：本表金额单位为万元，项目按资金使用单位列示。", widths=(30, 12, 12, 13, 11, 34, 46)))
        noto_spreadsheets(jinhua, other, record)
    else:
        old = json.loads((FIX / "manifest.json").read_text(encoding="utf-8"))
        manifest.update({k: v for k, v in old.items() if "libreoffice" in k or "word_docx" in k})

    bad_inputs(sample)
    (FIX / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
