"""The indicator list: a 项目支出绩效目标表 printed one row per indicator, each project's name, amounts and goal
in cells merged down its indicator rows (北京 预算表12 项目支出绩效目标表, 重庆 市级一般性项目绩效目标表).

**Recognised** by its header (``claims``): one header row names a project's name and an indicator's name
(三级指标, 指标名称) with its value, comparator or level-1 type — a form prints the project's fields (name,
departments, amounts, goal) between them.  The pages after it that go on without a header are the list's
when their ruled table is cut into the same columns (all of them, or the indicator's with the project's
left unruled: cells that run through the whole page).

**Read** from each page's ruled table as printed cells (``read.cells``): the header's labels name the
columns (the vocabulary is data: ``resources/layouts/indicator_list.toml``); the cells of the project's
columns (amounts, goal) cut the rows into blocks — one block, one project, with its amounts and goal; a
name printed once beside several blocks is the name of each; each block's rows are its indicators, a cell
merged down several of them (一级指标) given to each.

**Across pages.** A report engine draws a merged cell's text once, where the whole cell would be, and each
page shows the part that falls inside it (``read.runs``): a project cut by a page break goes on at the
top of the next page with its cells empty, showing the rest of their text, or (other engines) printed
again.  The text of a cell that reaches a page's last rule is read whole from the characters drawn in its
column, below that rule included; the first block of the next page goes on with it when it prints no
amounts of its own and what it shows is part of those texts, when it prints the same cells again, or when
the block above shows no amounts and holds this block's amounts below the rule.  Where that cannot be
told, the page is in doubt (``extraction_doubt``), never guessed silently.

**Amounts** are read exactly: ``675.970000`` is 675.97 and ``9.574090`` (95,740.90 元) is 9.57409 — the
tables hold six decimals (``amounts.PLACES``); an amount with more is never rounded: the tables hold it
empty, its printed text is kept and flagged (``amount_unparsed``), and 项目总额 is checked against 财政资金 +
其他资金 on the printed numbers.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..amounts import AMOUNT_FIELDS, PLACES
from ..config import RESOURCES_DIR
from ..indicators import Indicator
from ..messages import say
from ..model import Document, Finding, Row
from .base import join_parts, squash
from .list_text import PageText, clean

CHUNK = 16  # pages read by camelot a call (``read.grid.CHUNK``)

if TYPE_CHECKING:
    from ..read.cells import Grid, Span
    from ..read.runs import PageChars
    from ..read.source import LayoutReading, Source

VOCABULARY = RESOURCES_DIR / "layouts" / "indicator_list.toml"


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, tuple[str, ...]]  # field -> header labels
    project: tuple[str, ...]  # fields of a project (merged down its rows)
    indicator: tuple[str, ...]  # fields of one indicator row
    amounts: tuple[str, ...]
    needs: tuple[str, ...]
    any_of: tuple[str, ...]
    form: tuple[re.Pattern[str], ...]
    form_hits: int
    qualitative: frozenset[str]
    code: re.Pattern[str]
    code_start: re.Pattern[str]

    @functools.cached_property
    def by_length(self) -> list[tuple[str, str]]:
        """(label, field), longest label first: a header cell names the field of the longest label it holds."""
        pairs = [(label, f) for f, labels in self.labels.items() for label in labels]
        return sorted(pairs, key=lambda p: -len(p[0]))


@functools.cache
def vocabulary() -> Vocabulary:
    with open(VOCABULARY, "rb") as fh:
        data = tomllib.load(fh)
    return Vocabulary(
        labels={f: tuple(v) for f, v in data["columns"].items()},
        project=tuple(data["fields"]["project"]),
        indicator=tuple(data["fields"]["indicator"]),
        amounts=tuple(data["fields"]["amounts"]),
        needs=tuple(data["claim"]["needs"]),
        any_of=tuple(data["claim"]["any_of"]),
        form=tuple(re.compile(p) for p in data["claim"]["form"]),
        form_hits=int(data["claim"]["form_hits"]),
        qualitative=frozenset(data["comparators"]["qualitative"]),
        code=re.compile(data["names"]["code"]),
        code_start=re.compile(data["names"]["code_start"]),
    )


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


# ---------------------------------------------------------------------------------------------------- amounts

_NUMBER = re.compile(r"[-－]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?")
_BLANK = {"", "-", "—", "－", "--", "——"}


class AmountText:
    """An amount cell read exactly: ``value`` the printed number whatever its decimals, ``stored`` what the
    tables hold (``amounts.PLACES`` decimals: ``675.970000`` is 675.97, ``9.574090`` is 9.57409), None where a
    digit lies beyond them (not rounded) or the cell is not one number."""

    def __init__(self, text: str) -> None:
        self.text = (text or "").strip()
        flat = _flat(self.text)
        self.value: Decimal | None = None
        if flat not in _BLANK and _NUMBER.fullmatch(flat):
            try:
                self.value = Decimal(flat.replace(",", "").replace("，", "").replace("－", "-"))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                self.value = None

    @property
    def blank(self) -> bool:
        return _flat(self.text) in _BLANK

    @property
    def stored(self) -> Decimal | None:
        if self.value is None:
            return None
        return self.value if self.value.as_tuple().exponent >= -PLACES else None

    @property
    def exact(self) -> bool:
        """Whether the tables hold the printed value exactly (at most ``amounts.PLACES`` decimals)."""
        return self.value is None or self.stored is not None


# ---------------------------------------------------------------------------------------------------- header

@dataclass
class Columns:
    """The list's columns as its header names them: field → (left, right), PDF points."""

    x: dict[str, tuple[float, float]]
    page: int

    def field_of(self, left: float, right: float, tol: float = 3.0) -> str | None:
        """The field of a grid column: the header column its centre lies in."""
        centre = (left + right) / 2
        for f, (a, b) in self.x.items():
            if a - tol <= centre <= b + tol:
                return f
        return None

    def fit(self, grid: Grid, voc: Vocabulary, tol: float = 3.0) -> dict[int, str] | None:
        """The fields of ``grid``'s columns when it is cut into the list's columns (a page that goes on
        without the header): every edge of the grid an edge of the header's columns, the indicator's columns
        all there; the project's may be missing (cells no rule crosses on the page).  None when not."""
        edges = sorted({x for a, b in self.x.values() for x in (a, b)})
        inside = [(c, a, b) for c, (a, b) in enumerate(grid.cols_x)  # a sliver outside the table is no column
                  if a >= edges[0] - tol and b <= edges[-1] + tol]
        if not inside or not all(any(abs(a - e) <= tol for e in edges) and any(abs(b - e) <= tol for e in edges)
                                 for _, a, b in inside):
            return None
        fields = {c: f for c, a, b in inside if (f := self.field_of(a, b, tol)) is not None}
        present = set(fields.values())
        if not all(f in present for f in self.x if f in voc.indicator):
            return None
        return fields


