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
# a budget year as a table's title prints it (广州市生态环境局2026年项目支出绩效目标表, 2024年度…绩效目标表), or
# on a line of its own under the title (（2026年度）)
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年\s*度?[^\n。，；]{0,40}?表"
                         r"|^\s*[（(]\s*((?:19|20)\d{2})\s*年\s*度?\s*[)）]\s*$", re.M)
_YEAR_LINE = re.compile(r"^\s*[（(]\s*((?:19|20)\d{2})\s*年\s*度?\s*[)）]\s*$", re.M)
_TITLE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*度?[^\n。，；]{0,40}?绩效目标[^\n。，；]{0,12}表"
                         r"\s*(?:[（(][^）)\n]{0,12}[）)])?\s*$", re.M)
# the cover of a disclosure: 2024年部门预算, 2026年度部门预算报表 (not a year in a goal's text: 落实2023年预算…)
_YEAR_COVER = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*[^\n。，；]{0,30}?(?:部门|单位)\s*(?:综合)?\s*预\s*算")
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


def _anchor(row: Row, text: str, nth_total: int, after: int) -> int:
    """Where in its page's text a table begins: its 合计 line (the ``nth_total`` on the page), or its first
    row's name under the page's header (a table whose 合计 is printed last: the name may be the department's
    own, printed in the title and the 部门名称 line above); else where the header is."""
    if row.kind == "total":
        lines = [m.start() for m in _TOTAL_LINE.finditer(text)]
        if nth_total < len(lines):
            return lines[nth_total]
    header = text.find("项目名称", after)
    start = header if header >= 0 else after
    flat = re.sub(r"\s+", "", row.name)[:6]
    if flat and (m := re.compile(r"\s*".join(map(re.escape, flat))).search(text, start)):
        return m.start()
    return header if header >= 0 else len(text)


def assign_tables(rows: list[Row], texts: list[str], department: str, amount_unit: str) -> list[str]:
    """Give every row the department and amount unit of its table (``units.tables_of``: a 合计 row opens each
    table, or closes each when the document prints it last): the 部门名称 and 单位 printed last before the
    table begins on its page, or on the pages before (a compilation holds several departments' tables, each
    with its own unit: 万元 here, 元 there).  A project with no unit row above it in its table takes its
    table's department as unit.  Returns the departments in order."""
    from ..layouts.units import tables_of

    found: dict[int, tuple[list[tuple[int, str]], list[tuple[int, str]]]] = {}

    def printed(page: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        if page not in found:
            text = texts[page - 1] if 1 <= page <= len(texts) else ""
            found[page] = ([(m.start(), m.group(1).strip()) for m in _DEPT.finditer(text)],
                           [(m.start(), m.group(1) or m.group(2)) for m in _AMOUNT_UNIT.finditer(text)])
        return found[page]

    def last_before(page: int, at: int, which: int, fallback: str) -> str:
        for p in range(page, 0, -1):
            hits = [v for pos, v in printed(p)[which] if p < page or pos < at]
            if hits:
                return hits[-1] or fallback
        return fallback

    current, unit, out = department, amount_unit, []
    totals_seen: dict[int, int] = {}
    cursor: dict[int, int] = {}
    for total, body in tables_of(rows):
        first = rows[total] if total is not None and (not body or total < body[0]) else rows[body[0]] if body \
            else rows[total]
        k = totals_seen.get(first.page, 0)
        if first.kind == "total":
            totals_seen[first.page] = k + 1
        text = texts[first.page - 1] if 1 <= first.page <= len(texts) else ""
        at = _anchor(first, text, k, cursor.get(first.page, 0))
        cursor[first.page] = at + 1
        if total is not None or current == department:
            current = last_before(first.page, at, 0, current)
            unit = last_before(first.page, at, 1, unit)
        has_unit = False
        for i in sorted([*body, *([total] if total is not None else [])]):
            row = rows[i]
            if row.kind == "unit":
                has_unit = True
            elif row.kind == "project" and not has_unit and row.unit == department:
                row.unit = current
            row.department, row.amount_unit = current, unit
        if current not in out:
            out.append(current)
    return out


def budget_year(texts: list[str], pages: list[int], path: str | Path, fallback: int | None) -> tuple[int | None, str]:
    """The budget year and where it came from, in order of trust: the title of the table (its pages' first
    lines), the cover of the disclosure (its first pages: ``2024年部门预算``), a four-digit year in the file's
    path, then ``fallback`` (``--year``).  The body of the table (a goal's ``落实2023年预算执行…``) is never
    searched."""
    for pattern in (_YEAR_LINE, _TITLE_LINE):
        for p in pages:  # a year printed on a line of its own (（2026年度）, under a title), or a whole line that is
            if m := pattern.search(texts[p - 1]):  # a 绩效目标表's title with its year, wherever the producer writes
                return int(m.group(1)), "title"  # it in the page's text (Calc writes a large title last)
    heads = ["\n".join(texts[p - 1].splitlines()[:8]) for p in pages]
    for head in heads:  # else the year in the title (a form named by its title may hold another year)
        if m := _YEAR_TITLE.search(head):
            return int(m.group(1) or m.group(2)), "title"
    for p in range(1, min(len(texts), 3) + 1):
        if m := _YEAR_COVER.search(texts[p - 1]):
            return int(m.group(1)), "cover"
    years = _YEAR_PATH.findall(str(path))
    if years:
        return int(years[-1]), "path"
    return (fallback, "setting") if fallback else (None, "")


__all__ = ["assign_tables", "budget_year", "department_and_unit"]
