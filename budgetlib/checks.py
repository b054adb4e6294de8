"""Findings: the published table's own defects, flagged and never "fixed".

Checks
    sum_mismatch          合计 vs its units, a unit vs its projects, 总计 vs 财政拨款+财政专户拨款+其他资金
    amount_unparsed       an amount cell that is not a number, or has more than two decimals (never rounded)
    amount_unit_unknown   the table prints no amount unit (单位：万元); its amounts are not summed with others
    taxonomy_mismatch     a level-2 type that does not belong to its level-1 type, or a code/name pair
                          that is not the framework's (the framework detected from the table, taxonomy.py)
    indicator_unparsed    an item of the 绩效指标 cell that does not follow the pattern
    value_unparsed        a target value that starts like a number but does not read as one, or is empty
    period_annual_differ  实施周期指标值 and 年度指标值 differ
    missing_terminator    an indicator item not closed by 。 before the next one begins
    duplicate_indicator   the same indicator twice in one project
    seq_gap               indicator numbers that do not run 1, 2, 3 …
    missing_goal / missing_indicators   a project without 绩效目标 / 绩效指标
    extraction_doubt      not a defect of the table: a page the reader may have cut into rows wrongly
                          (no reading of it is clean, and no other reading confirms its violations)
"""

from __future__ import annotations

import re
from decimal import Decimal

from .amounts import AMOUNT_FIELDS, AMOUNT_LABELS, AmountError, fmt, parse_amount
from .indicators import unclosed
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
    "missing_goal": "warning",
    "missing_indicators": "warning",
    "period_annual_differ": "info",
    "amount_unit_unknown": "warning",
    "missing_terminator": "warning",
    "extraction_doubt": "error",  # not the table's: the reader's own (see verify.py), set by extract
    "ocr_doubt": "error",  # not the table's: a field of a scanned page OCR may have misread (read/trust.py)
}


class _Collector:
    def __init__(self, doc: Document, lang: str) -> None:
        self.doc, self.lang = doc, lang
        self.out: list[Finding] = []

    def add(self, check: str, row: Row, key: str | None = None, *, seq: int | None = None, field: str = "",
            expected: str = "", actual: str = "", **params: object) -> None:
        key = key or check
        self.out.append(Finding(
            check=check, severity=SEVERITY[check], source=self.doc.source, page=row.page, unit=row.unit,
            project=row.name if row.kind == "project" else "", seq=seq, message=say(key, self.lang, seq=seq, **params),
            project_id=row.project_id, field=field, expected=expected, actual=actual, rule=key))


def _sum(rows: list[Row], field: str) -> Decimal:
    return sum((r.amounts[field] or Decimal(0) for r in rows), Decimal(0))


def _compare(c: _Collector, row: Row, parts: list[Row], what: str, tol: Decimal) -> None:
    for f in AMOUNT_FIELDS:
        printed = row.amounts[f] or Decimal(0)
        added = _sum(parts, f)
        if abs(printed - added) > tol:
            c.add("sum_mismatch", row, f"sum_mismatch.{what}", field=f, expected=f"{added:.2f}",
                  actual=f"{printed:.2f}", label=AMOUNT_LABELS[f], name=row.name, printed=fmt(row.amounts[f]),
                  n=len(parts), added=fmt(added), diff=f"{printed - added:+,.2f}")


def _tables(rows: list[Row]) -> list[list[Row]]:
    """The rows cut into tables: each 合计 row begins one (a compilation holds several departments')."""
    out: list[list[Row]] = [[]]
    for row in rows:
        if row.kind == "total" and any(r.kind == "total" for r in out[-1]):
            out.append([])
        out[-1].append(row)
    return out


def _sums(c: _Collector, doc: Document, tol: Decimal) -> None:
    rows = doc.rows
    for table in _tables(rows):
        _table_sums(c, table, tol)
    for row in rows:  # each row's 总计 against its sources
        sources = [row.amounts[f] for f in AMOUNT_FIELDS[1:]]
        if row.amounts["total"] is None or all(v is None for v in sources):
            continue
        added = sum((v or Decimal(0) for v in sources), Decimal(0))
        if abs(row.amounts["total"] - added) > tol:
            c.add("sum_mismatch", row, "sum_mismatch.sources", field="total", expected=f"{added:.2f}",
                  actual=f"{row.amounts['total']:.2f}", name=row.name, printed=fmt(row.amounts["total"]),
                  added=fmt(added), diff=f"{row.amounts['total'] - added:+,.2f}")