def _label_field(text: str, voc: Vocabulary) -> tuple[str, int] | None:
    """The field a header cell names and how sure: 2 when the cell is the label (a line of its own), 1 when
    the label sits among other text (a merged cell's text drawn where the header is, clipped when printed)."""
    lines = [_flat(line) for line in text.split("\n") if line.strip()]
    # a label wrapped onto lines of its own (当年财政拨款 / 预算金额), among a merged cell's text drawn there
    runs = {"".join(lines[i:j]) for i in range(len(lines)) for j in range(i + 1, min(len(lines), i + 4) + 1)}
    flat = _flat(text)
    bare = re.sub(r"[（(][^）)]{0,6}[）)]|[：:]$", "", flat)
    for label, f in voc.by_length:
        if bare == label or label in runs:
            return f, 2
    for label, f in voc.by_length:
        if label in flat:
            return f, 1
    return None


@dataclass
class Header:
    rows: range  # grid rows of the header band
    columns: Columns


def find_header(grid: Grid, voc: Vocabulary) -> Header | None:
    """The list's header in ``grid``: a band of rows whose cells name the project's name and the indicator's
    name (and its value, comparator or level-1 type); None when the grid has none."""
    for span in grid.spans:
        if not span.text:
            continue
        named = _label_field(span.lines or span.text, voc)
        if named is None or named[0] != "indicator":
            continue
        band = range(span.r0, span.r1 + 1)
        best: dict[str, tuple[int, Span]] = {}
        for s in grid.spans:
            if s.r0 < band.start or s.r1 > band.stop - 1 or not s.text:
                continue
            hit = _label_field(s.lines or s.text, voc)
            if hit is not None and (hit[0] not in best or hit[1] > best[hit[0]][0]):
                best[hit[0]] = (hit[1], s)
        taken = {f: (grid.cols_x[s.c0][0], grid.cols_x[s.c1][1]) for f, (_, s) in best.items()}
        if all(f in taken for f in voc.needs) and any(f in taken for f in voc.any_of):
            return Header(band, Columns(taken, grid.page))
    return None


def foreign_header(grid: Grid, voc: Vocabulary) -> bool:
    """Whether ``grid`` prints the header of another table of indicators (一级指标 … 指标值 without a
    project's name: a department's table, a transfer's form)."""
    hits = {h[0] for s in grid.spans if s.text and len(s.text) <= 12 and (h := _label_field(s.text, voc))}
    return len(hits & {"level1", "level2", "indicator", "value", "comparator", "measure"}) >= 2


# ---------------------------------------------------------------------------------------------------- pages

@dataclass
class PageTable:
    """The list's table on one page: its grid, data rows ``first`` … ``last - 1`` and the fields of its
    columns; ``absent``: the header's columns that no rule crosses on this page (x range)."""

    page: int
    grid: Grid
    first: int
    last: int
    fields: dict[int, str]
    absent: dict[str, tuple[float, float]]

    @property
    def bottom(self) -> float:
        return self.grid.rows_y[self.last - 1][1]

    @property
    def top(self) -> float:
        return self.grid.rows_y[self.first][0]

    def x(self, span: Span) -> tuple[float, float]:
        return self.grid.cols_x[span.c0][0], self.grid.cols_x[span.c1][1]


@dataclass
class Cell:
    """A printed cell of a block: ``text`` its whole text (the runs drawn from it, ``PageText``), ``shown`` the
    part the page shows (camelot's cell); ``span`` None for a column no rule crosses on the page (the cell runs
    through it); whether it reaches the table's first and last data rows."""

    span: Span | None
    text: str
    top: bool
    bottom: bool
    shown: str = ""


@dataclass
class IndicatorRow:
    cells: dict[str, Cell]
    page: int
    top: bool
    bottom: bool

    def text(self, f: str) -> str:
        return self.cells[f].text if f in self.cells else ""


@dataclass
class Block:
    """One project's rows on one page (or its part there): its cells and indicator rows, and whether it
    begins at the top of its page's table and ends at its foot."""

    table: PageTable
    cells: dict[str, Cell]
    rows: list[IndicatorRow]
    top: bool
    bottom: bool

    @property
    def page(self) -> int:
        return self.table.page

    def text(self, f: str) -> str:
        return self.cells[f].text if f in self.cells else ""

    def shown(self, f: str) -> str:
        return self.cells[f].shown if f in self.cells else ""


