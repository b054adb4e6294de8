"""The text of printed cells from each glyph's own position (pdfium), for tables camelot misreads.

camelot places a whole text line by its bounding box, which pdfminer computes from the font's declared
ascent and descent, and drops a line whose box straddles a rule.  Real disclosures show both: 重庆's embed a
Latin font whose descent is far too deep, so its digits' boxes reach a row below where they are drawn
(``2026`` of a goal, ``7500`` of a value land in the row below; ``46,794.00`` reads ``,46794.00``), and 烟台's
总体目标 cells come back empty.  pdfium's tight character box is the glyph's outline as drawn, and its
origin the line it sits on: ``retext`` rebuilds each of camelot's cells (their rules, spans and merges kept)
from the glyphs placed inside it — by the outline's horizontal centre and a point a third of a glyph above
its line — as lines (glyphs whose origins sit within half a glyph of each other), left to right.  A glyph
clipped to a cell's box (a spreadsheet export clips a label longer than its cell) belongs to that cell
wherever it is drawn.  Coordinates follow pdfminer's (the page's /Rotate and its media box's origin).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..layouts.base import squash
from .cells import Grid, Span


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float  # left and right of the drawn outline, in the page's space as camelot sees it (turned)
    x1: float
    base: float  # the line it sits on (its origin's height)
    height: float  # of the drawn outline (0 for a space)
    clip: tuple[float, float, float, float] | None = None  # the box the producer clips it to (x0, y0, x1, y1)


def _turn(page: pdfium.PdfPage) -> tuple[float, float, float, float, float, float]:
    """The matrix pdfminer (and so camelot) applies to a page's user space: its /Rotate and its media box's
    origin (``pdfinterp.PDFPageInterpreter.process_page``; a box written upside down is read as the same box)."""
    ax, ay, bx, by = page.get_mediabox()
    x0, y0, x1, y1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
    return {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0)}.get(page.get_rotation(), (1, 0, 0, 1, -x0, -y0))


def _clip(obj: object, at: Callable[[float, float], tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The box a text object is clipped to (the intersection of its clip paths' boxes), if any."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj) if obj else None
    if not clip:
        return None
    box: list[float] | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for p in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        points = []
        for s in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, p)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, p, s)
            if segment and pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                points.append(at(x.value, y.value))
        if points:
            xs, ys = [q[0] for q in points], [q[1] for q in points]
            here = [min(xs), min(ys), max(xs), max(ys)]
            box = here if box is None else [max(box[0], here[0]), max(box[1], here[1]), min(box[2], here[2]),
                                            min(box[3], here[3])]
    return tuple(box) if box is not None else None


def page_glyphs(page: pdfium.PdfPage) -> list[Glyph]:
    """Every character pdfium reads on ``page``, in the order the page draws them, with its outline's left
    and right and its origin's height (spaces the PDF prints kept, at their origin; spaces pdfium makes up
    for a gap, and line breaks, left out)."""
    a, b, c, d, e, f = _turn(page)

    def at(px: float, py: float) -> tuple[float, float]:
        return a * px + c * py + e, b * px + d * py + f

    textpage = page.get_textpage()
    out: list[Glyph] = []
    ox, oy = ctypes.c_double(), ctypes.c_double()
    try:
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if not ch or ch in "\r\n\t\x0b\x0c" or pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(ox), ctypes.byref(oy))
            origin = at(ox.value, oy.value)
            left, low, right, high = textpage.get_charbox(i)
            if right - left < 0.05 or high - low < 0.05:  # a space or an empty glyph: where it is written
                out.append(Glyph(ch, origin[0], origin[0], origin[1], 0.0))
                continue
            corners = [at(px, py) for px, py in ((left, low), (right, high))]
            xs, ys = [p[0] for p in corners], [p[1] for p in corners]
            out.append(Glyph(ch, min(xs), max(xs), origin[1], max(ys) - min(ys),
                             _clip(pdfium_c.FPDFText_GetTextObject(textpage.raw, i), at)))
    finally:
        textpage.close()
    return out


def _median(values: list[float], default: float) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else default


def runs(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """The glyphs as the runs of text the page draws: consecutive glyphs on one line, each close after the
    one before (a new line, a jump back, or a gap wider than a glyph begins another run)."""
    unit = _median([g.height for g in glyphs if g.height > 0], 8.0)
    out: list[list[Glyph]] = []
    for g in glyphs:
        last = out[-1][-1] if out else None
        if last is not None and abs(g.base - last.base) < 0.3 * unit and -0.5 * unit < g.x0 - last.x1 < unit:
            out[-1].append(g)
        else:
            out.append([g])
    return out


def lines_of(glyphs: list[Glyph], unit: float | None = None) -> list[list[Glyph]]:
    """Glyphs as lines, top to bottom, each left to right: a line is the glyphs whose origins sit within half
    a glyph's height of each other (a Latin font's digits sit a point off the Chinese text's line, the next
    line a whole line lower)."""
    if unit is None:
        unit = _median([g.height for g in glyphs if g.height > 0], 8.0)
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: -g.base):
        if rows and rows[-1][-1].base - g.base < 0.5 * unit:
            rows[-1].append(g)
        else:
            rows.append([g])
    return [sorted(row, key=lambda g: g.x0) for row in rows]


def _lines(glyphs: list[Glyph], unit: float) -> str:
    """Glyphs of one cell as its text: its lines (``lines_of``) joined by line breaks."""
    return "\n".join("".join(g.text for g in row).strip() for row in lines_of(glyphs, unit)).strip()


def _index(edges: list[tuple[float, float]], value: float, descending: bool) -> int | None:
    for i, (a, b) in enumerate(edges):
        lo, hi = (b, a) if descending else (a, b)
        if lo <= value <= hi:
            return i
    return None


def retext_grid(grid: Grid, glyphs: list[Glyph]) -> Grid:
    """``grid`` with each printed cell's text rebuilt from the glyphs drawn inside it.

    A glyph is placed by its horizontal centre and a point a third of a glyph's height above its line (not
    by its outline's middle: a comma's outline sits below the line's middle, and may sit below a rule the
    line's text is above).  A glyph the producer clips to a cell's box (a spreadsheet export clips a label
    longer than its cell at the cell's edges) belongs to that cell wherever it is drawn, and on a page
    that clips, every other glyph is in its own cell.  On a page without clips, a run of text that crosses
    a rule without a break belongs to the cell that holds most of it; a run with a gap at the rule is two
    cells' texts."""
    unit = _median([g.height for g in glyphs if g.height > 0], 8.0)
    inside: dict[Span, list[Glyph]] = {}

    def at(x: float, y: float) -> Span | None:
        r = _index(grid.rows_y, y, descending=True)
        c = _index(grid.cols_x, x, descending=False)
        return grid.at(r, c) if r is not None and c is not None else None

    def clipped(g: Glyph) -> Span | None:
        """The cell a glyph is clipped to: the clip box's middle is in it and the box is no larger than it."""
        if g.clip is None:
            return None
        x0, y0, x1, y1 = g.clip
        span = at((x0 + x1) / 2, (y0 + y1) / 2)
        if span is None:
            return None
        left, right = grid.cols_x[span.c0][0], grid.cols_x[span.c1][1]
        top, bottom = grid.rows_y[span.r0][0], grid.rows_y[span.r1][1]
        fits = x1 - x0 <= right - left + 4 and y1 - y0 <= top - bottom + 4
        return span if fits else None

    clipping = any(g.clip is not None for g in glyphs)
    for run in runs(glyphs):
        cells = [at((g.x0 + g.x1) / 2, g.base + unit / 3) for g in run]
        if clipping:  # the producer clips what overflows: every other glyph is inside its own cell
            for g, here in zip(run, cells):
                owner = clipped(g) or here
                if owner is not None:
                    inside.setdefault(owner, []).append(g)
            continue
        pieces: list[list[int]] = [[0]]
        for k in range(1, len(run)):
            if cells[k] is not cells[k - 1] and run[k].x0 - run[k - 1].x1 > 0.25 * unit:
                pieces.append([k])
            else:
                pieces[-1].append(k)
        for piece in pieces:
            counts: dict[int, int] = {}
            for k in piece:
                if cells[k] is not None:
                    counts[id(cells[k])] = counts.get(id(cells[k]), 0) + 1
            best = max(counts.values(), default=0)
            owner = next((cells[k] for k in piece if cells[k] is not None and counts[id(cells[k])] == best), None)
            if owner is not None:
                inside.setdefault(owner, []).extend(run[k] for k in piece)
    spans = []
    for span in grid.spans:
        lines = _lines(inside.get(span, []), unit)
        spans.append(replace(span, text=squash(lines), lines=lines))
    return Grid(grid.page, spans, grid.n_rows, grid.n_cols, grid.rows_y, grid.cols_x)


def text_in(glyphs: list[Glyph], x0: float, x1: float, top: float, bottom: float) -> str:
    """The text of the glyphs whose centre lies in a box (page points, ``top`` above ``bottom``), as lines."""
    unit = _median([g.height for g in glyphs if g.height > 0], 8.0)
    inside = [g for g in glyphs if x0 <= (g.x0 + g.x1) / 2 <= x1 and bottom <= g.base + unit / 3 <= top]
    return _lines(inside, unit)


# a page's number as its foot prints it: — 26 —, 第 8 页，共 45 页, 8, -8-, 8/45
_PAGE_NUMBER = re.compile(r"[—\-－–]*\d+[—\-－–]*|第\d+页(?:[,，]?共\d+页)?|\d+/\d+")


# a line below a table that says something of its own (a note, a paragraph, the next table's title): a
# merged cell cut by the page break may draw its few characters below the page's last rule (产出指标, 效)
_SAYS = 10


def below(glyphs: list[Glyph], grids: list[Grid]) -> list[str]:
    """The lines of ``_SAYS`` characters or more printed below the lowest of a page's ruled tables (white space
    left out), top to bottom, but a page number: none where the table runs to the page's foot, or only a
    cell's characters are drawn below it."""
    if not grids:
        return []
    bottom = min(g.rows_y[-1][1] for g in grids)
    unit = _median([g.height for g in glyphs if g.height > 0], 8.0)
    # a glyph clipped away (drawn outside the box it is clipped to: a cut cell's text below the table's last
    # rule) is not printed there
    under = [g for g in glyphs if g.base + unit / 3 <= bottom - 1
             and (g.clip is None or g.clip[1] - 1 <= g.base + unit / 3 <= g.clip[3] + 1)]
    texts = [re.sub(r"\s+", "", "".join(g.text for g in line)) for line in lines_of(under, unit)]
    return [t for t in texts if len(t) >= _SAYS and not _PAGE_NUMBER.fullmatch(t)]


def retext(path: Path, found: dict[int, list[Grid]]) -> tuple[dict[int, list[Grid]], dict[int, list[Glyph]]]:
    """Every grid of ``found`` with its cells' text from the glyphs' positions, and each page's glyphs."""
    out: dict[int, list[Grid]] = {}
    kept: dict[int, list[Glyph]] = {}
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page_no, grids in found.items():
            if not grids:
                out[page_no] = grids
                continue
            page = pdf[page_no - 1]
            try:
                glyphs = page_glyphs(page)
            finally:
                page.close()
            out[page_no] = [retext_grid(g, glyphs) for g in grids]
            kept[page_no] = glyphs
    finally:
        pdf.close()
    return out, kept


__all__ = ["Glyph", "below", "lines_of", "page_glyphs", "retext", "retext_grid", "runs", "text_in"]
