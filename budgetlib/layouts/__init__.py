"""Layouts of the 绩效目标表, as plugins behind a registry (like camelot's ``PARSERS``).

Each layout is a module with a class that recognises its pages by their header (``claims``) and reads them
into the one set of tidy tables (``read``: ``Row`` with its ``Indicator`` list, ``DepartmentTarget``); the
checks, tables and review downstream work on those whatever the layout.  To add one: write its module (its
detection, reading and row grammar), then add an instance to ``LAYOUTS`` — the first layout that claims a
page reads it, so put a layout whose header is a special case of another's before it.
"""

from __future__ import annotations

import re

from .base import Column, Layout, header_fields, join_parts, squash
from .department import Department
from .indicator_list import IndicatorList
from .performance_targets import PerformanceTargets
from .project_form import ProjectForm

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    Department(), IndicatorList(), ProjectForm(), PerformanceTargets())}

# a page that prints a 绩效目标 table's title: what ``unknown_tables`` reports when no layout claims it
_TITLE = re.compile(r"^\s*([^\n]{0,40}绩效目标[^\n]{0,12}表)", re.M)


def claimed_pages(texts: list[str]) -> dict[str, list[int]]:
    """Each layout's pages: those whose text it claims, the first claim winning (the list before the form: a
    北京 list page whose cells print a form's words, 实施期限 or 年度总目标, is claimed by both)."""
    out: dict[str, list[int]] = {}
    for i, text in enumerate(texts, start=1):
        for layout in LAYOUTS.values():
            if layout.claims(text):
                out.setdefault(layout.name, []).append(i)
                break
    return out


# a line that is a title: no sentence inside it (not ``…（详见公开报表中的绩效目标表`` in a paragraph)
_SENTENCE = re.compile(r"[，。；：,;]|详见|参见|见附")
# a list of the disclosure's tables (报表目录: 表14 部门专项业务经费绩效目标表, 表15 …)
_CONTENTS = re.compile(r"^\s*(?:报表)?目\s*录\s*$", re.M)
_LISTED = re.compile(r"^\s*(?:表|预算表)\s*\d{1,2}\b", re.M)
# a section heading of the narrative: （二）…, 七、…, 2. …
_HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[、.．])")
# a page's number as its foot (or head) prints it: — 30 —, - 22 -, 第 8 页
_PAGE_NUMBER = re.compile(r"[—\-－]*\d{1,4}[—\-－]*|第\d+页(?:[,，]?共\d+页)?")


def _no_table_after(text: str, end: int, next_read: bool) -> bool:
    """Whether a heading that ends at ``end`` of its page's text is followed by no table: on its page only
    page numbers, paragraphs (lines of a sentence) and other headings of the same kind follow it, and where
    its page ends with such a heading, the table under it is on the next page, which a layout reads
    (``next_read``).  A line of a table's cells (a header: no sentence in it) keeps it a table's title."""
    lines = [ln.strip() for ln in text[end:].splitlines()[1:] if ln.strip()]
    last_heading = True  # the heading itself
    for line in lines:
        if _PAGE_NUMBER.fullmatch(re.sub(r"\s+", "", line)):
            continue
        if _HEADING.match(line) and _TITLE.match(line):
            last_heading = True
        elif _SENTENCE.search(line):
            last_heading = False
        else:
            return False
    return next_read or not last_heading


def unknown_tables(texts: list[str], claimed: set[int]) -> list[tuple[int, str]]:
    """(page, title) of pages that print a 绩效目标表's title as a title line but that no layout claims (not
    a table of contents, not a paragraph that names the table — a title run on into a sentence on its line,
    ``…绩效目标表，本部门按照…`` or ``的绩效目标表）。`` — and not a section heading followed by no table:
    烟台's ``（二）部门主管专项资金的绩效目标表`` that ends its page, its forms on the next, read by the form
    layout, or followed by a paragraph saying there is none).  A title line over a table whose header no
    layout knows is named."""
    out = []
    for i, text in enumerate(texts, start=1):
        if i in claimed or _CONTENTS.search(text) or len(_LISTED.findall(text)) >= 5:
            continue
        for m in _TITLE.finditer(text):
            rest = text[m.end():].split("\n", 1)[0]
            if _SENTENCE.search(m.group(1)) or _SENTENCE.search(rest):
                continue
            if _HEADING.match(m.group(1)) and _no_table_after(text, m.end(), i + 1 in claimed):
                continue
            out.append((i, re.sub(r"\s+", "", m.group(1))))
            break
    return out


def detect_layout(texts: list[str]) -> Layout | None:
    """The first layout that claims a page of ``texts``."""
    found = claimed_pages(texts)
    return next((LAYOUTS[name] for name in LAYOUTS if name in found), None)


__all__ = ["LAYOUTS", "Column", "Layout", "claimed_pages", "detect_layout", "header_fields", "join_parts", "squash",
           "unknown_tables"]
