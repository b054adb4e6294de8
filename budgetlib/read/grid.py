"""Cells from camelot's lattice parser (ruled pages), and the check for rows camelot merged.

A ``PageTable`` is one page's table as rows of cell strings (lines joined with "\\n" as camelot gives
them) with their vertical position, so that rows can be stitched across pages; ``borderless.py``
makes the same from pages without rules.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import camelot

from ..settings import ExtractSettings
from .glyphs import GlyphHandler, pdfium_em_box
from .pdf import excerpt


@dataclass
class PageTable:
    page: int
    flavor: str
    cells: list[list[str]]  # rows of cells as camelot read them
    rows_y: list[tuple[float, float]]  # (top, bottom) of each row, PDF points
    # text-position tables: the column boundaries (reused on a next page printed without the header), and
    # how lines become rows: "gaps" (white space) or anchored on each row's amounts, its text blocks placed
    # by the cells' vertical alignment ("top", "middle", "bottom")
    columns: tuple[float, ...] = ()
    grouping: str = "gaps"
    misfit: float = 0.0  # anchored rows: how far, in line heights, the text blocks sit from their alignment

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0


def quiet_read(path: Path, pages: list[int], settings: ExtractSettings, **kwargs: object) -> camelot.core.TableList:
    """camelot on ``pages`` (as ``camelot.read_pdf``), its warnings silenced (what matters is logged by the caller).

    ``word_margin`` is pdfminer's: a gap wider than this many character widths reads as a space.  Word
    and LibreOffice Writer put a small gap between Chinese and Latin text (auto-spacing) that is not a
    space in the document; pdfminer's default (0.1) would print one there ("大于 90%").

    ``detect_vertical`` is off: pdfminer would take characters stacked in a narrow column (a lone 标 on
    one line above the 值 that begins the next) for vertical text, and camelot reads horizontal text
    only: they would be lost.  A budget table prints no vertical text in its cells.
    """
    with warnings.catch_warnings(), GlyphHandler(str(path), pages=",".join(map(str, pages))) as handler:
        warnings.simplefilter("ignore")
        return handler.parse(suppress_stdout=True,
                             layout_kwargs={"word_margin": settings.word_margin, "detect_vertical": False}, **kwargs)


_AMOUNT_LINE = re.compile(r"^\s*-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?\s*$")  # 4,125.06 or 1250


def merged_rows(table: PageTable) -> bool:
    """Whether camelot put several table rows into one: a cell holding two or more amounts, one per line
    (where a rule between rows is too thin to render, or not drawn at all)."""
    for row in table.cells:
        for cell in row:
            if sum(bool(_AMOUNT_LINE.match(line)) for line in cell.split("\n")) >= 2:
                return True
    return False


CHUNK = 16  # pages per camelot call


def ruled_tables(path: Path, pages: list[int], settings: ExtractSettings,
                 engine: str | None = None) -> dict[int, list[PageTable]]:
    """Lattice tables on ``pages`` (the PDF's own ruling lines with engine="vector")."""
    found: dict[int, list[PageTable]] = {p: [] for p in pages}
    if not pages:
        return found
    # a few pages per camelot call: one call over a long table keeps every page's layout alive until it ends,
    # and its cost per page grows with the pages read (0.28 s/page over 102 pages in one call, 0.07 s/page in
    # calls of 16)
    engine = engine or settings.engine
    tables = []
    for k in range(0, len(pages), CHUNK):  # of a long document, an excerpt of its pages per call (pdf.excerpt)
        part, local = excerpt(path, pages[k:k + CHUNK])
        page_of = {v: p for p, v in local.items()}
        for t in quiet_read(part, list(local.values()), settings, flavor="lattice", engine=engine, split_text=True,
                            line_tol=settings.line_tol, joint_tol=settings.joint_tol):
            tables.append((page_of[int(t.page)], t))
    pdf = None
    for page, t in tables:
        rows = [list(map(str, r)) for r in t.df.itertuples(index=False)]
        if rows:
            if pdf is None:
                import pypdfium2 as pdfium

                pdf = pdfium.PdfDocument(str(path))
            _edge_lines(pdf[page - 1], t.rows, t.cols, rows)
        found.setdefault(page, []).append(PageTable(page, "lattice", rows, [tuple(r) for r in t.rows]))
    if pdf is not None:
        pdf.close()
    for page_tables in found.values():  # top of the page first
        page_tables.sort(key=lambda pt: -pt.rows_y[0][0] if pt.rows_y else 0)
    return found


def _edge_lines(page, rows_y: list[tuple[float, float]], cols: list[tuple[float, float]],
                cells: list[list[str]]) -> None:
    """Text that crosses the table's top or bottom rule with its middle outside it, put into the first or
    last row's cells (in place).  camelot assigns a line to the row its middle lies in: a line printed
    across the outer rule (a report engine that draws the rest of a split row from the page's top edge)
    would be lost without a trace.  Only the characters that cross the rule are taken, in their order."""
    if page.get_rotation():  # pdfium's character boxes are in the unturned page's space, camelot's in the turned
        return
    top, bottom = rows_y[0][0], rows_y[-1][1]
    textpage = page.get_textpage()
    crossing: dict[tuple[bool, int], list[int]] = {}  # (above the top?, column) → character indices
    for i in range(textpage.count_chars()):
        box = pdfium_em_box(textpage, i)  # where camelot places it (``glyphs.py``)
        if box is None:
            continue
        left, low, right, high = box
        mid, centre = (low + high) / 2, (left + right) / 2
        if low < top < high and mid > top:
            above = True
        elif low < bottom < high and mid < bottom:
            above = False
        else:
            continue
        col = next((c for c, (x0, x1) in enumerate(cols) if x0 <= centre < x1), None)
        if col is not None:
            crossing.setdefault((above, col), []).append(i)
    for (above, col), chars in crossing.items():
        row = 0 if above else len(cells) - 1
        text = "".join(textpage.get_text_range(i, 1) for i in chars).strip()
        if text and col < len(cells[row]):
            cell = cells[row][col]
            cells[row][col] = (f"{text}\n{cell}" if above else f"{cell}\n{text}") if cell else text
    textpage.close()


def regroup(table: PageTable, grouping: str) -> PageTable:
    """The same text-position table with its lines grouped into rows another way."""
    return replace(table, grouping=grouping)


__all__ = ["PageTable", "merged_rows", "quiet_read", "regroup", "ruled_tables"]
