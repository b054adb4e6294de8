"""From per-page camelot tables to the table's rows: headers dropped, columns named, rows that a
report engine split across a page break joined again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..amounts import AMOUNT_FIELDS, looks_like_amount
from ..layouts import Layout, header_fields, join_parts, squash
from ..model import RawRow
from .borderless import LABEL_CHARS, anchor_rows, group_lines
from .grid import PageTable

_MIN_HEADER_FIELDS = 3


def _find_header(table: PageTable, layout: Layout) -> tuple[int | None, dict[int, str]]:
    for i, row in enumerate(table.cells[:6]):
        mapping = header_fields(row, layout.columns)
        if len(mapping) >= _MIN_HEADER_FIELDS:
            return i, mapping
    return None, {}


def _header_leftover(cells: list[str], mapping: dict[int, str]) -> dict[str, str]:
    """Text in header cells after their labels: a data row fused with the header (a missing rule)."""
    out: dict[str, str] = {}
    for i, name in mapping.items():
        text = squash(cells[i])
        m = _LABELS.get(name)
        out[name] = text[m.match(text).end():].strip() if m and m.match(text) else ""
    return out


_LABEL_MARK = re.compile(r"[：:\s]+")  # the colon some exports print after a label (总计：)
_UNIT_NOTE = re.compile(r"[（(]\s*(万元|元|千元|亿元|%|个|项)\s*[）)]")
_NOTE = re.compile(r"^\s*(注|备注|说明|填报|制表|审核|附注)\s*[：:0-9一二三、.]")
_LABELS = {
    "name": re.compile(r"^(项目名称|单位名称|资金使用单位)([（(][^）)]*[）)])?"),
    "total": re.compile(r"^(总计|合计)"),
    "fiscal": re.compile(r"^财政拨款(资金)?"),
    "special_account": re.compile(r"^财政专户(管理资金|拨款|资金)?"),
    "other": re.compile(r"^其他资金"),
    "goal": re.compile(r"^(项目)?绩效目标"),
    "indicators": re.compile(r"^(项目)?绩效指标"),
}


def _has_amounts(values: dict[str, str]) -> bool:
    return any(values.get(f) for f in AMOUNT_FIELDS)


def _concat(a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
    return {f: join_parts(a.get(f, ""), b.get(f, "")) for f in {**a, **b}}


_FIRST_ITEM = re.compile(r"^\s*1\s*[、,，.]\s*\d+\s*[-－—]")


def _new_row(prev: RawRow, part: dict[str, str]) -> bool:
    """Whether a row part without amounts at the top of a page is a row of its own (a project whose
    amounts are blank) rather than the rest of the row above: it has a name, and its indicators start
    at item 1 while the row above ended its last item (or neither has indicators and the row above is
    complete).  A name alone under a row that has neither goal nor indicators (a unit) is the rest of that
    row's name: a unit is followed by its projects, not by another unit."""
    if not part.get("name") or not prev.cells.get("name", "").strip():
        return False  # the row above has amounts but no name yet: this is its name (cells aligned low)
    above = prev.cells.get("indicators", "").strip()
    mine = part.get("indicators", "").strip()
    if (not mine and not part.get("goal") and not above and not prev.cells.get("goal", "").strip()
            and not re.match(r"^\s*[合总]\s*计", prev.cells["name"])):
        return False
    if mine:
        return bool(_FIRST_ITEM.match(mine)) and (not above or above.endswith(("。", ".")))
    return not part.get("goal") and (not above or above.endswith(("。", ".")))


def _continues(start: dict[str, str], part: dict[str, str]) -> bool:
    """Whether the first row part of a page goes on with a named row without amounts that ended the page
    before (cells centred: the split row's amounts are printed with its second half): its indicators do
    not begin at item 1, or the row before left its last item open."""
    mine = part.get("indicators", "").strip()
    above = start.get("indicators", "").strip()
    if mine and not _FIRST_ITEM.match(mine):
        return True
    return bool(mine and above and not above.endswith(("。", ".")))


def _rejoined(start: RawRow, rest: dict[str, str], page: int, log: list[str], how: str) -> RawRow:
    """One row from its part at the foot of a page and its rest at the top of ``page``."""
    log.append(f"page {page}: row split across the page break, {how}")
    return RawRow(cells=_concat(start.cells, rest), page=start.page, pages=[start.page, page])