def _spans_of(grid: Grid, rows: range, cols: dict[int, str], fields: tuple[str, ...] | set[str]) -> list[Span]:
    out: dict[int, Span] = {}
    for r in rows:
        for c, f in cols.items():
            if f in fields and (s := grid.at(r, c)) is not None:
                out[id(s)] = s
    return sorted(out.values(), key=lambda s: (s.r0, s.c0))


def data_end(grid: Grid, first: int, fields: dict[int, str], voc: Vocabulary, notes: list[str]) -> int:
    """The row after the list's last: a cell printed across the table (备注：…, 说明事项：…) ends it."""
    across = max(3, len(set(fields.values())) - 1)
    for r in range(first, grid.n_rows):
        for span in grid.row(r):
            if span.text and len({fields[c] for c in span.cols if c in fields}) >= across:
                notes.append(f"page {grid.page}: a cell across the table ends the list: {span.text[:40]!r}")
                return r
    return grid.n_rows


def read_blocks(table: PageTable, voc: Vocabulary, text: PageText | None = None) -> list[Block]:
    """The blocks of a page's table: cut where a cell of an amount, goal or number column begins; each cell's
    whole text from ``text`` (what the page shows where it is None)."""
    grid, first, last = table.grid, table.first, table.last
    data = range(first, last)
    if not data:
        return []
    pcols = {c: f for c, f in table.fields.items() if f in voc.project}
    cutting = {f for f in pcols.values() if f in voc.amounts or f in ("goal", "seq")} or set(pcols.values())
    starts = sorted({s.r0 for s in _spans_of(grid, data, pcols, cutting) if s.r0 >= first} | {first})
    bounds = [*starts, last]
    blocks = []
    for a, b in itertools.pairwise(bounds):
        if a >= b:
            continue
        cells: dict[str, Cell] = {}
        for c, f in pcols.items():
            s = grid.at(a, c)
            if s is not None and not (f in cells and cells[f].text):
                shown = clean(s.lines or s.text)
                cells[f] = Cell(s, text.span(s) if text else shown, s.r0 <= first, s.r1 >= last - 1, shown)
        for f in table.absent:
            if f in voc.project:
                cells[f] = Cell(None, text.absent(f) if text else "", True, True)
        blocks.append(Block(table, cells, _indicator_rows(table, range(a, b), voc, text), a == first, b == last))
    return blocks


def apart(table: PageTable, chars: PageChars, voc: Vocabulary, notes: list[str]
          ) -> tuple[PageTable, list[tuple[int, str]]]:
    """The table with each data cell that runs across columns its header prints apart (rules left out: 北京
    水务局 p136, a goal cell without its left rule and the 一级指标 cells beside it without theirs, read as one
    cell of three columns) cut back into those columns: a project's column (its amounts, goal) one cell down
    the rows merged, an indicator's column one cell a row, each of the characters that lie in it; and the
    page in doubt where a character lies across the line between two of them."""
    from dataclasses import replace

    from ..read.cells import Grid, Span
    from ..read.rules import _text

    grid, fields = table.grid, table.fields
    across = [s for s in grid.spans if s.r1 >= table.first and s.r0 < table.last
              and len({fields[c] for c in s.cols if c in fields}) >= 2]
    if not across:
        return table, []
    page_chars = chars.chars(table.page)
    cut = {id(s) for s in across}
    spans = [s for s in grid.spans if id(s) not in cut]
    doubts: list[tuple[int, str, dict]] = []
    for s in across:
        for c in s.cols:
            f = fields.get(c)
            parts = [(r, r) for r in s.rows] if f in voc.indicator else [(s.r0, s.r1)]
            left, right = grid.cols_x[c]
            for r0, r1 in parts:
                top, bottom = grid.rows_y[r0][0], grid.rows_y[r1][1]
                lines = _text([ch for ch in page_chars if left <= ch.x <= right and bottom <= ch.y <= top])
                spans.append(Span(r0, r1, c, c, squash(lines), lines))
        top, bottom = grid.rows_y[s.r0][0], grid.rows_y[s.r1][1]
        lines_x = [grid.cols_x[c][0] for c in s.cols][1:]
        astride = [ch for ch in page_chars if bottom <= ch.y <= top and not ch.text.isspace()
                   and any(abs(ch.x - x) < 0.3 * ch.height for x in lines_x)]
        named = "、".join(dict.fromkeys(fields.get(c, "?") for c in s.cols))
        notes.append(f"page {table.page}: a cell across the columns {named} (rows {s.r0}-{s.r1}), which the header "
                     f"prints apart: read column by column")
        if astride:
            doubts.append((table.page, "across", {"columns": named, "text": "".join(ch.text for ch in astride[:8])}))
    spans.sort(key=lambda x: (x.r0, x.c0))
    new = Grid(grid.page, spans, grid.n_rows, grid.n_cols, grid.rows_y, grid.cols_x)
    return replace(table, grid=new), doubts


def _indicator_rows(table: PageTable, rows: range, voc: Vocabulary, text: PageText | None) -> list[IndicatorRow]:
    """A block's indicator rows: where a cell of an indicator column begins; a cell merged down several rows
    (一级指标 printed once) is each row's."""
    grid, first, last = table.grid, table.first, table.last
    icols = {c: f for c, f in table.fields.items() if f in voc.indicator}
    starts = sorted({s.r0 for s in _spans_of(grid, rows, icols, voc.indicator) if s.r0 in rows} | {rows.start})
    out = []
    for k, a in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else rows.stop
        cells: dict[str, Cell] = {}
        for c, f in icols.items():
            s = grid.at(a, c)
            if s is not None and not (f in cells and cells[f].text):
                shown = clean(s.lines or s.text)
                cells[f] = Cell(s, text.span(s) if text else shown, s.r0 <= first, s.r1 >= last - 1, shown)
        if any(c.text for c in cells.values()):
            out.append(IndicatorRow(cells, grid.page, a == first, end == last))
    return out


