"""A page's characters as the PDF draws them, clipped or not (pypdfium2), and the runs of text they make:
what a cell holds beyond the part of it a page shows.

Report engines draw each cell's text in one go — its lines one after the other in the page's content — and
clip it to the cell: a text longer than its cell runs on below it (drawn, not shown), and a project's name
centred in cells merged down two pages is drawn where the whole cell would be, below the table on the first
page and above it on the second, and shown on one (or half on each).  The text layer keeps every character
drawn, in the order drawn, so a cell's whole text is the run of characters drawn from it (``runs``): the
characters that follow each other along a line, then down to the next line at the same left edge.  Where a
text overflows its cell, its last lines lie over the next cell's first: by position alone (as camelot reads
cells) they would be read into the wrong cell.  Characters pdfium generates (spaces and line breaks it
infers) are left out: only what the PDF draws is read.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .retext import _clip


@dataclass(frozen=True)
class Char:
    text: str
    x: float  # centre of its box, PDF points
    y: float  # centre of the font's box
    height: float
    base: float = 0.0  # its baseline (the same for every character of a line, whatever its font)
    clip: tuple[float, float, float, float] | None = None  # the box the producer clips it to, if any


@dataclass
class Run:
    """Characters drawn one after another as one block of text (a cell's text), in lines."""

    chars: list[Char]

    @property
    def top(self) -> float:
        return max(c.y for c in self.chars)

    @property
    def bottom(self) -> float:
        return min(c.y for c in self.chars)

    @property
    def lines(self) -> list[str]:
        out: list[list[Char]] = []
        for c in self.chars:
            if out and abs(out[-1][-1].base - c.base) <= 0.3 * max(c.height, out[-1][-1].height, 1.0):
                out[-1].append(c)
            else:
                out.append([c])
        return ["".join(c.text for c in sorted(line, key=lambda c: c.x)).strip() for line in out]

    @property
    def text(self) -> str:
        return "\n".join(line for line in self.lines if line and not _FOOTER.match(line))


# a page number printed under a table (— 12 —, 第12页, 12/60); a bare number is an amount's
_FOOTER = re.compile(r"^[-—－–]+\s*\d{1,4}\s*[-—－–]+$|^第?\s*\d+\s*页(?:[\s，,、]*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")


class _Open:
    """A run being read: its characters, its left and right edges, its distance from line to line."""

    def __init__(self, c: Char, order: int) -> None:
        self.order = order  # where its first character is drawn
        self.chars = [c]
        self.left = self.right = c.x
        self.pitch: float | None = None

    def takes(self, c: Char, latest: bool, page: tuple[float, float] | None = None) -> bool:
        """Whether ``c`` follows on the run's last line (no wider gap than a character's) or begins its next
        line down, within its edges: as far below as its lines are apart (a cell sets its lines at one pitch:
        a line further or nearer is another cell's), or (a run of one line) ``latest``, the run drawn last, at
        the pitch of the page's lines of text as tall (``page``: pitch and height), where it has one."""
        last = self.chars[-1]
        h = max(last.height, c.height, 1.0)
        down = last.base - c.base
        if abs(down) <= 0.3 * h:  # on its line, after it (a character a little above or below the last and on
            # it is another text's line drawn over this one: a text overflowing its cell over the next cell's)
            return (0.5 if abs(down) > 0.1 * h else -0.6) * h <= c.x - last.x <= 2.2 * h
        if not (0.6 * h <= down <= 2.6 * h and self.left - 1.6 * h <= c.x <= self.right + 0.6 * h):
            return False
        if self.pitch is None:
            if page is not None and abs(h - page[1]) <= 0.1 * page[1]:
                return latest and abs(down - page[0]) <= PITCH * page[0]
            return latest
        return abs(down - self.pitch) <= PITCH * self.pitch

    def add(self, c: Char) -> None:
        last = self.chars[-1]
        if abs(last.base - c.base) > 0.3 * max(last.height, c.height, 1.0):
            self.pitch = last.base - c.base
        self.chars.append(c)
        self.left, self.right = min(self.left, c.x), max(self.right, c.x)


OPEN = 6  # runs a character may still go on: pdfium gives the text objects of one line left to right, so the
#           rest of a cell's line may come after a neighbouring cell's text drawn at the same height
PITCH = 0.15  # how far a run's next line may lie from its pitch (lines set on a pixel grid: 10.34, 10.34, 11.28)


def runs(chars: list[Char]) -> list[Run]:
    """The page's characters cut into runs: a character goes on with the most recent of the last few runs it
    follows (on its line, or on its next line down), else begins a run of its own.  A run of one line goes on
    with a line below it only at the page's pitch (its runs of three lines or more: a cell's first line
    chained to the line of the cell below it would take that cell's first line for its own)."""
    chars = _without_footer(chars)
    first = _runs(chars, None)
    pitches = [(d, h) for r in first for d, h in _pitches(r)[1:]]
    if not pitches:
        return first
    pitch = sorted(d for d, _ in pitches)[len(pitches) // 2]
    height = sorted(h for _, h in pitches)[len(pitches) // 2]
    return _runs(chars, (pitch, height))


def _without_footer(chars: list[Char]) -> list[Char]:
    """The characters but those of a line that is a page number (第 24 页，共 40 页): drawn under the table
    where a cell's text going on to the next page is, its first character would be read into that text."""
    lines: dict[float, list[Char]] = {}
    for c in chars:
        lines.setdefault(round(c.base, 1), []).append(c)
    drop = {base for base, line in lines.items()
            if _FOOTER.match("".join(c.text for c in sorted(line, key=lambda c: c.x)).strip())}
    return [c for c in chars if round(c.base, 1) not in drop] if drop else chars


def _pitches(run: Run) -> list[tuple[float, float]]:
    """(distance, line height) from each line of a run to the next."""
    out: list[tuple[float, float]] = []
    last = run.chars[0]
    for c in run.chars[1:]:
        h = max(last.height, c.height, 1.0)
        if last.base - c.base > 0.3 * h:
            out.append((last.base - c.base, h))
        last = c
    return out


def _runs(chars: list[Char], page: tuple[float, float] | None) -> list[Run]:
    done: list[_Open] = []
    active: list[_Open] = []
    for k, c in enumerate(chars):
        run = next((r for r in reversed(active) if r.takes(c, r is active[-1], page)), None)
        if run is not None and _beside(run.chars[-1], c):
            # taken by a run whose line lies a little above or below (a text drawn over another's line): a run
            # on its own line that takes it is its text's
            run = next((r for r in reversed(active) if r is not run and _on_line(r.chars[-1], c)
                        and r.takes(c, r is active[-1], page)), run)
        if run is None:
            run = _Open(c, k)
            active.append(run)
            if len(active) > OPEN:
                done.append(active.pop(0))
        else:
            run.add(c)
            active.remove(run)
            active.append(run)
    done += active
    out = [Run(r.chars) for r in sorted(done, key=lambda r: r.order)]
    return [r for r in out if not _FOOTER.match(r.text.strip())]


def _on_line(last: Char, c: Char) -> bool:
    return abs(last.base - c.base) <= 0.1 * max(last.height, c.height, 1.0)


def _beside(last: Char, c: Char) -> bool:
    h = max(last.height, c.height, 1.0)
    return 0.1 * h < abs(last.base - c.base) <= 0.3 * h


class PageChars:
    """The characters of a PDF's pages in the order drawn, read once per page when first asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pages: dict[int, list[Char]] = {}
        self._runs: dict[int, list[Run]] = {}
        self._doc: pdfium.PdfDocument | None = None

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None

    def chars(self, page: int) -> list[Char]:
        if page not in self._pages:
            if self._doc is None:
                self._doc = pdfium.PdfDocument(str(self.path))
            pdf_page = self._doc[page - 1]
            # positions from the media box's lower left corner, as camelot (pdfminer) gives its cells'
            left0, bottom0, _, _ = pdf_page.get_mediabox()
            textpage = pdf_page.get_textpage()
            raw = textpage.raw
            box = pdfium_c.FS_RECTF()
            ox, oy = ctypes.c_double(), ctypes.c_double()  # a character's origin: its baseline
            out = []
            clips: dict[int, tuple[float, float, float, float] | None] = {}  # per text object

            def at(px: float, py: float) -> tuple[float, float]:
                return px - left0, py - bottom0

            for i in range(pdfium_c.FPDFText_CountChars(raw)):
                code = pdfium_c.FPDFText_GetUnicode(raw, i)
                if code in (0, 10, 13) or pdfium_c.FPDFText_IsGenerated(raw, i):
                    continue
                # the loose box: the font's ascent to descent, the same for every character of a line (a comma's
                # own box sits below the line's middle)
                pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(box))
                pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
                x, y = (box.left + box.right) / 2 - left0, (box.bottom + box.top) / 2 - bottom0
                # pdfium reports a hyphen that ends a line as 0x02 (a soft hyphen); the PDF draws "-"
                obj = pdfium_c.FPDFText_GetTextObject(raw, i)
                key = ctypes.cast(obj, ctypes.c_void_p).value or 0
                if key not in clips:
                    clips[key] = _clip(obj, at)
                out.append(Char("-" if code == 2 else chr(code), x, y, abs(box.top - box.bottom), oy.value - bottom0,
                                clips[key]))
            textpage.close()
            pdf_page.close()
            self._pages[page] = out
        return self._pages[page]

    def runs(self, page: int) -> list[Run]:
        if page not in self._runs:
            self._runs[page] = runs(self.chars(page))
        return self._runs[page]


__all__ = ["Char", "PageChars", "Run", "runs"]
