"""What a table layout declares: how to find it, its columns, and how its rows become records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..model import RawRow, Row


@dataclass(frozen=True)
class Column:
    field: str
    keywords: tuple[str, ...]  # any of these in a header cell names the column


class Layout(Protocol):
    name: str
    title: str
    columns: tuple[Column, ...]

    def page_may_hold(self, text: str) -> bool:
        """Whether a page's text suggests the table (or its continuation) is on it."""

    def build(self, raw: list[RawRow], department: str) -> tuple[list[Row], list[str]]:
        """Rows as records (合计, units, projects) and log lines on the decisions taken."""


_HAN = "\u3400-\u9fff\uf900-\ufaff"
# a space a producer sets at the end of a line between two Chinese characters (platypus does, at its wraps)
# is not in the text: Chinese is written without spaces; elsewhere (``≥ `` then ``96%``) it is kept
_WRAP_SPACE = re.compile(rf"(?<=[{_HAN}])[ \t\u00a0]+\n(?=[{_HAN}])")


def squash(text: str) -> str:
    """A cell's lines joined as Chinese text is: nothing added between lines, spaces printed inside
    the cell kept (``实施周期指标值: ≥90%``, ``≥ `` at a line's end before ``96%``), but not a space at a
    wrap between two Chinese characters; the cell's outer white space stripped."""
    text = _WRAP_SPACE.sub("\n", (text or "").replace("\r", ""))
    return text.replace("\n", "").strip()


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
