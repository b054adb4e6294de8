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
        # cells whose characters are drawn over each other: (page, reason, its params) (messages.toml's
        # extraction_doubt.list_why)
        self.doubts: list[tuple[int, str, dict]] = []
        self._spans: dict[int, list[list[Char]]] = {}
        self._absent: dict[str, list[list[Char]]] = {}
        self._above: dict[int, list[list[Char]]] = {}
        grid = table.grid
        self.tops = [-top for top, _ in grid.rows_y]
        self.lefts = [a for a, _ in grid.cols_x]
        runs = [self.split(piece) for run in chars.runs(table.page) for part in self.by_column(run)
                for piece in self.by_pitch(part)]
        # a run's cell is where most of its characters lie (the first of equals); its lines in a cell that holds
        # another run's own text are text overflowing from its cell (clipped when printed), in a cell without
        # text of its own they are that cell's (two cells' lines drawn one after the other)
        spans = {id(s): s for s in grid.spans}
        top, self.pad = self.top_aligned(runs, spans)
        if not top:
            runs = [part for pieces in runs for part in self.by_cells(pieces, spans)]
        homes: dict[int, int] = {}
        owner: dict[int, int] = {}  # the run whose text a cell holds, where no run begins in it
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
        for i, j in itertools.combinations(homes, 2):  # two texts of one cell drawn over each other: one is not its
            if homes[i] == homes[j] and _interleave(runs[i][("span", homes[i])], runs[j][("span", homes[j])]):
                text = self._text([runs[j][("span", homes[j])]])
                self.doubts.append((table.page, "overdrawn", {"text": text[:20]}))
        # a run below the table (drawn, not shown) is the text of its column's last cell, which goes on to the
        # next page
        below: dict[tuple[int, object], int] = {}
        for i, pieces in enumerate(runs):
            if i not in homes:
                for (kind, where), _ in pieces.items():
                    if kind == "below" and goes_on and where is not None and (s := grid.at(table.last - 1, where)):
                        below[i, where] = id(s)
        owned = set(homes.values()) | set(below.values())
        for i, other in hanging.items():  # ... and that other cell holds a text of its own: drawn over each other
            # (a run that goes on into cells of no text of their own, or into the first or last lines of a cell's
            # text, is those cells' texts drawn one after the other)
            chain = any(k == "span" and w != homes[i] and (w not in owned or self.heads(
                spans[w], g, [c for j, h in homes.items() if h == w for c in runs[j][("span", w)]], top))  # type: ignore
                for (k, w), g in runs[i].items())
            if not chain and any(j != i and home == other for j, home in homes.items()):
                text = self._text([g for key, g in runs[i].items() if key[0] == "span"])
                self.doubts.append((table.page, "runs_over", {"text": text[:20]}))
        # a cell that no run begins in, where the lines of several runs lie: the one set in it as the table sets
        # its texts is its own, the others' lines overflow into it
        claims: dict[int, list[int]] = {}
        for i, home in homes.items():
            for (kind, where), _ in runs[i].items():
                if kind == "span" and where != home and where not in owned and owner.get(where, i) == i:
                    claims.setdefault(where, []).append(i)  # type: ignore[arg-type]
        for where, claimants in claims.items():
            fits = [i for i in claimants if self.aligned(spans[where], runs[i][("span", where)], top)]
            if len(claimants) > 1 and len(fits) == 1:
                owner[where] = fits[0]
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
            # its lines top to bottom: in its cell, in a cell without a text of its own (that cell's, and so are
            # the lines after them, below the table included), or overflowing from the cell of the lines above
            home = current = homes[i]
            seen = False  # a piece of it in a cell above
            for (kind, where), group in sorted(pieces.items(), key=lambda kv: -max(c.base for c in kv[1])):
                if kind == "span" and where != home and self.clipped_to(group, spans[home]):
                    # drawn over another cell of the table and clipped to its own, hidden there when printed: its
                    # cell's (not so above or below the table: a cell cut by a page break draws its text there,
                    # the other page's part, clipped to this page's)
                    self._spans.setdefault(home, []).append(group)
                    continue
                if kind == "span" and where == home:
                    current = home
                if kind == "span" and where != home and where not in owned and owner.get(where, i) == i:
                    # its first lines may be the text above overflowing into the cell: the cell's own are set
                    # in it as the table sets its texts
                    head = self.overflowing(spans[where], group, top) if seen else []  # type: ignore[index]
                    if head:
                        self._spans.setdefault(current, []).append(head)
                    self._spans.setdefault(where, []).append([c for c in group if c not in head])  # type: ignore
                    current = where  # type: ignore[assignment]
                elif kind == "span" and where != home and where not in owner and self.heads(
                        spans[where], group, [c for j, h in homes.items() if h == where  # type: ignore[index]
                                              for c in runs[j][("span", where)]], top):
                    # the first (or last) lines of another cell's text, its rest drawn apart: that cell's
                    self._spans.setdefault(where, []).append(group)  # type: ignore[arg-type]
                    current = where  # type: ignore[assignment]
                elif kind == "above" and self.over_header(group, pieces.get(("span", home), [])):
                    # its first lines drawn over the header, at its own pitch: a text overflowing its cell (set in
                    # its middle) at the top of the page
                    self._spans.setdefault(home, []).append(group)
                elif kind == "above" and not all(self.cut(c) for c in group):
                    # the header (or title) drawn just before it: not its text; a line cut in half by the table's
                    # top rule (where a page breaks) is
                    if where is not None:
                        self._above.setdefault(where, []).append(group)  # type: ignore[arg-type]
                elif kind != "absent":  # its own, its overflow into other cells and below the table
                    self._spans.setdefault(current, []).append(group)
                    if kind == "span" and where != current and _over_and_on(group, [
                            c for j, h in homes.items() if h == where and j != i for c in runs[j][("span", where)]]):
                        text = self._text([group])
                        self.doubts.append((table.page, "overflow_on", {"text": text[:20]}))
                seen = seen or kind == "span"
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

    def by_pitch(self, run: Run) -> list[Run]:
        """A run cut where its next line lies further from it or nearer than its lines are apart (a tenth of
        their distance or more: lines set on a pixel grid are apart by 10.34, 10.34, 11.28): the text of the cell
        below, drawn right after (a text overflowing its cell goes on at its own pitch)."""
        from ..read.runs import Run

        lines: list[list[Char]] = []
        for c in run.chars:
            if lines and abs(lines[-1][-1].base - c.base) <= 0.3 * max(c.height, lines[-1][-1].height, 1.0):
                lines[-1].append(c)
            else:
                lines.append([c])
        downs = [a[0].base - b[0].base for a, b in itertools.pairwise(lines)]
        if len(downs) < 2 or any(d <= 0 for d in downs):
            return [run]
        pitch = sorted(downs)[len(downs) // 2]
        out: list[list[Char]] = [list(lines[0])]
        for b, down in zip(lines[1:], downs):
            if abs(down - pitch) > 0.1 * pitch:
                out.append([])
            out[-1] += b
        return [Run(chars) for chars in out]

    def by_cells(self, pieces: dict[tuple[str, object], list[Char]], spans: dict[int, Span]
                 ) -> list[dict[tuple[str, object], list[Char]]]:
        """A run cut where a text set in the middle of its cell, and overflowing it, goes on into the text of the
        cell below, drawn right after it at (almost) its pitch: its lines down to there are set in the middle of
        one cell, the lines after them in the middle of the cell below (a text overflowing its cell alone is set
        in the middle of its cell whole, never in part)."""
        from ..read.runs import Run

        if sum(kind == "span" for kind, _ in pieces) < 2:
            return [pieces]
        lines = _by_line([c for group in pieces.values() for c in group])
        for k in range(1, len(lines)):
            upper = [c for line in lines[:k] for c in line]
            lower = [c for line in lines[k:] for c in line]
            below = {self.span_at(c.x, c.y) for c in lower}
            if len(below) != 1 or None in below:
                continue
            b = below.pop()
            middle = (max(c.y + c.height / 2 for c in upper) + min(c.y - c.height / 2 for c in upper)) / 2
            a = self.span_at(upper[0].x, middle)
            if a is None or a == b or spans[a].c0 != spans[b].c0 or spans[a].r1 >= spans[b].r0:
                continue
            if self.aligned(spans[a], upper, False) and self.aligned(spans[b], lower, False):
                return [self.split(Run(upper)), self.split(Run(lower))]
        return [pieces]

    def span_at(self, x: float, y: float) -> int | None:
        """The id of the data cell at (x, y)."""
        table, grid = self.table, self.table.grid
        r = bisect.bisect_left(self.tops, -y) - 1
        col = self.column(x)
        if col is None or not table.first <= r < table.last or grid.rows_y[r][1] > y:
            return None
        s = grid.at(r, col)
        return id(s) if s is not None else None

    def top_aligned(self, runs: list[dict[tuple[str, object], list[Char]]], spans: dict[int, Span]
                    ) -> tuple[bool, float]:
        """Whether the table sets its cells' text from their top (else centred), and how far below their cells'
        top texts begin, from the runs that lie whole in cells at least two of their lines taller than them: how
        far each is from its cell's top and foot (set from the top: nearer the top by half; centred: as far from
        both)."""
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
            return False, 0.0
        above = sorted(g[0] for g in gaps)[len(gaps) // 2]
        below = sorted(g[1] for g in gaps)[len(gaps) // 2]
        return above * 2 < below, above

    def heads(self, span: Span, part: list[Char], own: list[Char], top: bool) -> bool:
        """Whether ``part`` (lines of a run drawn from another cell) is the rest of ``own`` (the text of the cell
        ``span`` it lies in): the two lie apart, one line from each other, and the cell's text is set in it as
        the table sets its texts (from its top, or centred) with them together and not without (a text
        overflowing its cell lies over the next cell's, or apart from it by another distance than its lines')."""
        if not own:
            return False
        h = max(c.height for c in (*part, *own))
        gap = max(min(c.base for c in part) - max(c.base for c in own),
                  min(c.base for c in own) - max(c.base for c in part))
        pitch = _pitch(own) or _pitch(part)  # one line from the other: as far as the lines of either are apart
        if not 0.6 * h <= gap <= 1.6 * h or (pitch and abs(gap - pitch) > 0.15 * pitch):
            return False
        return self.aligned(span, [*part, *own], top) and not self.aligned(span, own, top)

    def overflowing(self, span: Span, part: list[Char], top: bool) -> list[Char]:
        """The first lines of ``part`` (a run's lines in ``span``, after its lines in a cell above) that are the
        text above overflowing into it: the lines after them are set in the cell as the table sets its texts,
        and ``part`` whole is not.  None when no such lines are found."""
        if self.aligned(span, part, top):
            return []
        lines = _by_line(part)
        for k in range(1, len(lines)):
            if self.aligned(span, [c for line in lines[k:] for c in line], top):
                return [c for line in lines[:k] for c in line]
        return []

    def aligned(self, span: Span, chars: list[Char], top: bool) -> bool:
        """Whether ``chars`` are set in ``span`` as the table sets its texts: from its top, as far from it as the
        table's texts are (``pad``), or centred."""
        grid = self.table.grid
        cell_top, cell_bottom = grid.rows_y[span.r0][0], grid.rows_y[span.r1][1]
        high, low = max(c.y + c.height / 2 for c in chars), min(c.y - c.height / 2 for c in chars)
        h = max(c.height for c in chars)
        if top:
            return abs(cell_top - high - self.pad) <= 0.25 * h
        return abs((high + low) / 2 - (cell_top + cell_bottom) / 2) <= 0.25 * h

    def over_header(self, part: list[Char], own: list[Char]) -> bool:
        """Whether ``part`` (a run's lines above the table's data, over its header) goes on into ``own`` (the
        run's lines in its cell, two or more) at their pitch: the text of the cell, overflowing above it."""
        grid_top = self.table.grid.rows_y[0][0]
        pitch = _pitch(own)
        if not part or pitch is None or any(not self.table.top < c.y <= grid_top for c in part):
            return False
        bases = sorted({round(c.base, 1) for c in (*part, *own)}, reverse=True)
        h = max(c.height for c in (*part, *own))
        downs = [a - b for a, b in itertools.pairwise(bases) if a - b > 0.3 * h]
        return all(abs(d - pitch) <= 0.15 * pitch for d in downs)

    def clipped_to(self, chars: list[Char], span: Span) -> bool:
        """Whether every one of ``chars`` is clipped to a box inside ``span``'s cell and drawn outside it (the
        producer clips each cell's text to the cell: a text overflowing it is drawn, not shown)."""
        grid = self.table.grid
        left, right = grid.cols_x[span.c0][0] - 2, grid.cols_x[span.c1][1] + 2
        bottom, top = grid.rows_y[span.r1][1] - 2, grid.rows_y[span.r0][0] + 2
        return bool(chars) and all(
            c.clip is not None and left <= c.clip[0] and c.clip[2] <= right and bottom <= c.clip[1]
            and c.clip[3] <= top and not c.clip[1] <= c.y <= c.clip[3] for c in chars)

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

        lines = _by_line([c for g in groups for c in g])
        return clean("\n".join(Run(sorted(line, key=lambda c: c.x)).text for line in lines))

    def span(self, span: Span, check: bool = True) -> str:
        if check and not self.ok:
            return clean(span.lines or span.text)
        groups = self._spans.get(id(span), [])
        if check and _overdrawn(groups):
            self.doubts.append((self.table.page, "drawn_over", {"text": self._text(groups)[:20]}))
        return self._text(groups)

    def absent(self, f: str) -> str:
        return self._text(self._absent.get(f, [])) if self.ok else ""

    def above(self, span: Span) -> str:
        """What is drawn above the table in ``span``'s columns (its header, a cell of the page before)."""
        return "".join(_flat(self._text([g])) for c in span.cols for g in self._above.get(c, []))


def _by_line(chars: list[Char]) -> list[list[Char]]:
    """Characters in lines, top to bottom (a line: characters on one baseline, within a third of their height)."""
    lines: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: -c.base):
        if lines and abs(lines[-1][0].base - c.base) <= 0.3 * max(c.height, lines[-1][0].height, 1.0):
            lines[-1].append(c)
        else:
            lines.append([c])
    return lines


def _pitch(chars: list[Char]) -> float | None:
    """How far apart the lines of a text are (None for one line)."""
    bases = sorted({round(c.base, 1) for c in chars}, reverse=True)
    downs = [a - b for a, b in itertools.pairwise(bases) if a - b > 0.3 * max(c.height for c in chars)]
    return sorted(downs)[len(downs) // 2] if downs else None


def _over_and_on(part: list[Char], own: list[Char]) -> bool:
    """Whether ``part`` (lines overflowing into a cell) has a line drawn over one of ``own``'s (the cell's own
    text) and another drawn over none of them (which may be the cell's own text going on)."""
    if not own or not part:
        return False
    h = max(c.height for c in (*part, *own))
    lines = {round(c.base, 1) for c in part}
    theirs = {round(c.base, 1) for c in own}
    over = [b for b in lines if any(abs(b - t) <= 0.3 * h for t in theirs)]
    return bool(over) and any(b < min(over) - 0.3 * h and all(abs(b - t) > 0.3 * h for t in theirs) for b in lines)


def _interleave(a: list[Char], b: list[Char]) -> bool:
    """Whether the lines of two texts lie among each other (a line of one between two of the other's)."""
    h = max(c.height for c in (*a, *b))
    return min(max(c.base for c in a), max(c.base for c in b)) - max(min(c.base for c in a), min(c.base for c in b)) \
        > 0.5 * h


def _overdrawn(groups: list[list[Char]]) -> bool:
    """Whether two of the characters lie on one another (two texts drawn over each other, read as one)."""
    chars = sorted((c for g in groups for c in g if not c.text.isspace()), key=lambda c: (round(c.base), c.x))
    return any(abs(a.base - b.base) < 0.1 * a.height and abs(a.x - b.x) < 0.08 * a.height
               and a.text.isalnum() and b.text.isalnum()  # a mark squeezed under a character is no other text
               for a, b in itertools.pairwise(chars))



__all__ = ["PageText", "clean"]
