"""Where a character is on the page: the em box on its baseline, not the box its font declares.

pdfminer and playa (whose layout camelot 2 reads) give each character a box one font size tall, put
below or above its baseline by the descent the font declares.  A font that declares none (``/Ascent 0
/Descent 0``, as LibreOffice writes for the Noto CJK faces it embeds) is placed by its ``/FontBBox``
instead, whose bottom lies a whole em below the baseline for those faces (−1.05 em; the box reaches
1.81 em above): every character's box then lies under its baseline, most of a line below the glyph, and a
line printed in a row with little room under it is put in the row below (合计 with the first unit's name,
a name's last line with the next project).  Other producers declare tall metrics (Noto's ascent 1.16 em,
descent −0.29 em) that move a box a fifth of an em.

What the glyph covers is fixed by its baseline and size alone: a CJK face draws its ideographs inside the
ideographic em box, 0.12 em below the baseline to 0.88 above (Noto Sans/Serif CJK and Source Han, AR PL
UMing −0.121/0.879, SimSun −0.141/0.859), and its digits, Latin letters and marks inside that box too.
``place_glyphs`` gives every upright character of a laid-out page that box, whatever its font declares,
and its text lines the union of their characters' boxes; ``GlyphHandler`` is camelot's document handler
with that done to each page's layout before the cells are filled; ``placed_chars`` does the same to
pdfplumber's characters, whose words the text-position readings cut into rows (``borderless.py``), and
``pdfium_em_box`` to pdfium's (text across a table's outer rule, ``grid.py``): every reading sees a line
where the others do.
"""

from __future__ import annotations

from typing import Any

from camelot.handlers import PDFHandler
from playa.miner import LTChar, LTContainer, LTTextBox, LTTextLine

EM_BOX = (-0.12, 0.88)  # the ideographic em box: below and above the baseline, in font sizes
_SKEW = 1e-6  # a character is upright when its matrix has no rotation or shear beyond this


def em_box(char: LTChar) -> None:
    """``char``'s box set to the em box on its baseline (in place), if it is upright; its height is its size."""
    a, b, c, d, _, baseline = char.matrix
    size = char.y1 - char.y0
    if a <= 0 or d <= 0 or abs(b) > _SKEW or abs(c) > _SKEW or size <= 0:
        return  # turned, mirrored or without size: its box is left as declared
    char.set_bbox((char.x0, baseline + EM_BOX[0] * size, char.x1, baseline + EM_BOX[1] * size))


def _fit(container: LTContainer) -> bool:
    """A text line's or box's box set to the union of its characters' (or lines'); False when empty."""
    boxes = [o.bbox for o in container if isinstance(o, LTChar | LTTextLine)]
    if not boxes:
        return False
    container.set_bbox((min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes)))
    return True


def place_glyphs(layout: Any) -> None:
    """Every upright character of a laid-out page (playa's ``LTPage``) in its em box, and every text line and
    text box around its characters (in place)."""
    for obj in layout:
        if isinstance(obj, LTChar):
            em_box(obj)
        elif isinstance(obj, LTContainer):
            place_glyphs(obj)
            if isinstance(obj, LTTextLine | LTTextBox):
                _fit(obj)


def placed_chars(chars: list[dict]) -> list[dict]:
    """pdfplumber's characters (``page.chars``), each upright one moved to its em box (new dicts: ``top``,
    ``bottom``, ``doctop``, ``y0``, ``y1``; its size is its height)."""
    out = []
    for ch in chars:
        a, b, c, d, _, baseline = ch["matrix"]
        size = ch["bottom"] - ch["top"]
        if a <= 0 or d <= 0 or abs(b) > _SKEW or abs(c) > _SKEW or size <= 0:
            out.append(ch)
            continue
        shift = baseline + EM_BOX[1] * size - ch["y1"]  # upwards, in PDF points
        out.append({**ch, "top": ch["top"] - shift, "bottom": ch["bottom"] - shift, "doctop": ch["doctop"] - shift,
                    "y0": ch["y0"] + shift, "y1": ch["y1"] + shift})
    return out


def pdfium_em_box(textpage: Any, index: int) -> tuple[float, float, float, float] | None:
    """The em box of pdfium's character ``index`` (left, bottom, right, top; PDF points): its tight width, and
    its origin and font size; None for a character pdfium made up (a space or line break it inserted)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDFText_IsGenerated(textpage, index):
        return None
    size = pdfium_c.FPDFText_GetFontSize(textpage, index)
    x, y = ctypes.c_double(), ctypes.c_double()
    if size <= 0 or not pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y):
        return None
    left, _, right, _ = textpage.get_charbox(index)
    return left, y.value + EM_BOX[0] * size, right, y.value + EM_BOX[1] * size


class GlyphHandler(PDFHandler):
    """camelot's handler, with each page's characters placed by their glyphs (``place_glyphs``) before its
    tables are found and filled."""

    def _get_layout(self, page: Any, **layout_kwargs: Any) -> tuple:
        found = super()._get_layout(page, **layout_kwargs)
        place_glyphs(found[0])
        return found


__all__ = ["EM_BOX", "GlyphHandler", "em_box", "pdfium_em_box", "place_glyphs", "placed_chars"]
