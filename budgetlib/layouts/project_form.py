"""The per-project form (项目支出绩效目标表 printed as one form per project: 西安, 烟台, 重庆 and most provinces).

A form is a ruled table: a head of labelled fields (项目名称, 主管部门, 实施单位, the amounts under 资金金额（万元）
or 项目资金（万元）, 年度目标 / 总体目标 / 实施期目标), then the indicator rows under their own header (一级指标,
二级指标, 三级指标 or 指标内容 / 指标名称, 指标值, and where printed 指标性质, 计量单位, 分值 / 权重, 评分标准,
备注 / 是否核心).  Forms sit one or more a page among the other pages of a disclosure, and a form's rows go on
at the top of the next page, with or without the header printed again.

The form is read from its printed cells (``read.cells``, camelot's lattice on the PDF's own rules, with the
cells' text rebuilt from the glyphs' positions: ``read.retext``): labels are recognised by their words and
synonyms (``resources/layouts/project_form.toml``), not by where a city prints them; a label's value is the
cell to its right, or the cells under it where the label heads a column (实施期总目标 | 年度目标).  Merged
一级 / 二级 cells are read once for every row they cover; a merged cell left blank stays blank, with a finding.

What the layout checks itself (the checks every layout shares run on its rows afterwards):
``indicator_level_missing`` (a printed 一级 / 二级 / 三级 cell left blank), ``sum_mismatch.lines`` (an amount
against the lines printed as its parts: 当年预算 against 市级支出 + 补助区县, 实施期资金总额 against its own
财政拨款 + 其他资金), ``amount_unparsed`` for those lines, and ``extraction_doubt`` where its own reading is
not confirmed: indicator rows at the top of a page that no form above them can be seen to continue (their
columns do not match, or no form is open, or the form before did not run to the foot of its page), a
form's head on a page not taken for a form's, text printed below a form's ruled head that no cell holds,
and two name cells beside one value cell whose second begins like an indicator of its own.  A page no
layout has that prints a form's indicator grid (``indicator_grid``) is given to this layout by
``document._claims``: never a page lost without a word.  Empty templates
give nothing (logged).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ..amounts import AMOUNT_FIELDS, AmountError, exact_text, fmt, parse_amount
from ..config import RESOURCES_DIR
from ..indicators import Indicator
from ..messages import say
from ..model import Document, Finding, Row
from .base import squash

if TYPE_CHECKING:
    from ..read.cells import Grid, Span
    from ..read.source import LayoutReading, Source

HEAD_FIELDS = ("name", "department", "unit", "term", "total", "period_total", "fiscal", "special_account", "other",
               "line", "goal", "period_goal", "overview", "ignored")
COLUMN_FIELDS = ("level1", "level2", "indicator", "nature", "value", "period_value", "measure_unit", "weight",
                 "scoring", "note")
_AMOUNT_HEAD = ("total", "period_total", "fiscal", "special_account", "other", "line")
# the head fields that follow the name: a page that begins with one of them goes on with a form's head
_HEAD_GOES_ON = ("department", "unit", "term", "total", "period_total", "fiscal", "special_account", "other", "line",
                 "goal",
                 "period_goal", "overview")
_UNIT = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[)）]|单位\s*[：:]\s*(万元|元|千元|亿元)")
# any title of a 绩效目标表 (a form named by its title may be called anything)
_ANY_TITLE = re.compile(r"[^\n]{0,60}绩效目标(?:申报)?表")
# a page's number as its foot prints it: — 26 —, 第 8 页，共 45 页, 8, -8-
_PAGE_NUMBER = re.compile(r"[—\-－]*\d+[—\-－]*|第\d+页(?:[,，]?共\d+页)?|\d+/\d+")
# the indicator header as a page's text prints it
_HEADER = re.compile(r"一级指标.{0,12}(?:二级指标|三级指标)|(?:三级指标|指标内容|指标名称).{0,40}(?:指标值|指标性质)")
_NUMBERED = re.compile(r"^\s*(?:指标\s*\d+|\d+\s*[、.．:：])")


def indicator_grid(text: str) -> bool:
    """A page that prints a form's indicator grid and nothing that names it: the header's 一级指标, 二级指标,
    三级指标 and 指标值, and no name label, no 绩效目标表 title, no label of the department-level table.  Such a
    page is a form's rows going on, or a form whose head is not seen: ``document._claims`` gives it to the
    form layout when no layout has it (its rows are read where they continue a form, else said)."""
    flat = _flat(text)
    voc = vocabulary()
    return (all(w in flat for w in ("一级指标", "二级指标", "三级指标", "指标值"))
            and not any(w in flat for w in voc.head["name"]) and not any(w in flat for w in voc.not_form)
            and _ANY_TITLE.search(flat) is None)


@dataclass(frozen=True)
class Vocabulary:
    head: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, ...]]
    title: re.Pattern[str]
    not_title: tuple[str, ...]
    coded_department: re.Pattern[str]
    claim_amounts: re.Pattern[str]  # an amount label of a form's head (not inside an indicator's name)
    not_form: frozenset[str]
    nothing: frozenset[str]
    empty_note: re.Pattern[str]


@functools.cache
def vocabulary() -> Vocabulary:
    with open(RESOURCES_DIR / "layouts" / "project_form.toml", "rb") as fh:
        data = tomllib.load(fh)
    words = data["words"]
    return Vocabulary({k: tuple(data["head"][k]) for k in HEAD_FIELDS},
                      {k: tuple(data["columns"][k]) for k in COLUMN_FIELDS}, re.compile(words["title"]),
                      tuple(words["not_title"]), re.compile(words["coded_department"]),
                      re.compile("(?:" + "|".join(map(re.escape, words["claim_amounts"])) + ")(?!"
                                 + "|".join(map(re.escape, words["claim_amounts_not_before"])) + ")"),
                      frozenset(words["not_form"]),
                      frozenset(words["nothing"]),
                      re.compile(words["empty_note"]))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _match(text: str, groups: dict[str, tuple[str, ...]], strip: re.Pattern[str]) -> str | None:
    """The field whose word a short cell prints (the longest word that fits), or None for any other text."""
    core = strip.sub("", _flat(text))
    if not core or len(core) > 16:
        return None
    best: tuple[int, str] | None = None
    for name, words in groups.items():
        for w in words:
            fits = core == w or (w in core and len(core) - len(w) <= 2 and not re.search(r"\d", core))
            if fits and (best is None or len(w) > best[0]):
                best = (len(w), name)
    return best[1] if best else None


# a head label's decorations: 其中：, a colon, the amount unit or any other bracket, a label's number
_HEAD_STRIP = re.compile(r"^其中[：:]?|[：:]|[（(][^）)]*[)）]|^[\d一二三四五六七八九十]+[、.．]")
_COLUMN_STRIP = re.compile(r"[（(][^）)]*[)）]|[（()）%：:]")
_STRAY = re.compile(r"[。，,；;、.\s]")  # punctuation a header cell may show of the text above it


def head_label(text: str) -> str | None:
    """The head field a printed cell labels (``项目名称`` → name, ``其中：财政拨款（万元）`` → fiscal)."""
    return _match(text, vocabulary().head, _HEAD_STRIP)


def labelled(text: str) -> tuple[str, str, str] | None:
    """A name, department or unit cell printed with its label in it (``专项（项目）名称伯乐奖``, ``项目名称：XX``,
    no rule between them), or a field without a column printed so with a colon (烟台 民政局 p. 33's
    ``主要政策任务：深化惠民殡葬改革…`` across the form): (field, label, value)."""
    flat = _flat(text)
    best: tuple[str, str] | None = None
    for name in ("name", "department", "unit", "overview"):
        for w in vocabulary().head[name]:
            if flat.startswith(w) and len(flat) > len(w) and (best is None or len(w) > len(best[1])) \
                    and (name != "overview" or flat[len(w)] in "：:"):
                best = (name, w)
    if best is None:
        return None
    value = re.sub(r"^[：:\s]+", "", flat[len(best[1]):])
    if best[0] == "overview":  # a text: as printed (its spaces kept), without its label
        value = squash(re.sub(r"^\s*" + r"\s*".join(map(re.escape, best[1])) + r"\s*[：:]\s*", "", text))
    return (best[0], best[1], value) if value else None


def column_label(text: str) -> str | None:
    """The indicator column a header cell names (``分值权重（90分）`` → weight); a header cell that also shows
    characters of the text above it, drawn past its own cell (重庆 经信委 p29: ``100⏎计量。单位``, the goal's
    last ``100亿元。`` run on below it), names its column by the line that is a label, the stray marks left
    out."""
    found = _match(text, vocabulary().columns, _COLUMN_STRIP)
    if found is None:
        for line in (text or "").splitlines():
            core = _STRAY.sub("", line)
            if core and not re.search(r"\d", core) and (found := _match(core, vocabulary().columns, _COLUMN_STRIP)):
                break
    return found


# what a template prints in a cell to be filled in: numbering (指标1：, 目标 2：, 1、), ellipses and dashes
_TEMPLATE = re.compile(r"(?:指标|目标|任务)?\s*\d+\s*[：:、.．]|[……。.\-—－/／\s]")


def blankish(text: str) -> bool:
    """A cell with nothing filled in: empty, a placeholder (不涉及, 无, /, ——), or only a template's numbering
    (``指标 1：``, ``目标 1： 目标 2： 目标 3：……``)."""
    flat = _flat(text)
    return flat in vocabulary().nothing or not _TEMPLATE.sub("", flat)


def _label_text(text: str) -> str:
    """A label as a line's name: without white space, 其中, colons and the amount unit (实施期资金总额)."""
    return re.sub(r"^其中[：:]?|[：:]", "", _UNIT.sub("", _flat(text)))


