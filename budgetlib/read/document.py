"""Reading one PDF: a pure function of its bytes and settings (no global state), so batches can run
it in a process pool or on a cluster.

The document's pages are shown to every layout (``budgetlib.layouts``); each reads the pages it claims by
their header, and their rows and targets make one document, checked as one.  A page that prints a
绩效目标表's title that no layout claims is never read as the nearest one: it is named (``layout_unknown``),
and a document with nothing else is refused in one line that says what was found.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from ..checks import SEVERITY, run_checks
from ..exceptions import InputError, NoTextLayerError, TableNotFoundError
from ..indicators import parse_indicators
from ..layouts import LAYOUTS, claimed_pages, unknown_tables
from ..layouts.project_form import indicator_grid
from ..messages import say
from ..model import Document, Finding
from ..settings import ExtractSettings
from .choice import continued
from .context import assign_tables, budget_year
from .ocr import OcrPage, image_pages, repair
from .pdf import forget, parser_damage, read_text
from .source import LayoutReading, Source
from .trust import ocr_doubts

log_ = logging.getLogger("budgetlib.extract")


def read_pdf(pdf: str | Path | bytes, settings: ExtractSettings | None = None, *,
             source: str | None = None, where: str | None = None) -> Document:
    """Read the 项目支出绩效目标表 of one PDF, given as a path or as its bytes.

    ``source`` names it in the tables (default: the file name); ``where`` is the path a budget year may be
    read from when the text prints none (default: the path given, or ``source`` for bytes).
    The result depends only on the file's bytes, ``where`` and ``settings``.  Raises an ``InputError`` subclass
    (with a one-line reason) when the file cannot be read or holds no such table.
    """
    settings = settings or ExtractSettings()
    if isinstance(pdf, bytes | bytearray):
        name = source or "document.pdf"
        with tempfile.TemporaryDirectory(prefix="budgetlib-") as tmp:
            path = Path(tmp) / "document.pdf"
            path.write_bytes(pdf)
            try:
                return _read(path, settings, name, where or name)
            except InputError as exc:  # name the document, not the temporary file
                raise type(exc)(name, exc.detail) from None
    return _read(Path(pdf), settings, source or Path(pdf).name, where or str(pdf))


# a scanned disclosure of more image pages than this is glanced at first (the top of each page, small)
# and read in full only where the table is: its title or header, and the pages that continue it
GLANCE_OVER = 3


def _ocr(path: Path, pages: list[int]) -> dict[int, OcrPage]:
    """``pages`` read in full by OCR."""
    if not pages:
        return {}
    from .ocr import read_page

    return {p: read_page(path, p) for p in pages}


def _claims(texts: list[str]) -> dict[str, list[int]]:
    """Each layout's pages, with the pages that continue its table without a title of their own.  A page is
    read by one layout: the first in the registry's order that claims it; a page no layout claims, by the
    first whose table goes on into it (a 北京 transfer form whose page's text begins with its cells is the
    form's, not the department table's before it); a page still without a layout that prints a form's
    indicator grid, by the form layout (``project_form.indicator_grid``)."""
    claimed = claimed_pages(texts)
    runs = {name: continued(pages, texts) for name, pages in claimed.items()}
    owner: dict[int, str] = {p: name for name, pages in claimed.items() for p in pages}
    for name in LAYOUTS:
        for p in runs.get(name, []):
            owner.setdefault(p, name)
    # a page no layout has, that prints a form's indicator grid (its header) without a name field or a title
    # (after a narrative page or a table of another kind), and the pages going on from it: the form layout's,
    # which reads it where it continues a form and says so where it cannot (never a page lost in silence)
    grids = [p for p, text in enumerate(texts, start=1) if p not in owner and indicator_grid(text)]
    if grids:
        runs["project_form"] = sorted(set(runs.get("project_form", []))
                                      | {p for p in continued(grids, texts) if p not in owner})
        for p in runs["project_form"]:
            owner.setdefault(p, "project_form")
    out = {name: [p for p in pages if owner[p] == name] for name, pages in runs.items()}
    return {name: pages for name, pages in out.items() if pages}


def _read(path: Path, settings: ExtractSettings, source: str, where: str) -> Document:
    """``where``: the path a budget year may be read from (the file's, or the name of bytes given)."""
    try:
        return _read_document(path, settings, source, where)
    finally:
        forget(path)  # the excerpts of a long document made while it was read


def _read_document(path: Path, settings: ExtractSettings, source: str, where: str) -> Document:
    pdf = read_text(path)
    scanned = image_pages(path, pdf.texts, settings.ocr)
    glanced: dict[int, str] = {}
    if len(scanned) > GLANCE_OVER:
        from .ocr import glance

        glanced = {p: glance(path, p) for p in scanned}
        pdf = replace(pdf, texts=[glanced.get(i + 1, t) for i, t in enumerate(pdf.texts)])
    if not any(t.strip() for t in pdf.texts) and not scanned:
        if any(pdf.images):
            raise NoTextLayerError(path)
        raise TableNotFoundError(path, f"no text on any of its {pdf.n_pages} pages")
    claims = _claims(pdf.texts)
    if not claims and not (scanned and not glanced):
        raise TableNotFoundError(path, _nothing(pdf.texts, pdf.n_pages))
    # scanned pages are read in full where a layout claims them (all of them, when they were not glanced at)
    wanted = {p for pages in claims.values() for p in pages}
    ocr = _ocr(path, [p for p in scanned if p in wanted or not glanced])
    if ocr:
        pdf = replace(pdf, texts=[ocr[i + 1].text if i + 1 in ocr else t for i, t in enumerate(pdf.texts)])
        if not glanced:  # every page was read in full: find the tables in what was read
            claims = _claims(pdf.texts)
            if not claims:
                raise TableNotFoundError(path, _nothing(pdf.texts, pdf.n_pages) + " (read by OCR)")
    notes = [f"layout {name}: pages {pages} of {pdf.n_pages}" for name, pages in claims.items()]
    if glanced:
        notes.append(f"{len(glanced)} scanned pages glanced at; read in full by OCR: {sorted(ocr)}")
    notes += [f"page {p}: read by OCR at {o.dpi:.0f} dpi, turned {o.angle:+.2f}°, "
              f"{'a ruled table' if o.table else 'no ruled table'} ({o.seconds:.1f} s)" for p, o in ocr.items()]
    src = Source(path, pdf.texts, settings, ocr)
    readings: list[LayoutReading] = []
    with parser_damage(path):
        for name in LAYOUTS:
            if name in claims:
                readings.append(LAYOUTS[name].read(src, claims[name], notes))
    rows = [row for r in readings for row in r.rows]
    targets = [t for r in readings for t in r.targets]
    if not rows and not targets:
        raise TableNotFoundError(path, "; ".join(r.empty for r in readings if r.empty) or _nothing(pdf.texts,
                                                                                                  pdf.n_pages))
    first = next((r for r in readings if r.rows or r.targets), readings[0])
    department, amount_unit = first.department, first.amount_unit
    doc_key = pdf.sha256[:10]
    for i, row in enumerate(rows, start=1):
        row.ordinal = i
        row.project_id = f"{doc_key}-{i:03d}"
    listed = [row for row in rows if LAYOUTS[row.layout].unit_rows]
    departments = assign_tables(listed, pdf.texts, department, amount_unit) if listed else []
    for row in rows:
        row.department = row.department or department
        row.amount_unit = row.amount_unit or (amount_unit if not LAYOUTS[row.layout].unit_rows else "")
    if len(departments) > 1:
        notes.append(f"{len(departments)} departments' tables (a 合计 row and a 部门名称 each): "
                     f"{'、'.join(departments)}")
    year, year_from = budget_year(pdf.texts, sorted({p for r in readings for p in r.pages}), where, settings.year)
    notes.append(f"budget year {year or 'unknown'}" + (f" (from the {year_from})" if year_from else ""))
    doc = Document(source=source, sha256=pdf.sha256, department=department, amount_unit=amount_unit,
                   layout=",".join(r.layout for r in readings if r.rows or r.targets),
                   pages=sorted({p for r in rows for p in (r.pages or [r.page])} | {t.page for t in targets}),
                   rows=rows, log=notes, year=year, year_from=year_from, targets=targets)
    for row in rows:
        if row.read_by == "ocr" and (fixed := repair(row.indicators_text)) != row.indicators_text:
            row.indicators_text, row.indicators = fixed, parse_indicators(fixed)  # the grammar's separators
    doc.findings = [*(f for r in readings for f in r.findings), *run_checks(doc, settings)]
    if ocr:
        doc.findings = ocr_doubts(doc, ocr, settings.lang)
    notes.append(f"indicator framework {doc.framework} (detected from the indicators' types and codes)")
    for reading in readings:
        doubts = reading.settle(doc) if reading.settle else []
        if doubts:  # a sum on a doubted page is not reported as the table's own defect
            doubted = {d.page for d in doubts if d.check == "extraction_doubt"}
            doc.findings = doubts + [f for f in doc.findings if not (f.check == "sum_mismatch" and f.page in doubted)]
    unknown = unknown_tables(pdf.texts, set(doc.pages) | {p for pages in claims.values() for p in pages})
    doc.findings += [Finding("layout_unknown", SEVERITY["layout_unknown"], source, p, "", "", None,
                             say("layout_unknown", settings.lang, page=p, title=title), field="layout", actual=title,
                             rule="layout_unknown") for p, title in unknown]
    for line in notes:
        log_.info("%s: %s", source, line)
    return doc


def _nothing(texts: list[str], n_pages: int) -> str:
    """Why a document holds no table of a known layout, naming what it does print."""
    unknown = unknown_tables(texts, set())
    if unknown:
        shown = "; ".join(f"page {p}: {title}" for p, title in unknown[:3])
        return (f"its {len(unknown)} page(s) with a 绩效目标 table's title match no known layout ({shown}); known: "
                f"{', '.join(LAYOUTS)}")
    return f"none of its {n_pages} pages has the header of a known 绩效目标表 layout ({', '.join(LAYOUTS)})"


__all__ = ["read_pdf"]
