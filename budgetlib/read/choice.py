"""The seed's layout read page by page in more than one way, and the reading its own arithmetic confirms
(self-verification): the readings of each page (``Readings``), the choice among them (``choose``) and the
pages left in doubt (``doubts``).  ``read_listed`` is what the 项目支出绩效目标表 layout reads with.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..layouts import Layout, header_fields
from ..messages import say
from ..model import Document, Finding, Row
from ..settings import ExtractSettings
from . import verify
from .assembly import Assembly, Context, Trial
from .borderless import borderless_table
from .context import department_and_unit
from .grid import PageTable, merged_rows, regroup, ruled_tables
from .ocr import OcrPage
from .source import LayoutReading, Source

# a title line (``2026 年市级重点专项资金绩效目标表（一级项目）``: single spaces inside), a table's number above it
# (``表十一``, ``表16``, ``预算表12``: a page that goes on with the same table may print it again), a page number
_TITLE_LINE = re.compile(r"^\s*(?:\S ?){0,40}表\s*(?:[（(][^）)]*[）)])?\s*$")
_NUMBER_LINE = re.compile(r"^\s*((?:预算)?表\s*[\d一二三四五六七八九十]{1,3})\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—－–]+\s*\d{1,4}\s*[-—－–]+|第?\s*\d{1,4}\s*页|\d{1,4})\s*$")
# a line that says the table goes on (续表, （续表）, 续上表, 接上表): it ends in 表 like a title, but is none
_GOES_ON_LINE = re.compile(r"^\s*[（(]?\s*(?:续表|续上表|接上表)\s*[\d一二三四五六七八九十]{0,3}\s*[）)]?\s*$")


def _head(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip() and not _PAGE_NUMBER.match(ln)][:3]


def _number(lines: list[str]) -> str | None:
    return next((re.sub(r"\s+", "", m.group(1)) for ln in lines if (m := _NUMBER_LINE.match(ln))), None)


def continued(pages: list[int], texts: list[str]) -> list[int]:
    """The candidate pages and the page after each, unless that page begins with a title of its own or the
    number of another table (a table printed without its title rows repeated continues with a page of data
    only: a few lines of indicator text do not say 绩效目标; 西安 prints 表15 again on each page of 表15); a
    ``续表`` line says the table goes on: it is no title."""
    out = set(pages)
    for p in pages:
        number = _number(_head(texts[p - 1]))
        while p + 1 <= len(texts) and p + 1 not in out:
            lines = _head(texts[p])
            if not lines or any(_TITLE_LINE.match(ln) and not _GOES_ON_LINE.match(ln) for ln in lines) \
                    or _number(lines) not in (None, number):
                break
            out.add(p + 1)
            p += 1
    return sorted(out)


def _table_of(tables: list[PageTable], layout: Layout) -> list[PageTable]:
    """The page's tables that hold (or continue) the layout's table: those with its header if any."""
    tables = [t for t in tables if t.n_cols >= 4]
    headed = [t for t in tables if any(len(header_fields(r, layout.columns)) >= 3 for r in t.cells[:6])]
    return headed or tables


class Readings:
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


def choose(pages: Readings, layout: Layout, settings: ExtractSettings, department: str,
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


def _pass(pages: Readings, notes: list[str], choice: dict[int, str], best: Assembly, tried: dict) -> Assembly | None:
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


def _geometry(pages: Readings, choice: dict[int, str], best: Assembly, tried: dict, notes: list[str]) -> Assembly:
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


def doubts(rows: list[Row], findings: list[Finding], tried: dict, choice: dict[int, str],
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


def read_listed(source: Source, pages: list[int], layout: Layout, notes: list[str]) -> LayoutReading:
    """The seed's layout on ``pages``: each page read every way needed, the reading chosen by the table's own
    arithmetic, and (once the document's findings are known) the pages whose cut stays in doubt."""
    settings = source.settings
    ocr = {p: o for p, o in source.ocr.items() if p in pages}
    department, amount_unit = department_and_unit(source.texts, pages)
    readings = Readings(source.path, pages, layout, settings, ocr)
    choice, best, tried = choose(readings, layout, settings, department, notes)
    rows = best.rows if best.raw else []
    notes.extend(best.log)
    notes.extend(best.units_log())
    for row in rows:
        row.read_by = "ocr" if row.page in ocr else "text"

    def settle(doc: Document) -> list[Finding]:
        return doubts(rows, doc.findings, {p: v for p, v in tried.items() if p not in ocr}, choice, doc.source,
                      settings.lang)

    unruled = [p for p, o in ocr.items() if o.table is None]
    why = "" if rows else (f"pages {pages} mention it but hold no readable table rows" + (
        f": scanned page(s) {unruled} show no ruling lines, and a scanned table is read by its rules (a borderless "
        "scan is not read yet)" if unruled else ""))
    return LayoutReading(layout.name, rows, [], [], pages, settle, department, amount_unit, why)


__all__ = ["Readings", "choose", "continued", "doubts", "read_listed"]