# ---------------------------------------------------------------------------------------------------- projects

@dataclass
class Project:
    blocks: list[Block] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # field -> the whole text of its (logical) cell
    rows: list[IndicatorRow] = field(default_factory=list)
    how: list[str] = field(default_factory=list)  # how it goes on across pages

    @property
    def page(self) -> int:
        return self.blocks[0].page

    @property
    def pages(self) -> list[int]:
        return sorted({b.page for b in self.blocks})


OVERLAP = 4  # characters a text's part must share with the part before to be joined on them


def _letters(text: str) -> list[tuple[int, str]]:
    """The characters of ``text`` that are letters or digits, with their positions (punctuation and white
    space left out: a line cut in half by a page break may lose a mark)."""
    return [(i, ch) for i, ch in enumerate(text) if ch.isalnum()]


def merge(before: str, after: str) -> str:
    """A cell's text from its part on a page and its part on the next: the same text, or a part of the text
    before (drawn whole below the page's last rule), is that text; a part that begins with the end of the text
    before (a line cut by the page break drawn on both pages, lines drawn below the rule shown on the next) is
    joined on what they share; else the parts are joined as the lines of one cell are."""
    if not before or not after:
        return before or after
    la, lb = _letters(before), _letters(after)
    a, b = "".join(ch for _, ch in la), "".join(ch for _, ch in lb)
    if b and b in a:
        return before
    if a and a in b:
        return after
    for k in range(min(len(a), len(b)) - 1, OVERLAP - 1, -1):
        if a.endswith(b[:k]):
            return join_parts(before, after[lb[k - 1][0] + 1:].lstrip())
    k = _cut_head(a, b)
    if k:
        return join_parts(before, after[lb[k - 1][0] + 1:].lstrip()) if k < len(b) else before
    return join_parts(before, after)


