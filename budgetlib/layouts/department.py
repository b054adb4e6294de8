"""The department-level table (部门整体支出绩效目标表, 部门整体绩效目标表, 部门整体预算绩效目标申报表 …): the
department's name, its overall goal, what it prints of its money and its year's tasks, then one row per
indicator (一级/二级/三级指标 or 指标名称, 指标性质, 指标值, 计量单位, 权重, 是否核心, 活动 …).

The table is read from its printed cells (``read.cells``; each cell checked against the characters the page
prints inside it, ``read.chars``) by its labels, which are data (``resources/layouts/department.toml``):

- above the indicators, a label cell and the cell beside it (部门名称 → the department, 整体绩效目标 → the
  goal), or a block under a label cell spanning its rows: the money (总体资金情况, 预算整体情况: each amount
  with the labels above and beside it) and the tasks (年度主要任务, 年度重点工作任务: one row per task, its
  total row 金额合计 checked against them).  What the table prints there is kept in ``DepartmentTarget.lines``
  as (label, text), everything the reader does not recognise included: nothing printed is lost;
- the indicator header names the columns; each column is a band of the page (its left and right), so a
  page that continues the table with other grid columns (the label column left out, cells merged otherwise)
  is read by the same bands; merged 一级/二级 cells are carried down to each of their rows, and across a page
  break where one side of the cut prints the text and the other a blank cell touching the cut
  (``extraction_doubt`` unless the page draws no rule at the cut, the levels form a framework's pair, or the
  indicators' numbers run on through it: a guess is never silent, ``_joined``);
- where 一级/二级 are not columns and the indicator's text begins with them (北京:
  ``产出指标数量指标举办线下招聘会场次``), they are split off by the frameworks' names
  (``resources/frameworks.toml``), never guessed: what does not split is kept whole.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ..config import RESOURCES_DIR
from ..indicators import Indicator
from ..messages import say
from ..model import DepartmentTarget, Document, Finding
from ..values import parse_value, vocabulary
from .base import squash

if TYPE_CHECKING:
    from ..read.cells import Grid, Span
    from ..read.chars import Char, Rules
    from ..read.source import LayoutReading, Source

_WS = re.compile(r"\s+")
_BRACKET = re.compile(r"[（(][^（）()]*[）)]$")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_UNIT = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[）)]")
_YEAR_LINE = re.compile(r"^[（(]?\s*(?:19|20)\d{2}\s*年度?\s*[)）]?$")
# a table's title line at the top of a page: 预算14表 …, 表16, 附表15, …绩效目标表 (another table begins)
_FOREIGN_TITLE = re.compile(r"^\s*(?:(?:预算|附)?\s*表?\s*\d+\s*表|附?表\s*(?:\d+|[一二三四五六七八九十]+))(?:\s|$)"
                            r"|表\s*$")
_TABLE_NUMBER = re.compile(r"(?:预算|附)?\s*表\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})")
LEVELS = ("level1", "level2")


@dataclass(frozen=True)
class Vocabulary:
    titles: tuple[re.Pattern, ...]
    labels: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, ...]]
    plain: tuple[str, ...]
    numbered: re.Pattern  # an indicator's own number (指标3：…), which ties a 二级 cell's rows across a break


def norm(text: str) -> str:
    """A label as compared: no white space, no trailing bracket (分值权重（90分） → 分值权重)."""
    text = _WS.sub("", text or "")
    while (m := _BRACKET.search(text)) and m.start() > 0:
        text = text[:m.start()]
    return text


@functools.cache
def vocab() -> Vocabulary:
    with open(RESOURCES_DIR / "layouts" / "department.toml", "rb") as fh:
        data = tomllib.load(fh)
    return Vocabulary(tuple(re.compile(t) for t in data["titles"]),
                      {k: tuple(norm(w) for w in v) for k, v in data["labels"].items()},
                      {k: tuple(norm(w) for w in v) for k, v in data["columns"].items()},
                      tuple(data["nature"]["plain"]), re.compile(data["joins"]["numbered"]))


def label_of(text: str) -> str | None:
    """Which label of the part above the indicators a cell prints (department, goal, tasks …), if any."""
    flat = norm(text)
    for kind, words in vocab().labels.items():
        if flat in words:
            return kind
    return None


def column_of(text: str) -> str | None:
    """Which indicator column a header cell names."""
    flat = norm(text)
    if not flat:
        return None
    for kind, words in vocab().columns.items():
        if flat in words:
            return kind
    return None


@functools.cache
def _levels() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(level-1 name, its level-2 names) of every framework, longest names first (for splitting)."""
    from ..taxonomy import frameworks

    found: dict[str, set[str]] = {}
    for fw in frameworks():
        for key in fw.level1:
            found.setdefault(fw.label(key), set())
        for key, (_, l1) in fw.level2.items():
            found.setdefault(fw.label(l1), set()).add(fw.label(key))
    return tuple((l1, tuple(sorted(l2s, key=len, reverse=True)))
                 for l1, l2s in sorted(found.items(), key=lambda i: -len(i[0])))


def split_levels(text: str) -> tuple[str, str, str] | None:
    """``产出指标数量指标举办线下招聘会场次`` → (产出指标, 数量指标, 举办线下招聘会场次) by the frameworks' names;
    None when the text does not begin with a level-1 name followed by one of its level-2 names."""
    for l1, l2s in _levels():
        if text.startswith(l1):
            rest = text[len(l1):]
            for l2 in l2s:
                if rest.startswith(l2) and rest[len(l2):].strip():
                    return l1, l2, rest[len(l2):].strip()
    return None