# ---------------------------------------------------------------------------------------------------------
# what one form holds while it is read


@dataclass
class _Columns:
    """The indicator columns of a form: each field's first grid column in the grid it was read from, and
    its left and right on the page (to find the same columns in a grid that continues it)."""

    grid: Grid
    cols: dict[str, int]
    xs: dict[str, tuple[float, float]]
    labels: dict[str, str] = field(default_factory=dict)  # each field's header as printed

    def moved(self, grid: Grid) -> _Columns | None:
        """The same columns in ``grid`` (a continuation printed without the header): each field's column is
        the one it overlaps most, when they overlap by 60 % of the wider (a page may draw them a few points
        off).  None unless the 三级 and value columns are
        found; a level column the grid does not hold (a merged cell whose left rule the page does not draw)
        is read from the text printed in its place (``_Reader.outside``)."""
        cols = {}
        for name, (x0, x1) in self.xs.items():
            overlaps = [(min(x1, b) - max(x0, a), c) for c, (a, b) in enumerate(grid.cols_x)]
            overlap, hit = max(overlaps)
            a, b = grid.cols_x[hit]
            if overlap >= 0.6 * max(x1 - x0, b - a):  # the same column, drawn a few points off
                cols[name] = hit
        if "indicator" not in cols or not {"value"} & set(self.xs) <= set(cols):
            return None
        return _Columns(grid, cols, dict(self.xs), dict(self.labels))


@dataclass
class _Line:
    context: str  # "annual" or "period"
    field: str  # total, fiscal, special_account, other, line
    label: str  # as printed, without decorations
    text: str


@dataclass
class _Level:
    """Where an indicator's 一级 / 二级 text was read: the printed cell (its id) and whether it reaches its
    table's first indicator row and last row on the page (a merged cell cut by a page break goes on)."""

    cell: object
    top: bool
    bottom: bool


@dataclass
class _Indicator:
    cells: dict[str, str]
    page: int
    spans: tuple[int, int]  # ids of its 三级 and value cells (a cell merged over rows is one indicator)
    value_span: int | None
    levels: dict[str, _Level] = field(default_factory=dict)
    doubt: str = ""


@dataclass
class _Form:
    page: int
    pages: list[int] = field(default_factory=list)
    top: float | None = None  # the height of its first rule on its first page (PDF points)
    name: str = ""
    named_by_title: bool = False
    department: str = ""
    code: str = ""
    unit: str = ""
    lines: list[_Line] = field(default_factory=list)
    contexts: dict[int, str] = field(default_factory=dict)  # grid column of an amount label → its context
    head: list[tuple[str, str]] = field(default_factory=list)  # other head fields kept (实施期限, 主管部门代码)
    # labelled fields the model has no column for (项目概况, 主要政策任务 …), as printed: kept after the amounts
    texts: list[tuple[str, str]] = field(default_factory=list)
    goal: list[str] = field(default_factory=list)
    period_goal: list[str] = field(default_factory=list)
    pending: dict[tuple[int, int], str] = field(default_factory=dict)  # goal labels heading the cells below
    unplaced: list[str] = field(default_factory=list)
    amount_unit: str = ""
    columns: _Columns | None = None
    indicators: list[_Indicator] = field(default_factory=list)
    blank_rows: int = 0
    printed: set[str] = field(default_factory=set)  # the indicator columns the form prints
    cell_units: set[str] = field(default_factory=set)  # amount units printed in the amount cells (280.7万元)
    unruled: list[tuple[int, str]] = field(default_factory=list)  # (page, text) printed below its ruled head
    labels: dict[str, str] = field(default_factory=dict)

    def main(self) -> str:
        """Whose amounts are the form's: the year's, or the 实施期's where it prints no year's total."""
        contexts = {line.context for line in self.lines if line.field == "total"}
        return "annual" if "annual" in contexts or not contexts else "period"

    def is_empty(self) -> bool:
        """Nothing filled in: an empty template (or one whose name says 不涉及)."""
        named = not blankish(self.name) and not vocabulary().empty_note.search(self.name)
        amounts = any(not blankish(line.text) for line in self.lines)
        return not named and not amounts and blankish("".join(self.goal + self.period_goal)) and not self.indicators