def _joined(prev: RawRow, part: RawRow, log: list[str]) -> RawRow:
    """The row ``prev`` with the rest of it (cells without amounts) appended: a new row (rows already folded
    are never changed, so that a page read another way can be folded again from where it begins)."""
    log.append(f"page {part.page}: row without amounts joined to the row above "
               f"({prev.cells.get('name', '')!r}, page {prev.page})")
    pages = prev.pages if part.page in prev.pages else [*prev.pages, part.page]
    return RawRow(cells=_concat(prev.cells, part.cells), page=prev.page, pages=list(pages))


def _read_header(table: PageTable, layout: Layout, log: list[str]) -> tuple[dict[int, str], PageTable] | None:
    """The column of each field, and the table's rows under its header; None if it has no header.

    A second header row (资金来源 over 财政拨款/财政专户拨款/其他资金) names more columns.  Text in a
    header cell beyond its label is a row fused with the header where a rule is missing: a first data
    row (with amounts) or the rest of a row split across the page break.
    """
    h, found = _find_header(table, layout)
    if h is None:
        return None
    mapping, header_rows, start = dict(found), [(h, found)], h + 1
    while start < len(table.cells) and start <= h + 2:
        more = {i: f for i, f in header_fields(table.cells[start], layout.columns).items()
                if f not in mapping.values()}
        if not more or any(looks_like_amount(c) for c in table.cells[start]):
            break
        mapping.update(more)
        header_rows.append((start, more))
        start += 1
    missing = {c.field for c in layout.columns} - set(mapping.values())
    if missing:
        log.append(f"page {table.page}: header lacks columns {sorted(missing)}; they are left empty")
    cells, ys = table.cells[start:], table.rows_y[start:]
    for row_index, row_fields in reversed(header_rows):
        fused = {f: v for f, v in _header_leftover(table.cells[row_index], row_fields).items()
                 if v and not _UNIT_NOTE.fullmatch(v) and not _LABEL_MARK.fullmatch(v)}
        if fused:
            what = "a data row" if any(looks_like_amount(fused.get(f)) for f in AMOUNT_FIELDS) else \
                "the rest of a row split across the page break"
            log.append(f"page {table.page}: header row also holds {what} "
                       f"({fused.get('name') or next(iter(fused.values()))[:20]!r}): split off")
            cells = [[fused.get(mapping.get(i, ""), "") for i in range(table.n_cols)], *cells]
            ys = [table.rows_y[row_index], *ys]
    return mapping, PageTable(table.page, table.flavor, cells, ys, table.columns, table.grouping)


def _inner_headers_dropped(data: PageTable, layout: Layout, log: list[str]) -> PageTable:
    """A text-position page's lines without a header printed again inside the page (a report engine that
    repeats it before a row split at the page break), with the lines of its wrapped labels: before lines
    are grouped into rows, or the header's labels join the row above."""
    drop: set[int] = set()
    for i, cells in enumerate(data.cells):
        if len(header_fields(cells, layout.columns)) < _MIN_HEADER_FIELDS or any(looks_like_amount(c) for c in cells):
            continue
        drop.add(i)
        top, bottom = data.rows_y[i]
        pitch = max(top - bottom, 1.0)
        for step in (-1, 1):  # a label's other lines, just above or below (labels centred on two lines)
            j = i + step
            while 0 <= j < len(data.cells) and j not in drop:
                texts = [squash(c) for c in data.cells[j] if c.strip()]
                near = abs((data.rows_y[j][0] + data.rows_y[j][1]) / 2 - (top + bottom) / 2) < 2.5 * pitch
                if not (texts and near and all(set(t) <= LABEL_CHARS for t in texts)):
                    break
                drop.add(j)
                j += step
    if not drop:
        return data
    log.append(f"page {data.page}: the header repeated inside the table ({len(drop)} lines): skipped")
    keep = [i for i in range(len(data.cells)) if i not in drop]
    return PageTable(data.page, data.flavor, [data.cells[i] for i in keep], [data.rows_y[i] for i in keep],
                     data.columns, data.grouping, data.misfit)


