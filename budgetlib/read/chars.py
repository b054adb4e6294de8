"""A ruled table's cells checked against the characters the page prints inside them.

camelot assigns each pdfminer text line to the cells it crosses, and drops the characters of a line whose
middle falls in another grid row than theirs (a label and a longer cell's text on one baseline, slightly
offset: ``经济效益`` and ``驻沪办、驻深办招商转化落地项目数量（个）`` on one line, the second lost).  Here each
printed cell (``cells.Span``) is compared with the characters whose centre lies inside it (pypdfium2, the
PDF's own text); a cell whose characters differ is rebuilt from them, line by line, and the characters of
the table's band that fall in no cell are returned, so that the reader can say what it did not place.

A character the producer clips to a cell's box (a text longer than its fixed-height cell runs on below it,
over the next row, drawn but clipped to its own cell: 北京 应急管理局 预算13表 p. 144, ``…联排联调实地调查数`` whose
last ``量`` lies in the next row's cell) belongs to the cell it is clipped to, wherever in the grid it is drawn
(as ``read.retext`` reads forms): by position alone the next row would begin with it and the row above lose it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from ..layouts.base import squash
from .cells import Grid, Span


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    y0: float  # PDF points, y up
    x1: float
    y1: float
    base: float | None = None  # the baseline (the glyph's origin), PDF points: None where unknown
    clip: tuple[float, float, float, float] | None = None  # the box the producer clips it to (x0, y0, x1, y1)

    @property
    def line_y(self) -> float:
        """Where the character sits on its line: its baseline, else its box's centre."""
        return self.base if self.base is not None else self.cy

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def page_chars(path: Path, pages: list[int]) -> dict[int, list[Char]]:
    """The characters each page prints (not those pdfium generates between words and lines), each box as
    pdfium gives it (its ``loose`` box: the font's height, the same for every character of a line)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from .retext import _clip

    ox, oy = ctypes.c_double(), ctypes.c_double()
    out: dict[int, list[Char]] = {}
    origins: dict[int, tuple[float, float]] = {}
    pdf = pdfium.PdfDocument(str(path))
    try:
        for p in pages:
            page = pdf[p - 1]
            text = page.get_textpage()
            chars = []
            origin = page.get_mediabox()[:2]  # a page whose box does not start at 0, 0
            for i in range(text.count_chars()):
                if raw.FPDFText_IsGenerated(text, i):
                    continue
                ch = text.get_text_range(i, 1)
                if not ch or ch in "\r\n":
                    continue
                x0, y0, x1, y1 = text.get_charbox(i, loose=True)
                base = oy.value if raw.FPDFText_GetCharOrigin(text, i, ctypes.byref(ox), ctypes.byref(oy)) else None
                clip = _clip(raw.FPDFText_GetTextObject(text.raw, i), lambda x, y: (x, y))
                chars.append(Char(ch, x0, y0, x1, y1, base, clip))
            out[p] = chars
            origins[p] = (float(origin[0]), float(origin[1]))
            text.close()
            page.close()
    finally:
        pdf.close()
    # camelot's coordinates and pdfium's may differ by the page box's origin: each page's characters are
    # given in every frame it may be, and ``checked`` takes the one in which the cells hold their text
    return {p: [chars, *[[Char(c.text, c.x0 + dx, c.y0 + dy, c.x1 + dx, c.y1 + dy,
                               None if c.base is None else c.base + dy,
                               None if c.clip is None else (c.clip[0] + dx, c.clip[1] + dy, c.clip[2] + dx,
                                                            c.clip[3] + dy)) for c in chars]
                         for dx, dy in {(-origins[p][0], -origins[p][1]), origins[p]} if (dx, dy) != (0, 0)]]
            for p, chars in out.items()}


def box(grid: Grid, span: Span) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a printed cell, PDF points."""
    return (grid.cols_x[span.c0][0], grid.rows_y[span.r1][1], grid.cols_x[span.c1][1], grid.rows_y[span.r0][0])


