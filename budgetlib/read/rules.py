"""Ruled tables from the PDF's own ruling lines, read with pypdfium2: the same printed cells as
``read.cells`` gives from camelot's lattice parser (``Grid``, ``Span``), at a small part of its cost —
camelot lays out every character of a page before it cuts the cells, and a 北京 list's page draws thousands
(the text of merged cells cut by page breaks included).

Each stroked straight segment of a path (or a filled shape thin as a rule: many producers draw their rules
as thin filled rectangles, several to a path) is a horizontal or a vertical rule; rules that meet make a
table; its grid is cut at every rule's height and place; a grid cell is joined
to its neighbour where no rule separates them (a merged cell: a project's name beside its indicators).  A
cell's text is the characters drawn inside it (``read.runs``), in lines top to bottom.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..layouts.base import squash
from .cells import Grid, Span
from .runs import Char, PageChars

TOL = 2.0  # points: rules this close are one; a rule reaching this close to a cell's edge closes it
THIN = 2.5  # a filled rectangle no thicker than this is a rule


def _segments(page: pdfium.PdfPage) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """(horizontal rules as (y, x0, x1), vertical rules as (x, y0, y1)), from the media box's corner."""
    left0, bottom0, _, _ = page.get_mediabox()
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    px, py = ctypes.c_float(), ctypes.c_float()
    m = pdfium_c.FS_MATRIX()

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        x0, x1, y0, y1 = x0 - left0, x1 - left0, y0 - bottom0, y1 - bottom0
        if abs(y1 - y0) <= 0.5 and abs(x1 - x0) > TOL:
            hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) > TOL:
            vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    def thin(points: list[tuple[float, float]]) -> None:  # a filled shape thin as a rule is one
        if len(points) < 2:
            return
        left, right = min(p[0] for p in points), max(p[0] for p in points)
        bottom, top = min(p[1] for p in points), max(p[1] for p in points)
        if min(right - left, top - bottom) <= THIN < max(right - left, top - bottom):
            if top - bottom <= THIN:
                add(left, (top + bottom) / 2, right, (top + bottom) / 2)
            else:
                add((left + right) / 2, bottom, (left + right) / 2, top)

    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=8):
        raw = obj.raw
        pdfium_c.FPDFPath_GetDrawMode(raw, ctypes.byref(fill), ctypes.byref(stroke))
        if not (stroke.value or fill.value):
            continue
        pdfium_c.FPDFPageObj_GetMatrix(raw, ctypes.byref(m))
        start = current = None
        shape: list[tuple[float, float]] = []
        for i in range(pdfium_c.FPDFPath_CountSegments(raw)):
            seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
            pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(px), ctypes.byref(py))
            point = (m.a * px.value + m.c * py.value + m.e, m.b * px.value + m.d * py.value + m.f)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                if not stroke.value:
                    thin(shape)
                start = current = point
                shape = [point]
                continue
            shape.append(point)
            if stroke.value:
                if current is not None and kind == pdfium_c.FPDF_SEGMENT_LINETO:
                    add(*current, *point)
                if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                    add(*point, *start)
                    point = start
            current = point
        if not stroke.value:
            thin(shape)
    return hs, vs


def _merged(lines: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear rules that touch or overlap, as one."""
    out: list[list[float]] = []
    for pos, a, b in sorted(lines, key=lambda s: (round(s[0] / TOL), s[1])):
        if out and abs(out[-1][0] - pos) <= TOL / 2 and a <= out[-1][2] + TOL:
            out[-1][2] = max(out[-1][2], b)
        else:
            out.append([pos, a, b])
    return [(p, a, b) for p, a, b in out]


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= TOL:
            continue
        out.append(v)
    return out


def _tables(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]]) -> list[tuple[list, list]]:
    """The rules that meet, in groups: one group a table."""
    lines = [("h", s) for s in hs] + [("v", s) for s in vs]
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (kind, (y, x0, x1)) in enumerate(lines):
        if kind != "h":
            continue
        for j, (other, (x, y0, y1)) in enumerate(lines):
            if other == "v" and x0 - TOL <= x <= x1 + TOL and y0 - TOL <= y <= y1 + TOL:
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list, list]] = {}
    for i, (kind, s) in enumerate(lines):
        g = groups.setdefault(find(i), ([], []))
        (g[0] if kind == "h" else g[1]).append(s)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covered(lines: list[tuple[float, float, float]], pos: float, a: float, b: float) -> bool:
    """Whether a rule at ``pos`` runs from ``a`` to ``b``."""
    return any(abs(p - pos) <= TOL and lo <= a + TOL and hi >= b - TOL for p, lo, hi in lines)


def _text(chars: list[Char]) -> str:
    """A cell's characters in the order drawn, a line break where the baseline moves (text drawn over text
    stays in its pieces, as drawn: a label and a merged cell's clipped text over it)."""
    lines: list[list[Char]] = []
    for c in chars:
        if lines and abs(lines[-1][-1].base - c.base) <= 0.3 * max(c.height, lines[-1][-1].height, 1.0):
            lines[-1].append(c)
        else:
            lines.append([c])
    return "\n".join("".join(c.text for c in line).strip() for line in lines)


def grid_of(page_no: int, hs: list, vs: list, chars: list[Char]) -> Grid:
    """One table's grid, its printed cells and their text."""
    xs = _cluster([x for x, _, _ in vs])
    ys = sorted(_cluster([y for y, _, _ in hs]), reverse=True)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(k: tuple[int, int]) -> tuple[int, int]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(vs, xs[c + 1], ys[r + 1], ys[r]):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < n_rows and not _covered(hs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1, c))] = find((r, c))
    blocks: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for key in parent:
        blocks.setdefault(find(key), []).append(key)
    inside: dict[tuple[int, int], list[Char]] = {}
    for ch in chars:
        if xs[0] <= ch.x <= xs[-1] and ys[-1] <= ch.y <= ys[0]:
            c = next(k for k in range(n_cols) if ch.x <= xs[k + 1])
            r = next(k for k in range(n_rows) if ch.y >= ys[k + 1])
            inside.setdefault(find((r, c)), []).append(ch)
    spans = []
    for root, members in blocks.items():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        lines = _text(inside.get(root, []))
        spans.append(Span(r0, r1, c0, c1, squash(lines), lines))
    spans.sort(key=lambda s: (s.r0, s.c0))
    return Grid(page_no, spans, n_rows, n_cols, [(ys[r], ys[r + 1]) for r in range(n_rows)],
                [(xs[c], xs[c + 1]) for c in range(n_cols)])


def grids(path: Path, pages: list[int], chars: PageChars) -> dict[int, list[Grid]]:
    """The ruled tables of ``pages``, top of the page first."""
    out: dict[int, list[Grid]] = {}
    doc = pdfium.PdfDocument(str(path))
    try:
        for p in pages:
            page = doc[p - 1]
            hs, vs = _segments(page)
            page.close()
            found = [grid_of(p, _merged(h), _merged(v), chars.chars(p)) for h, v in _tables(hs, vs)]
            out[p] = sorted((g for g in found if g.n_rows and g.n_cols), key=lambda g: -g.top)
    finally:
        doc.close()
    return out


__all__ = ["grids"]