def _kept_end(cell: str) -> str:
    """``squash``, but a space printed at the very end of the cell is kept: the cell may go on at the top
    of the next page (``≥ `` there, ``96%`` here).  Rows are stripped when they are built."""
    text = squash(cell)
    return text + " " if text and cell.rstrip("\r\n").endswith((" ", "\u3000")) else text


def _page_rows(data: PageTable, mapping: dict[int, str], layout: Layout, log: list[str]) -> list[dict[str, str]]:
    """The page's rows as field → text, without empty rows, repeated headers and notes under the table."""
    out = []
    for cells in data.cells:
        # an amount cell's lines are kept apart: two amounts in one cell (rows merged) must not read as one
        values = {f: " ".join(squash(x) for x in cells[i].split("\n")).strip() if f in AMOUNT_FIELDS
                  else _kept_end(cells[i]) for i, f in mapping.items() if i < len(cells)}
        if not any(values.values()):
            continue
        if len(header_fields(cells, layout.columns)) >= _MIN_HEADER_FIELDS and \
                not any(looks_like_amount(values.get(f)) for f in AMOUNT_FIELDS):
            log.append(f"page {data.page}: the header repeated inside the table: skipped")
            continue
        if not _has_amounts(values) and _NOTE.match(values.get("name", "")) and not values.get("indicators"):
            log.append(f"page {data.page}: note under the table skipped: {values['name'][:40]!r}")
            continue
        out.append(values)
    return out


@dataclass
class Part:
    """One page table cut into row values (field → text), with what its header says: what the fold needs
    of it, made once per table however often the fold runs."""

    page: int
    rows: list[dict[str, str]]
    log: list[str]
    misfit: float | None  # text-position tables: how far their blocks sit from the alignment assumed
    mapping: dict[int, str] | None  # the header's columns (None: no header; the table continues the last)
    width: int
    flavor: str
    skipped: bool = False  # neither a header nor the columns of the table before: not this layout's table


def part_of(table: PageTable, layout: Layout, row_gap: float, carried: dict[int, str], width: int) -> Part:
    """``table``'s rows, read with its own header or, without one, with the columns ``carried`` from the table
    before (of ``width`` columns); None when it has neither (not this layout's table)."""
    log: list[str] = []
    header = _read_header(table, layout, log)
    if header is None:
        if not carried or table.n_cols != width:
            log.append(f"page {table.page}: {table.flavor} table of {table.n_cols} columns has no "
                       f"{layout.title} header and does not continue one: skipped")
            return Part(table.page, [], log, None, None, width, table.flavor, skipped=True)
        mapping, data = carried, table
        log.append(f"page {table.page}: {table.flavor} table continues the previous page (no header)")
    else:
        mapping, data = header
    misfit = None
    if table.flavor == "stream":
        data = _inner_headers_dropped(data, layout, log)
    if table.flavor == "stream" and table.grouping != "gaps":
        amount_cols = [i for i, f in mapping.items() if f in AMOUNT_FIELDS]
        name_col = next((i for i, f in mapping.items() if f == "name"), None)
        data = anchor_rows(data, amount_cols, name_col, table.grouping)
        misfit = data.misfit
    elif table.flavor == "stream":
        anchor = next((i for i, f in mapping.items() if f == "total"), None)
        data = group_lines(data, anchor, row_gap)
        misfit = data.misfit
    rows = _page_rows(data, mapping, layout, log)
    return Part(table.page, rows, log, misfit, dict(mapping) if header is not None else None,
                table.n_cols if header is not None else width, table.flavor)


class Parts:
    """``part_of`` remembered per table and columns carried: a page read again the same way costs nothing."""

    def __init__(self, layout: Layout, row_gap: float) -> None:
        self.layout, self.row_gap = layout, row_gap
        self._memo: dict[tuple, tuple[PageTable, Part]] = {}

    def __call__(self, table: PageTable, carried: dict[int, str], width: int) -> Part:
        key = (id(table), tuple(sorted(carried.items())), width)
        hit = self._memo.get(key)
        if hit is None or hit[0] is not table:
            hit = (table, part_of(table, self.layout, self.row_gap, carried, width))
            self._memo[key] = hit
        return hit[1]


