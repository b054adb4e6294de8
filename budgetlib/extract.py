"""Reading one PDF: a pure function of its bytes and settings (no global state), so batches can run
it in a process pool or on a cluster.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from .borderless import borderless_table
from .checks import run_checks
from .exceptions import InputError, NoTextLayerError, TableNotFoundError
from .grid import PageTable, merged_rows, ruled_tables
from .layouts import Layout, detect_layout, header_fields
from .model import Document
from .pdf import parser_damage, read_text
from .settings import ExtractSettings
from .stitch import stitch

log = logging.getLogger("budgetlib.extract")

_SP = r"[ \t\u3000]"  # white space within a line: a blank 部门名称 never takes the next line's text
_DEPT = re.compile(rf"(?:部门名称|单位名称|预算单位|编制单位){_SP}*[：:]{_SP}*([^\r\n]*?)"
                   rf"(?:{_SP}{{2,}}|{_SP}*(?:金额)?单位{_SP}*[：:]|{_SP}*(?:金额)?单位{_SP}*(?=万元|元)|\r|\n|$)")
_AMOUNT_UNIT = re.compile(r"单位\s*[：:]\s*(万元|元|千元|亿元)"
                          r"|(?:总计|合计|金额)\s*[（(]\s*(万元|元|千元|亿元)\s*[）)]")


def _department(texts: list[str], pages: list[int]) -> tuple[str, str]:
    """The department named on the table's pages (empty when the 部门名称 line is blank: never the
    next line's text), and the amount unit printed (单位：万元); empty when none is printed, rather
    than a guess."""
    dept, unit = "", ""
    for p in pages:
        text = texts[p - 1]
        if not dept and (m := _DEPT.search(text)):
            dept = m.group(1).strip()
        if not unit and (m := _AMOUNT_UNIT.search(text)):
            unit = m.group(1) or m.group(2)
    return dept, unit


def _table_of(tables: list[PageTable], layout: Layout) -> list[PageTable]:
    """The page's tables that hold (or continue) the layout's table: those with its header if any."""
    tables = [t for t in tables if t.n_cols >= 4]
    headed = [t for t in tables if any(len(header_fields(r, layout.columns)) >= 3 for r in t.cells[:6])]
    return headed or tables


def read_pdf(pdf: str | Path | bytes, settings: ExtractSettings | None = None, *,
             source: str | None = None) -> Document:
    """Read the 项目支出绩效目标表 of one PDF, given as a path or as its bytes.

    The result depends only on the file's bytes and ``settings``.  Raises an ``InputError`` subclass
    (with a one-line reason) when the file cannot be read or holds no such table.
    """
    settings = settings or ExtractSettings()
    if isinstance(pdf, bytes | bytearray):
        name = source or "document.pdf"
        with tempfile.TemporaryDirectory(prefix="budgetlib-") as tmp:
            path = Path(tmp) / "document.pdf"
            path.write_bytes(pdf)
            try:
                return _read(path, settings, name)
            except InputError as exc:  # name the document, not the temporary file
                raise type(exc)(name, exc.detail) from None
    return _read(Path(pdf), settings, source or Path(pdf).name)


def _page_tables(path: Path, pages: list[int], layout: Layout, settings: ExtractSettings,
                 notes: list[str]) -> list[PageTable]:
    """The table on each candidate page: camelot lattice, corrected where it merged rows, else the
    page read from its text positions (borderless)."""
    ruled = ruled_tables(path, pages, settings)
    tables: list[PageTable] = []
    for page in pages:
        page_tables = _table_of(ruled.get(page, []), layout)
        if page_tables and any(merged_rows(t) for t in page_tables) and settings.engine != "vector":
            # the render missed thin rules: read the page's own ruling lines instead
            notes.append(f"page {page}: {settings.engine} lattice merged rows; re-read with the PDF's ruling lines")
            page_tables = _table_of(ruled_tables(path, [page], settings, engine="vector")[page], layout)
        if page_tables and any(merged_rows(t) for t in page_tables):
            # no rule between the rows at all: rows from the text positions, as on a borderless page
            notes.append(f"page {page}: lattice merged rows (rules missing); rows from text positions")
            page_tables = []
        if page_tables:
            tables.extend(page_tables)
            continue
        stream = borderless_table(path, page, settings)
        if stream is not None:
            notes.append(f"page {page}: no usable ruled table, read from text positions (borderless)")
            tables.append(stream)
    return tables


def _read(path: Path, settings: ExtractSettings, source: str) -> Document:
    pdf = read_text(path)
    if not any(t.strip() for t in pdf.texts):
        if any(pdf.images):
            raise NoTextLayerError(path)
        raise TableNotFoundError(path, f"no text on any of its {pdf.n_pages} pages")
    layout = detect_layout(pdf.texts)
    if layout is None:
        raise TableNotFoundError(path, f"none of its {pdf.n_pages} pages has the title or header")
    pages = [i + 1 for i, t in enumerate(pdf.texts) if layout.page_may_hold(t)]
    notes = [f"layout {layout.name}; candidate pages {pages} of {pdf.n_pages}"]
    with parser_damage(path):
        tables = _page_tables(path, pages, layout, settings, notes)
    raw, stitch_log = stitch(tables, layout, settings.row_gap)
    notes.extend(stitch_log)
    if not raw:
        raise TableNotFoundError(path, f"pages {pages} mention it but hold no readable table rows")
    department, amount_unit = _department(pdf.texts, pages)
    rows, build_log = layout.build(raw, department)
    notes.extend(build_log)
    doc_key = pdf.sha256[:10]
    for row in rows:
        row.project_id = f"{doc_key}-{row.ordinal:03d}"
    doc = Document(source=source, sha256=pdf.sha256, department=department, amount_unit=amount_unit,
                   layout=layout.name, pages=sorted({r.page for r in rows}), rows=rows, log=notes)
    doc.findings = run_checks(doc, settings)
    for line in notes:
        log.info("%s: %s", source, line)
    return doc


__all__ = ["read_pdf"]
