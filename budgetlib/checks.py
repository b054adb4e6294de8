"""Findings: the published table's own defects, flagged and never "fixed".

Checks
    sum_mismatch          合计 vs its units, a unit vs its projects, 总计 vs 财政拨款+财政专户拨款+其他资金
    amount_unparsed       an amount cell that is not a number, or has more than six decimals (never rounded)
    amount_unit_unknown   the table prints no amount unit (单位：万元); its amounts are not summed with others
    taxonomy_mismatch     a level-2 type that does not belong to its level-1 type, or a code/name pair
                          that is not the framework's (the framework detected from the table, taxonomy.py)
    indicator_unparsed    an item of the 绩效指标 cell that does not follow the pattern
    value_unparsed        a target value that starts like a number but does not read as one, or is empty
    period_annual_differ  实施周期指标值 and 年度指标值 differ
    missing_terminator    an indicator item not closed by 。 before the next one begins
    indicator_extra_field an item prints a field the grammar has no place for (指标值说明：…): kept apart in
                          ``extra``, never in the indicator's name
    duplicate_indicator   the same indicator twice in one project
    seq_gap               indicator numbers that do not run 1, 2, 3 … (nor begin a new group at 1)
    seq_restart           indicator numbers that begin again at 1 inside a cell (groups, as real exports print)
    missing_total         a table of units and projects without its 合计 row (its units are not checked against one)
    missing_goal / missing_indicators   a project without 绩效目标 / 绩效指标
    extraction_doubt      not a defect of the table: a page the reader may have cut into rows wrongly
                          (no reading of it is clean, and no other reading confirms its violations)
"""

from __future__ import annotations

import re
from decimal import Decimal

from .amounts import AMOUNT_FIELDS, AMOUNT_LABELS, PLACES, AmountError, exact_text, fmt, parse_amount
from .indicators import numbering_breaks, restarts, unclosed
from .layouts.base import Layout
from .layouts.units import tables_of
from .messages import say
from .model import Document, Finding, Row
from .settings import ExtractSettings
from .taxonomy import Judge, detect

SEVERITY = {
    "sum_mismatch": "error",
    "amount_unparsed": "error",
    "taxonomy_mismatch": "warning",
    "indicator_unparsed": "warning",
    "value_unparsed": "warning",
    "duplicate_indicator": "warning",
    "seq_gap": "warning",
    "seq_restart": "info",
    "missing_goal": "warning",
    "missing_indicators": "warning",
    "period_annual_differ": "info",
    "amount_unit_unknown": "warning",
    "missing_terminator": "warning",
    "indicator_extra_field": "warning",
    "extraction_doubt": "error",  # not the table's: the reader's own (see verify.py), set by extract
    "ocr_doubt": "error",  # not the table's: a field of a scanned page OCR may have misread (read/trust.py)
    "layout_unknown": "warning",  # a page printing a 绩效目标表 title that no known layout reads (not read)
    "missing_total": "warning",  # a table of units and projects printed without its 合计 row
    "department_sum_mismatch": "error",  # a department table's 金额合计 vs its tasks' amounts
    "level_missing": "warning",  # a department target without its 一级/二级/三级指标 where the table has them
    "indicator_unnamed": "warning",  # a row of an indicator list (or form) that prints no indicator name
    "indicator_level_missing": "warning",  # a form's 一级 / 二级 / 三级 cell left blank (layouts.project_form)
    "text_clipped": "warning",  # a cell's text runs past its edge and is cut off on the printed page (read whole)
}


class _Collector:
    def __init__(self, source: str, lang: str) -> None:
        self.source, self.lang = source, lang
        self.out: list[Finding] = []

    def add(self, check: str, row: Row, key: str | None = None, *, seq: int | None = None, field: str = "",
            expected: str = "", actual: str = "", **params: object) -> None:
        key = key or check
        self.out.append(Finding(
            check=check, severity=SEVERITY[check], source=self.source, page=row.page, unit=row.unit,
            project=row.name if row.kind == "project" else "", seq=seq, message=say(key, self.lang, seq=seq, **params),
            project_id=row.project_id, field=field, expected=expected, actual=actual, rule=key))


def compare(c: _Collector, row: Row, added: list[int] | list[Decimal], n: int, what: str, tol: Decimal) -> None:
    """``row``'s printed amounts against ``added`` (the sums of its ``n`` parts per field: exact decimals, or
    cents where the seed's arithmetic keeps them as integers)."""
    for f, total in zip(AMOUNT_FIELDS, added):
        printed = row.amounts[f] or Decimal(0)
        sum_ = total if isinstance(total, Decimal) else Decimal(total) / 100
        if abs(printed - sum_) > tol:
            c.add("sum_mismatch", row, f"sum_mismatch.{what}", field=f, expected=exact_text(sum_),
                  actual=exact_text(printed), label=AMOUNT_LABELS[f], name=row.name, printed=fmt(row.amounts[f]),
                  n=n, added=fmt(sum_), diff=("+" if printed >= sum_ else "") + exact_text(printed - sum_, True))