@dataclass
class Fold:
    """The table's rows as its pages' parts are fed in order: a row split across a page break joined, a
    row part at the foot of a page decided on the next.  ``state`` after a page is what the rest of the fold
    depends on, so a fold can go on from a saved point with another reading of the next page and stop once
    its state is the one the first fold had there again."""

    rows: list[RawRow] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    pending: RawRow | None = None  # a row part without name or amounts at the foot of a page
    started: RawRow | None = None  # a named row without amounts at the foot of a page (its amounts may follow)
    mapping: dict[int, str] = field(default_factory=dict)
    width: int = 0

    def state(self) -> tuple:
        return (len(self.rows), self.rows[-1] if self.rows else None, self.pending, self.started,
                tuple(sorted(self.mapping.items())), self.width)

    def resume(self, rows: list[RawRow], state: tuple) -> None:
        """Go on from ``state`` (saved after the first ``state[0]`` rows of ``rows``)."""
        n, last, self.pending, self.started, mapping, self.width = state
        self.rows = rows[:n]
        if n:
            self.rows[-1] = last
        self.mapping = dict(mapping)

    def feed(self, part: Part | None, last: bool) -> None:
        """One table's part; ``last``: it is the document's last table."""
        if part is None:
            return
        self.log.extend(part.log)
        if part.skipped:
            return
        if part.mapping is not None:
            self.mapping, self.width = part.mapping, part.width
        rows, n_before, page = self.rows, len(self.rows), part.page
        page_rows = part.rows
        for k, values in enumerate(page_rows):
            if self.started is not None:
                if k == 0 and _continues(self.started.cells, values):
                    rows.append(_rejoined(self.started, values, page, self.log, "its amounts on this page and its "
                                          f"text going on from page {self.started.page}: joined"))
                    self.started = None
                    continue
                rows.append(self.started)  # a project whose amounts were left blank
                self.started = None
            if self.pending is not None:
                if k == 0 and _has_amounts(values):
                    # cells centred vertically: the split row's name and amounts were printed on this page
                    rows.append(_rejoined(self.pending, values, page, self.log, "its name and amounts on this "
                                          f"page, joined to its start on page {self.pending.page}"))
                    self.pending = None
                    continue
                rows[-1] = _joined(rows[-1], self.pending, self.log)
                self.pending = None
            if not _has_amounts(values) and rows and k == 0 and _new_row(rows[-1], values):
                self.log.append(f"page {page}: {values.get('name', '')[:30]!r} at the top of the page has no "
                                "amounts but begins a row of its own (name, indicators from item 1): not joined")
            elif (not _has_amounts(values) and values.get("name") and 0 < k == len(page_rows) - 1
                  and not last):
                self.started = RawRow(cells=values, page=page)  # a row's start, or a blank project: next page
                continue
            elif not _has_amounts(values) and rows and (k == 0 or not values.get("name")):
                if k > 0 and k == len(page_rows) - 1 and not last:
                    self.pending = RawRow(cells=values, page=page)  # decided on the next page
                    continue
                rows[-1] = _joined(rows[-1], RawRow(cells=values, page=page), self.log)
                continue
            rows.append(RawRow(cells=values, page=page))
        self.log.append(f"page {page}: {part.flavor} table, {len(rows) - n_before} rows")

    def finish(self) -> None:
        if self.started is not None:
            self.rows.append(self.started)
            self.started = None
        if self.pending is not None:
            self.rows[-1] = _joined(self.rows[-1], self.pending, self.log)
            self.pending = None


def stitch(tables: list[PageTable], layout: Layout, row_gap: float,
           misfit: list[float] | None = None) -> tuple[list[RawRow], list[str]]:
    """Rows of the whole table, in order, each with the page it starts on.  ``misfit`` collects, per page
    whose rows were anchored on amounts, how far its text blocks sit from the alignment assumed."""
    fold = Fold()
    for k, table in enumerate(tables):
        part = part_of(table, layout, row_gap, fold.mapping, fold.width)
        if misfit is not None and part.misfit is not None:
            misfit.append(part.misfit)
        fold.feed(part, last=k == len(tables) - 1)
    fold.finish()
    return fold.rows, fold.log


__all__ = ["Fold", "Part", "Parts", "part_of", "stitch"]
