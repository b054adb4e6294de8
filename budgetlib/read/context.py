"""What a document says around its tables: the department named on each table (a district's compilation
holds several), the amount unit, and the budget year."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Row

_SP = r"[ \t\u3000]"  # white space within a line: a blank 部门名称 never takes the next line's text
_DEPT = re.compile(rf"(?:部门名称|单位名称|预算单位|编制单位){_SP}*[：:]{_SP}*([^\r\n]*?)"
                   rf"(?:{_SP}{{2,}}|{_SP}*(?:金额)?单位{_SP}*[：:]|{_SP}*(?:金额)?单位{_SP}*(?=万元|元)|\r|\n|$)")
_AMOUNT_UNIT = re.compile(r"单位\s*[：:]\s*(万元|元|千元|亿元)"
                          r"|(?:总计|合计|金额)\s*[（(]\s*(万元|元|千元|亿元)\s*[）)]")
_TOTAL_LINE = re.compile(r"(?m)^\s*[合总]\s*计(?![\u4e00-\u9fff])")
# a budget year as documents print it: 2024年部门预算, 2024年度项目支出绩效目标表, 2024年预算公开
_YEAR_TEXT = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:[\u4e00-\u9fff]{0,20}?)"
                        r"(?:部门预算|单位预算|预算公开|预算|项目支出|绩效目标)")
_YEAR_PATH = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def department_and_unit(texts: list[str], pages: list[int]) -> tuple[str, str]:
    """The first department named on the table's pages (empty when the 部门名称 line is blank: never the
    next line's text), and the amount unit printed (单位：万元); empty when none is printed, rather
    than a guess."""
    dept, unit = "", ""
    for p in pages:
        text = texts[p - 1]
        if not dept and (m := _DEPT.search(text)):
            dept = m.group(1).strip()
        if not unit and (m := _AMOUNT_UNIT.search(text)):
            unit = m.group(1) or m.group(2)
    return dept, unit


def assign_departments(rows: list[Row], texts: list[str], first: str) -> list[str]:
    """Give every row the department of its table: each 合计 row starts a table, whose department is the
    部门名称 printed last before that 合计 line on its page (the one before, when the page names none).
    A project with no unit row above it in its table takes its table's department as unit.  Returns the
    departments in order."""
    names: dict[int, list[tuple[int, str]]] = {}
    totals: dict[int, list[int]] = {}
    for row in rows:
        p = row.page
        if p not in names and 1 <= p <= len(texts):
            names[p] = [(m.start(), m.group(1).strip()) for m in _DEPT.finditer(texts[p - 1])]
            totals[p] = [m.start() for m in _TOTAL_LINE.finditer(texts[p - 1])]
    current, seen, has_unit, out = first, dict.fromkeys((), 0), False, []
    for row in rows:
        if row.kind == "total":
            k = seen.get(row.page, 0)
            seen[row.page] = k + 1
            at = totals.get(row.page, [])
            before = [n for pos, n in names.get(row.page, []) if k >= len(at) or pos < at[k]]
            if before and before[-1]:
                current = before[-1]
            has_unit = False
        elif row.kind == "unit":
            has_unit = True
        elif not has_unit and row.unit == first:
            row.unit = current
        row.department = current
        if current not in out:
            out.append(current)
    return out


def budget_year(texts: list[str], pages: list[int], path: str | Path, fallback: int | None) -> tuple[int | None, str]:
    """The budget year and where it came from: the table's pages, then the document's first pages (the
    cover of a disclosure: 2024年部门预算), then a four-digit year in the file's path, then ``fallback``."""
    for p in [*pages, *range(1, min(len(texts), 3) + 1)]:
        if m := _YEAR_TEXT.search(texts[p - 1]):
            return int(m.group(1)), "text"
    years = _YEAR_PATH.findall(str(path))
    if years:
        return int(years[-1]), "path"
    return (fallback, "setting") if fallback else (None, "")


__all__ = ["assign_departments", "budget_year", "department_and_unit"]
