"""What a table layout declares: how to find it, its columns, and how its rows become records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..read.source import LayoutReading, Source


@dataclass(frozen=True)
class Column:
    field: str
    keywords: tuple[str, ...]  # any of these in a header cell names the column


class Layout(Protocol):
    """A layout of the 绩效目标表: how to recognise its pages (by the labels of its header, not by the title
    alone: forms are titled ``XX项目绩效目标表``, lists ``项目支出绩效目标表`` like the seed's table), and how
    to read them into the one set of tidy tables (``Row`` with its ``Indicator`` list, ``DepartmentTarget``).

    name: the layout's id, as the ``layout`` column writes it.
    label: what the layout is, in words (for messages).
    short: its name in a few words (a column of the report's front page).
    title: the words its title is usually printed with (for messages).
    item_grammar: its 绩效指标 are items of one text cell (numbering and grammar checks apply).
    unit_rows: it prints units and a 合计 row (their sums are checked).
    amount_places: the decimals its amounts print (more are a misprint, flagged, never rounded); optional,
        ``amounts.PLACES`` (six, what the tables hold) when a layout does not say.
    sum_parts(row): optional; the amount lines (label, text) of ``row.amount_lines`` printed as parts of its
        total under labels that are none of 财政拨款 / 财政专户 / 其他资金 (a form's 中央财政资金 and 市级财政资金):
        where there are any, the layout checks the total against all its printed parts itself, and the shared
        check of 总计 against 财政拨款 + 财政专户拨款 + 其他资金 alone does not run on the row.
    """

    name: str
    label: str
    short: str
    title: str
    item_grammar: bool
    unit_rows: bool

    def claims(self, text: str) -> bool:
        """Whether a page's text shows this layout's table (its header's labels) or its continuation."""

    def read(self, source: Source, pages: list[int], notes: list[str]) -> LayoutReading:
        """The layout's tables on ``pages`` (those it claimed, and the pages that continue them); log lines
        go to ``notes``."""


_HAN = "\u3400-\u9fff\uf900-\ufaff"
# a space a producer sets at the end of a line between two Chinese characters (platypus does, at its wraps)
# is not in the text: Chinese is written without spaces; elsewhere (``≥ `` then ``96%``) it is kept
_WRAP_SPACE = re.compile(rf"(?<=[{_HAN}])(?:[ \t\u00a0]+\n[ \t\u00a0]*|\n[ \t\u00a0]+)(?=[{_HAN}])")
# a run of white space that a producer pads a line with (justified text, 60 spaces after a 。): not the text's
_PADDING = re.compile(r"[ \t\u00a0\u3000]{3,}")


def squash(text: str) -> str:
    """A cell's lines joined as Chinese text is: nothing added between lines, spaces printed inside
    the cell kept (``实施周期指标值: ≥90%``, ``≥ `` at a line's end before ``96%``), but not a space at a
    wrap between two Chinese characters (at the end of a line or the start of the next), nor a run of three
    or more that pads a line; the cell's outer white space stripped."""
    text = _WRAP_SPACE.sub("\n", (text or "").replace("\r", ""))
    return _PADDING.sub("", text.replace("\n", "")).strip()


def join_parts(a: str, b: str) -> str:
    """The text of a cell split across a page break: its parts joined as its lines are (``squash``)."""
    return squash(f"{a}\n{b}") if a and b else (a or b).strip()


def header_fields(cells: list[str], columns: tuple[Column, ...]) -> dict[int, str]:
    """Map column index → field from a header row; empty if the row is not a header."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        text = re.sub(r"\s+", "", cell or "")
        for col in columns:
            if col.field not in taken and any(k in text for k in col.keywords):
                mapping[i] = col.field
                taken.add(col.field)
                break
    return mapping


__all__ = ["Column", "Layout", "header_fields", "join_parts", "squash"]
