"""A page's characters where they are drawn, clipped or not (pypdfium2): what a merged cell cut by a page
break holds beyond the part the page shows.

Report engines draw a merged cell's text once, where the whole cell would be, and clip it to the part of
the cell a page holds: a project's name centred in cells merged down two pages is drawn on both, below the
table on the first page and above it on the second, and shown on one (or half on each).  The text layer
keeps every character drawn, so the whole text of such a cell is the characters in its column from its
top down, below the table's last rule included.  Characters pdfium generates (spaces and line breaks it
infers) are left out: only what the PDF draws is read.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(frozen=True)
class Char:
    text: str
    x: float  # centre, PDF points
    y: float
    height: float


# a page number printed under a table (— 12 —, 第12页, 12/60)
_FOOTER = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")


class PageChars:
    """The characters of a PDF's pages, read once per page when first asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pages: dict[int, list[Char]] = {}
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
            textpage = pdf_page.get_textpage()
            raw = textpage.raw
            box = pdfium_c.FS_RECTF()
            out = []
            for i in range(pdfium_c.FPDFText_CountChars(raw)):
                code = pdfium_c.FPDFText_GetUnicode(raw, i)
                if code in (0, 10, 13) or pdfium_c.FPDFText_IsGenerated(raw, i):
                    continue
                # the loose box: the font's ascent to descent, the same for every character of a line (a comma's
                # own box sits below the line's middle)
                pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(box))
                out.append(Char(chr(code), (box.left + box.right) / 2, (box.bottom + box.top) / 2,
                                abs(box.top - box.bottom)))
            textpage.close()
            pdf_page.close()
            self._pages[page] = out
        return self._pages[page]

    def lines(self, page: int, left: float, right: float, below: float, above: float = float("inf")) -> list[str]:
        """The lines of text drawn with their centres between ``left`` and ``right`` and between ``below`` and
        ``above`` (PDF points; clipped text included), top to bottom, a page number left out."""
        inside = [c for c in self.chars(page) if left <= c.x <= right and below <= c.y <= above]
        inside.sort(key=lambda c: (-c.y, c.x))
        rows: list[list[Char]] = []
        for c in inside:
            if rows and abs(rows[-1][0].y - c.y) <= max(c.height, rows[-1][0].height) * 0.5:
                rows[-1].append(c)
            else:
                rows.append([c])
        out = []
        for row in rows:
            row.sort(key=lambda c: c.x)
            text = "".join(c.text for c in row).strip()
            if text and not _FOOTER.match(text):
                out.append(text)
        return out


__all__ = ["Char", "PageChars"]