def _inside(c: Char, b: tuple[float, float, float, float]) -> bool:
    return b[0] <= c.cx <= b[2] and b[1] <= c.cy <= b[3]


def _fits(clip: tuple[float, float, float, float] | None, b: tuple[float, float, float, float]) -> bool:
    """Whether a clip box is a cell's box (within 2 pt on each side)."""
    return clip is not None and all(abs(u - v) <= 2 for u, v in zip(clip, b))


def assign(grid: Grid, chars: list[Char]) -> dict[int, list[Char]]:
    """Each printed cell's characters (by the cell's index in ``grid.spans``), in the order drawn: those whose
    centre lies inside it, but a character clipped to another cell's box, which is that cell's (a text running
    on over the next row).  Characters outside the grid are no cell's here (``outside``)."""
    boxes = [box(grid, s) for s in grid.spans]
    out: dict[int, list[Char]] = {k: [] for k in range(len(boxes))}
    for c in chars:
        here = next((k for k, b in enumerate(boxes) if _inside(c, b)), None)
        if here is None:
            continue
        if c.clip is not None and not _fits(c.clip, boxes[here]):
            here = next((k for k, b in enumerate(boxes) if _fits(c.clip, b)), here)
        out[here].append(c)
    return out


def spilled(grid: Grid, chars: list[Char]) -> list[tuple[int, int, str]]:
    """The characters drawn inside one cell and clipped to another's box, as (the cell they are clipped to,
    the cell they are drawn in, their text) by the cells' indexes in ``grid.spans``."""
    boxes = [box(grid, s) for s in grid.spans]
    found: dict[tuple[int, int], list[Char]] = {}
    for c in chars:
        here = next((k for k, b in enumerate(boxes) if _inside(c, b)), None)
        if here is None or c.clip is None or _fits(c.clip, boxes[here]) or c.text.isspace():
            continue
        owner = next((k for k, b in enumerate(boxes) if _fits(c.clip, b)), None)
        if owner is not None:
            found.setdefault((owner, here), []).append(c)
    return [(owner, here, _lines(cs)) for (owner, here), cs in found.items()]


def _lines(chars: list[Char]) -> str:
    """Characters as lines: grouped by their baseline (a new line where a character's baseline leaves the
    line's band), top to bottom, each left to right.  The baseline, not the box: a page that sets its
    punctuation and digits in another font than its Chinese (重庆's 表十: pdfium's loose boxes of ``，“416”``
    sit 8 pt below the Chinese of their own line) would otherwise scatter them onto lines of their own."""
    return "\n".join("".join(c.text for c in sorted(row, key=lambda c: c.x0)).strip() for row in _rows(chars))