def _cut_head(a: str, b: str) -> int:
    """How many of ``b``'s first letters are the end of ``a`` with some of its letters missing (a line cut by
    the page break and drawn again on the next page, the glyphs the clip hides left out: Calc's), at least
    twice ``OVERLAP`` of them and at least half of the letters they stand for; 0 if none."""
    for k in range(min(len(b), len(a)), 2 * OVERLAP - 1, -1):
        if b[k - 1] != a[-1]:
            continue
        i = len(a) - 1
        for ch in reversed(b[:k]):
            while i >= 0 and a[i] != ch:
                i -= 1
            if i < 0:
                break
            i -= 1
        else:
            if len(a) - 1 - i <= 2 * k:
                return k
    return 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def overlaps(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` again, a part of it, or goes on from its end."""
    return merge(before, after) != join_parts(before, after) or not before or not after


def code_name(text: str, voc: Vocabulary) -> str:
    """A name as printed, its project code set apart (``11000021Y00000039 0843-信息系统运维类项目``)."""
    m = voc.code.match(text)
    return f"{text[:m.end()]} {text[m.end():]}" if m else text


def annual(cells: dict[str, str], voc: Vocabulary) -> str:
    """The target in one string: comparator, value and unit composed (``≥95%``, ``＝120万元``); a
    qualitative comparator (定性) gives the value alone."""
    comparator, value, unit = (cells.get(k, "").strip() for k in ("comparator", "value", "measure"))
    if comparator in voc.qualitative:
        return value
    if unit and value and not value.endswith(unit):
        value += unit
    return comparator + value if value else ""


class Assembler:
    """Projects from the pages' blocks in printed order, joined across page breaks (see the module's
    docstring), with the pages where a join is in doubt."""

    def __init__(self, voc: Vocabulary, notes: list[str]) -> None:
        self.voc, self.notes = voc, notes
        self.projects: list[Project] = []
        self.doubts: list[tuple[int, str, tuple]] = []  # (page, reason, its params): messages.toml's list_why
        self.page_goes_on = False  # whether the list goes on past the page being read

    def doubt(self, page: int, why: str, params: dict | None = None) -> None:
        """Page ``page`` in doubt for reason ``why`` (``extraction_doubt.list_why.<why>``) with ``params``."""
        params = params or {}
        self.doubts.append((page, why, tuple(sorted(params.items()))))
        self.notes.append(f"page {page}: in doubt: {say(f'extraction_doubt.list_why.{why}', 'en', **params)}")

    def run(self, pages: list[tuple[PageTable, list[Block], bool, PageText | None]]) -> None:
        """``pages``: each page's table, its blocks, whether the list goes on on the next page, its text."""
        previous: Block | None = None
        previous_on = False
        voc_amounts = set(self.voc.amounts)
        for _table, blocks, goes_on, text in pages:
            self.page_goes_on = goes_on
            for k, block in enumerate(blocks):
                texts = {f: c.text for f, c in block.cells.items()}
                before = previous if (previous is not None and previous_on and k == 0 and block.top) else None
                if before is not None:
                    joined, why = self.continues(before, block)
                    if joined is None:
                        self.doubt(block.page, *why)
                        joined = False
                    if joined:
                        project = self.projects[-1]
                        for f, t in texts.items():
                            known = project.texts.get(f, "")
                            if f in voc_amounts and known and t and _digits(known) == _digits(t):
                                project.texts[f] = max(known, t, key=len)  # a line cut in half may lose a point
                            elif f in voc_amounts and known and re.fullmatch(r"\d+", _flat(t)) and "." in known:
                                # an amount wrapped onto its next line: its text above holds the rest already
                                # where the whole cell's text is drawn on both pages
                                whole = _digits(known) != _digits(before.shown(f)) \
                                    and _digits(known).endswith(_digits(t))
                                project.texts[f] = known if whole else known + _flat(t)
                            else:
                                self.share(len(self.projects) - 1, f, merge(known, t))
                        project.blocks.append(block)
                        project.how.append(f"page {block.page}: {why}")
                        self.join_rows(project, block, continued=True)
                        previous = block
                        continue
                    self.inherit_name(block, before, texts, text)
                    self.name_above(block, before, texts)
                if self.projects:  # a column no rule crosses on the page: the cell above goes on through it
                    for f, cell in block.cells.items():
                        if cell.span is None and self.projects[-1].texts.get(f):
                            texts[f] = self.projects[-1].texts[f]
                project = Project([block], texts)
                self.inherit_within_page(project, block)
                self.projects.append(project)
                self.join_rows(project, block, continued=False)
                previous = block
            previous_on = goes_on

    def shared_above(self, k: int, f: str) -> bool:
        """Whether project ``k``'s ``f`` cell is the one beside the project above it (a name beside several)."""
        if k < 1 or len(self.projects[k].blocks) != 1:
            return False
        mine = self.projects[k].blocks[0].cells.get(f)
        theirs = self.projects[k - 1].blocks[-1].cells.get(f)
        return mine is not None and theirs is not None and mine.span is not None and mine.span is theirs.span

    def share(self, k: int, f: str, text: str) -> None:
        """Project ``k``'s ``f`` is ``text``, and so is that of the projects above it printed beside the same
        cell (a name beside several projects, its text shown on a later page)."""
        old = self.projects[k].texts.get(f, "")
        self.projects[k].texts[f] = text
        first = self.projects[k].blocks[0]
        cell = first.cells.get(f)
        while cell is not None and cell.span is not None and k > 0:
            k -= 1
            above = self.projects[k]
            mine = above.blocks[-1].cells.get(f)
            if mine is None or mine.span is not cell.span or above.texts.get(f, "") not in ("", old):
                break
            above.texts[f] = text

    def inherit_name(self, block: Block, before: Block, texts: dict[str, str], text: PageText | None) -> None:
        """A new project at the top of a page under a project whose name cell went on to this page: the name
        printed beside both is theirs — shown here only in part (its last lines: the whole name's is given
        to both), or not at all (it is drawn above this page's table)."""
        for f in ("name", "code", "department", "unit"):
            known = self.projects[-1].texts.get(f, "")
            cell = block.cells.get(f)
            if cell is not None and cell.span is not None and cell.text and known and f in before.cells \
                    and self.rest_of_name(known, cell.text):
                texts[f] = merge(known, cell.text)
                self.share(len(self.projects) - 1, f, texts[f])
                continue
            if cell is None or cell.span is None or cell.text or not known or f not in before.cells:
                continue
            texts[f] = known
            drawn = text.above(cell.span) if text is not None else ""
            there = iter(drawn)
            if not drawn or not all(ch in there for ch in _flat(known)):
                self.doubt(block.page, "name_not_shown", {"field": f})

    def name_above(self, block: Block, before: Block, texts: dict[str, str]) -> None:
        """The project above ends a page with its name cell empty and nothing drawn for it below the rule, and
        this one begins the next with a name: one cell beside both, its text shown on this page only — taken
        for both, in doubt (a project printed without a name would look the same)."""
        project = self.projects[-1]
        cell = before.cells.get("name")
        if project.texts.get("name") or cell is None or cell.span is None or not cell.bottom or not texts.get("name"):
            return
        self.share(len(self.projects) - 1, "name", texts["name"])
        self.doubt(block.page, "name_above")

    def inherit_within_page(self, project: Project, block: Block) -> None:
        """A cell shared with the block above on the same page (a name printed beside several blocks) has
        the text found for it there (joined with its part on the page before)."""
        if self.projects and self.projects[-1].blocks[-1].page == block.page:
            above = self.projects[-1]
            for f, cell in block.cells.items():
                other = above.blocks[-1].cells.get(f)
                if cell.span is not None and other is not None and other.span is cell.span:
                    project.texts[f] = above.texts.get(f, project.texts[f])

    def continues(self, before: Block, block: Block) -> tuple[bool | None, Any]:
        """Whether ``block`` (the first of its page) goes on with ``before`` (the last of the page before), and why:
        a reason in words where it is told (True, False), else (None) the doubt's reason and its params."""
        voc = self.voc
        project = self.projects[-1]
        fields = [f for f in voc.project if f in block.cells]
        shown = {f: block.text(f) if block.cells[f].span is not None else "" for f in fields}
        if not any(shown.values()):
            return True, "its cells show nothing of their own"
        if not any(project.texts.get(f) for f in voc.project if f not in ("goal", "period_goal")
                   and not self.shared_above(len(self.projects) - 1, f)):
            return True, "the project above shows neither a name (but one beside the projects above it) nor " \
                         "amounts: it is the head of this one"
        amounts = [f for f in voc.amounts if f in block.cells]
        mine = any(not AmountText(shown[f]).blank for f in amounts)
        if not mine:
            # a table that numbers its projects: a block with neither a number nor amounts, under a project that
            # shows its own, that ends on this page (a project begun here shows its number on its page unless it
            # runs on past it), is the rest of that project
            if "seq" in block.cells and not _flat(shown.get("seq", "")) and _flat(project.texts.get("seq", "")) \
                    and not (block.bottom and self.page_goes_on):
                return True, "it shows neither a number nor amounts of its own, under a numbered project"
            names = [f for f in ("name", "code") if shown.get(f) and not overlaps(project.texts.get(f, ""), shown[f])
                     and not self.rest_of_name(project.texts.get(f, ""), shown[f])]
            if names:
                return None, ("other_name", {"fields": "、".join(names)})
            return True, "it prints no amounts: the rest of the project above"
        if any(not AmountText(before.shown(f)).blank for f in amounts):
            if all(shown[f] in ("", before.shown(f)) for f in fields):
                return True, "its cells repeat the project above"
            # printed again, each part showing what fits in it: the same name and amounts
            same = all(_digits(shown[f]) == _digits(before.shown(f)) for f in amounts) and all(
                overlaps(project.texts.get(f, ""), shown[f]) for f in fields if f not in voc.amounts)
            if same and _flat(block.text("name")) == _flat(before.text("name")):
                return True, "its name and amounts repeat the project above"
            # the rest of a name (names begin with their code) and of amounts wrapped onto a second line
            # (``10,395.518`` / ``343``) cut by the page break
            rest = [f for f in amounts if shown[f]]
            # (or its name shown whole again, or only here: the project above showed none)
            known = project.texts.get("name", "")
            name_goes_on = not shown.get("name") or not known or _flat(shown["name"]) == _flat(known) \
                or self.rest_of_name(known, shown["name"])
            if name_goes_on and rest and all(re.fullmatch(r"\d+", _flat(shown[f])) and "." in before.shown(f)
                                             for f in rest):
                return True, "its name and amounts are the rest of the project above's, cut by the page break"
            # the amounts' line cut by the page break, whole in the cells above, here only drawn above this
            # page's first rule (its cells show none of it): the project above's
            if all(_digits(shown[f]) == _digits(project.texts.get(f, "")) for f in amounts) \
                    and all(AmountText(block.shown(f)).blank for f in amounts) \
                    and (not shown.get("name") or _flat(shown["name"]) == _flat(project.texts.get("name", ""))):
                return True, "its amounts are the project above's, drawn across the page break"
            # a line cut in half by the page break is drawn on both pages: the amounts' line (its digits, a cut
            # may lose a point) and the name's last line shown again
            if all(_digits(shown[f]) == _digits(project.texts.get(f, "")) for f in amounts) \
                    and shown.get("name") and overlaps(project.texts.get("name", ""), shown["name"]) \
                    and _flat(shown["name"]) != _flat(project.texts.get("name", "")):
                return True, "its amounts' line and the end of its name are cut by the page break"
            return False, "it prints amounts of its own"
        # the block above shows no amounts: the head of this block's project (its amounts drawn below the
        # page's last rule), or a project with blank amounts
        held = [f for f in amounts if _flat(before.text(f))]  # drawn below the page's last rule
        if held:
            if all(_digits(before.text(f)) == _digits(shown[f]) for f in amounts):  # a cut line may lose a point
                return True, "the project above holds its amounts below the page's last rule"
            return None, ("held_below", {})
        if any(_flat(project.texts.get(f, "")) for f in amounts):
            return False, "the project above, begun on a page before, has its amounts"
        # a table that numbers its projects: the project above shows neither amounts nor a number, this one the
        # number after the last one printed (the number and amounts' lines drawn below the break)
        if "seq" in block.cells and not _flat(project.texts.get("seq", "")) and shown.get("seq"):
            last = next((_flat(p.texts.get("seq", "")) for p in reversed(self.projects[:-1])
                         if _flat(p.texts.get("seq", ""))), "")
            if last.isdigit() and _flat(shown["seq"]).isdigit() and int(_flat(shown["seq"])) == int(last) + 1:
                return True, "the project above shows neither amounts nor its number; this one shows the number " \
                             "after the last one printed"
            return None, ("number_not_following", {})
        # its name cut by the page break: the part above a project's code alone, or the rest here going on from
        # it; a whole name of its own is a project printed without amounts
        name = project.texts.get("name", "")
        code = voc.code.match(_flat(name) + "x")
        code_only = bool(code and code.end() == len(_flat(name))) or bool(voc.code_start.match(_flat(name)))
        rest = bool(shown.get("name")) and _flat(shown["name"]) != _flat(name) and overlaps(name, shown["name"])
        if code_only or rest or self.rest_of_name(name, shown.get("name", "")):
            return True, "the project above shows no amounts and the first part of this one's name"
        if not shown.get("name") or _flat(shown["name"]) == _flat(name):
            return None, ("no_name_of_own", {})
        return False, "the project above has no amounts"

    def rest_of_name(self, name: str, shown: str) -> bool:
        """Whether ``shown`` goes on with ``name`` where names begin with a project code: the name above
        begins with one, the part shown does not."""
        coded = self.voc.code.match(_flat(name) + "x") or self.voc.code_start.match(_flat(name))
        return bool(name and shown and coded and not self.voc.code.match(_flat(shown) + "x"))

    def join_rows(self, project: Project, block: Block, continued: bool) -> None:
        """The block's indicator rows.  The first row of a page that goes on with the project above is the
        rest of that project's last row when that row's text runs on below the page's last rule and the first
        shows only part of it, without its own types (一级/二级指标)."""
        rows = list(block.rows)
        if continued and rows and project.rows and rows[0].top:
            first, last = rows[0], project.rows[-1]
            own = any(first.cells[f].shown for f in ("level1", "level2") if f in first.cells)
            parts = [f for f, c in first.cells.items() if c.shown]
            if not own and parts and all(overlaps(last.text(f), first.cells[f].shown) for f in parts):
                rows.pop(0)
                project.rows[-1] = IndicatorRow({f: Cell(c.span, merge(c.text, first.text(f)), c.top, c.bottom,
                                                         c.shown) for f, c in last.cells.items()},
                                                last.page, last.top, last.bottom)
                self.notes.append(f"page {block.page}: its first indicator row is the rest of the last one of the "
                                  f"page before")
        project.rows += rows


# ---------------------------------------------------------------------------------------------------- layout

class IndicatorList:
    """The indicator list (one row per indicator, a project's cells merged down its rows)."""

    name = "indicator_list"
    label = "项目支出绩效目标表（指标列表）：每个指标一行，项目名称、金额、绩效目标合并单元格"
    short = "指标列表（每个指标一行）"
    title = "项目支出绩效目标表"
    item_grammar = False
    unit_rows = False

    def claims(self, text: str) -> bool:
        """A page that prints a project's name, an indicator's name and its value, comparator or level-1 type
        as labels, and not the labelled fields of a form (its amount lines, periods, goals: a per-project
        form prints a name and indicators too).  Labels, not their order: a page's text may hold its header
        in pieces among the cells' text."""
        voc = vocabulary()
        flat = _flat(text)
        has = {f: any(label in flat for label in voc.labels[f]) for f in {*voc.needs, *voc.any_of}}
        if not all(has[f] for f in voc.needs) or not any(has[f] for f in voc.any_of):
            return False
        return sum(bool(p.search(flat)) for p in voc.form) < voc.form_hits

    def tables(self, source: Source, pages: list[int], notes: list[str], chars: PageChars | None = None
               ) -> list[PageTable]:
        """The list's table on each page that holds it: a page with its header, and the pages after it cut
        into its columns without one.  A page's ruled tables from its own ruling lines (``read.rules``, with
        ``chars``), else from camelot's lattice parser (``read.cells``)."""
        from ..read.rules import grids as ruled

        out: list[PageTable] = []
        columns: Columns | None = None
        fetched: set[int] = set()
        for k, page in enumerate(pages):
            claimed = self.claims(source.text(page))
            if columns is None and not claimed:
                continue
            found: list[PageTable] = []
            if chars is not None:
                found, after = self._take(page, ruled(source.path, [page], chars)[page], columns, notes)
            if not found:
                if page not in fetched:  # camelot reads a few pages a call (``grid.CHUNK``): the next ones with it
                    ahead = [p for p in pages[k:k + CHUNK] if p not in fetched]
                    source.grids(ahead)
                    fetched.update(ahead)
                found, after = self._take(page, source.grids([page])[page], columns, notes)
                if found and chars is not None:
                    notes.append(f"page {page}: its rules read by camelot (not found in its paths)")
            if found:
                out += found
                columns = after
            elif columns is not None:
                notes.append(f"page {page}: the list does not go on here (other columns or another table)")
                columns = None
        return out

    def _take(self, page: int, grids: list[Grid], columns: Columns | None, notes: list[str]
              ) -> tuple[list[PageTable], Columns | None]:
        """The list's tables among a page's ruled tables, and the columns it goes on with."""
        voc = vocabulary()
        out: list[PageTable] = []
        for grid in grids:
            header = find_header(grid, voc)
            if header is not None:
                columns = header.columns
                fields = columns.fit(grid, voc) or {
                    c: f for c, (a, b) in enumerate(grid.cols_x) if (f := columns.field_of(a, b))}
                first = header.rows.stop
            elif columns is not None and not out and not foreign_header(grid, voc) \
                    and (fields := columns.fit(grid, voc)) is not None:
                first = 0
            else:
                if out:
                    notes.append(f"page {page}: a table under the list is not the list's")
                    break
                continue
            present = set(fields.values())
            absent = {f: x for f, x in columns.x.items() if f not in present}
            last = data_end(grid, first, fields, voc, notes)
            out.append(PageTable(page, grid, first, last, fields, absent))
        return out, columns

    def read(self, source: Source, pages: list[int], notes: list[str]) -> LayoutReading:
        from ..read.runs import PageChars
        from ..read.source import LayoutReading

        voc = vocabulary()
        lang = source.settings.lang
        chars = PageChars(source.path)
        try:
            tables = self.tables(source, pages, notes, chars)
            assembler = Assembler(voc, notes)
            staged = []
            split: list[tuple[int, str, dict]] = []
            for k, table in enumerate(tables):
                tables[k], doubts = apart(table, chars, voc, notes)
                split += doubts
            for k, table in enumerate(tables):
                goes_on = k + 1 < len(tables) and tables[k + 1].page == table.page + 1
                text = PageText(chars, table, goes_on, notes)
                staged.append((table, read_blocks(table, voc, text), goes_on, text))
            assembler.run(staged)
            for _, _, _, text in staged:
                for page, why, params in text.doubts:
                    assembler.doubt(page, why, params)
            for page, why, params in split:
                assembler.doubt(page, why, params)
            projects = [p for p in assembler.projects if p.rows or any(p.texts.values())]
        finally:
            chars.close()
        department, amount_unit = "", ""
        contexts = {}
        for table in tables:
            contexts[table.page] = _page_context(source.text(table.page))
            department = department or contexts[table.page][0]
            amount_unit = amount_unit or contexts[table.page][1]
        rows = [self.row(p, voc, contexts[p.page], amount_unit) for p in projects]
        for project, row in zip(projects, rows):
            if project.how:
                notes.append(f"page {project.page}: {row.name[:30]} goes on: " + "; ".join(project.how))
        read_pages = sorted({t.page for t in tables})
        notes.append(f"indicator_list: {len(rows)} projects, {sum(len(r.indicators) for r in rows)} indicators on "
                     f"pages {read_pages}")
        doubts = sorted(set(assembler.doubts))

        def settle(doc: Document) -> list[Finding]:
            """The list's own findings, once the document's name and the rows' ids are known: its checks are
            added to the document's, its doubts returned (a sum on a doubted page is not the table's)."""
            from ..checks import SEVERITY

            doc.findings += list_findings(rows, doc.source, lang)
            by_page: dict[int, list[str]] = {}
            for page, why, params in doubts:
                by_page.setdefault(page, []).append(say(f"extraction_doubt.list_why.{why}", lang, **dict(params)))
            mark = "；" if lang == "zh" else "; "
            return [Finding("extraction_doubt", SEVERITY["extraction_doubt"], doc.source, page, "", "", None,
                            say("extraction_doubt.list", lang, page=page, why=mark.join(whys)), field="project",
                            rule="extraction_doubt.list") for page, whys in by_page.items()]

        empty = "" if rows else (f"pages {read_pages or pages} print an indicator list's header but no rows of it "
                                 "were read")
        return LayoutReading(self.name, rows, pages=read_pages, settle=settle, department=department,
                             amount_unit=amount_unit, empty=empty if read_pages or any(
                                 self.claims(source.text(p)) for p in pages) else "")

    def row(self, project: Project, voc: Vocabulary, context: tuple[str, str], amount_unit: str) -> Row:
        texts = project.texts
        name = code_name(texts.get("name", ""), voc)
        if (code := texts.get("code", "")) and not name.startswith(code):
            name = f"{code} {name}".strip()
        amounts, printed = {}, {}
        for f in AMOUNT_FIELDS:
            printed[f] = texts.get(f, "")
            amounts[f] = AmountText(printed[f]).stored
        indicators = []
        for n, r in enumerate(project.rows, start=1):
            cells = {f: r.text(f) for f in r.cells}
            indicators.append(Indicator(
                seq=n, level1_code=None, level1=cells.get("level1") or None, level2_code=None,
                level2=cells.get("level2") or None, indicator=cells.get("indicator", ""),
                period_value=cells.get("period_value") or None, annual_value=annual(cells, voc),
                raw=" | ".join(cells[f] for f in voc.indicator if f in cells),
                weight=cells.get("weight", ""), scoring=cells.get("scoring", ""), note=cells.get("note", "")))
        return Row(kind="project", name=name, unit=texts.get("unit", ""), page=project.page, amounts=amounts,
                   amount_texts=printed, goal=texts.get("goal", ""), indicators=indicators, layout=self.name,
                   department=texts.get("department", "") or context[0], amount_unit=context[1] or amount_unit,
                   period_goal=texts.get("period_goal", ""), pages=project.pages)


_DEPT_LINE = re.compile(r"(?:部门名称|单位名称|资金主管部门|主管部门|预算单位|编制单位)[ \t\u3000]*[：:][ \t\u3000]*"
                        r"([^\r\n]*?)(?:[ \t\u3000]{2,}|[ \t\u3000]*(?:金额)?单位[ \t\u3000]*[：:]|\r|\n|$)")
_UNIT_LINE = re.compile(r"单位\s*[：:]\s*(万元|元|千元|亿元)")


def _page_context(text: str) -> tuple[str, str]:
    """The department (部门名称：…, 资金主管部门：…) and amount unit (金额单位：万元) a page prints."""
    dept = m.group(1).strip() if (m := _DEPT_LINE.search(text)) else ""
    unit = m.group(1) if (m := _UNIT_LINE.search(text)) else ""
    return dept, unit


def list_findings(rows: list[Row], source: str, lang: str) -> list[Finding]:
    """Findings of the list's rows that the document's checks cannot make: 项目总额 against its parts where
    an amount prints digits beyond the cent (exactly, on the printed numbers), an indicator row without its
    name."""
    from ..checks import SEVERITY

    out = []
    for row in rows:
        out += exact_sums(row, source, lang)
        for n, ind in enumerate(row.indicators, start=1):
            if not ind.indicator:
                out.append(Finding("indicator_unnamed", SEVERITY["indicator_unnamed"], source, row.page, row.unit,
                                   row.name, ind.seq, say("indicator_unnamed", lang, name=row.name, n=n, raw=ind.raw),
                                   project_id=row.project_id, field="indicator", actual=ind.raw,
                                   rule="indicator_unnamed"))
    return out


def exact_sums(row: Row, source: str, lang: str) -> list[Finding]:
    """项目总额 against 财政资金 + 其他资金 where an amount has digits beyond ``amounts.PLACES``: the tables hold
    such an amount empty, so the document's check leaves the row out; here the printed numbers are added exactly."""
    from ..checks import SEVERITY

    values = {f: AmountText(row.amount_texts.get(f, "")) for f in AMOUNT_FIELDS}
    if all(v.exact for v in values.values()) or values["total"].value is None:
        return []
    parts = [values[f].value for f in AMOUNT_FIELDS[1:] if values[f].value is not None]
    total = values["total"].value
    if not parts or total == sum(parts, Decimal(0)):
        return []
    added = sum(parts, Decimal(0))
    return [Finding("sum_mismatch", SEVERITY["sum_mismatch"], source, row.page, row.unit, row.name, None,
                    say("sum_mismatch.sources", lang, name=row.name, printed=values["total"].text,
                        added=f"{added:f}", diff=f"{total - added:+f}"), project_id=row.project_id,
                    field="total", expected=f"{added:f}", actual=values["total"].text, rule="sum_mismatch.sources")]


__all__ = ["AmountText", "Assembler", "IndicatorList", "annual", "clean", "code_name", "find_header", "read_blocks",
           "vocabulary"]
