"""Cells from camelot: ruled pages through lattice, borderless pages through stream.

Both return, per page, the table's rows as lists of cell strings (lines joined with "\\n" as
camelot gives them) with their vertical position, so that the rows can be stitched across pages.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import camelot

from .settings import ExtractSettings

log = logging.getLogger("budgetlib.extract")


@dataclass
class PageTable:
    page: int
    flavor: str
    cells: list[list[str]]  # rows of cells as camelot read them
    rows_y: list[tuple[float, float]]  # (top, bottom) of each row, PDF points

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0


def _quiet_read(path: Path, pages: list[int], **kwargs: object) -> camelot.core.TableList:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return camelot.read_pdf(str(path), pages=",".join(map(str, pages)), suppress_stdout=True, **kwargs)


def ruled_tables(path: Path, pages: list[int], settings: ExtractSettings) -> dict[int, list[PageTable]]:
    """Lattice tables on ``pages`` (the PDF's own ruling lines with engine="vector")."""
    found: dict[int, list[PageTable]] = {p: [] for p in pages}
    if not pages:
        return found
    tables = _quiet_read(path, pages, flavor="lattice", engine=settings.engine, split_text=True,
                         line_tol=settings.line_tol, joint_tol=settings.joint_tol)
    for t in tables:
        page = int(t.page)
        rows = [list(map(str, r)) for r in t.df.itertuples(index=False)]
        found.setdefault(page, []).append(PageTable(page, "lattice", rows, [tuple(r) for r in t.rows]))
    for page_tables in found.values():  # top of the page first
        page_tables.sort(key=lambda pt: -pt.rows_y[0][0] if pt.rows_y else 0)
    return found


_PAGE_NO = re.compile(r"^\s*(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|-?\s*\d+\s*-?|\d+\s*/\s*\d+)\s*$")


def borderless_table(path: Path, page: int, settings: ExtractSettings) -> PageTable | None:
    """A table without ruling lines, read by camelot stream inside an area and columns found from the
    text positions: the area starts at the header row; a column boundary is the widest vertical strip
    between two header labels that no text below the header crosses.  Stream gives one row per text
    line; ``group_lines`` then joins lines into table rows.
    """
    import pdfplumber  # only borderless pages need word positions

    with pdfplumber.open(str(path), pages=[page]) as pdf:
        p = pdf.pages[0]
        height = float(p.height)
        words = p.extract_words(keep_blank_chars=True, x_tolerance=1.5)
    labels = [w for w in words if any(k in w["text"] for k in _HEADER_WORDS)]
    if len(labels) < 3:
        return None
    top = min(w["top"] for w in labels)
    head_bottom = max(w["bottom"] for w in labels if w["top"] < top + 20)
    labels = sorted((w for w in labels if w["top"] < top + 20), key=lambda w: w["x0"])
    body = [w for w in words if w["top"] > head_bottom and not _PAGE_NO.match(w["text"])]
    if not body:
        return None
    left = min(w["x0"] for w in body + labels) - 1
    right = max(w["x1"] for w in body + labels) + 1
    bottom = max(w["bottom"] for w in body) + 1
    columns = []
    for a, b in pairwise(labels):
        free = _free_strips(a["x1"], b["x0"], [(w["x0"], w["x1"]) for w in body])
        if free:
            lo, hi = max(free, key=lambda s: s[1] - s[0])
            columns.append((lo + hi) / 2)
    area = f"{left:.1f},{height - top + 2:.1f},{right:.1f},{height - bottom:.1f}"
    tables = _quiet_read(path, [page], flavor="stream", table_areas=[area],
                         columns=[",".join(f"{x:.1f}" for x in columns)], split_text=True, row_tol=2)
    if not tables:
        return None
    t = tables[0]
    cells = [list(map(str, r)) for r in t.df.itertuples(index=False)]
    ys = [tuple(r) for r in t.rows]
    keep = [i for i, row in enumerate(cells) if not _PAGE_NO.match(" ".join(c for c in row if c.strip()) or "x")]
    return PageTable(page, "stream", [cells[i] for i in keep], [ys[i] for i in keep])


_HEADER_WORDS = ("项目名称", "总计", "财政拨款", "财政专户", "其他资金", "绩效目标", "绩效指标")


def _free_strips(lo: float, hi: float, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sub-intervals of (lo, hi) that no span covers."""
    strips = [(lo, hi)]
    for a, b in spans:
        nxt = []
        for s, e in strips:
            if b <= s or a >= e:
                nxt.append((s, e))
                continue
            if a > s:
                nxt.append((s, a))
            if b < e:
                nxt.append((b, e))
        strips = nxt
    return strips


def group_lines(table: PageTable, anchor_col: int | None, row_gap: float) -> PageTable:
    """Join stream lines into table rows.

    A new row starts where the gap to the previous line is larger than ``row_gap`` line pitches
    beyond the usual pitch (rows are padded, lines inside a cell are not), or where a line
    carries an amount in ``anchor_col`` (总计) while the row being built already has one.
    """
    if not table.cells:
        return table
    centers = [(top + bottom) / 2 for top, bottom in table.rows_y]
    pitches = [a - b for a, b in pairwise(centers)]
    usual = sorted(pitches)[len(pitches) // 4] if pitches else 0.0  # lower quartile: inside a cell
    groups: list[list[int]] = [[0]]
    for i in range(1, len(table.cells)):
        gap = centers[i - 1] - centers[i]
        has_anchor = anchor_col is not None and table.cells[i][anchor_col].strip() != ""
        group_anchor = anchor_col is not None and any(table.cells[j][anchor_col].strip() for j in groups[-1])
        if gap > usual * (1 + row_gap) or (has_anchor and group_anchor):
            groups.append([i])
        else:
            groups[-1].append(i)
    cells = [["\n".join(table.cells[j][c] for j in g if table.cells[j][c].strip()) for c in range(table.n_cols)]
             for g in groups]
    ys = [(table.rows_y[g[0]][0], table.rows_y[g[-1]][1]) for g in groups]
    return PageTable(table.page, table.flavor, cells, ys)


__all__ = ["PageTable", "borderless_table", "group_lines", "ruled_tables"]