# ---------------------------------------------------------------------------------------------------------
# reading a form's cells


def _header(grid: Grid, r: int) -> _Columns | None:
    """The indicator columns if grid row ``r`` is their header (a 三级 / 指标名称 column and one more)."""
    cols: dict[str, int] = {}
    xs: dict[str, tuple[float, float]] = {}
    labels: dict[str, str] = {}
    if any(head_label(s.text) in ("name", "department", "unit") for s in grid.starting(r)):
        return None  # an indicator list's header: 项目名称 beside the indicator columns
    for span in grid.starting(r):
        name = column_label(span.text)
        if name is not None and name not in cols:
            cols[name] = span.c0
            xs[name] = (grid.cols_x[span.c0][0], grid.cols_x[span.c1][1])
            labels[name] = _COLUMN_STRIP.sub("", _flat(span.text))
    if "indicator" in cols and len(cols) >= 2:
        return _Columns(grid, cols, xs, labels)
    return None


def _is_head_row(grid: Grid, r: int) -> bool:
    return any(head_label(s.text) in ("department", "unit", "total", "period_total") for s in grid.starting(r))


def _starts_form(grid: Grid, r: int) -> bool:
    return any(head_label(s.text) == "name" or (labelled(s.text) or ("",))[0] == "name" for s in grid.starting(r))


@functools.cache
def _type_names() -> frozenset[str]:
    """The indicator types the frameworks name (产出, 数量 …: 指标 left off)."""
    from ..taxonomy import frameworks

    return frozenset(n for fw in frameworks() for n in (*fw.level1, *fw.level2))


def _typed_row(grid: Grid, r: int) -> bool:
    """A row with an indicator type in one of its cells (产出指标, 数量指标): an indicator row."""
    from ..taxonomy import norm

    return any(norm(_flat(s.text)) in _type_names() for s in grid.row(r) if s.text)


def _one_cell(level: str, text: str, chain: list[_Indicator]) -> bool:
    """Whether parts of level cells that meet at page breaks can be one merged cell with ``text``: under a
    一级 text, every 二级 of its rows is a type of that 一级 in a framework (数量指标 under 产出指标); under a
    二级 text, its rows share one 一级.  A blank cell that ends a page beside a cell of another type that
    begins the next stays blank (the table left it so)."""
    from ..taxonomy import frameworks

    if level == "level1":
        return all(any(fw.fits(text, i.cells.get("level2")) for fw in frameworks())
                   for i in chain if i.cells.get("level2"))
    return len({i.cells.get("level1", "") for i in chain}) == 1


def _not_form(grid: Grid, r: int) -> bool:
    """A row of a table that is no form: the department-level table's labels (部门（单位）名称, 年度主要任务)."""
    return any(_HEAD_STRIP.sub("", _flat(s.text)) in vocabulary().not_form for s in grid.starting(r))