def _table_sums(c: _Collector, rows: list[Row], tol: Decimal) -> None:
    totals = [r for r in rows if r.kind == "total"]
    units = [r for r in rows if r.kind == "unit"]
    members: dict[int, list[Row]] = {u.ordinal: [] for u in units}  # a unit's projects follow it
    current: Row | None = None
    for row in rows:
        if row.kind == "unit":
            current = row
        elif row.kind == "project" and current is not None:
            members[current.ordinal].append(row)
    for unit in units:
        _compare(c, unit, members[unit.ordinal], "projects", tol)
    for total in totals:
        parts = units or [r for r in rows if r.kind == "project"]
        _compare(c, total, parts, "units" if units else "projects", tol)


def _amount_cells(c: _Collector, doc: Document) -> None:
    for row in doc.rows:
        for f in AMOUNT_FIELDS:
            if row.amounts[f] is None and re.sub(r"[\s\-—－]", "", row.amount_texts[f]):
                try:  # the parser's own reason: not a number, or more than two decimals
                    parse_amount(row.amount_texts[f])
                    why = "not_a_number"
                except AmountError as exc:
                    why = "decimals" if "decimals" in str(exc) else "not_a_number"
                c.add("amount_unparsed", row, f"amount_unparsed.{why}", field=f, actual=row.amount_texts[f],
                      label=AMOUNT_LABELS[f], name=row.name, text=row.amount_texts[f])


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "")


def pairs(doc: Document) -> list[tuple]:
    """The (level-1 code, name, level-2 code, name) of every parsed indicator of the document."""
    return [(i.level1_code, i.level1, i.level2_code, i.level2) for r in doc.projects for i in r.indicators
            if i.parsed]


def _indicators(c: _Collector, doc: Document, judge: Judge) -> None:
    for row in doc.projects:
        if not row.goal:
            c.add("missing_goal", row, name=row.name)
        if not row.indicators:
            c.add("missing_indicators", row, name=row.name)
            continue
        seen: dict[tuple, int | None] = {}
        for n, ind in enumerate(row.indicators, start=1):
            who = {"name": row.name, "indicator": ind.indicator}
            if ind.seq != n:
                c.add("seq_gap", row, seq=ind.seq, expected=str(n), actual=str(ind.seq), name=row.name, n=n)
            if not ind.parsed:
                c.add("indicator_unparsed", row, seq=ind.seq, actual=ind.raw, name=row.name, raw=ind.raw)
                continue
            if n < len(row.indicators) and unclosed(ind.raw):
                c.add("missing_terminator", row, seq=ind.seq, field="annual_value", actual=ind.annual_value or "",
                      **who, next=row.indicators[n].seq, value=ind.annual_value)
            for problem in judge.problems(ind.level1_code, ind.level1, ind.level2_code, ind.level2):
                c.add("taxonomy_mismatch", row, seq=ind.seq, field="level2_code",
                      actual=f"{ind.level1_code}-{ind.level1}；{ind.level2_code}-{ind.level2}", **who, problem=problem)
            for label, value, parsed in (("实施周期指标值", ind.period_value, ind.period),
                                         ("年度指标值", ind.annual_value, ind.annual)):
                if parsed.kind == "unparsed":
                    c.add("value_unparsed", row, seq=ind.seq, actual=value or "",
                          field="period_value" if label == "实施周期指标值" else "annual_value",
                          **who, label=label, value=value)
            if _norm(ind.period_value) != _norm(ind.annual_value):
                c.add("period_annual_differ", row, seq=ind.seq, field="annual_value",
                      expected=ind.period_value or "", actual=ind.annual_value or "", **who,
                      period=ind.period_value, annual=ind.annual_value)
            key = (ind.level1_code, ind.level2_code, _norm(ind.indicator))
            if key in seen:
                c.add("duplicate_indicator", row, seq=ind.seq, expected=str(seen[key]), **who, first=seen[key])
            else:
                seen[key] = ind.seq


def run_checks(doc: Document, settings: ExtractSettings | None = None) -> list[Finding]:
    """Every finding of one document, in table order per check, in ``settings.lang``.  The indicator
    framework is detected from the document's indicators (``doc.framework`` is set to it)."""
    settings = settings or ExtractSettings()
    c = _Collector(doc, settings.lang)
    tol = Decimal(str(settings.amount_tolerance))
    if not doc.amount_unit and doc.rows:
        first = doc.rows[0]
        c.out.append(Finding("amount_unit_unknown", SEVERITY["amount_unit_unknown"], doc.source, first.page, "", "",
                             None, say("amount_unit_unknown", settings.lang), field="amount_unit",
                             rule="amount_unit_unknown"))
    _amount_cells(c, doc)
    _sums(c, doc, tol)
    found = pairs(doc)
    framework = detect(found)
    doc.framework = framework.id
    _indicators(c, doc, Judge(framework, found, settings.lang))
    return c.out


__all__ = ["SEVERITY", "pairs", "run_checks"]