def _added(rows: list[Row]) -> list[Decimal]:
    """Each field's exact sum over ``rows``."""
    return [sum((r.amounts[f] for r in rows if r.amounts[f] is not None), Decimal(0)) for f in AMOUNT_FIELDS]


def table_sums(c: _Collector, rows: list[Row], total: int | None, body: list[int], tol: Decimal) -> None:
    """A table's units against their projects (a unit's projects follow it) and its 合计 against its units
    (or its projects, when it has no units)."""
    units: list[tuple[Row, list[Row]]] = []
    for i in body:
        row = rows[i]
        if row.kind == "unit":
            units.append((row, []))
        elif row.kind == "project" and units:
            units[-1][1].append(row)
    for unit, members in units:
        compare(c, unit, _added(members), len(members), "projects", tol)
    if total is not None:
        parts = [u for u, _ in units] or [rows[i] for i in body if rows[i].kind == "project"]
        compare(c, rows[total], _added(parts), len(parts), "units" if units else "projects", tol)


def sources_sum(c: _Collector, row: Row, tol: Decimal) -> None:
    """A row's 总计 against 财政拨款 + 财政专户拨款 + 其他资金; not where its layout reads parts of the total
    printed under other labels (a form's 中央财政资金 + 市级财政资金 + 其他资金, 市级支出 + 补助区县): the layout
    checks the total against every part printed (``sum_parts``), and these three alone are not its parts."""
    if getattr(_layout(row), "sum_parts", lambda _: [])(row):
        return
    sources = [row.amounts[f] for f in AMOUNT_FIELDS[1:]]
    if row.amounts["total"] is None or all(v is None for v in sources):
        return
    added = sum((v or Decimal(0) for v in sources), Decimal(0))
    if abs(row.amounts["total"] - added) > tol:
        gap = row.amounts["total"] - added
        c.add("sum_mismatch", row, "sum_mismatch.sources", field="total", expected=exact_text(added),
              actual=exact_text(row.amounts["total"]), name=row.name, printed=fmt(row.amounts["total"]),
              added=fmt(added), diff=("+" if gap >= 0 else "") + exact_text(gap, True))


def amount_cells(c: _Collector, row: Row) -> None:
    for f in AMOUNT_FIELDS:
        if row.amounts[f] is None and re.sub(r"[\s\-—－]", "", row.amount_texts.get(f, "")):
            try:  # the parser's own reason: not a number, or more than six decimals
                parse_amount(row.amount_texts[f], getattr(_layout(row), "amount_places", PLACES))
                why = "not_a_number"
            except AmountError as exc:
                why = "decimals" if "decimals" in str(exc) else "not_a_number"
            c.add("amount_unparsed", row, f"amount_unparsed.{why}", field=f, actual=row.amount_texts[f],
                  label=AMOUNT_LABELS[f], name=row.name, text=row.amount_texts[f])


def _layout(row: Row) -> Layout:
    """The layout a row was printed in (the seed's when unset: a row built by hand)."""
    from .layouts import LAYOUTS

    return LAYOUTS.get(row.layout) or LAYOUTS["performance_targets"]


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "")


def pairs(doc: Document) -> list[tuple]:
    """The (level-1 code, name, level-2 code, name) of every parsed indicator of the document."""
    return [(i.level1_code, i.level1, i.level2_code, i.level2) for r in doc.projects for i in r.indicators
            if i.parsed]