def _rows(chars: list[Char]) -> list[list[Char]]:
    """The characters grouped into lines (``_lines``), top to bottom."""
    rows: list[list[Char]] = []
    # the band of a line: half the cell's usual character height (a punctuation font's box may be twice as tall)
    heights = sorted(max(c.y1 - c.y0, 1.0) for c in chars)
    band = heights[len(heights) // 2] * 0.5 if heights else 1.0
    for c in sorted(chars, key=lambda c: -c.line_y):
        if rows and abs(sum(x.line_y for x in rows[-1]) / len(rows[-1]) - c.line_y) < band:
            rows[-1].append(c)
        else:
            rows.append([c])
    return rows


def _merged(parts: list[list[Char]]) -> str:
    """The lines of several groups of characters (``_lines`` each), top to bottom by their baselines."""
    if len(parts) == 1:
        return _lines(parts[0])
    def y(row: list[Char]) -> float:
        return sum(c.line_y for c in row) / len(row)

    # a line run on beside the cell (a number right-aligned in a narrow cell, its first digit drawn in the cell
    # to its left: 北京 司法局 p. 47 ``57.000000``) is on the cell's own line: lines on one baseline are one
    heights = sorted(max(c.y1 - c.y0, 1.0) for part in parts for c in part)
    band = heights[len(heights) // 2] * 0.25
    rows: list[list[Char]] = []
    for row in sorted((row for part in parts for row in _rows(part)), key=lambda r: -y(r)):
        if rows and abs(y(rows[-1]) - y(row)) < band:
            rows[-1] += row
        else:
            rows.append(list(row))
    return "\n".join("".join(c.text for c in sorted(row, key=lambda c: c.x0)).strip() for row in rows)


def _ink(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


def frame(grid: Grid, frames: list[list[Char]]) -> list[Char] | None:
    """The page's characters in the grid's frame: the one in which most of its cells hold exactly the
    characters printed inside them (None when in none do three in four of its cells: the reader cannot tell
    where the characters are, and leaves camelot's text as it is)."""
    best, agree = None, -1
    filled = [k for k, s in enumerate(grid.spans) if s.lines.strip()]
    for chars in frames:
        inside = assign(grid, chars)
        n = sum(_ink(grid.spans[k].lines) == _ink("".join(c.text for c in inside[k])) for k in filled)
        if n > agree:
            best, agree = chars, n
    return best if filled and agree >= 0.75 * len(filled) else None


def _scattered(span: Span, inside: list[Char]) -> bool:
    """Whether camelot holds the cell's characters on more lines than their baselines make, in another order
    (pdfminer groups lines by boxes: punctuation and digits in a font with other metrics land on lines of
    their own, ``,,;提质建设…推“416”,,;,“”动…``)."""
    if not inside or any(c.base is None for c in inside):
        return False
    ours = _lines(inside)
    theirs = [ln for ln in span.lines.splitlines() if ln.strip()]
    return len(theirs) > len(ours.splitlines()) and squash(ours) != squash(span.lines)


def checked(grid: Grid, frames: list[list[Char]]) -> tuple[Grid, list[tuple[Span, Span]]]:
    """The grid with each cell whose text does not hold exactly the characters printed inside it (or holds
    them scattered over lines of their own, ``_scattered``) rebuilt from those characters (in the frame that
    fits the grid; a character clipped to another cell's box is that cell's, ``assign``); and the (camelot's,
    rebuilt) pairs."""
    chars = frame(grid, frames)
    if chars is None:
        return grid, []
    fixed: list[tuple[Span, Span]] = []
    spans = []
    owned = assign(grid, chars)
    boxes = [box(grid, s) for s in grid.spans]
    # the cells that take characters clipped to them from another's box, and those that give them: read again
    # whatever camelot holds (the same characters in another order: ``指标可持续影响``)
    moved = {k for owner, here, _ in spilled(grid, chars) for k in (owner, here)}
    for k, span in enumerate(grid.spans):
        inside = owned[k]
        if k in moved or _ink(span.lines) != _ink("".join(c.text for c in inside)) or _scattered(span, inside):
            # the lines drawn inside the cell and those clipped to it from beyond its edge, each read as lines
            # apart (a font whose boxes are tall would merge a line run on below the cell with the cell's last)
            parts = [[c for c in inside if _inside(c, boxes[k])], [c for c in inside if not _inside(c, boxes[k])]]
            lines = _merged([p for p in parts if p])
            new = replace(span, text=squash(lines), lines=lines)
            fixed.append((span, new))
            span = new
        spans.append(span)
    if not fixed:
        return grid, []
    return Grid(grid.page, spans, grid.n_rows, grid.n_cols, grid.rows_y, grid.cols_x), fixed


def outside(grids: list[Grid], frames: list[list[Char]],
            more: list[tuple[float, float, float, float]] = ()) -> str:
    """The characters printed level with the grids (between the top of the first and the bottom of the last)
    that fall in none of their cells (nor in the boxes ``more``: what the reader placed otherwise), as lines."""
    chars = frame(grids[0], frames) if grids else None
    if chars is None:
        return ""
    top = max(g.rows_y[0][0] for g in grids)
    bottom = min(g.rows_y[-1][1] for g in grids)
    boxes = [(g.cols_x[0][0], g.rows_y[-1][1], g.cols_x[-1][1], g.rows_y[0][0]) for g in grids] + list(more)
    left = [c for c in chars if bottom <= c.cy <= top and not c.text.isspace()
            and not any(_inside(c, b) for b in boxes)]
    return _lines(left)


def lines(chars: list[Char]) -> str:
    """Characters as lines by their baselines (``_lines``)."""
    return _lines(chars)


@dataclass(frozen=True)
class Rules:
    """The rules a page draws (its lines and the edges of its rectangles: a spreadsheet export draws each
    border as a thin filled rectangle), PDF points, y up, in one frame of the page."""

    h: tuple[tuple[float, float, float], ...]  # (y, left, right)
    v: tuple[tuple[float, float, float], ...]  # (x, bottom, top)

    def across(self, y: float, x0: float, x1: float, tol: float = 2.0) -> float:
        """How much of ``x0``…``x1`` (a fraction) a horizontal rule at ``y`` covers."""
        return _covered([(a, b) for hy, a, b in self.h if abs(hy - y) <= tol], x0, x1)

    def down(self, x: float, y0: float, y1: float, tol: float = 2.0) -> float:
        """How much of ``y0``…``y1`` (a fraction) a vertical rule at ``x`` covers."""
        return _covered([(a, b) for vx, a, b in self.v if abs(vx - x) <= tol], y0, y1)

    def fits(self, grid: Grid) -> float:
        """The share of the grid's inner boundaries drawn as rules in this frame (the lesser of the share
        between its rows and that between its columns): the frame is the grid's where nearly all are."""
        left, right = grid.cols_x[0][0], grid.cols_x[-1][1]
        bottom, top = grid.rows_y[-1][1], grid.rows_y[0][0]
        ys = [b for _, b in grid.rows_y[:-1]]
        xs = [b for _, b in grid.cols_x[:-1]]
        rows = sum(self.across(y, left, right) > 0.02 for y in ys) / max(len(ys), 1)
        cols = sum(self.down(x, bottom, top) > 0.02 for x in xs) / max(len(xs), 1)
        return min(rows, cols)


def _covered(parts: list[tuple[float, float]], lo: float, hi: float) -> float:
    if hi <= lo:
        return 0.0
    spans = sorted((max(a, lo), min(b, hi)) for a, b in parts if min(b, hi) > max(a, lo))
    total, end = 0.0, lo
    for a, b in spans:
        if b > end:
            total += b - max(a, end)
            end = b
    return total / (hi - lo)


def page_rules(path: Path, page: int) -> list[Rules]:
    """The rules a page draws (pdfplumber's edges of its lines, rectangles and curves), in each frame it
    may be in (as ``page_chars``: the page box's origin added or not); ``rules_of`` takes the grid's."""
    import pdfplumber

    with pdfplumber.open(str(path), pages=[page]) as pdf:
        pg = pdf.pages[0]
        h = tuple((float(e["y0"]), float(e["x0"]), float(e["x1"])) for e in pg.edges if e["orientation"] == "h")
        v = tuple((float(e["x0"]), float(e["y0"]), float(e["y1"])) for e in pg.edges if e["orientation"] == "v")
        ox, oy = float(pg.mediabox[0]), float(pg.mediabox[1])
    return [Rules(tuple((y + dy, a + dx, b + dx) for y, a, b in h), tuple((x + dx, a + dy, b + dy) for x, a, b in v))
            for dx in dict.fromkeys([0.0, -ox, ox]) for dy in dict.fromkeys([0.0, -oy, oy])]


def rules_of(grid: Grid, frames: list[Rules]) -> Rules | None:
    """The page's rules in the grid's frame: the frame in which nine in ten of the grid's inner boundaries
    are drawn (None when in none: the reader cannot tell where the rules are, and says nothing of them)."""
    best = max(frames, key=lambda r: r.fits(grid), default=None)
    return best if best is not None and best.fits(grid) >= 0.9 else None


__all__ = ["Char", "Rules", "assign", "box", "checked", "frame", "lines", "outside", "page_chars", "page_rules",
           "rules_of", "spilled"]
