"""Ruled tables as their printed cells, merged cells included: what the per-project forms, the indicator
lists and the department-level tables are read from.

camelot's lattice parser cuts a ruled table into a grid at every ruling line it finds and says, for each
grid cell, which of its four sides is ruled; a merged cell (一级指标 printed once beside three 二级指标, a
project's name beside its twenty indicators) is a block of grid cells with no rule between them.  A
``Grid`` is a page's table as those blocks (``Span``): their grid rows and columns, their position on the
page and their text (the grid cells' text, top to bottom).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..layouts.base import squash
from ..settings import ExtractSettings
from .grid import CHUNK, quiet_read
from .pdf import excerpt


@dataclass(frozen=True)
class Span:
    """A printed cell: grid rows ``r0``…``r1`` and columns ``c0``…``c1`` (inclusive), its text."""

    r0: int
    r1: int
    c0: int
    c1: int
    text: str  # the cell's lines joined as Chinese text is (``squash``)
    lines: str = ""  # the cell's lines as printed, "\n" between them
    # no rule along the cell's top / bottom edge: at a page's first or last grid row, a merged cell that a
    # page break cuts (its other part is on the page before / after)
    open_top: bool = False
    open_bottom: bool = False

    @property
    def rows(self) -> range:
        return range(self.r0, self.r1 + 1)

    @property
    def cols(self) -> range:
        return range(self.c0, self.c1 + 1)


@dataclass
class Grid:
    """One ruled table of a page as its printed cells."""

    page: int
    spans: list[Span]
    n_rows: int
    n_cols: int
    rows_y: list[tuple[float, float]]  # (top, bottom) of each grid row, PDF points
    cols_x: list[tuple[float, float]]  # (left, right) of each grid column
    _at: dict[tuple[int, int], Span] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for span in self.spans:
            for r in span.rows:
                for c in span.cols:
                    self._at[(r, c)] = span

    def at(self, r: int, c: int) -> Span | None:
        """The printed cell covering grid cell (r, c)."""
        return self._at.get((r, c))

    def row(self, r: int) -> list[Span]:
        """The printed cells that grid row ``r`` crosses, left to right (a merged cell once)."""
        out: list[Span] = []
        for c in range(self.n_cols):
            span = self._at.get((r, c))
            if span is not None and (not out or out[-1] is not span):
                out.append(span)
        return out

    def starting(self, r: int) -> list[Span]:
        """The printed cells that begin on grid row ``r``."""
        return [s for s in self.row(r) if s.r0 == r]

    @property
    def top(self) -> float:
        return self.rows_y[0][0] if self.rows_y else 0.0

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def _spans(table) -> list[Span]:
    """The printed cells of a camelot table: grid cells joined where no rule separates them."""
    cells = table.cells
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            cell = cells[r][c]
            if c + 1 < n_cols and not (cell.right or cells[r][c + 1].left):
                union((r, c), (r, c + 1))
            if r + 1 < n_rows and not (cell.bottom or cells[r + 1][c].top):
                union((r, c), (r + 1, c))
    blocks: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for key in parent:
        blocks.setdefault(find(key), []).append(key)
    spans = []
    for members in blocks.values():
        members.sort()
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        lines = [cells[r][c].text.strip("\n") for r, c in members if cells[r][c].text.strip()]
        joined = "\n".join(lines)
        open_top = not any(cells[r0][c].top for c in range(c0, c1 + 1))
        open_bottom = not any(cells[r1][c].bottom for c in range(c0, c1 + 1))
        spans.append(Span(r0, r1, c0, c1, squash(joined), joined, open_top, open_bottom))
    spans.sort(key=lambda s: (s.r0, s.c0))
    return spans


def grids(path: Path, pages: list[int], settings: ExtractSettings) -> dict[int, list[Grid]]:
    """The ruled tables of ``pages`` as printed cells, top of the page first (camelot lattice on the PDF's
    own ruling lines, a few pages per call)."""
    found: dict[int, list[Grid]] = {p: [] for p in pages}
    for k in range(0, len(pages), CHUNK):  # of a long document, an excerpt of its pages per call (pdf.excerpt)
        part, local = excerpt(path, pages[k:k + CHUNK])
        page_of = {v: p for p, v in local.items()}
        for t in quiet_read(part, list(local.values()), settings, flavor="lattice", engine="vector", split_text=True,
                            line_tol=settings.line_tol, joint_tol=settings.joint_tol):
            if not t.cells or not t.cells[0]:
                continue
            page = page_of[int(t.page)]
            found.setdefault(page, []).append(
                Grid(page, _spans(t), len(t.cells), len(t.cells[0]), [tuple(r) for r in t.rows],
                     [tuple(c) for c in t.cols]))
    for page_grids in found.values():
        page_grids.sort(key=lambda g: -g.top)
    return found


__all__ = ["Grid", "Span", "grids"]