def project_checks(c: _Collector, row: Row, judge: Judge | None) -> None:
    """A project's goal and indicators: their grammar, numbering, values and (with ``judge``) taxonomy."""
    if not row.goal:
        c.add("missing_goal", row, name=row.name)
    if not row.indicators:
        c.add("missing_indicators", row, name=row.name)
        return
    seen: dict[tuple, int | None] = {}
    grammar = _layout(row).item_grammar  # items of one text cell: their numbering and grammar are checked
    seqs = [i.seq for i in row.indicators] if grammar else []
    breaks, again = dict(numbering_breaks(seqs)), set(restarts(seqs))
    for n, ind in enumerate(row.indicators, start=1):
        who = {"name": row.name, "indicator": ind.indicator}
        if n in breaks:
            c.add("seq_gap", row, seq=ind.seq, expected=str(breaks[n]), actual=str(ind.seq), name=row.name, n=n)
        elif n in again:
            c.add("seq_restart", row, seq=ind.seq, actual="1", name=row.name, n=n)
        if not ind.parsed:
            c.add("indicator_unparsed", row, seq=ind.seq, actual=ind.raw, name=row.name, raw=ind.raw)
            continue
        if ind.extra:
            c.add("indicator_extra_field", row, seq=ind.seq, field="indicator", actual=ind.extra, **who,
                  extra=ind.extra)
        if grammar and n < len(row.indicators) and unclosed(ind.raw):
            c.add("missing_terminator", row, seq=ind.seq, field="annual_value", actual=ind.annual_value or "",
                  **who, next=row.indicators[n].seq, value=ind.annual_value)
        # a layout that prints no 一级 / 二级 cell for an indicator (重庆's 指标名称 only; a blank cell is the
        # layout's own finding) has no type pair to judge, and one without 实施期 values no period value
        typed = ind.level1 is not None and ind.level2 is not None
        for problem in judge.problems(ind.level1_code, ind.level1, ind.level2_code, ind.level2) if judge and typed \
                else ():
            c.add("taxonomy_mismatch", row, seq=ind.seq, field="level2_code",
                  actual=f"{ind.level1_code}-{ind.level1}；{ind.level2_code}-{ind.level2}", **who, problem=problem)
        for label, value, parsed in (("实施周期指标值", ind.period_value, ind.period),
                                     ("年度指标值", ind.annual_value, ind.annual)):
            if value is None and label == "实施周期指标值":
                continue
            if parsed.kind == "unparsed":
                c.add("value_unparsed", row, seq=ind.seq, actual=value or "",
                      field="period_value" if label == "实施周期指标值" else "annual_value",
                      **who, label=label, value=value)
        if ind.period_value is not None and _norm(ind.period_value) != _norm(ind.annual_value):
            c.add("period_annual_differ", row, seq=ind.seq, field="annual_value",
                  expected=ind.period_value or "", actual=ind.annual_value or "", **who,
                  period=ind.period_value, annual=ind.annual_value)
        key = (ind.level1_code, ind.level2_code, _norm(ind.indicator))
        if key in seen:
            c.add("duplicate_indicator", row, seq=ind.seq, expected=str(seen[key]), **who, first=seen[key])
        else:
            seen[key] = ind.seq


def row_findings(row: Row, source: str, lang: str, tol: Decimal = Decimal(0)) -> list[Finding]:
    """The findings of one row on its own (not its table's sums, not the taxonomy, which is judged against
    the whole table): what self-verification weighs a reading of a page by."""
    c = _Collector(source, lang)
    amount_cells(c, row)
    sources_sum(c, row, tol)
    if row.kind == "project":
        project_checks(c, row, None)
    return c.out


def run_checks(doc: Document, settings: ExtractSettings | None = None) -> list[Finding]:
    """Every finding of one document, in table order per check, in ``settings.lang``.  The indicator
    framework is detected from the document's indicators (``doc.framework`` is set to it)."""
    settings = settings or ExtractSettings()
    c = _Collector(doc.source, settings.lang)
    tol = Decimal(str(settings.amount_tolerance))
    for total, body in tables_of(doc.rows):  # each table of a compilation prints its own unit, or none
        first = doc.rows[min([*body, *([total] if total is not None else [])])] if body or total is not None \
            else None
        if first is None:
            continue
        if not (first.amount_unit or doc.amount_unit):
            c.out.append(Finding("amount_unit_unknown", SEVERITY["amount_unit_unknown"], doc.source, first.page, "",
                                 "", None, say("amount_unit_unknown", settings.lang), field="amount_unit",
                                 rule="amount_unit_unknown"))
    for row in doc.rows:
        amount_cells(c, row)
    listed = [r for r in doc.rows if _layout(r).unit_rows]
    for total, body in tables_of(listed):
        table_sums(c, listed, total, body, tol)
        if total is None and body:  # a table without its 合计: nothing to check its units against
            c.add("missing_total", listed[body[0]], name=listed[body[0]].name)
    for row in doc.rows:
        sources_sum(c, row, tol)
    found = pairs(doc)
    framework = detect(found)
    doc.framework = framework.id
    judge = Judge(framework, found, settings.lang)
    for row in doc.projects:
        project_checks(c, row, judge)
    return c.out


__all__ = ["SEVERITY", "amount_cells", "compare", "pairs", "project_checks", "row_findings", "run_checks",
           "sources_sum", "table_sums"]
