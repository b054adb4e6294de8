"""The whole text of each cell of an indicator list's page, from the text layer's runs (``read.runs``): the
lines a cell draws beyond its rules included — below them where a text overflows its cell, below the
table's last rule where a cell goes on to the next page.  Used by ``layouts.indicator_list``."""

from __future__ import annotations

import bisect
import itertools
import re
from typing import TYPE_CHECKING

from .base import squash

if TYPE_CHECKING:
    from ..read.cells import Span
    from ..read.runs import Char, PageChars, Run
    from .indicator_list import PageTable


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2026"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}])")


def clean(lines: str) -> str:
    """A cell's text from its printed lines: a gap between two Chinese characters is the producer's spacing
    (justified or letter-spaced lines), not text; a line of single characters set apart (``1 1 0 0 0``) is
    one word; the lines joined as Chinese text is (``base.squash``)."""
    out = []
    for line in (lines or "").replace("\r", "").split("\n"):
        tokens = line.split()
        if len(tokens) >= 3 and all(len(t) == 1 for t in tokens):
            line = "".join(tokens)
        out.append(_CJK_GAP.sub("", line))
    return squash("\n".join(out))


class PageText:
    """The whole text of each cell of a page's table: the runs of characters drawn from it (``read.runs``),
    the lines it draws beyond its rules included — below them where a text overflows its cell, below the
    table's last rule where a cell goes on to the next page (``goes_on``).  A run is a cell's when most of its
    characters lie in it; a run below the table is the last cell's of its column.  Where the runs inside a
    page's cells do not give the cells' text (another coordinate system, characters drawn one by one out of
    order), the page's cells keep the text they show (camelot's)."""

    def __init__(self, chars: PageChars, table: PageTable, goes_on: bool, notes: list[str]) -> None:
        self.table = table
        self.doubts: list[tuple[int, str]] = []  # cells whose characters are drawn over each other
        self._spans: dict[int, list[list[Char]]] = {}
        self._absent: dict[str, list[list[Char]]] = {}
        self._above: dict[int, list[list[Char]]] = {}
        grid = table.grid
        self.tops = [-top for top, _ in grid.rows_y]
        self.lefts = [a for a, _ in grid.cols_x]
        runs = [self.split(part) for run in chars.runs(table.page) for part in self.by_column(run)]
        # a run's cell is where most of its characters lie (the first of equals); its lines in a cell that holds
        # another run's own text are text overflowing from its cell (clipped when printed), in a cell without
        # text of its own they are that cell's (two cells' lines drawn one after the other)
        spans = {id(s): s for s in grid.spans}
        top = self.top_aligned(runs, spans)
        homes: dict[int, int] = {}
        hanging: dict[int, int] = {}  # runs whose cell would be another, were the table aligned otherwise
        for i, pieces in enumerate(runs):
            inside = {key[1]: group for key, group in pieces.items() if key[0] == "span"}
            if not inside:
                continue
            # its cell: where its first line lies (text set from the cell's top) or its middle (text centred),
            # else where most of it lies
            chars = [c for group in pieces.values() for c in group]
            first = max(chars, key=lambda c: c.base)
            middle = (max(c.y + c.height / 2 for c in chars) + min(c.y - c.height / 2 for c in chars)) / 2
            anchor = self.span_at(first.x, first.y if top else middle)
            homes[i] = anchor if anchor in inside else max(inside, key=lambda k: (len(inside[k]), inside[k][0].y))
            other = self.span_at(first.x, middle if top else first.y)
            if other != anchor and other in inside and anchor in inside:
                hanging[i] = other
        for i, other in hanging.items():  # ... and that other cell holds a text of its own: drawn over each other
            if any(j != i and home == other for j, home in homes.items()):
                text = self._text([g for key, g in runs[i].items() if key[0] == "span"])
                self.doubts.append((table.page, f"a text runs over the cells around it and which is its own depends "
                                                f"on how the table aligns its text ({text[:20]!r})"))
        # a run below the table (drawn, not shown) is the text of its column's last cell, which goes on to the
        # next page
        below: dict[tuple[int, object], int] = {}
        for i, pieces in enumerate(runs):
            if i not in homes:
                for (kind, where), _ in pieces.items():
                    if kind == "below" and goes_on and where is not None and (s := grid.at(table.last - 1, where)):
                        below[i, where] = id(s)
        owned = set(homes.values()) | set(below.values())
        for i, pieces in enumerate(runs):
            if i not in homes:
                for (kind, where), group in pieces.items():
                    edge = grid.at(table.first if kind == "above" else table.last - 1, where) \
                        if isinstance(where, int) else None
                    if edge is not None and id(edge) not in owned and all(self.cut(c) for c in group):
                        # a line cut in half by the table's first or last rule (where a page breaks), in a cell
                        # that shows no text of its own: that cell's
                        self._spans.setdefault(id(edge), []).append(group)
                        owned.add(id(edge))
                    elif kind == "above" and where is not None:
                        self._above.setdefault(where, []).append(group)
                    elif kind == "absent":
                        self._absent.setdefault(where, []).append(group)
                    elif kind == "below" and (i, where) in below:
                        self._spans.setdefault(below[i, where], []).append(group)
                continue
            home = homes[i]
            for (kind, where), group in pieces.items():
                if kind == "span" and where != home and where not in owned:
                    self._spans.setdefault(where, []).append(group)  # type: ignore[arg-type]
                elif kind == "above" and not all(self.cut(c) for c in group):
                    # the header (or title) drawn just before it: not its text; a line cut in half by the table's
                    # top rule (where a page breaks) is
                    if where is not None:
                        self._above.setdefault(where, []).append(group)  # type: ignore[arg-type]
                elif kind != "absent":  # its own, its overflow into other cells and below the table
                    self._spans.setdefault(home, []).append(group)
        self._spans = {k: sorted(v, key=lambda g: -g[0].y) for k, v in self._spans.items() if k in spans}
        checked = agree = 0
        for span in grid.spans:
            inside_table = table.first <= span.r0 and span.r1 < table.last
            if inside_table and span.text and len(self._spans.get(id(span), [])) == 1:
                checked += 1
                agree += _flat(span.text) == _flat(self.span(span, check=False))
                if checked == 30:
                    break
        self.ok = checked == 0 or agree * 2 > checked
        if not self.ok:
            notes.append(f"page {table.page}: the text layer's runs do not give its cells' text ({agree}/{checked}): "
                         f"its cells keep the text they show")

    def by_column(self, run: Run) -> list[Run]:
        """A run cut where it crosses from one column into another (cells printed side by side on one line
        and drawn one after the other)."""
        from ..read.runs import Run

        parts: dict[int | None, list[Char]] = {}
        for c in run.chars:
            parts.setdefault(self.column(c.x), []).append(c)
        return [Run(group) for group in parts.values()]

    def span_at(self, x: float, y: float) -> int | None:
        """The id of the data cell at (x, y)."""
        table, grid = self.table, self.table.grid
        r = bisect.bisect_left(self.tops, -y) - 1
        col = self.column(x)
        if col is None or not table.first <= r < table.last or grid.rows_y[r][1] > y:
            return None
        s = grid.at(r, col)
        return id(s) if s is not None else None

    def top_aligned(self, runs: list[dict[tuple[str, object], list[Char]]], spans: dict[int, Span]) -> bool:
        """Whether the table sets its cells' text from their top (else centred), from the runs that lie whole
        in cells at least two of their lines taller than them: how far each is from its cell's top and foot."""
        grid = self.table.grid
        gaps = []
        for pieces in runs:
            if len(pieces) != 1:
                continue
            (kind, where), group = next(iter(pieces.items()))
            if kind != "span":
                continue
            span = spans[where]  # type: ignore[index]
            top, bottom = grid.rows_y[span.r0][0], grid.rows_y[span.r1][1]
            high, low = max(c.y + c.height / 2 for c in group), min(c.y - c.height / 2 for c in group)
            h = max(c.height for c in group)
            if (top - bottom) - (high - low) >= 2 * h:
                gaps.append((top - high, low - bottom))
        if len(gaps) < 3:
            return False
        above = sorted(g[0] for g in gaps)[len(gaps) // 2]
        below = sorted(g[1] for g in gaps)[len(gaps) // 2]
        return above * 3 < below

    def cut(self, c: Char) -> bool:
        """Whether ``c`` is drawn across the table's top or bottom rule, a quarter of its height past it or
        more (a line cut in half where a page breaks; a header's label may touch the rule, not cross it)."""
        t = self.table
        return abs(c.y - t.top) < c.height / 4 or abs(c.y - t.bottom) < c.height / 4

    def column(self, x: float) -> int | None:
        k = bisect.bisect_right(self.lefts, x) - 1
        return k if k >= 0 and x <= self.table.grid.cols_x[k][1] else None

    def locate(self, c: Char) -> tuple[int | None, int | None]:
        grid = self.table.grid
        r = bisect.bisect_left(self.tops, -c.y) - 1
        row = r if 0 <= r < grid.n_rows and grid.rows_y[r][1] <= c.y else None
        return row, self.column(c.x)

    def split(self, run: Run) -> dict[tuple[str, object], list[Char]]:
        """A run's characters by where they lie: in a cell of the table's data (``span``, by id), above or
        below its data (by column), or in a column no rule crosses (``absent``, by field)."""
        table, grid = self.table, self.table.grid
        out: dict[tuple[str, object], list[Char]] = {}
        for c in run.chars:
            r, col = self.locate(c)
            if col is None:
                f = next((f for f, (a, b) in table.absent.items() if a <= c.x <= b), None)
                key: tuple[str, object] = ("above", None) if c.y > table.top or f is None else ("absent", f)
            elif r is not None and table.first <= r < table.last and (s := grid.at(r, col)) is not None:
                key = ("span", id(s))
            else:
                key = ("above", col) if c.y > table.top else ("below", col)
            out.setdefault(key, []).append(c)
        return out

    @staticmethod
    def _text(groups: list[list[Char]]) -> str:
        """A cell's text from its runs' characters: in lines top to bottom, each left to right."""
        from ..read.runs import Run

        chars = sorted((c for g in groups for c in g), key=lambda c: -c.base)
        lines: list[list[Char]] = []
        for c in chars:
            if lines and abs(lines[-1][0].base - c.base) <= 0.3 * max(c.height, lines[-1][0].height, 1.0):
                lines[-1].append(c)
            else:
                lines.append([c])
        return clean("\n".join(Run(sorted(line, key=lambda c: c.x)).text for line in lines))

    def span(self, span: Span, check: bool = True) -> str:
        if check and not self.ok:
            return clean(span.lines or span.text)
        groups = self._spans.get(id(span), [])
        if check and _overdrawn(groups):
            self.doubts.append((self.table.page, f"a cell's text is drawn over another ({self._text(groups)[:20]!r})"))
        return self._text(groups)

    def absent(self, f: str) -> str:
        return self._text(self._absent.get(f, [])) if self.ok else ""

    def above(self, span: Span) -> str:
        """What is drawn above the table in ``span``'s columns (its header, a cell of the page before)."""
        return "".join(_flat(self._text([g])) for c in span.cols for g in self._above.get(c, []))


def _overdrawn(groups: list[list[Char]]) -> bool:
    """Whether two of the characters lie on one another (two texts drawn over each other, read as one)."""
    chars = sorted((c for g in groups for c in g if not c.text.isspace()), key=lambda c: (round(c.base), c.x))
    return any(abs(a.base - b.base) < 0.1 * a.height and abs(a.x - b.x) < 0.08 * a.height
               and a.text.isalnum() and b.text.isalnum()  # a mark squeezed under a character is no other text
               for a, b in itertools.pairwise(chars))



__all__ = ["PageText", "clean"]
