"""Draw a 项目支出绩效目标表 from ground-truth JSON with reportlab, the way budget systems export it.

A4 landscape, seven columns, the title, the 部门名称/单位 line and the header row repeated on every
page, wrapped cells, project names indented under their unit and an embedded CJK font.  Options
give the other producers the tests need: borderless, top-aligned, no indentation and tall rows
that a report engine splits across a page break (the rest continues under the next page's header).

``render()`` returns the 1-based page on which each row starts: the layout's own ground truth.
This script is a fixture generator; ``budgetlib`` never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HEADER = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
AMOUNT_KEYS = ["total", "fiscal", "special_account", "other"]
FONTS = {
    "wqy": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
}


def font_file(font: str) -> tuple[str, int]:
    """The TrueType file (and face index) of ``font``: ``wqy``, ``uming`` or a face of ``faces.FACES``
    (the Noto CJK faces as TrueType copies)."""
    if font in FONTS:
        return FONTS[font]
    from faces import reportlab_font

    return reportlab_font(font)

CID_FONTS = ("STSong-Light",)  # the reader's own font, not embedded in the PDF


@dataclass
class Style:
    font: str = "wqy"
    font_size: float = 7.5
    leading: float = 9.5
    pad: float = 3.0
    ruled: bool = True
    line_width: float = 0.5
    valign: str = "middle"  # or "top", "bottom"
    indent: bool = True
    split_rows: bool = False
    col_widths: list[float] = field(default_factory=lambda: [128, 50, 50, 56, 50, 196, 256])
    margin_x: float = 28
    margin_top: float = 30
    margin_bottom: float = 30
    page_numbers: bool = False
    row_rule: tuple[float, str] | None = None  # (width, grey) of the rules between data rows, if thinner
    header_rule: bool = True  # False: no rule between the header and the first row (header shaded instead)
    header: tuple[str, ...] = tuple(HEADER)  # the labels as printed (some producers space them: 总  计)
    decimals: int = 2  # amounts printed with this many decimals (0: whole numbers, 1,250)
    unit_line: bool = True  # False: no 单位：万元 on the page
    # row height: "auto" (the lines and the padding), "tight" (exactly the lines: text touches the rules),
    # "small" (less than the lines: text crosses the rules, as in a sheet whose heights were set by hand)
    row_height: str = "auto"
    outer_only: bool = False  # ruled: only a box round the table (and the header's rule)
    repeat_header: bool = True  # the title, 部门名称 line and header on every page, or on page 1 only
    orientation: str = "landscape"  # or "portrait", or "rotate" (portrait page, /Rotate 90, drawn turned)
    scale: float = 1.0  # the whole page drawn smaller (a "fit to page" print)


def fmt_amount(value: str | None, decimals: int = 2) -> str:
    if value in (None, ""):
        return ""
    return f"{float(value):,.{decimals}f}"


def row_cells(row: dict, decimals: int = 2) -> list[str]:
    """The row's cells as printed; ``row["printed"]`` overrides an amount's text (a malformed cell)."""
    printed = row.get("printed", {})
    return [row["name"], *(printed.get(k, fmt_amount(row[k], decimals)) for k in AMOUNT_KEYS), row["goal"],
            row["indicators_text"]]


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for ch in text:
        if pdfmetrics.stringWidth(cur + ch, font, size) > width and cur:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur or not lines:
        lines.append(cur)
    return lines if text else []


class _Drawer:
    def __init__(self, path: Path, truth: dict, style: Style) -> None:
        self.style = style
        self.truth = truth
        if style.font in CID_FONTS:
            self.font = style.font
            if self.font not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(self.font))
        else:
            font_path, index = font_file(style.font)
            self.font = f"F_{style.font}"
            if self.font not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(self.font, font_path, subfontIndex=index))
        # the page as drawn (landscape A4 unless portrait); "rotate" draws it turned on a portrait sheet
        self.pagesize = portrait(A4) if style.orientation == "portrait" else landscape(A4)
        sheet = portrait(A4) if style.orientation == "rotate" else self.pagesize
        self.c = canvas.Canvas(str(path), pagesize=sheet, pageCompression=1, invariant=1)
        self.c.setTitle(truth["title"])
        self.page = 0
        self._after_header = False
        self._drawn_rows = 0
        self.xs = [style.margin_x]
        for w in style.col_widths:
            self.xs.append(self.xs[-1] + w)

    # -- page furniture -------------------------------------------------------------------------
    def new_page(self) -> None:
        if self.page:
            self.close_table()
            if self.style.page_numbers:
                self.c.setFont(self.font, 8)
                self.c.drawCentredString(self.pagesize[0] / 2, 14, f"第 {self.page} 页")
            self.c.showPage()
        self.page += 1
        s = self.style
        w, h = self.pagesize
        if s.orientation == "rotate":  # landscape content turned a quarter on a portrait page
            self.c.setPageRotation(90)
            self.c.translate(h, 0)
            self.c.rotate(90)
        if s.scale != 1.0:
            self.c.translate((1 - s.scale) * w / 2, (1 - s.scale) * h / 2)
            self.c.scale(s.scale, s.scale)
        y = h - s.margin_top
        if self.page > 1 and not s.repeat_header:
            self.y = y
            return
        self.c.setFont(self.font, 15)
        self.c.drawCentredString(w / 2, y - 12, self.truth["title"])
        y -= 30
        self.c.setFont(self.font, 9)
        self.c.drawString(s.margin_x, y, f"部门名称：{self.truth['department']}")
        if s.unit_line:
            self.c.drawRightString(self.xs[-1], y, f"单位：{self.truth['amount_unit']}")
        y -= 8
        self.y = y
        self.draw_row([[t] if pdfmetrics.stringWidth(t, self.font, s.font_size) <= width - 2 * s.pad
                       else wrap(t, width - 2 * s.pad, self.font, s.font_size)
                       for t, width in zip(s.header, s.col_widths)], header=True)

    def close_table(self) -> None:
        """The box's bottom rule under the last row of a page (outer_only)."""
        if self.style.ruled and self.style.outer_only and self.page:
            self.c.line(self.xs[0], self.y, self.xs[-1], self.y)

    def finish(self) -> None:
        self.close_table()
        if self.style.page_numbers:
            self.c.setFont(self.font, 8)
            self.c.drawCentredString(self.pagesize[0] / 2, 14, f"第 {self.page} 页")
        self.c.save()

    def _rule(self, x0: float, y0: float, x1: float, y1: float, thin: bool) -> None:
        if thin and self.style.row_rule:
            width, grey = self.style.row_rule
            if width == 0:  # the producer draws no rule between data rows
                return
            self.c.saveState()
            self.c.setLineWidth(width)
            self.c.setStrokeColor(grey)
            self.c.line(x0, y0, x1, y1)
            self.c.restoreState()
        else:
            self.c.line(x0, y0, x1, y1)

    # -- rows -------------------------------------------------------------------------------------
    def height(self, lines: list[list[str]], header: bool = False) -> float:
        n = max(len(cell) for cell in lines)
        if header or self.style.row_height == "auto":
            return n * self.style.leading + 2 * self.style.pad
        if self.style.row_height == "tight":  # the lines' ascent to descent, nothing more
            return (n - 1) * self.style.leading + self.style.font_size * 1.1
        return max((n - 1) * self.style.leading + self.style.font_size * 0.8, n * self.style.leading * 0.8)

    def draw_row(self, lines: list[list[str]], header: bool = False, indent: bool = False,
                 valign: str | None = None) -> None:
        s = self.style
        valign = valign or s.valign
        h = self.height(lines, header)
        top = self.y
        bottom = top - h
        c = self.c
        c.setLineWidth(s.line_width)
        if header and not s.header_rule:
            c.setFillGray(0.85)
            c.rect(self.xs[0], bottom, self.xs[-1] - self.xs[0], h, stroke=0, fill=1)
            c.setFillGray(0)
        if s.ruled and s.outer_only:
            c.line(self.xs[0], top, self.xs[0], bottom)
            c.line(self.xs[-1], top, self.xs[-1], bottom)
            if header:
                c.line(self.xs[0], top, self.xs[-1], top)
                c.line(self.xs[0], bottom, self.xs[-1], bottom)
        elif s.ruled:
            if not (not header and self._after_header and not s.header_rule):
                self._rule(self.xs[0], top, self.xs[-1], top, thin=not header and self._drawn_rows > 0)
            if not (header and not s.header_rule):
                self._rule(self.xs[0], bottom, self.xs[-1], bottom, thin=not header)
            for x in self.xs:
                c.line(x, top, x, bottom)
        elif header:
            c.line(self.xs[0], bottom, self.xs[-1], bottom)
        self._after_header = header
        self._drawn_rows = 0 if header else self._drawn_rows + 1
        c.setFont(self.font, s.font_size)
        pad = s.pad if header or s.row_height == "auto" else 0.0
        for col, cell in enumerate(lines):
            block = (len(cell) - 1) * s.leading + s.font_size  # first ascent to last baseline
            if valign == "middle" or header:
                y0 = top - (h - block) / 2 - s.font_size * (0.9 if s.row_height == "auto" else 0.95)
                if s.row_height == "auto" or header:
                    y0 = top - (h - len(cell) * s.leading) / 2 - s.font_size
            elif valign == "bottom":
                y0 = bottom + pad + (len(cell) - 1) * s.leading + s.font_size * 0.15
            else:
                y0 = top - pad - s.font_size * 0.95
            for i, text in enumerate(cell):
                y = y0 - i * s.leading
                if header:
                    c.drawCentredString((self.xs[col] + self.xs[col + 1]) / 2, y, text)
                elif 1 <= col <= 4:
                    c.drawRightString(self.xs[col + 1] - s.pad, y, text)
                else:
                    x = self.xs[col] + s.pad + (2 * s.font_size if indent and col == 0 else 0)
                    c.drawString(x, y, text)
        self.y = bottom

    def add(self, row: dict) -> int:
        s = self.style
        indent = s.indent and row["kind"] == "project"
        cells = row_cells(row, s.decimals)
        widths = [w - 2 * s.pad - (2 * s.font_size if indent and i == 0 else 0)
                  for i, w in enumerate(s.col_widths)]
        lines = [wrap(t, w, self.font, s.font_size) for t, w in zip(cells, widths)]
        start_page = self.page
        while True:
            room = self.y - s.margin_bottom
            if self.height(lines) <= room:
                self.draw_row(lines, indent=indent)
                return start_page
            fit = int((room - 2 * s.pad) // s.leading)
            if s.split_rows and fit >= 2 and max(len(c) for c in lines) > fit:
                self.draw_row([c[:fit] for c in lines], indent=indent, valign="top")
                lines = [c[fit:] for c in lines]
                self.new_page()
                continue
            self.new_page()
            start_page = self.page


def render(truth: dict, path: Path, style: Style | None = None) -> list[int]:
    """Draw ``truth`` to ``path``; return the page on which each row starts."""
    style = style or Style()
    d = _Drawer(path, truth, style)
    d.new_page()
    pages = [d.add(row) for row in truth["rows"]]
    d.finish()
    return pages