def _number(text: str) -> Decimal | None:
    flat = _WS.sub("", text or "")
    if not _NUMBER.match(flat):
        return None
    try:
        return Decimal(flat.replace(",", ""))
    except InvalidOperation:
        return None


@dataclass
class _Issue:
    check: str
    rule: str
    page: int
    params: dict
    seq: int | None = None
    project: str = ""
    field: str = ""
    expected: str = ""
    actual: str = ""


@dataclass
class _Table:
    """One department table as it is read, page by page."""

    page: int
    department: str = ""
    goal: str = ""
    amount_unit: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)  # column → (left, right)
    headers: dict[str, str] = field(default_factory=dict)  # column → its label as printed
    rows: list[dict] = field(default_factory=list)  # each indicator row: column → text, page, cut flags
    pages: list[int] = field(default_factory=list)
    issues: list[_Issue] = field(default_factory=list)
    doubts: dict[int, list[tuple[str, dict]]] = field(default_factory=dict)  # page → why (message key, params)
    said: list[str] = field(default_factory=list)  # how each cut cell was joined (for the notes)
    unnamed: set[str] = field(default_factory=set)  # columns read under a blank header cell (checked at the end)
    rules: Callable[[int, Grid], Rules | None] | None = None  # the rules a page draws, in a grid's frame
    goal_open: bool = False  # the goal's cell reaches the page foot (it may go on on the next page)
    closed: bool = False  # another table began after it


def _box(grid: Grid, span: Span) -> tuple[float, float]:
    return grid.cols_x[span.c0][0], grid.cols_x[span.c1][1]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