class _Reader:
    """Reads a document's forms from their grids, page by page."""

    def __init__(self, source: Source, notes: list[str], glyphs: dict[int, list]) -> None:
        self.source, self.notes, self.glyphs = source, notes, glyphs
        self.forms: list[_Form] = []
        self.open: _Form | None = None
        self.doubts: list[tuple[int, str, dict]] = []  # (page, message key, parameters)
        self.first_row = 0  # the first indicator row of a continuation, in its grid
        self.template: _Columns | None = None  # the last indicator columns read (a form without a header)
        self.other: int | None = None  # the last page where another table (the department's) was seen
        self.found: dict[int, list[Grid]] = {}  # each page's ruled tables

    # -- the head -------------------------------------------------------------------------------------

    def head_row(self, form: _Form, grid: Grid, r: int, page: int) -> None:
        spans = grid.starting(r)
        labels = [head_label(s.text) for s in spans]
        k = 0
        while k < len(spans):
            span, label = spans[k], labels[k]
            if label is None:
                if (inline := labelled(span.text)) is not None:
                    name, word, text = inline
                    self.field(form, name, replace(span, text=word), replace(span, text=text), page)
                else:
                    self.loose(form, grid, span, page)
                k += 1
                continue
            value = spans[k + 1] if k + 1 < len(spans) and labels[k + 1] is None else None
            if value is not None and label in ("goal", "period_goal") and any(
                    value.c0 <= c1 and value.c1 >= c0 for c0, c1 in form.pending):
                k += 1  # 总体目标 printed again (a new page) beside the texts of its 实施期总目标 | 年度目标 columns
                continue
            if value is None:  # a label over the cells below it, or over the labels beside it
                if label in ("goal", "period_goal"):
                    form.pending[(span.c0, span.c1)] = label
                elif label in ("total", "period_total"):
                    form.contexts.setdefault(span.c0, "period" if label == "period_total" else "annual")
                self.unit_of(form, span.text)
                k += 1
                continue
            self.field(form, label, span, value, page)
            k += 2

    def loose(self, form: _Form, grid: Grid, span: Span, page: int) -> None:
        """A cell without a label beside it: the value of a label above it (实施期总目标 over its text), or of a
        label printed left of the table's rules (a first column the page does not rule)."""
        if not span.text:
            return
        for (c0, c1), label in form.pending.items():
            if span.c0 <= c1 and span.c1 >= c0:
                (form.goal if label == "goal" else form.period_goal).append(span.text)
                return
        if (split := self.split_label(grid, span, page)) is not None:
            label, word, text = split
            self.notes.append(f"page {page}: {word} printed at the left of its text in one cell, read as its label")
            self.field(form, label, replace(span, text=word), replace(span, text=text), page)
            return
        if span.c0 == 0:
            from ..read.retext import text_in

            left = grid.cols_x[0][0]
            beside = text_in(self.glyphs.get(page, []), max(0.0, left - 80), left - 1, grid.rows_y[span.r0][0],
                             grid.rows_y[span.r1][1])
            label = head_label(beside)
            if label is not None:
                self.notes.append(f"page {page}: {_flat(beside)} printed left of the table's rules, read as its label")
                self.field(form, label, replace(span, text=beside), span, page)
                return
        if (m := _INLINE_AMOUNT.match(_flat(span.text))) and head_label(m.group(1)) in _AMOUNT_HEAD:
            # an amount label with its number in its cell (西安 应急管理局 p. 39: ``资金金额⏎1620.98（万元）``
            # beside the 实施期 lines): kept under its label, after the amounts
            self.unit_of(form, span.text)
            form.texts.append((_label_text(m.group(1)), m.group(2)))
            self.notes.append(f"page {page}: {_flat(span.text)} printed in one cell, kept as "
                              f"{_label_text(m.group(1))}: {m.group(2)}")
            return
        if len(_flat(span.text)) <= 24:
            self.unit_of(form, span.text)
        form.unplaced.append(span.text)

    def split_label(self, grid: Grid, span: Span, page: int) -> tuple[str, str, str] | None:
        """A label and its text in one cell (the rule between them not drawn): the glyphs left of where the
        cell's lines begin, when they spell a head label (年度 / 总体 / 目标 beside 目标1：…)."""
        from ..read.retext import lines_of, text_in

        top, bottom = grid.rows_y[span.r0][0], grid.rows_y[span.r1][1]
        x0, x1 = grid.cols_x[span.c0][0], grid.cols_x[span.c1][1]
        inside = [g for g in self.glyphs.get(page, []) if x0 <= (g.x0 + g.x1) / 2 <= x1 and bottom <= g.base <= top]
        rows = lines_of(inside)
        if len(rows) < 3:
            return None
        starts = sorted(row[0].x0 for row in rows)
        margin = starts[len(starts) // 2]
        if starts[0] >= margin - 4:
            return None
        word = text_in(inside, x0, margin - 2, top, bottom)
        label = head_label(word)
        if label not in ("goal", "period_goal", "overview"):
            return None
        return label, _flat(word), squash(text_in(inside, margin - 2, x1, top, bottom))

    def unit_of(self, form: _Form, text: str) -> None:
        if not form.amount_unit and (m := _UNIT.search(_flat(text))):
            form.amount_unit = m.group(1) or m.group(2)

    def field(self, form: _Form, label: str, key: Span, value: Span, page: int) -> None:
        text = value.text
        form.pending = {}
        if label == "name":
            form.name = form.name or text
        elif label == "department":
            m = vocabulary().coded_department.match(text)
            form.department, form.code = (m.group(2).strip(), m.group(1)) if m else (text, "")
            if form.code:
                form.head.append(("主管部门代码", form.code))
        elif label == "unit":
            form.unit = text
        elif label == "term":
            form.head.append((_label_text(key.text), text))
        elif label in ("goal", "period_goal"):
            (form.goal if label == "goal" else form.period_goal).append(text)
        elif label == "overview" or (label == "ignored" and not blankish(text)):  # no column: kept as printed
            form.texts.append((_label_text(key.text), text))
        elif label in _AMOUNT_HEAD:
            self.unit_of(form, key.text)
            if label in ("total", "period_total"):
                context = "period" if label == "period_total" else "annual"
                form.contexts[key.c0] = context
            else:
                context = self.context_of(form, key)
            name = {"period_total": "total"}.get(label, label)
            form.lines.append(_Line(context, name, _label_text(key.text), text))
            if m := _CELL_UNIT.match(text.strip()):
                form.cell_units.add(m.group(2))

    @staticmethod
    def context_of(form: _Form, key: Span) -> str:
        """Whose part an amount line is: the total label printed in its column (实施期 or 年度), or the
        nearest to its left; the year's when the form prints no total label."""
        if key.c0 in form.contexts:
            return form.contexts[key.c0]
        left = [c for c in form.contexts if c <= key.c0]
        if left:
            return form.contexts[max(left)]
        return next(iter(form.contexts.values()), "annual")

    # -- the indicator rows ---------------------------------------------------------------------------

    def indicator_row(self, form: _Form, grid: Grid, r: int, page: int, first: int) -> None:
        """Grid row ``r`` as an indicator (``first``: the grid's first indicator row)."""
        cols = form.columns
        assert cols is not None
        cells: dict[str, Span | None] = {name: grid.at(r, c) for name, c in cols.cols.items()}
        texts = {name: (s.text if s is not None else "") for name, s in cells.items()}
        levels: dict[str, _Level] = {}
        for level in ("level1", "level2"):
            if level in cols.cols:
                span = cells[level]
                texts[level] = _flat(texts[level])  # 产 出 指 标 printed letter-spaced is 产出指标
                if span is not None:
                    levels[level] = _Level(span, span.r0 <= first, span.r1 == grid.n_rows - 1)
            elif level in cols.xs:  # the column is printed, but not as a cell of this page's table
                texts[level] = self.outside(grid, page, cols.xs[level])
                levels[level] = _Level(("outside", page, id(grid)), True, True)
        name, value = texts.get("indicator", ""), texts.get("value", "")
        if blankish(name) and blankish(value) and blankish(texts.get("period_value", "")):
            form.blank_rows += 1
            return
        read = [(s.c0, s.c1) for s in cells.values() if s is not None]
        for span in grid.starting(r):  # a cell in a column no header label names: not read, and said
            if span.c0 > min(cols.cols.values()) and span.text.strip() and not blankish(span.text) \
                    and not any(c0 <= span.c0 <= c1 for c0, c1 in read):
                self.doubts.append((page, "extraction_doubt.form_column", {"name": form.name or name[:20],
                                                                          "text": _flat(span.text)[:20]}))
        if cells.get("indicator") is not None and cells.get("indicator") is cells.get("value"):
            self.notes.append(f"page {page}: a cell across the indicator columns is no indicator: {name[:30]!r}")
            return
        ids = (id(cells.get("indicator")), id(cells.get("value")))
        value_span = cells.get("value")
        last = form.indicators[-1] if form.indicators else None
        if last is not None and last.spans == ids and last.page == page:
            return  # the same merged cells, one more grid row
        if last is not None and last.page == page and value_span is not None and value_span.text \
                and last.value_span == id(value_span) and cells.get("indicator") is not None:
            # one value cell beside two name cells: a name wrapped over a rule, or two indicators sharing
            # one value; joined when the second does not begin like an indicator of its own
            if not _NUMBERED.match(name) and len(_flat(name)) <= 12:
                last.cells["indicator"] = last.cells.get("indicator", "") + name
                last.spans = ids
                self.notes.append(f"page {page}: {last.cells['indicator']!r} joined from two cells beside one value")
                return
            last.doubt = name
        form.indicators.append(_Indicator(texts, page, ids, id(value_span) if value_span is not None else None,
                                          levels))

    def outside(self, grid: Grid, page: int, xs: tuple[float, float]) -> str:
        """The text printed in a column's place beside ``grid`` (between its top and bottom rules)."""
        from ..read.retext import text_in

        return _flat(text_in(self.glyphs.get(page, []), xs[0], xs[1], grid.rows_y[0][0], grid.rows_y[-1][1]))

    @staticmethod
    def merged(form: _Form, notes: list[str]) -> None:
        """A merged 一级 / 二级 cell cut by page breaks is one cell: its parts (the last cell of a page's rows
        and the first of the next page's) take the text printed in one of them (a producer prints it once,
        where the middle of the whole cell falls)."""
        for level in ("level1", "level2"):
            chains: list[list[_Indicator]] = []
            for ind in form.indicators:
                here = ind.levels.get(level)
                if here is None:
                    chains.append([])
                    continue
                prev = chains[-1][-1] if chains and chains[-1] else None
                before = prev.levels.get(level) if prev is not None else None
                same = before is not None and (before.cell is here.cell or (
                    prev.page + 1 == ind.page and before.bottom and here.top))
                if same:
                    chains[-1].append(ind)
                else:
                    chains.append([ind])
            for chain in chains:
                texts = {i.cells.get(level, "") for i in chain} - {""}
                pages = {i.page for i in chain}
                if len(pages) > 1 and len(texts) > 1:  # its text cut by the break too (效 | 益指标)
                    parts = list(dict.fromkeys(i.cells.get(level, "") for i in chain if i.cells.get(level)))
                    from ..taxonomy import norm

                    if norm("".join(parts)) in _type_names() and not any(norm(t) in _type_names() for t in parts):
                        texts = {"".join(parts)}
                        for i in chain:
                            i.cells[level] = ""
                if len(texts) == 1 and len(pages) > 1 and any(not i.cells.get(level) for i in chain) \
                        and _one_cell(level, next(iter(texts)), chain):
                    text = texts.pop()
                    for i in chain:
                        i.cells[level] = text
                    notes.append(f"pages {sorted(pages)}: {form.name}: one merged {level} cell cut by page breaks, "
                                 f"its text {text!r} printed once, read for its {len(chain)} rows")

    # -- forms and pages ------------------------------------------------------------------------------

    def new_form(self, page: int, top: float | None = None) -> _Form:
        form = _Form(page, [page], top)
        self.other = None
        self.forms.append(form)
        self.open = form
        return form

    def read_grid(self, grid: Grid, page: int, top: bool, claimed: bool) -> None:
        """One ruled table of ``page`` (``top``: the first on its page): the forms it begins (on a page the
        layout claims), and at its top the rows of a form begun above it."""
        form: _Form | None = None
        tried = continuing = False
        for r in range(grid.n_rows):
            if _not_form(grid, r):
                form, tried = None, True  # another table (the department's): nothing of it is read
                self.other = page
                continue
            head_goes_on = form is None and not tried and top and self.open is not None \
                and self.open.columns is None and page == self.open.pages[-1] + 1
            if claimed and (_starts_form(grid, r) or (_is_head_row(grid, r) and not head_goes_on
                                                     and (form is None or form.columns is not None))):
                form, continuing, tried = self.new_form(page, grid.rows_y[r][0]), False, True
            elif form is None:
                if tried or not any(s.text for s in grid.row(r)):
                    continue
                tried = True
                form = self.continued(grid, r, page, top, claimed)
                continuing = form is not None
                if form is None:
                    continue
            if (cols := _header(grid, r)) is not None:
                form.columns = cols
                form.printed |= set(cols.cols)
                form.labels.update(cols.labels)
                form.pending = {}
                self.first_row = r + 1
                self.template = cols
                continue
            if form.columns is None and _typed_row(grid, r) and self.template is not None \
                    and (moved := self.template.moved(grid)) is not None:
                # a form printed without its indicator header: the columns of the forms before it, where the
                # rows' own cells (产出指标, 数量指标 …) stand in them
                form.columns = moved
                form.printed |= set(moved.cols)
                form.labels.update(moved.labels)
                form.pending = {}
                self.first_row = r
                self.notes.append(f"page {page}: {form.name or 'a form'} prints no indicator header; its rows read in "
                                  "the columns of the form before, where its type cells stand")
            if form.columns is not None and form.columns.grid is grid:
                self.indicator_row(form, grid, r, page, first=self.first_row if continuing else -1)
            elif form.columns is None:
                self.head_row(form, grid, r, page)

    def unruled(self, page: int, grids: list[Grid]) -> None:
        """A form whose head ends a page with text printed below its table's rules (fields the page does not
        rule: camelot finds no cells there, so they are not read): an ``extraction_doubt``, not a form
        silently without its goal."""
        from ..read.retext import runs

        form = self.open
        if form is None or form.columns is not None or page not in form.pages or not grids:
            return
        last = min(grids, key=lambda g: g.rows_y[-1][1])
        left, right = last.cols_x[0][0] - 80, last.cols_x[-1][1]
        glyphs = self.glyphs.get(page, [])
        heights = sorted(g.height for g in glyphs if g.height > 0)
        unit = heights[len(heights) // 2] if heights else 8.0
        # what no cell holds, but a page number or a label (merged label cells' texts drawn below a page's
        # last rule when the cells go on, on one line: 资金金额（万元） … 执行率分值（10分）): each run of text
        bottom = last.rows_y[-1][1] - 1
        below = [g for g in glyphs if left <= (g.x0 + g.x1) / 2 <= right and g.base + unit / 3 <= bottom]
        texts = ["".join(g.text for g in run).strip() for run in runs(below)]
        rest = [t for t in texts if t and not _PAGE_NUMBER.fullmatch(_flat(t)) and not head_label(t)
                and not column_label(t)]
        if len(re.findall(r"[\u4e00-\u9fff]", "".join(rest))) >= 10:
            form.unruled.append((page, _flat(rest[0])[:30]))

    def below(self, page: int) -> str:
        """What the page prints below its lowest ruled table that keeps it from running to the page's foot
        (``retext.below``: a line of text of its own, not a page number, a label or a cut cell's characters):
        '' where it runs to the foot, or the page's glyphs are not known (a scanned page).  A page left blank
        below its table is not taken to end it: a real form goes on after 40 % of a page left blank (西安
        应急管理局 p.40, a tall row moved to the next page)."""
        from ..read.retext import below

        rest = [t for t in below(self.glyphs.get(page, []), self.found.get(page, []))
                if not head_label(t) and not column_label(t)]
        return rest[0][:30] if rest else ""

    def title_above(self, form: _Form, found: dict[int, list[Grid]]) -> tuple[str, int] | None:
        """The title printed above a form named only by its title, and its page: the last title line between
        the form's first rule and the rule above it on its page; else, for a form whose rules begin its page,
        the last below the lowest rule of the page before (a spreadsheet export may end a page with the
        title and print the form on the next)."""
        from ..read.retext import text_in

        if form.top is None or form.page not in self.glyphs:
            return None
        above = [b for g in found.get(form.page, []) for _, b in g.rows_y if b > form.top + 1]
        bands = [(form.page, min(above, default=1e6), form.top)]
        before = found.get(form.page - 1, [])
        if not above and before and form.page - 1 in self.glyphs:
            bands.append((form.page - 1, min(b for g in before for _, b in g.rows_y), -1e6))
        for page, upper, lower in bands:
            if titles := _titles(text_in(self.glyphs[page], -1e6, 1e6, upper, lower)):
                return titles[-1], page
        return None

    def continued(self, grid: Grid, r: int, page: int, top: bool, claimed: bool = False) -> _Form | None:
        """The open form if ``grid`` (from row ``r``) continues it: at the top of the page after the form's
        last, or below the form on its own page, with its header printed again or its columns where the
        form's are.  Otherwise the rows are not read: an ``extraction_doubt`` when they look like a form's
        indicator rows, a log line when they are another table."""
        form = self.open
        heads = [sp for sp in grid.starting(r) if head_label(sp.text) in ("name", "department", "unit", "total",
                                                                        "period_total")
                 or (labelled(sp.text) or ("",))[0] == "name"]
        if heads and not claimed and (form is None or form.columns is not None) and not _header(grid, r):
            # a form's head (主管部门, 资金金额 …) on a page not taken for a form's (no name field, no title): not
            # the rows of the form before, whose indicator rows have begun; not read
            self.doubts.append((page, "extraction_doubt.form_unclaimed", {"text": _flat(heads[0].text)}))
            return None
        header = next((h for rr in range(r, min(r + 2, grid.n_rows)) if (h := _header(grid, rr)) is not None), None)
        moved = form.columns.moved(grid) if form is not None and form.columns is not None else None
        if self.other is not None and (form is None or self.other >= form.pages[-1]) and self.other >= page - 1:
            self.notes.append(f"page {page}: rows that go on from the other table of page {self.other}, not read")
            return None
        if header is None and moved is None and form is not None and form.columns is None and top \
                and page == form.pages[-1] + 1 and any(head_label(sp.text) in _HEAD_GOES_ON
                                                        for rr in range(r, min(r + 3, grid.n_rows))
                                                        for sp in grid.starting(rr)):
            # a form cut inside its head: its next fields (其他资金, 年度目标 …) at the top of the next page
            form.pages.append(page)
            self.notes.append(f"page {page}: {form.name or 'a form'}'s head goes on from page {page - 1}")
            return form
        if header is None and moved is None:
            typed = any(_typed_row(grid, rr) for rr in range(r, min(r + 3, grid.n_rows)))
            if typed and top and form is not None and form.columns is not None and page == form.pages[-1] + 1:
                # indicator rows (产出指标, 数量指标 …) at the top of the page after a form, in other columns
                self.doubts.append((page, "extraction_doubt.form_join", {"name": form.name, "prev": form.pages[-1],
                                                                          "rows": grid.n_rows - r}))
            elif _starts_form(grid, r) or any(head_label(sp.text) == "department" for sp in grid.starting(r)):
                # a form's head on a page not claimed as a form's (no title, no name label): not read
                self.doubts.append((page, "extraction_doubt.form_unclaimed", {"text": _flat(grid.row(r)[0].text)}))
            elif grid.text.strip():
                self.notes.append(f"page {page}: a ruled table that is neither a form nor a form's rows, not read")
            return None
        after = form is not None and top and page == form.pages[-1] + 1
        if after and (under := self.below(form.pages[-1])):
            # the form's table did not run to the foot of its page (text printed below it): rows at the top of
            # the next page cannot be seen to be its own
            assert form is not None
            self.doubts.append((page, "extraction_doubt.form_orphan.foot", {
                "rows": grid.n_rows - r, "prev": form.pages[-1], "name": form.name, "text": under}))
            return None
        follows = form is not None and (after or page == form.pages[-1])
        if not follows:
            if top or header is not None:
                key = "extraction_doubt.form_orphan" + (".none" if form is None else ".after")
                self.doubts.append((page, key, {"rows": grid.n_rows - r, "prev": form.pages[-1] if form else 0,
                                                "name": form.name if form else ""}))
            return None
        assert form is not None
        if header is None:
            assert moved is not None
            form.columns = moved
            self.notes.append(f"page {page}: {form.name}'s rows go on (header not printed again; columns matched)")
        else:
            self.notes.append(f"page {page}: {form.name}'s rows go on under its header printed again")
        if page not in form.pages:
            form.pages.append(page)
        self.first_row = r if header is None else r + 1
        return form


# ---------------------------------------------------------------------------------------------------------
# the layout


class ProjectForm:
    """项目支出绩效目标表 printed as one form per project (项目名称, 主管部门, 资金, 年度目标, then indicator
    rows 一级 / 二级 / 三级 / 指标值)."""

    name = "project_form"
    label = "项目支出绩效目标表（每个项目一张表单：项目名称、主管部门、资金、年度目标，下列一级/二级/三级指标与指标值）"
    short = "项目表单（每个项目一张）"
    title = "项目绩效目标表"
    item_grammar = False
    unit_rows = False

    @staticmethod
    def sum_parts(row: Row) -> list[tuple[str, str]]:
        """The year's amount lines printed as parts of the form's total under labels none of 财政拨款 / 财政专户
        / 其他资金 (北京's transfer form: 年度金额 = 中央财政资金 + 市级财政资金 + 其他资金; 重庆's 当年预算 =
        市级支出 + 补助区县).  Where a form prints any, ``sum_mismatch.lines`` checks its total against every part
        printed (these and 财政拨款 / 财政专户 / 其他资金), and the shared ``sum_mismatch.sources`` — 财政拨款 +
        财政专户 + 其他资金 alone, 0 + 0 for 62,400 = 0 + 62,400 + 0 — does not run on it.  (A form whose total is its
        实施期's prints such lines as 实施期…: none is printed in the real files; those are not taken here.)"""
        return [(label, text) for label, text in row.amount_lines if head_label(label) == "line"]

    def claims(self, text: str) -> bool:
        """A page that prints a form: its indicator header (一级指标 with 二级 / 三级指标, or 指标名称 /
        指标内容 with 指标值 / 指标性质), a name label, and a head field an indicator list does not print
        (主管部门 or 实施单位 as a cell, not ``资金主管部门：…`` over a list; 资金金额, 项目资金, 年度资金总额 …);
        a form's head without the header holds both kinds (its rows begin on the next page); or, without a
        name label, a form's title (项目 / 专项 / 政策 …绩效目标表, not 部门整体) over the
        indicator header: a form named by its title, or a form's rows going on under its title printed
        again.  The page's text is taken in any order (a producer may write a form's cells in any order)."""
        flat = _flat(text)
        voc = vocabulary()
        header = _HEADER.search(flat) is not None
        cells = [w for k in ("department", "unit") for w in voc.head[k]]
        cell = any(re.search(re.escape(w) + "(?![：:])", flat) for w in cells)
        amounts = voc.claim_amounts.search(flat) is not None
        if any(w in flat for w in voc.head["name"]):
            # a form's head without its indicator rows (they begin on the next page) holds both
            return (cell or amounts) if header else (cell and amounts)
        if not header:
            # a form's last indicator rows under its title printed again, without the header (烟台 住建局 p. 75):
            # the title, and rows of a framework's indicator types (效益指标, 社会效益指标); read where they go on
            # from the form before (its columns), else said (``extraction_doubt``)
            title = voc.title.search(text)
            return (title is not None and not any(w in title.group(0) for w in voc.not_title)
                    and len({t for t in _type_names() if f"{t}指标" in flat}) >= 2)
        if cell and amounts:  # a form named only by its title (XX项目绩效目标表)
            title = _ANY_TITLE.search(text)
            return title is not None and not any(w in title.group(0) for w in voc.not_title)
        title = voc.title.search(text)  # a form's rows going on under its title printed again
        return title is not None and not any(w in title.group(0) for w in voc.not_title)

    @staticmethod
    def untitled(text: str) -> bool:
        """A form's head cells (主管部门 / 实施单位 as a cell, an amount label) and its indicator header, with no
        name label and no title."""
        flat = _flat(text)
        voc = vocabulary()
        cells = [w for k in ("department", "unit") for w in voc.head[k]]
        return (_HEADER.search(flat) is not None and not any(w in flat for w in voc.head["name"])
                and any(re.search(re.escape(w) + "(?![：:])", flat) for w in cells)
                and voc.claim_amounts.search(flat) is not None and not _titles(text))

    def read(self, source: Source, pages: list[int], notes: list[str]) -> LayoutReading:
        from ..read.retext import retext
        from ..read.source import LayoutReading
        from . import LAYOUTS

        claimed = [p for p in pages if self.claims(source.text(p))]
        # a form named by its title, printed on the page after its title (a spreadsheet export ends a page with
        # the title): the form's head and indicator header, without a title, after a page of forms
        claimed = sorted(claimed + [p for p in pages if p not in claimed and p - 1 in claimed
                                    and self.untitled(source.text(p))])
        # a page another layout claims is its, and so is an unclaimed page after it (its table going on)
        others: set[int] = set()
        for p in pages:
            if p not in claimed and (p - 1 in others or any(
                    layout.claims(source.text(p)) for layout in LAYOUTS.values() if layout is not self)):
                others.add(p)
        wanted = [p for p in pages if p not in others]
        found, glyphs = retext(source.path, source.grids(wanted))
        reader = _Reader(source, notes, glyphs)
        reader.found = found
        for page in wanted:
            for k, grid in enumerate(found.get(page, [])):
                reader.read_grid(grid, page, top=k == 0, claimed=page in claimed)
            reader.unruled(page, found.get(page, []))
            if page in claimed and not any(page in f.pages for f in reader.forms):
                notes.append(f"page {page}: claimed as a form but no form is printed there")
        rows, empty = [], []
        titles: dict[int, int] = {}  # forms begun on each page so far: the nth has the page's nth title
        for form in reader.forms:
            _Reader.merged(form, notes)
            nth = titles.get(form.page, 0)
            titles[form.page] = nth + 1
            if form.is_empty():
                empty.append(form.page)
                notes.append(f"page {form.page}: an empty form (a template with nothing filled in), nothing read")
                continue
            if not form.name:
                if (above := reader.title_above(form, found)) is not None:
                    title, at = above
                    form.name = _title_name(source.text(at) + "\n" + source.text(form.page), 0, title)
                    where = "" if at == form.page else f" (printed at the foot of page {at})"
                else:  # no title seen above its rules: the page's nth title as its text lays them out
                    form.name, where = _title_name(source.text(form.page), nth), " (the page's text)"
                if not form.name:
                    reader.doubts.append((form.page, "extraction_doubt.form_unnamed", {}))
                form.named_by_title = bool(form.name)
                notes.append(f"page {form.page}: a form without a name field, named by its title{where}: "
                             f"{form.name!r}")
            reader.doubts += [(page, "extraction_doubt.form_unruled", {"name": form.name, "text": text})
                              for page, text in form.unruled]
            if not form.amount_unit:
                cells = sorted(form.cell_units)
                form.amount_unit = cells[0] if len(cells) == 1 else _page_unit(source.text(form.page))
            for text in form.unplaced:
                notes.append(f"page {form.page}: {form.name}: a cell without a label, not kept: {text[:40]!r}")
            rows.append(_row(form, self.name))
            notes.append(f"page {form.page}: {form.name}: {len(rows[-1].indicators)} indicators"
                         + (f" (pages {form.pages})" if len(form.pages) > 1 else ""))
        pairs = list(zip([f for f in reader.forms if not f.is_empty()], rows))
        why = ""
        if not rows:
            why = (f"its per-project form(s) on page(s) {sorted(set(empty))} are empty templates (nothing filled in: "
                   "the department prints no such project)" if empty else
                   f"pages {claimed or pages} print a form's header but no form could be read")

        def settle(doc: Document) -> list[Finding]:
            return _findings(doc, pairs, reader, source.settings.lang, Decimal(str(source.settings.amount_tolerance)))

        department = next((r.department for r in rows if r.department), "")
        unit = next((r.amount_unit for r in rows if r.amount_unit), "")
        return LayoutReading(self.name, rows, [], [], sorted({p for f in reader.forms for p in f.pages}), settle,
                             department, unit, why)


def _titles(text: str) -> list[str]:
    """The form titles in ``text`` (not a department's 部门整体 title)."""
    return [m.group(0) for m in _ANY_TITLE.finditer(text) if not any(w in m.group(0) for w in vocabulary().not_title)]


def _title_name(text: str, nth: int, title: str | None = None) -> str:
    """The ``nth`` form title of a page (or ``title``, printed on it) as a name: without 绩效目标表, and
    without a year before it that is the budget year the page prints (``（2026年度）``; on a page without
    one, a ``2026年度`` the title begins with); a year the page does not print as its budget year is part of
    the name (2025年省级…补助资金)."""
    if title is None:
        titles = _titles(text)
        if not titles:
            return ""
        title = titles[min(nth, len(titles) - 1)]
    title = re.sub(r"绩效目标(?:申报)?表$", "", _flat(title))
    budget = set(re.findall(r"[（(]\s*((?:19|20)\d{2})\s*年\s*度?\s*[)）]", text))
    if (m := re.match(r"((?:19|20)\d{2})年(度)?", title)) and (m.group(1) in budget if budget else m.group(2)):
        title = title[m.end():]
    return title


def _page_unit(text: str) -> str:
    m = re.search(r"单位\s*[：:]\s*(万元|元|千元|亿元)", text)
    return m.group(1) if m else ""


def _compose(cells: dict[str, str]) -> str:
    """The target as one string: 指标性质 (a comparator), 指标值 and 计量单位 where printed apart."""
    from ..values import vocabulary as value_words

    value = cells.get("value", "").strip()
    nature = _flat(cells.get("nature", ""))
    unit = cells.get("measure_unit", "").strip()
    comparator = nature if nature in value_words().prefix else ""
    if comparator and _flat(value).startswith(comparator):
        comparator = ""
    if unit and _flat(value).endswith(_flat(unit)):
        unit = ""
    return f"{comparator}{value}{unit}" if value else ""


def _note(cells: dict[str, str], labels: dict[str, str]) -> str:
    parts = []
    nature = _flat(cells.get("nature", ""))
    from ..values import vocabulary as value_words

    if nature and nature not in value_words().prefix:
        parts.append(f"指标性质：{nature}")
    if cells.get("note", "").strip():
        label = labels.get("note", "")
        parts.append(cells["note"].strip() if not label or "备注" in label else f"{label}：{cells['note'].strip()}")
    return "；".join(parts)


def _amounts(form: _Form) -> tuple[dict[str, Decimal | None], dict[str, str], list[tuple[str, str]]]:
    """The form's amounts (the year's; the 实施期's where it prints no year's), their texts, and every other
    amount line printed (实施期 amounts, 市级支出 …) as (label, text)."""
    main = form.main()
    texts = {f: "" for f in AMOUNT_FIELDS}
    lines: list[tuple[str, str]] = []
    for line in form.lines:
        if line.context == main and line.field in AMOUNT_FIELDS and not texts[line.field]:
            texts[line.field] = line.text
            if line.context == "period":  # read as the form's amount, and kept under its printed label
                lines.append((line.label if line.field == "total" else f"实施期{line.label}", line.text))
        else:
            label = line.label if line.context == "annual" or line.label.startswith("实施") else f"实施期{line.label}"
            lines.append((label, line.text))
    amounts: dict[str, Decimal | None] = {}
    for f in AMOUNT_FIELDS:
        try:
            amounts[f] = _amount(texts[f], form.amount_unit)
        except AmountError:
            amounts[f] = None
    return amounts, texts, lines


_CELL_UNIT = re.compile(r"^(.*?\d)\s*(万元|元|千元|亿元)$")
# an amount label and its number in one cell, the unit after it or not (资金金额1620.98（万元）)
_INLINE_AMOUNT = re.compile(r"^(\D{2,16}?)[：:]?(-?\d[\d,]*(?:\.\d+)?)(?:[（(](?:万元|元|千元|亿元)[)）])?$")


def _amount(text: str, unit: str) -> Decimal | None:
    """An amount cell as an exact number; a cell that prints the form's own amount unit after its number
    (``280.7万元`` in a form of 万元) is read without it, any other unit is not a number of the form."""
    m = _CELL_UNIT.match((text or "").strip())
    if m and m.group(2) == unit:
        return parse_amount(m.group(1))
    return parse_amount(text)


def _row(form: _Form, layout: str) -> Row:
    amounts, texts, lines = _amounts(form)
    labels = form.labels
    indicators = []
    for n, ind in enumerate(form.indicators, start=1):
        c = ind.cells
        raw = "；".join(c.get(k, "") for k in COLUMN_FIELDS if k in c)
        indicators.append(Indicator(
            seq=n, level1_code=None, level1=c.get("level1") or None, level2_code=None, level2=c.get("level2") or None,
            indicator=c.get("indicator", "").strip(), period_value=c["period_value"].strip() if "period_value" in c
            else None, annual_value=_compose(c), raw=raw, weight=c.get("weight", "").strip(),
            scoring=c.get("scoring", "").strip(), note=_note(c, labels)))
    return Row(kind="project", name=form.name, unit=form.unit, page=form.page, amounts=amounts, amount_texts=texts,
               goal="".join(form.goal).strip(), indicators=indicators, layout=layout, amount_unit=form.amount_unit,
               period_goal="".join(form.period_goal).strip(), amount_lines=[*form.head, *lines, *form.texts],
               pages=form.pages,
               department=form.department)


def _finding(doc: Document, check: str, key: str, page: int, row: Row | None, lang: str, *, seq: int | None = None,
             field: str = "", expected: str = "", actual: str = "", **params: object) -> Finding:
    from ..checks import SEVERITY

    return Finding(check, SEVERITY[check], doc.source, page, row.unit if row else "", row.name if row else "", seq,
                   say(key, lang, seq=seq, page=page, **params), project_id=row.project_id if row else "", field=field,
                   expected=expected, actual=actual, rule=key)


_LEVELS = (("level1", "一级指标"), ("level2", "二级指标"), ("indicator", "三级指标"))


def _line_sums(doc: Document, form: _Form, row: Row, tol: Decimal, lang: str) -> list[Finding]:
    """An amount against the lines printed as its parts where the shared checks do not see them: the
    实施期 amounts beside the year's, and lines that are none of 财政拨款 / 财政专户 / 其他资金 (市级支出 +
    补助区县 = 当年预算)."""
    out: list[Finding] = []
    main = form.main()
    for context in ("annual", "period"):
        lines = [ln for ln in form.lines if ln.context == context]
        total = next((ln for ln in lines if ln.field == "total"), None)
        if context == main:
            parts = [ln for ln in lines if ln.field == "line"]
            if parts:  # the line amounts are parts beside any 财政拨款 / 其他资金 printed
                parts += [ln for ln in lines if ln.field in AMOUNT_FIELDS[1:]]
        else:
            parts = [ln for ln in lines if ln.field != "total"]
        if total is None or not parts:
            continue
        try:
            printed = _amount(total.text, form.amount_unit)
            values = [_amount(ln.text, form.amount_unit) for ln in parts]
        except AmountError:
            continue  # an amount that does not read is its own finding
        if printed is None or all(v is None for v in values):
            continue
        added = sum((v or Decimal(0) for v in values), Decimal(0))
        if abs(printed - added) > tol:
            out.append(_finding(doc, "sum_mismatch", "sum_mismatch.lines", row.page, row, lang, field="amount_lines",
                                expected=exact_text(added), actual=exact_text(printed), name=row.name,
                                label=total.label,
                                printed=fmt(printed), parts="+".join(ln.label for ln in parts), added=fmt(added),
                                diff=("+" if printed >= added else "") + exact_text(printed - added, True)))
    return out


def _findings(doc: Document, pairs: list[tuple[_Form, Row]], reader: _Reader, lang: str, tol: Decimal
              ) -> list[Finding]:
    """The layout's own findings, once the rows have their ids: doubts of its reading, and the table's
    defects the shared checks cannot see (a blank level cell, amount lines that do not add up)."""
    out = [_finding(doc, "extraction_doubt", key, page, None, lang, field="rows", **params)
           for page, key, params in reader.doubts]
    for form, row in pairs:
        for ind, read in zip(row.indicators, form.indicators):
            who = {"name": row.name, "indicator": ind.indicator or ind.annual_value or ""}
            for name, level in _LEVELS:
                if name in form.printed and not _flat(read.cells.get(name, "")):
                    out.append(_finding(doc, "indicator_level_missing", "indicator_level_missing", read.page, row,
                                        lang, seq=ind.seq, field=name, level=level, **who))
            if read.doubt:
                out.append(_finding(doc, "extraction_doubt", "extraction_doubt.form_wrap", read.page, row, lang,
                                    seq=ind.seq, field="indicator", first=ind.indicator,
                                    second=read.doubt, name=row.name))
        for line in form.lines:
            if line.field == "line" or line.context != form.main():  # the others are the shared checks'
                try:
                    _amount(line.text, form.amount_unit)
                except AmountError as exc:
                    why = "decimals" if "decimals" in str(exc) else "not_a_number"
                    out.append(_finding(doc, "amount_unparsed", f"amount_unparsed.{why}", row.page, row, lang,
                                        field="amount_lines", actual=line.text, label=line.label, name=row.name,
                                        text=line.text))
        out += _line_sums(doc, form, row, tol, lang)
    return out


__all__ = ["ProjectForm", "column_label", "head_label", "indicator_grid", "vocabulary"]
