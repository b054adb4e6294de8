"""Reading one PDF: a pure function of its bytes and settings (no global state), so batches can run
it in a process pool or on a cluster.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ..checks import run_checks
from ..exceptions import InputError, NoTextLayerError, TableNotFoundError
from ..indicators import parse_indicators
from ..layouts import Layout, detect_layout, header_fields
from ..messages import say
from ..model import Document, Finding, Row
from ..settings import ExtractSettings
from . import verify
from .assembly import Assembly, Context, Trial
from .borderless import borderless_table
from .context import assign_tables, budget_year, department_and_unit
from .grid import PageTable, merged_rows, regroup, ruled_tables
from .ocr import OcrPage, image_pages, repair
from .pdf import parser_damage, read_text
from .trust import ocr_doubts

log_ = logging.getLogger("budgetlib.extract")

_TITLE_LINE = re.compile(r"^\s*\S{0,40}表\s*(?:[（(][^）)]*[）)])?\s*$")


def _continued(pages: list[int], texts: list[str]) -> list[int]:
    """The candidate pages and the page after each, unless that page begins with a title of its own (a
    table printed without its title rows repeated continues with a page of data only: a few lines of
    indicator text do not say 绩效目标)."""
    out = set(pages)
    for p in pages:
        while p + 1 <= len(texts) and p + 1 not in out:
            lines = [ln for ln in texts[p].splitlines() if ln.strip()][:3]
            if not lines or any(_TITLE_LINE.match(ln) for ln in lines):
                break
            out.add(p + 1)
            p += 1
    return sorted(out)


def _table_of(tables: list[PageTable], layout: Layout) -> list[PageTable]:
    """The page's tables that hold (or continue) the layout's table: those with its header if any."""
    tables = [t for t in tables if t.n_cols >= 4]
    headed = [t for t in tables if any(len(header_fields(r, layout.columns)) >= 3 for r in t.cells[:6])]
    return headed or tables


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


class _Pages:
    """The readings of each candidate page, made when first asked for: lattice cells (camelot's engine),
    lattice on the PDF's own ruling lines, and text positions with rows cut at white space or anchored on
    their amounts (cells aligned top, middle or bottom)."""

    TEXT = ("text-gaps", "text-top", "text-middle", "text-bottom")

    def __init__(self, path: Path, pages: list[int], layout: Layout, settings: ExtractSettings,
                 ocr: dict[int, OcrPage] | None = None) -> None:
        self.path, self.pages, self.layout, self.settings = path, pages, layout, settings
        self.ocr = ocr or {}
        self.ruled = ruled_tables(path, [p for p in pages if p not in self.ocr], settings)
        self.readings: dict[int, dict[str, list[PageTable]]] = {p: {} for p in pages}

    def options(self, page: int) -> list[str]:
        if page in self.ocr:
            return ["ocr"]
        names = ["lattice"] + (["lattice-vector"] if self.settings.engine != "vector" else [])
        return names + list(self.TEXT)

    def reading(self, page: int, name: str, previous: PageTable | None = None) -> list[PageTable] | None:
        """The page's tables read as ``name``; None when that reading finds no table."""
        cache = self.readings[page]
        if name not in cache:
            if name == "ocr":
                table = self.ocr[page].table if page in self.ocr else None
                cache[name] = _table_of([table], self.layout) if table else []
            elif name == "lattice":
                cache[name] = _table_of(self.ruled.get(page, []), self.layout)
            elif name == "lattice-vector":
                vector = ruled_tables(self.path, [page], self.settings, engine="vector")[page]
                cache[name] = _table_of(vector, self.layout)
            elif name == "text-gaps":
                text = borderless_table(self.path, page, self.settings, previous)
                cache[name] = [text] if text is not None else []
            else:
                base = self.reading(page, "text-gaps", previous)
                cache[name] = [regroup(t, name.split("-")[1]) for t in base or []]
        return cache[name] or None

    def default(self, page: int, previous: PageTable | None, notes: list[str]) -> str:
        """The first reading that holds together: lattice, unless it merged rows (a cell with two amounts),
        then the PDF's ruling lines, then text positions; a scanned page's only reading is its OCR."""
        if page in self.ocr:
            return "ocr"
        lattice = self.reading(page, "lattice")
        if lattice and not any(merged_rows(t) for t in lattice):
            return "lattice"
        if lattice and self.settings.engine != "vector":
            notes.append(f"page {page}: {self.settings.engine} lattice merged rows; re-read with the PDF's "
                         "ruling lines")
            vector = self.reading(page, "lattice-vector")
            if vector and not any(merged_rows(t) for t in vector):
                return "lattice-vector"
        if lattice:
            notes.append(f"page {page}: lattice merged rows (rules missing); rows from text positions")
        else:
            notes.append(f"page {page}: no usable ruled table, read from text positions (borderless)")
        return "text-gaps" if self.reading(page, "text-gaps", previous) else "lattice"


def _text_table(tables: list[PageTable] | None) -> PageTable | None:
    return next((t for t in tables or [] if t.flavor == "stream"), None)


# geometry alone must beat the chosen cut by this much (five lines' worth of misfit) to put a page in doubt,
# and by a line's worth to be taken instead on a page whose rows are all whole
GEOMETRY_MARGIN = 0.5
SWITCH_MARGIN = verify.MISFIT


def _choose(pages: _Pages, layout: Layout, settings: ExtractSettings, department: str,
            notes: list[str]) -> tuple[dict[int, str], Assembly, dict]:
    """Each page's reading: the default one, unless the checksum finds violations a wrong cut could make on
    a page; then every reading of that page is scored (the other pages fixed) and the lowest score wins."""
    choice: dict[int, str] = {}
    previous = None
    for page in pages.pages:
        choice[page] = pages.default(page, previous, notes)
        previous = _text_table(pages.reading(page, choice[page], previous)) or previous
    ctx = Context(pages, layout, department, settings.lang, Decimal(str(settings.amount_tolerance)))
    best = Assembly(ctx, choice)
    tried: dict[int, dict] = {}
    # a page is weighed with the others as chosen so far: where a later page's choice changes, the earlier
    # suspect pages are weighed again (a wrong cut on the next page can hide which cut fits this one)
    for _ in range(PASSES):
        changed = _pass(pages, notes, choice, best, tried)
        if changed is None:
            break
        best = changed
    best = _geometry(pages, choice, best, tried, notes)
    notes.append(f"self-verification: {ctx.trials} readings weighed by the rows they change ({ctx.forced} of them "
                 f"changing a 合计 row, assembled whole), {ctx.wholes} whole document(s) assembled, "
                 f"{ctx.work.transitions} unit transitions")
    return choice, best, tried


# passes over the suspect pages at most (each pass after the first only where an earlier one changed a choice)
PASSES = 3


def _pass(pages: _Pages, notes: list[str], choice: dict[int, str], best: Assembly, tried: dict) -> Assembly | None:
    """One pass over the suspect pages (and those weighed before, so that every page's scores are taken with
    the others as finally chosen), each scored with the others fixed; the new best reading, or None when no
    page's choice changed."""
    changed = False
    # on a ruled page a row's blank goal or indicators is its cell's: no other cut of the page fills it
    # (a cut that moved a neighbour's text there would break that neighbour), so it asks for no other reading
    own = [f for f in best.findings if not (f.check in verify.NAMED and choice.get(f.page, "").startswith("lattice"))]
    suspects = verify.suspect_pages(best.rows, own) if best.score > 0 else set()
    for page in sorted((suspects | set(tried)) & set(pages.pages)):
        previous = best.before[page]
        scores: dict[str, Assembly | Trial] = {choice[page]: best}
        for name in pages.options(page):
            if name in scores or pages.reading(page, name, previous) is None:
                continue
            scores[name] = best.trial(page, name)
        tried[page] = scores
        name = min(scores, key=lambda n: (round(scores[n].score, 6), n != choice[page]))
        summary = ", ".join(f"{n} {v.score:g}" for n, v in scores.items())
        if name != choice[page]:
            notes.append(f"page {page}: checksum chose {name} over {choice[page]} ({summary})")
            choice[page], changed = name, True
            best = scores[name] = _whole(scores[name])
        elif len(scores) > 1 and (kept := f"page {page}: checksum kept {name} ({summary})") not in notes:
            notes.append(kept)  # said once: a later pass weighs the page again
    return best if changed else None


def _whole(reading: Assembly | Trial) -> Assembly:
    """The whole document of a reading (a trial's, assembled: it becomes the reading the others are
    weighed against)."""
    return reading.whole_assembly() if isinstance(reading, Trial) else reading


def _geometry(pages: _Pages, choice: dict[int, str], best: Assembly, tried: dict, notes: list[str]) -> Assembly:
    """A page read from text positions whose checksum is clean may still have a line of free text (绩效目标)
    in the wrong row: no sum or number covers it.  Its other cuts are weighed by geometry alone (no camelot
    call: the same lines regrouped); where one fits far better, with a checksum no worse, and reads the
    page differently:

    - on a page no row crosses (from the page before or onto the next) in either reading, that cut is
      taken: every row of the page is whole there, so its alignment is the page's;
    - otherwise the page is marked for an ``extraction_doubt`` (``tried[page]["geometry"]`` names that
      cut), not switched: a row split across a page break can fit an alignment badly and still be read
      right.

    The best reading, switched or not."""
    for page in pages.pages:
        if page in tried or not choice[page].startswith("text"):
            continue
        scores = {name: best.trial(page, name)
                  for name in pages.TEXT if name != choice[page] and pages.reading(page, name) is not None}
        better = {n: v for n, v in scores.items() if best.score - v.score >= SWITCH_MARGIN
                  and v.score <= 0.5 * best.score  # fits at least twice as well
                  and v.content(page) != best.content(page)
                  and v.checksum <= best.checksum}
        if not better:
            continue
        name = min(better, key=lambda n: better[n].score)
        if page not in best.crossed and page not in better[name].crossed:
            notes.append(f"page {page}: geometry chose {name} over {choice[page]} ({better[name].score:g} against "
                         f"{best.score:g}, the checksum no worse, no row crossing the page's breaks)")
            choice[page], best = name, _whole(better[name])
            continue
        if best.score - better[name].score < GEOMETRY_MARGIN:
            continue  # a page that fits no alignment well (a row broken across it) is not doubted for a small gain
        tried[page] = {choice[page]: best, name: better[name], "geometry": name}
        notes.append(f"page {page}: {name} fits the page's alignment far better than {choice[page]} "
                     f"({better[name].score:g} against {best.score:g}) and reads it differently")
    return best


def _shared(f: Finding, close: list[Assembly | Trial], independent: list[Assembly | Trial]) -> bool:
    """Whether a violation is the table's own: every close reading of the page shares it (none to compare:
    unconfirmed); some only by a reading of the other family (``verify.needs_independent``)."""
    if f.check == "grammar":
        return False
    judges = independent if verify.needs_independent(f) else close
    return bool(judges) and all(verify.key(f) in {verify.key(g) for g in v.findings_on(f.page)} for v in judges)


def _doubts(rows: list[Row], findings: list[Finding], tried: dict, choice: dict[int, str],
            source: str, lang: str) -> list[Finding]:
    """``extraction_doubt`` for each page whose chosen reading has violations a wrong cut could make and
    that not every other reading of the page shares; the page's sums are then not reported as the
    table's."""
    out = []
    for page, scores in sorted(tried.items()):
        if "geometry" in scores:
            other = scores["geometry"]
            tried_ = f"{choice[page]} {scores[choice[page]].score:g}, {other} {scores[other].score:g}"
            out.append(_doubt(source, page, choice[page], "extraction_doubt.geometry", lang, other=other,
                              tried=tried_))
            continue
        mine = [f for f in findings if f.page == page and verify.doubtful(f)]
        mine += [Finding("grammar", "error", source, p, "", "", None, why)
                 for p, why in verify.grammar(rows) if p == page]
        chosen = scores[choice[page]]
        # the other readings that come close: one far worse (cells aligned the wrong way) says nothing
        close = {n: v for n, v in scores.items() if n != choice[page] and v.score <= 1.5 * chosen.score + 1}
        family = choice[page].split("-")[0]  # lattice… or text…
        independent = [v for n, v in close.items() if n.split("-")[0] != family]

        confirmed = [f for f in mine if _shared(f, list(close.values()), independent)]
        doubtful = [f for f in mine if f not in confirmed]
        if not doubtful:
            continue
        names = sorted({r.name for r in chosen.rows_on(page)})
        out.append(_doubt(source, page, choice[page], "extraction_doubt.cut", lang, n=len(doubtful),
                          what="; ".join(f"{f.check} {f.message[:80]}" for f in doubtful[:3]),
                          tried=", ".join(f"{n} {v.score:g}" for n, v in scores.items()), rows=", ".join(names[:8])))
    return out


def _doubt(source: str, page: int, chosen: str, key: str, lang: str, **params: object) -> Finding:
    return Finding("extraction_doubt", "error", source, page, "", "", None,
                   say(key, lang, page=page, chosen=chosen, **params), field="rows", actual=chosen, rule=key)


# a scanned disclosure of more image pages than this is glanced at first (the top of each page, small)
# and read in full only where the table is: its title or header, and the pages that continue it
GLANCE_OVER = 3


def _ocr(path: Path, pages: list[int]) -> dict[int, OcrPage]:
    """``pages`` read in full by OCR."""
    if not pages:
        return {}
    from .ocr import read_page

    return {p: read_page(path, p) for p in pages}


def _read(path: Path, settings: ExtractSettings, source: str, where: str) -> Document:
    """``where``: the path a budget year may be read from (the file's, or the name of bytes given)."""
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
    layout = detect_layout(pdf.texts)
    if layout is None and not (scanned and not glanced):
        raise TableNotFoundError(path, f"none of its {pdf.n_pages} pages has the title or header")
    pages = _continued([i + 1 for i, t in enumerate(pdf.texts) if layout and layout.page_may_hold(t)], pdf.texts)
    ocr = _ocr(path, [p for p in scanned if p in pages or not glanced])
    if ocr:
        pdf = replace(pdf, texts=[ocr[i + 1].text if i + 1 in ocr else t for i, t in enumerate(pdf.texts)])
        if not glanced:  # every page was read in full: find the table in what was read
            layout = detect_layout(pdf.texts)
            if layout is None:
                raise TableNotFoundError(path, f"none of its {pdf.n_pages} pages has the title or header (read by "
                                               "OCR)")
            pages = _continued([i + 1 for i, t in enumerate(pdf.texts) if layout.page_may_hold(t)], pdf.texts)
    notes = [f"layout {layout.name}; candidate pages {pages} of {pdf.n_pages}"]
    if glanced:
        notes.append(f"{len(glanced)} scanned pages glanced at; read in full by OCR: {sorted(ocr)}")
    notes += [f"page {p}: read by OCR at {o.dpi:.0f} dpi, turned {o.angle:+.2f}°, "
              f"{'a ruled table' if o.table else 'no ruled table'} ({o.seconds:.1f} s)" for p, o in ocr.items()]
    department, amount_unit = department_and_unit(pdf.texts, pages)
    with parser_damage(path):
        readings = _Pages(path, pages, layout, settings, {p: o for p, o in ocr.items() if p in pages})
        choice, best, tried = _choose(readings, layout, settings, department, notes)
    rows = best.rows if best.raw else []
    notes.extend(best.log)
    notes.extend(best.units_log())
    if not rows:
        unruled = [p for p, o in ocr.items() if p in pages and o.table is None]
        if unruled:  # a scan of a table printed without ruling lines: its cells cannot be told apart yet
            raise TableNotFoundError(path, f"pages {pages} mention it but hold no readable table rows: scanned "
                                           f"page(s) {unruled} show no ruling lines, and a scanned table is read "
                                           "by its rules (a borderless scan is not read yet)")
        raise TableNotFoundError(path, f"pages {pages} mention it but hold no readable table rows")
    doc_key = pdf.sha256[:10]
    for row in rows:
        row.project_id = f"{doc_key}-{row.ordinal:03d}"
    departments = assign_tables(rows, pdf.texts, department, amount_unit)
    if len(departments) > 1:
        notes.append(f"{len(departments)} departments' tables (a 合计 row and a 部门名称 each): "
                     f"{'、'.join(departments)}")
    year, year_from = budget_year(pdf.texts, pages, where, settings.year)
    notes.append(f"budget year {year or 'unknown'}" + (f" (from the {year_from})" if year_from else ""))
    doc = Document(source=source, sha256=pdf.sha256, department=department, amount_unit=amount_unit,
                   layout=layout.name, pages=sorted({r.page for r in rows}), rows=rows, log=notes,
                   year=year, year_from=year_from)
    for row in rows:
        row.read_by = "ocr" if row.page in ocr else "text"
        if row.read_by == "ocr" and (fixed := repair(row.indicators_text)) != row.indicators_text:
            row.indicators_text, row.indicators = fixed, parse_indicators(fixed)  # the grammar's separators
    doc.findings = run_checks(doc, settings)
    if ocr:
        doc.findings = ocr_doubts(doc, ocr, settings.lang)
    notes.append(f"indicator framework {doc.framework} (detected from the indicators' types and codes)")
    doubts = _doubts(rows, doc.findings, {p: v for p, v in tried.items() if p not in ocr}, choice, source,
                     settings.lang)
    if doubts:  # a sum on a doubted page is not reported as the table's own defect
        doubted = {d.page for d in doubts}
        doc.findings = doubts + [f for f in doc.findings if not (f.check == "sum_mismatch" and f.page in doubted)]
    for line in notes:
        log_.info("%s: %s", source, line)
    return doc


__all__ = ["read_pdf"]