class Department:
    """The department-level 绩效目标表: its targets into ``department_targets``."""

    name = "department"
    label = "部门整体（支出）绩效目标表：部门名称、整体绩效目标、资金与年度任务，指标逐行"
    short = "部门整体绩效目标表"
    title = "部门整体支出绩效目标表"
    item_grammar = False
    unit_rows = False

    def claims(self, text: str) -> bool:
        """A page with the table's title (部门整体…绩效目标表) and one of its labels (a header column or a label
        of the part above the indicators): a title alone in a table of contents or a narrative is not it."""
        flat = _WS.sub("", text)
        if not any(t.search(flat) for t in vocab().titles):
            return False
        if re.search(r"目\s*录", text[:200]) or "报表名称" in flat:
            return False  # the disclosure's list of tables
        words = [w for ws in vocab().columns.values() for w in ws if len(w) >= 3]
        words += [w for k in ("department", "goal", "tasks", "amounts") for w in vocab().labels[k]]
        return any(w in flat for w in words)

    # -- reading -----------------------------------------------------------------------------------------

    def read(self, source: Source, pages: list[int], notes: list[str]) -> LayoutReading:
        from ..read.chars import checked, frame, outside, page_chars, page_rules, rules_of, spilled
        from ..read.context import department_and_unit
        from ..read.source import LayoutReading

        titled = {p for p in pages if self.claims(source.text(p))}
        grids = source.grids(pages)
        chars = page_chars(source.path, pages)
        drawn: dict[int, list[Rules]] = {}

        def rules(page: int, grid: Grid) -> Rules | None:
            """The rules ``page`` draws, in ``grid``'s frame (read when a cut or a missing column asks)."""
            if page not in drawn:
                drawn[page] = page_rules(source.path, page)
            return rules_of(grid, drawn[page])

        tables: list[_Table] = []
        current: _Table | None = None
        clipped: list[tuple[int, str, str]] = []  # (page, the text the page shows, the whole text)
        for p in pages:
            mine: list[Grid] = []
            placed: list[tuple[float, float, float, float]] = []  # text placed outside the grids' boxes
            text = source.text(p)
            for k, grid in enumerate(grids.get(p, [])):
                grid, fixed = checked(grid, chars.get(p, []))
                cut_here: list[tuple[str, str]] = []  # (the text the page shows, the whole text) of cut cells
                for old, new in fixed:
                    notes.append(f"page {p}: department table cell rows {old.r0}-{old.r1} cols {old.c0}-{old.c1} "
                                 f"read again from the page's characters ({old.text[:30]!r} → {new.text[:30]!r})")
                for owner, here, tail in spilled(grid, frame(grid, chars.get(p, [])) or []):
                    # a text running on below its cell, over the next row's, clipped to its own cell: read
                    # whole into it (``read.chars.assign``), and said (a reader of the page sees it cut)
                    whole, into = grid.spans[owner].text, grid.spans[here].text
                    tail = _WS.sub("", tail)
                    notes.append(f"page {p}: a cell's text runs on over the cell below it, clipped to its own cell "
                                 f"when printed: {tail!r} read into {whole[-20:]!r}, not into {into[:20]!r}")
                    shown = whole[:-len(tail)] if tail and whole.endswith(tail) else \
                        whole[len(tail):] if tail and whole.startswith(tail) else whole
                    cut_here.append((shown, whole))
                if outside([grid], chars.get(p, [])).strip():
                    grid, boxes, cut = self._unclipped(source, grid, p, notes)
                    placed += boxes
                    cut_here += cut
                header = self._header(grid)
                starts = self._starts(grid)
                if p in titled and starts:  # a table begins: its department part
                    current = _Table(p)
                    tables.append(current)
                elif p in titled and header is not None and (current is None or current.page != p):
                    current = _Table(p)  # a table printed from its indicator header (the name in the text)
                    tables.append(current)
                elif current is not None and not current.closed and self._continues(current, grid, header) and (
                        (header is not None and current.page == p and not current.bands)
                        or (k == 0 and p not in titled
                            and not self._foreign(text, self._number(source.text(current.page)))
                            and (header is not None or current.bands or current.goal_open))):
                    pass  # the indicators below the department part, or the table going on on the next page
                else:
                    current = None
                    continue
                current.rules = current.rules or rules
                clipped += [(p, shown, whole) for shown, whole in cut_here]
                grid = self._read_grid(current, grid, header, p, chars.get(p, []), notes)
                mine.append(grid)
            if mine:
                left = outside(mine, chars.get(p, []), placed)
                stray = [] if label_of(left) else [ln for ln in left.splitlines()
                                                   if ln.strip() and label_of(ln) is None
                         and not _YEAR_LINE.match(_WS.sub("", ln)) and not any(t.search(_WS.sub("", ln))
                                                                                for t in vocab().titles)]
                if stray and current is not None:
                    current.doubts.setdefault(p, []).append(
                        ("stray", {"text": "／".join(s.strip()[:20] for s in stray[:3])}))
            if not mine:
                current = None  # a table does not skip a page
        department, amount_unit = department_and_unit(source.texts, sorted(titled) or pages)
        targets: list[DepartmentTarget] = []
        issues: list[tuple[_Table, _Issue]] = []
        for table in tables:
            table.department = table.department or department
            table.amount_unit = table.amount_unit or amount_unit
            made = self._targets(table)
            notes += table.said
            targets += made
            issues += [(table, i) for i in table.issues]
            issues += [(table, _Issue("text_clipped", "text_clipped", page, {
                "name": table.department, "page": page, "shown": shown[-12:],
                "tail": (whole[len(shown):] if whole.startswith(shown) else whole)[:40]}))
                for page, shown, whole in clipped if page in table.pages]
            notes.append(f"department table on page(s) {table.pages}: {table.department or '(no name)'}, "
                         f"{len(made)} targets, columns {list(table.bands)}, {len(table.lines)} other lines"
                         + (f"; in doubt: {table.doubts}" if table.doubts else ""))
            for label, text in table.lines:
                notes.append(f"department table page {table.page}: {label}：{text}")
        why = "" if targets else (
            f"its department-level table (page(s) {sorted(titled)}) holds no indicator rows that can be read"
            if titled else "no department-level table")
        lang = source.settings.lang

        def settle(doc: Document) -> list[Finding]:
            out = []
            for table, i in issues:
                out.append(Finding(i.check, _severity(i.check), doc.source, i.page, table.department, i.project,
                                   i.seq, say(i.rule, lang, **i.params), field=i.field, expected=i.expected,
                                   actual=i.actual, rule=i.rule))
            for table in tables:
                for page, why_ in sorted(table.doubts.items()):
                    why = ("；" if lang == "zh" else "; ").join(
                        say(f"extraction_doubt.department_why.{key}", lang, **params) for key, params in why_)
                    out.append(Finding("extraction_doubt", "error", doc.source, page, table.department, "", None,
                                       say("extraction_doubt.department", lang, page=page, why=why),
                                       field="rows", rule="extraction_doubt.department"))
            return out

        return LayoutReading(self.name, [], targets, [], sorted({p for t in tables for p in t.pages}),
                             settle if tables else None, tables[0].department if tables else department,
                             tables[0].amount_unit if tables else amount_unit, why)

    @staticmethod
    def _continues(table: _Table, grid: Grid, header: int | None) -> bool:
        """Whether a grid may go on with the table: no other table's first cells (转移支付名称, 项目名称, a
        title) above its indicator header, and that header (if it prints one) names the table's columns."""
        top = header if header is not None else grid.n_rows
        for s in grid.spans:
            flat = _WS.sub("", s.text)
            if s.r0 < top and (label_of(s.text) == "stop" or (re.search(r"绩效目标表$", flat)
                               and not any(t.search(flat) for t in vocab().titles))):
                return False
        if header is not None and table.bands:
            found = {column_of(s.text) for s in grid.starting(header) if s.r1 == header} - {None}
            return found == set(table.bands) - table.unnamed
        return True

    @staticmethod
    def _foreign(text: str, own: str = "") -> bool:
        """Whether a page begins with a table title of its own (another table begins there); the number of the
        table read (``own``: 西安 prints 表15 again on each page of 表15) is not another's."""
        lines = [ln for ln in text.splitlines() if ln.strip()][:3]
        return any(_FOREIGN_TITLE.search(ln.strip()) and ("表" in ln) and _WS.sub("", ln) != own for ln in lines)

    @staticmethod
    def _number(text: str) -> str:
        """The table's number printed on a line of its own (``表15``), or ''."""
        return next((_WS.sub("", ln) for ln in text.splitlines() if _TABLE_NUMBER.fullmatch(ln.strip())), "")

    @staticmethod
    def _header(grid: Grid) -> int | None:
        """The grid row that names the indicator columns (three of them at least, one an indicator's name or
        level, one a value)."""
        for r in range(grid.n_rows):
            found = {column_of(s.text) for s in grid.starting(r) if s.r1 == r or label_of(s.text) != "section"}
            found.discard(None)
            if len(found) >= 3 and found & {"indicator", "level1", "level2"} and found & {"value", "period"}:
                return r
        return None

    @staticmethod
    def _starts(grid: Grid) -> bool:
        """Whether a grid prints the part above the indicators (a department's name, its goal, money, tasks)."""
        return any(label_of(s.text) in ("department", "goal", "tasks", "amounts") for s in grid.spans)

    def _read_grid(self, table: _Table, grid: Grid, header: int | None, page: int, frames: list[list[Char]],
                   notes: list[str]) -> Grid:
        """The grid's part of the table read into it; the grid as read (with a column it left out, ``_widen``)."""
        if page not in table.pages:
            table.pages.append(page)
        used: set[int] = set()
        top = header if header is not None else (grid.n_rows if not table.bands else 0)
        if not table.bands or header is not None:
            self._above(table, grid, range(0, top), used, page)
        if header is not None:
            named = not table.bands
            for s in grid.starting(header):
                col = column_of(s.text)
                if col and (s.r1 == header or label_of(s.text) != "section") and col not in table.bands:
                    table.bands[col] = _box(grid, s)
                    table.headers[col] = s.text
                used.add(id(s))
            if named:
                self._unnamed(table, grid, header, used, notes)
            body = range(header + 1, grid.n_rows)
        else:
            grid = self._widen(table, grid, page, frames, notes)
            body = range(top, grid.n_rows) if table.bands else range(0)
        self._body(table, grid, body, page, used)
        return grid

    @staticmethod
    def _unnamed(table: _Table, grid: Grid, header: int, used: set[int], notes: list[str]) -> None:
        """A header that names 二级指标 and leaves the cell left of it blank (西安 工业和信息化局: ``| 二级指标 |
        指标内容 | 指标值``, 产出指标 … printed under the blank): that column is read as 一级指标 when every cell
        of it the table prints is a 一级 name of an indicator framework (``_settle_unnamed``, at the end)."""
        if "level1" in table.bands or "level2" not in table.bands:
            return
        l2 = next((s for s in grid.starting(header) if column_of(s.text) == "level2"), None)
        left = grid.at(header, l2.c0 - 1) if l2 is not None and l2.c0 > 0 else None
        if left is None or left.text.strip() or left.r0 != header or left.r1 != header:
            return
        table.bands = {"level1": _box(grid, left), **table.bands}
        table.headers = {"level1": "一级指标", **table.headers}
        table.unnamed.add("level1")
        used.add(id(left))
        notes.append(f"page {grid.page}: the header cell left of {table.headers['level2']} is blank: its column is "
                     "read as 一级指标 if all it prints are 一级 names")

    def _widen(self, table: _Table, grid: Grid, page: int, frames: list[list[Char]], notes: list[str]) -> Grid:
        """A page that goes on with the table where camelot's grid leaves out the 一级/二级 column(s) at its left
        (西安 商务局: a merged 一级 cell running down the whole page, no rule crossing it, is no grid column):
        the column is added as one cell spanning the grid's rows when the page draws it so (a rule down each
        side over the grid's height, none across it between its top and bottom), with the characters printed
        inside it; else the grid is left as it is (its text then is text beside the cells: a doubt)."""
        from ..read.cells import Grid as Grid_
        from ..read.cells import Span as Span_
        from ..read.chars import frame, lines

        for f in ("level2", "level1"):  # the nearest the grid first
            if f not in table.bands:
                continue
            x0, x1 = table.bands[f]
            left = grid.cols_x[0][0]
            if x1 - left > 3 or left - x1 > 3:
                continue  # in the grid, or not beside it
            drawn = table.rules(page, grid) if table.rules else None
            chars = frame(grid, frames)
            if drawn is None or chars is None:
                continue
            top, bottom = grid.rows_y[0][0], grid.rows_y[-1][1]
            if drawn.down(x0, bottom, top) < 0.95 or drawn.down(x1, bottom, top) < 0.95:
                continue
            if any(bottom + 2 < y < top - 2 and drawn.across(y, x0, x1) > 0.1 for y, _, _ in drawn.h):
                continue  # the column is cut into cells the grid does not know: left to the doubt
            inside = [c for c in chars if x0 <= c.cx <= left and bottom <= c.cy <= top and not c.text.isspace()]
            text = lines(inside)
            cell = Span_(0, grid.n_rows - 1, 0, 0, squash(text), text,
                         drawn.across(top, x0, left) < 0.1, drawn.across(bottom, x0, left) < 0.1)
            spans = [cell] + [replace(s, c0=s.c0 + 1, c1=s.c1 + 1) for s in grid.spans]
            grid = Grid_(grid.page, spans, grid.n_rows, grid.n_cols + 1, grid.rows_y, [(x0, left), *grid.cols_x])
            notes.append(f"page {page}: the {table.headers.get(f, f)} column ({x0:.0f}–{left:.0f} pt) is drawn as "
                         f"one cell down the page, outside camelot's grid: read as such ({cell.text!r})")
        return grid

    @staticmethod
    def _unclipped(source: Source, grid: Grid, page: int, notes: list[str]
                   ) -> tuple[Grid, list[tuple[float, float, float, float]], list[tuple[str, str]]]:
        """Cells whose text runs on past their edge where the producer clips it to the cell (西安 统计局: a
        one-line 年度总体目标 longer than its cell, the rest drawn beyond the page's edge, clipped): each glyph
        clipped to a cell's box is that cell's wherever it is drawn (``read.retext``), so the cell is read
        whole; the boxes those glyphs take outside the grid (not text beside the table); and each such cell's
        text as the page shows it and whole (a defect of the printed table: said as ``text_clipped``)."""
        import pypdfium2 as pdfium

        from ..read.chars import box
        from ..read.retext import _lines, _median, page_glyphs

        pdf = pdfium.PdfDocument(str(source.path))
        try:
            glyphs = page_glyphs(pdf[page - 1])
        finally:
            pdf.close()
        unit = _median([g.height for g in glyphs if g.height > 0], 8.0)
        gl, gb, gr, gt = grid.cols_x[0][0], grid.rows_y[-1][1], grid.cols_x[-1][1], grid.rows_y[0][0]

        def within(g: object, b: tuple[float, float, float, float]) -> bool:
            return b[0] <= (g.x0 + g.x1) / 2 <= b[2] and b[1] <= g.base + unit / 3 <= b[3]

        spans, placed, cut = [], [], []
        for span in grid.spans:
            b = box(grid, span)
            away = [g for g in glyphs if g.clip is not None and all(abs(u - v) <= 2 for u, v in zip(g.clip, b))
                    and not within(g, (gl, gb, gr, gt)) and not g.text.isspace()]
            here = [g for g in glyphs if within(g, b)]
            if away and _WS.sub("", "".join(g.text for g in here)) == _WS.sub("", span.lines):
                text = _lines(here + away, unit)
                notes.append(f"page {page}: a cell's text runs on past its edge, clipped to the cell when printed: "
                             f"read whole ({span.text[-10:]!r} → {_WS.sub('', text)[-20:]!r})")
                cut.append((_WS.sub("", span.lines), _WS.sub("", text)))
                span = replace(span, text=squash(text), lines=text)
                placed.append((min(g.x0 for g in away) - unit, min(g.base for g in away) - unit,
                               max(g.x1 for g in away) + unit, max(g.base for g in away) + unit))
            spans.append(span)
        if not placed:
            return grid, [], []
        from ..read.cells import Grid as Grid_

        return Grid_(grid.page, spans, grid.n_rows, grid.n_cols, grid.rows_y, grid.cols_x), placed, cut

    # -- the part above the indicators -----------------------------------------------------------------------

    def _above(self, table: _Table, grid: Grid, rows: range, used: set[int], page: int) -> None:
        for r in rows:
            for s in grid.starting(r):
                if id(s) in used:
                    continue
                kind = label_of(s.text)
                flat = _WS.sub("", s.text)
                if kind is None and (any(t.search(flat) for t in vocab().titles) or _YEAR_LINE.match(flat)):
                    used.add(id(s))  # the title printed inside the table
                    continue
                if kind is None and not table.goal and (label := next(
                        (w for w in sorted(vocab().labels["goal"], key=len, reverse=True)
                         if flat.startswith(w) and len(flat) > len(w) + 8), None)):
                    used.add(id(s))  # the goal's label and text read as one cell (no rule found between them)
                    table.goal = s.text[s.text.index(label[-1]) + 1:].strip() if label[-1] in s.text else s.text
                    table.doubts.setdefault(page, []).append(("one_cell", {"label": label}))
                    continue
                right = [x for x in grid.row(r) if x.c0 > s.c1 and id(x) not in used and x.r0 >= s.r0]
                if kind is not None and right and label_of(right[0].text) in (
                        "department", "goal", "tasks", "amounts", "notes", "section"):
                    used.add(id(s))  # a section's label beside the labels of its rows (整体绩效目标 | 整体绩效目标 …)
                    continue
                if kind == "department":
                    used.add(id(s))
                    if right:
                        used.add(id(right[0]))
                        table.department = table.department or right[0].text
                elif kind == "goal":
                    used.add(id(s))
                    value = right
                    if not value and s.c0 == 0 and s.c1 == grid.n_cols - 1 and r + 1 < grid.n_rows:
                        value = [x for x in grid.starting(r + 1) if id(x) not in used]
                    for x in value:
                        used.add(id(x))
                    text = "".join(x.text for x in value)
                    table.goal = text if not table.goal else table.goal + text
                    table.goal_open = bool(value) and value[-1].r1 == grid.n_rows - 1
                elif kind in ("tasks", "amounts") and (s.r1 > s.r0 or right):
                    used.add(id(s))
                    block = [x for x in grid.spans if s.r0 <= x.r0 <= s.r1 and x.c0 > s.c1 and id(x) not in used]
                    (self._tasks if kind == "tasks" else self._amounts)(table, grid, s, block, used, page)
                elif kind == "notes":
                    used.add(id(s))
                    for x in right[:1]:
                        used.add(id(x))
                        if x.text:
                            table.lines.append((s.text, x.text))
                    if not right[:1] or not right[0].text:
                        table.lines.append((s.text, ""))
                elif kind == "section":
                    used.add(id(s))
        for r in rows:
            for s in grid.starting(r):
                if id(s) not in used and s.text:
                    if table.goal_open and r == 0 and table.page != page:
                        table.goal += s.text  # the rest of the goal, printed at the top of this page
                        table.doubts.setdefault(page, []).append(("goal_joined", {"prev": table.page}))
                    else:
                        table.lines.append(("", s.text))
                    used.add(id(s))
        if rows:
            table.goal_open = table.goal_open and page == table.page

    def _amounts(self, table: _Table, grid: Grid, label: Span, block: list[Span], used: set[int],
                 page: int) -> None:
        """A money block: each amount with the labels beside it (its row's label and that label's header) or
        above it (the header path of its column)."""
        self._unit(table, label.text)
        rows_with_numbers = {x.r0 for x in block if _number(x.text) is not None}
        for s in sorted(block, key=lambda x: (x.r0, x.c0)):
            used.add(id(s))
            self._unit(table, s.text)
            if _number(s.text) is None:
                continue
            left = [x for x in block if x.c1 < s.c0 and x.r0 <= s.r0 <= x.r1]
            left.sort(key=lambda x: x.c1)
            path: list[str] = []
            if left and _number(left[-1].text) is None and left[-1].text:
                row_label = left[-1]
                above = [x for x in block if x.r1 < row_label.r0 and x.c0 <= row_label.c0 <= x.c1
                         and x.r0 not in rows_with_numbers and x.text]
                if above:
                    path.append(max(above, key=lambda x: x.r1).text)
                path.append(row_label.text)
            else:
                above = [x for x in block if x.r1 < s.r0 and x.c0 <= s.c0 <= x.c1 and _number(x.text) is None
                         and x.text and not any(y.r0 in rows_with_numbers and x.r1 < y.r0 < s.r0 and
                                                y.c0 <= s.c0 <= y.c1 for y in block)]
                path += [x.text for x in sorted(above, key=lambda x: x.r0)]
            table.lines.append(("·".join([label.text, *path]), s.text))

    def _tasks(self, table: _Table, grid: Grid, label: Span, block: list[Span], used: set[int],
               page: int) -> None:
        """A task block: its header rows, then one row per task (its name, content, amounts, target) and the
        total row (金额合计), checked against the tasks."""
        self._unit(table, label.text)
        if not block:
            return
        r0 = min(x.r0 for x in block)
        header_rows = {r0}
        r = r0 + 1
        while r <= label.r1:
            row = [x for x in block if x.r0 == r]
            wide = [x for x in block if x.r0 in header_rows and x.c1 > x.c0]
            if row and all(_number(x.text) is None and any(w.c0 <= x.c0 and x.c1 <= w.c1 for w in wide)
                           for x in row):
                header_rows.add(r)
                r += 1
            else:
                break
        heads = [x for x in block if x.r0 in header_rows]
        for x in heads:
            used.add(id(x))
            self._unit(table, x.text)
        cols = sorted({c for x in block for c in x.cols})

        def head(c: int) -> str:
            return "·".join(x.text for x in sorted(heads, key=lambda x: x.r0) if x.c0 <= c <= x.c1
                            and x.r1 < max(header_rows) + 1 and x.text)

        name_col = next((c for c in cols if any(norm(h.text) in vocab().labels["task_name"] for h in heads
                                                if h.c0 <= c <= h.c1)), cols[0] if cols else 0)
        sums: dict[int, Decimal] = {}
        readable: dict[int, bool] = {}
        total: dict[int, tuple[str, Decimal | None]] = {}
        total_row = None
        for r in range(max(header_rows) + 1, label.r1 + 1):
            row = sorted([x for x in block if x.r0 == r], key=lambda x: x.c0)
            if not row:
                continue
            name_span = next((x for x in row if x.c0 <= name_col <= x.c1), row[0])
            name = name_span.text
            is_total = norm(name) in vocab().labels["total"]
            if is_total:
                total_row = r
            for x in row:
                used.add(id(x))
                if x is name_span:
                    table.lines.append((f"{label.text}·{head(name_col) or '名称'}", name))
                    continue
                table.lines.append((f"{label.text}·{name}·{head(x.c0)}", x.text))
                value = _number(x.text)
                if is_total:
                    total[x.c0] = (x.text, value)
                elif x.text.strip():
                    readable[x.c0] = readable.get(x.c0, True) and value is not None
                    sums[x.c0] = sums.get(x.c0, Decimal(0)) + (value or 0)
        for x in heads:  # a header cell spanning the tasks' rows (执行率分值（10分）) says something of its own
            if x.r1 > max(header_rows):
                table.lines.append((label.text, x.text))
        for c, (printed, value) in total.items():
            if value is None or not readable.get(c, True):
                continue
            added = sums.get(c, Decimal(0))
            if added != value:
                table.issues.append(_Issue(
                    "department_sum_mismatch", "department_sum_mismatch", page,
                    {"label": head(c), "total": norm(grid.at(total_row, name_col).text) if total_row is not None
                     and grid.at(total_row, name_col) else "合计", "printed": printed, "added": f"{added:,}",
                     "diff": f"{value - added:+,}"}, field=head(c), expected=str(added), actual=printed))

    def _unit(self, table: _Table, text: str) -> None:
        if not table.amount_unit and (m := _UNIT.search(text or "")):
            table.amount_unit = m.group(1)

    # -- the indicator rows ----------------------------------------------------------------------------------

    def _body(self, table: _Table, grid: Grid, rows: range, page: int, used: set[int]) -> None:
        last = grid.n_rows - 1
        for r in rows:
            if table.closed:
                return
            if any(label_of(s.text) == "stop" or any(t.search(_WS.sub("", s.text)) for t in vocab().titles)
                   or re.search(r"绩效目标表$", _WS.sub("", s.text)) for s in grid.starting(r)):
                table.closed = True  # another table begins in the same grid
                return
            cells: dict[str, Span] = {}
            stray: list[Span] = []
            for s in grid.row(r):
                if id(s) in used and s.r0 != r and s.r1 < r:
                    continue
                x = _box(grid, s)
                width = max(x[1] - x[0], 1e-6)
                best = max(table.bands, key=lambda f: _overlap(x, table.bands[f]), default=None)
                if best is not None and _overlap(x, table.bands[best]) >= 0.5 * min(
                        width, table.bands[best][1] - table.bands[best][0]):
                    if best not in cells:
                        cells[best] = s
                elif s.text and label_of(s.text) is None and id(s) not in used:
                    stray.append(s)
            key = cells.get("indicator") or cells.get("value") or cells.get("period")
            if key is None or key.r0 != r:
                continue
            values = {f: cells[f].text for f in cells}
            if not any(values.get(f) for f in ("indicator", "value", "period", "nature", "unit", "weight")):
                continue  # a blank row of the form
            if stray:
                table.doubts.setdefault(page, []).append(
                    ("no_column", {"row": (values.get("indicator") or values.get("value") or "")[:20],
                                   "text": "／".join(s.text[:15] for s in stray)}))
                for s in stray:
                    used.add(id(s))
            table.rows.append({
                "page": page, "cells": values,
                "top": {f: cells[f].r0 == rows.start and not cells[f].text for f in LEVELS if f in cells},
                "reach": {f: cells[f].r1 == last for f in LEVELS if f in cells},
                # where each 一级/二级 cell's top and bottom edges are drawn (or not): (left, right, top, bottom)
                "edge": {f: (*_box(grid, cells[f]), grid.rows_y[cells[f].r0][0], grid.rows_y[cells[f].r1][1])
                         for f in LEVELS if f in cells},
                "grid": grid,
            })

    def _joined(self, table: _Table) -> None:
        """Merged 一级/二级 cells cut by a page break: a blank part touching the cut takes the text printed on
        the other side of it.  The join is sure when the page draws no rule along the cut on either side of it
        (the cell is open there: ``_open``, from the rules the page draws, camelot closes every grid's border),
        or when the rows' 一级 and 二级 then form a pair of an indicator framework (checked once both levels are
        joined), or, for a 二级 cell, when the indicators' own numbers go on across the cut (指标1、指标2 | 指标3
        …); else it is kept and said (``extraction_doubt``: a guess is never silent)."""
        rows = table.rows
        joins: list[tuple[str, int, str, list[dict], bool, bool]] = []
        for f in LEVELS:
            if f not in table.bands:
                continue
            for k in range(1, len(rows)):
                a, b = rows[k - 1], rows[k]
                if a["page"] == b["page"] or f not in a["cells"] or f not in b["cells"]:
                    continue
                before, after = a["cells"][f], b["cells"][f]
                if bool(before) == bool(after):
                    continue
                joined = []
                if not before and a["reach"].get(f):  # the text printed after the cut: the rows before take it
                    j = k - 1
                    while j >= 0 and rows[j]["page"] == a["page"] and not rows[j]["cells"].get(f) \
                            and rows[j]["reach"].get(f):
                        rows[j]["cells"][f] = after
                        joined.insert(0, rows[j])
                        j -= 1
                    where, printed = a["page"], [r for r in rows[k:] if r["page"] == b["page"]]
                    run = joined + self._run(printed, f, after)
                elif not after and b["top"].get(f):  # the text printed before the cut: the rows after take it
                    j = k
                    while j < len(rows) and rows[j]["page"] == b["page"] and not rows[j]["cells"].get(f) \
                            and rows[j]["top"].get(f):
                        rows[j]["cells"][f] = before
                        joined.append(rows[j])
                        j += 1
                    where, printed = b["page"], [r for r in reversed(rows[:k]) if r["page"] == a["page"]]
                    run = list(reversed(self._run(printed, f, before))) + joined
                else:
                    continue
                drawn = self._open(table, a, f, "bottom") and self._open(table, b, f, "top")
                numbered = f == "level2" and self._numbered(run)
                joins.append((f, where, before or after, joined, "rules" if drawn else "numbers" if numbered else "",
                              where == a["page"]))
        for f, where, text, joined, sure, forward in joins:
            # the rows' 一级 and 二级 then form a pair of an indicator framework: the join is the table's
            if not sure and all(_pair(r["cells"].get("level1", ""), r["cells"].get("level2", "")) for r in joined):
                sure = "framework pair"
            table.said.append(f"page {where}: {norm(table.headers.get(f, f))} cell cut by the page break: "
                              f"{len(joined)} blank row(s) take {text!r} "
                              f"({'confirmed by ' + sure if sure else 'unconfirmed'})")
            if sure:
                continue
            other = joined[-1]["page"] + 1 if forward else joined[0]["page"] - 1
            table.doubts.setdefault(where, []).append(
                ("joined", {"label": norm(table.headers.get(f, f)), "text": text, "page": where, "other": other,
                            "n": len(joined)}))

    @staticmethod
    def _run(rows: list[dict], f: str, text: str) -> list[dict]:
        """The rows, from the cut on, that print ``text`` in column ``f`` (one cell's rows), in that order."""
        out = []
        for r in rows:
            if r["cells"].get(f) != text:
                break
            out.append(r)
        return out

    @staticmethod
    def _numbered(run: list[dict]) -> bool:
        """Whether the indicators of a 二级 cell's rows, in printed order, number themselves 1, 2, 3 … through."""
        numbers = []
        for r in run:
            m = vocab().numbered.match(r["cells"].get("indicator", ""))
            if m is None:
                return False
            numbers.append(int(m.group(1)))
        return len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))

    @staticmethod
    def _open(table: _Table, row: dict, f: str, side: str) -> bool:
        """Whether the page draws no rule along the top (``side`` "top") or bottom edge of the row's ``f``
        cell: False when it draws one, or when the page's rules cannot be placed in the grid's frame."""
        drawn = table.rules(row["page"], row["grid"]) if table.rules else None
        if drawn is None or f not in row["edge"]:
            return False
        x0, x1, top, bottom = row["edge"][f]
        return drawn.across(top if side == "top" else bottom, x0, x1) < 0.1

    @staticmethod
    def _settle_unnamed(table: _Table) -> None:
        """A column read under a blank header cell (``_unnamed``) stays 一级指标 when every cell of it the
        table prints is a 一级 name of an indicator framework; else it is no column, and what it prints is
        said (``extraction_doubt``), not read."""
        for f in sorted(table.unnamed):
            names = {_WS.sub("", l1) for l1, _ in _levels()}
            printed = [r for r in table.rows if r["cells"].get(f)]
            if printed and all(_WS.sub("", r["cells"][f]) in names for r in printed):
                continue
            for r in printed:
                table.doubts.setdefault(r["page"], []).append(
                    ("unnamed", {"text": r["cells"][f][:20], "row": r["cells"].get("indicator", "")[:20]}))
            for r in table.rows:
                r["cells"].pop(f, None)
            del table.bands[f]
            del table.headers[f]
            table.unnamed.discard(f)

    def _targets(self, table: _Table) -> list[DepartmentTarget]:
        self._settle_unnamed(table)
        self._joined(table)
        out: list[DepartmentTarget] = []
        seen: dict[tuple, int] = {}
        comparators = vocabulary().prefix
        split_whole = "level1" not in table.bands and "level2" not in table.bands
        # the share of the table's indicators that begin with their 一级 and 二级 names (北京: all of them)
        named = [bool(split_levels(r["cells"].get("indicator", ""))) for r in table.rows
                 if r["cells"].get("indicator")] if split_whole else []
        run_together = bool(named) and sum(named) >= 0.5 * len(named)
        for seq, row in enumerate(table.rows, start=1):
            c = row["cells"]
            indicator = c.get("indicator", "")
            level1, level2 = c.get("level1", ""), c.get("level2", "")
            if split_whole and indicator:
                parts = split_levels(indicator)
                lead = None if parts else next((k for k in range(1, len(indicator))
                                                if split_levels(indicator[k:])), None)
                unsplit = {"name": table.department, "seq": seq, "indicator": indicator}
                if parts:
                    level1, level2, indicator = parts
                elif lead is not None:  # a 一级 and 二级 name after other text: the cell's text is not its own
                    # alone (text of the row above run on into it, …): not read as an indicator without levels
                    table.doubts.setdefault(row["page"], []).append(
                        ("prefix", {"row": indicator[:30], "prefix": indicator[:lead]}))
                elif any(indicator.startswith(l1) for l1, _ in _levels()):
                    table.issues.append(_Issue("level_missing", "level_missing.unsplit", row["page"], unsplit,
                                               seq, c.get("task", ""), "indicator", actual=indicator))
                elif run_together:  # the table's other indicators begin with their levels, this one does not
                    table.issues.append(_Issue("level_missing", "level_missing.unnamed", row["page"], unsplit,
                                               seq, c.get("task", ""), "indicator", actual=indicator))
            nature, value, unit = c.get("nature", ""), c.get("value", ""), c.get("unit", "")
            extra = []
            prefix = ""
            if nature and _WS.sub("", nature) in comparators and not value.startswith(nature.strip()):
                prefix = _WS.sub("", nature)
            elif nature and _WS.sub("", nature) not in comparators:  # 定性, 定量, or words the vocabulary lacks
                extra.append(f"{norm(table.headers.get('nature', '指标性质'))}：{nature}")
            annual = value if not (prefix or unit) or not value else \
                prefix + value + (unit if unit and not value.endswith(unit) else "")
            period = c.get("period", "")
            note = c.get("note", "")
            if c.get("core"):
                note = "；".join(x for x in (note, f"{norm(table.headers['core'])}：{c['core']}") if x)
            raw = "；".join(f"{table.headers[f]}：{c[f]}" for f in table.bands if c.get(f))
            ind = Indicator(seq=seq, level1_code=None, level1=level1 or None, level2_code=None,
                            level2=level2 or None, indicator=indicator or None, period_value=period,
                            annual_value=annual, raw=raw, parsed=True, extra="；".join(extra),
                            weight=c.get("weight", ""), scoring=c.get("scoring", ""), note=note)
            task = c.get("task", "")
            who = {"name": table.department + (f"·{task}" if task else ""), "seq": seq, "indicator": indicator}
            if not indicator:
                table.issues.append(_Issue("level_missing", "level_missing.indicator", row["page"], who, seq, task,
                                           "indicator"))
            for f, label in (("level1", "一级指标"), ("level2", "二级指标")):
                if f in table.bands and not (level1 if f == "level1" else level2):
                    table.issues.append(_Issue("level_missing", "level_missing.level", row["page"],
                                               {**who, "label": table.headers.get(f, label)}, seq, task, f))
            for label, text in (("年度指标值", annual), ("实施周期指标值", period)):
                if label == "实施周期指标值" and "period" not in table.bands:
                    continue
                if parse_value(text).kind == "unparsed":
                    table.issues.append(_Issue("value_unparsed", "value_unparsed", row["page"],
                                               {**who, "label": label, "value": text}, seq, task,
                                               "annual_value" if label == "年度指标值" else "period_value",
                                               actual=text))
            key = (task, _WS.sub("", level1), _WS.sub("", level2), _WS.sub("", indicator))
            if indicator and key in seen:
                table.issues.append(_Issue("duplicate_indicator", "duplicate_indicator", row["page"],
                                           {**who, "first": seen[key]}, seq, task, expected=str(seen[key])))
            else:
                seen.setdefault(key, seq)
            out.append(DepartmentTarget(table.department, row["page"], table.goal, ind, self.name,
                                        table.amount_unit, task, lines=list(table.lines)))
        if not table.goal:
            table.issues.append(_Issue("missing_goal", "missing_goal.department", table.page,
                                       {"name": table.department}))
        if not out:
            table.issues.append(_Issue("missing_indicators", "missing_indicators.department", table.page,
                                       {"name": table.department}))
            if table.goal:  # a table that prints its goal and no indicator (北京 军民融合办: 完成年度工作。): the
                # goal and what is printed above it are kept, on a row without an indicator
                none = Indicator(seq=None, level1_code=None, level1=None, level2_code=None, level2=None,
                                 indicator=None, period_value=None, annual_value=None, raw="", parsed=True)
                out.append(DepartmentTarget(table.department, table.page, table.goal, none, self.name,
                                            table.amount_unit, lines=list(table.lines)))
        return out


def _pair(level1: str, level2: str) -> bool:
    """Whether 一级 and 二级 form a pair of one of the indicator frameworks (经济效益 under 效益指标 …)."""
    from ..taxonomy import frameworks

    return bool(level1 and level2) and any(fw.fits(level1, level2) for fw in frameworks())


def _severity(check: str) -> str:
    from ..checks import SEVERITY

    return SEVERITY[check]


__all__ = ["Department", "column_of", "label_of", "norm", "split_levels", "vocab"]
