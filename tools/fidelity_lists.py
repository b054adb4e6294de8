"""The fidelity harness for the indicator list (``budgetlib/layouts/indicator_list.py``): random lists drawn
from the real lists' vocabulary, rendered the ways report engines print them, read back and compared field
by field with their own truth.

    python tools/fidelity_lists.py run [--n 120] [--seed 0] [--workers 2] [--out FILE]   # the matrix
    python tools/fidelity_lists.py commit                # the renderings `make test` reads (tests/fixtures/lists)
    python tools/fidelity_lists.py regress SEED...       # add renderings once read wrong to those
    python tools/fidelity_lists.py one SEED [--out F]    # render and read one, verbosely

Rendering ``k`` of seed ``s`` draws its list and its setting from ``random.Random(f"{s}:{k}")``.  The
vocabulary (``tests/data/list_vocabulary.json``: project names, goals and indicator rows of the 北京 and
重庆 lists) is data.  Each list has projects of random length whose cells (name, amounts, goal) are merged
down their indicator rows and across page breaks, several projects a page, names, goals and indicators that
wrap, a name printed once beside several projects (北京 退役军人事务局's), amounts with six decimals (some
with digits beyond the cent, which the tables cannot hold: they must come back empty, their text kept),
定性 values, and small print.

Settings (reportlab canvas; ``calc`` is LibreOffice Calc from an .xlsx, when ``soffice`` is there):

- ``style``: 北京 (项目名称, 项目总额, 其中：财政资金/其他资金, 绩效目标, 一级/二级/三级指标, 绩效指标性质, 本年绩效
  指标值, 绩效度量单位; labels drawn from their synonyms; sometimes 权重, 评分标准 or 备注 columns) or 重庆 (序号,
  项目名称, 当年财政拨款预算金额, 当年绩效目标, 指标名称, 指标性质, 指标值, 计量单位, 指标权重(%));
- ``cut``: how a merged cell cut by a page break is drawn — ``clip`` (its text drawn once where the whole cell
  would be, on every page it crosses, clipped to the part each page holds: 北京's), ``repeat`` (drawn again
  in each part), ``window`` (each page draws only the lines that fall in its part);
- ``edges``: ``closed`` (a rule closes the table at a page's foot and top) or ``open`` (no rule across a
  cell that goes on: its column has no rule at all on a page it runs through);
- ``rows``: ``auto`` (rows as tall as their text) or ``fixed`` (at most two lines tall: a longer text overflows
  its cell, drawn over the next, and is clipped, as 北京 应急管理局's; not with ``window``, which would not draw
  it at all);
- ``valign`` middle or top; ``font`` WenQuanYi Micro Hei or AR PL UMing; ``size`` 6, 7.5 or 9 points;
  ``header`` on every page or on the first only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = ROOT / "tests" / "data" / "list_vocabulary.json"
OUT = ROOT / "tests" / "fixtures" / "lists"
OFFICE = shutil.which("soffice") is not None
FONTS = {"wqy": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei"),
         "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN")}

# header labels (field: synonyms a table may print); the reader's vocabulary must know them all
LABELS = {
    "name": ["项目名称"], "total": ["项目总额", "资金总额"], "fiscal": ["财政资金", "财政拨款"], "other": ["其他资金"],
    "goal": ["绩效目标", "年度绩效目标"], "level1": ["一级指标"], "level2": ["二级指标"], "indicator": ["三级指标"],
    "comparator": ["绩效指标性质", "指标性质"], "value": ["本年绩效指标值", "指标值"],
    "measure": ["绩效度量单位", "计量单位", "度量单位"], "weight": ["权重", "分值"], "scoring": ["评分标准"],
    "note": ["备注"],
}
BEIJING = ["name", "total", "fiscal", "other", "goal", "level1", "level2", "indicator", "comparator", "value",
           "measure"]
BEIJING_WIDTHS = {"name": 80, "total": 50, "fiscal": 50, "other": 50, "goal": 118, "level1": 46, "level2": 58,
                  "indicator": 104, "comparator": 40, "value": 50, "measure": 42, "weight": 30, "scoring": 70,
                  "note": 40}
CHONGQING = ["seq", "name", "fiscal", "goal", "indicator", "comparator", "value", "measure", "weight"]
CHONGQING_LABELS = {"seq": "序号", "name": "项目名称", "fiscal": "当年财政拨款预算金额", "goal": "当年绩效目标",
                    "indicator": "指标名称", "comparator": "指标性质", "value": "指标值", "measure": "计量单位",
                    "weight": "指标权重(%)"}
CHONGQING_WIDTHS = {"seq": 30, "name": 78, "fiscal": 62, "goal": 160, "indicator": 190, "comparator": 44,
                    "value": 52, "measure": 46, "weight": 46}
PROJECT_FIELDS = ("seq", "name", "total", "fiscal", "other", "goal")
TITLES = {"beijing": "预算表12 项目支出绩效目标表", "chongqing": "2026年市级一般性项目绩效目标表（一级项目）"}


@dataclass(frozen=True)
class Setting:
    producer: str = "canvas"
    style: str = "beijing"
    cut: str = "clip"
    edges: str = "closed"
    rows: str = "auto"
    valign: str = "middle"
    font: str = "wqy"
    size: float = 7.5
    header: str = "every"

    AXES: ClassVar[dict[str, tuple]] = {
        "style": ("beijing", "chongqing"), "cut": ("clip", "repeat", "window"), "edges": ("closed", "open"),
        "rows": ("auto", "fixed"), "valign": ("middle", "top"), "font": ("wqy", "uming"), "size": (6.0, 7.5, 9.0),
        "header": ("every", "first")}
    CAN: ClassVar[dict[str, set[str]]] = {"canvas": set(AXES), "calc": {"style", "valign", "font", "header"}}

    @classmethod
    def draw(cls, rng: random.Random, producers: tuple[str, ...]) -> Setting:
        producer = rng.choice(producers)
        values = {a: rng.choice(v) for a, v in cls.AXES.items() if a in cls.CAN[producer]}
        if values.get("cut") == "window":  # a page that draws only its part's lines loses an overflowing text's
            values["rows"] = "auto"
        return cls(producer=producer, **values)

    def label(self) -> str:
        default = Setting(producer=self.producer)
        parts = [f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                 if f.name != "producer" and getattr(self, f.name) != getattr(default, f.name)]
        return f"{self.producer}[{','.join(parts)}]"


# -- lists ------------------------------------------------------------------------------------------


def _amount(rng: random.Random, decimals: str) -> Decimal:
    """万元 with six decimals as 北京 prints them: most exact to the cent (675.970000), some not (9.574090)."""
    cents = Decimal(rng.randint(100, 9_000_000)) / 100
    if decimals == "six" and rng.random() < 0.3:
        cents += Decimal(rng.randint(1, 9999)) / 1_000_000
    return cents


def _text(value: Decimal, decimals: str, thousands: bool) -> str:
    places = 6 if decimals == "six" else 2
    return f"{value:,.{places}f}" if thousands else f"{value:.{places}f}"


def random_truth(rng: random.Random, setting: Setting) -> dict:
    """A list's truth: projects with their printed cells and indicator rows (what the reader must give)."""
    voc = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    style = setting.style
    extra = rng.choice([None, None, "weight", "scoring", "note"]) if style == "beijing" else None
    columns = (BEIJING + ([extra] if extra else [])) if style == "beijing" else CHONGQING
    labels = ({f: rng.choice(LABELS[f]) for f in columns} if style == "beijing" else dict(CHONGQING_LABELS))
    decimals = "six" if style == "beijing" else "two"
    projects = []
    n = rng.randint(3, 9)
    shared_left = 0
    name = ""
    for k in range(n):
        if shared_left:
            shared_left -= 1  # the same name beside the next project's amounts
        else:
            base = rng.choice(voc["names"])
            code = f"1100002{rng.randint(1, 6)}{rng.choice('TY')}{rng.randint(0, 99999999):08d}"
            name = f"{code} {base}" if style == "beijing" else base.split("-", 1)[-1]
            shared_left = rng.choice([0, 0, 0, 0, 1, 2]) if style == "beijing" else 0
        total = _amount(rng, decimals)
        other = _amount(rng, decimals) if rng.random() < 0.25 and total > 10 else None
        if other is not None and other >= total:
            other = None
        fiscal = total - other if other is not None else total
        thousands = rng.random() < 0.4
        printed = {"total": _text(total, decimals, thousands), "fiscal": _text(fiscal, decimals, thousands),
                   "other": _text(other, decimals, thousands) if other is not None else ""}
        if style == "chongqing":
            printed = {"total": "", "fiscal": printed["fiscal"], "other": ""}
        goal = rng.choice(voc["goals"])
        if rng.random() < 0.3:
            goal = goal + rng.choice(voc["goals"])
        rows = []
        for _ in range(rng.randint(2, 12) if style == "beijing" else rng.randint(3, 10)):
            if style == "beijing":
                l1, l2, ind, comp, value, unit = rng.choice(voc["indicators"])
                row = {"level1": l1, "level2": l2, "indicator": ind, "comparator": comp, "value": value,
                       "measure": unit}
                if extra == "weight":
                    row["weight"] = str(rng.choice([5, 10, 15, 20]))
                elif extra == "scoring":
                    row["scoring"] = rng.choice(["完成得满分，未完成不得分", "按完成比例得分", ""])
                elif extra == "note":
                    row["note"] = rng.choice(["", "", "核心指标"])
            else:
                ind, comp, value, unit, weight = rng.choice(voc["chongqing"])
                row = {"indicator": ind, "comparator": comp, "value": value, "measure": unit, "weight": weight}
            rows.append(row)
        projects.append({"seq": str(k + 1), "name": name, "printed": printed, "goal": goal, "indicators": rows})
    return {"style": style, "columns": columns, "labels": labels, "amount_unit": "万元",
            "department": "重庆市测试委员会" if style == "chongqing" else "", "projects": projects}


def annual(row: dict) -> str:
    """The target the reader composes: comparator, value and unit (定性: the value alone)."""
    comp, value, unit = row.get("comparator", ""), row.get("value", ""), row.get("measure", "")
    if comp == "定性":
        return value
    if unit and value and not value.endswith(unit):
        value += unit
    return comp + value if value else ""


def case(seed: str) -> tuple[dict, Setting]:
    rng = random.Random(seed)
    setting = Setting.draw(rng, ("canvas", "calc") if OFFICE else ("canvas",))
    return random_truth(rng, setting), setting


# -- rendering: reportlab canvas --------------------------------------------------------------------


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines or [""]


def render(truth: dict, s: Setting, out: Path) -> list[int]:
    """Draw ``truth`` to ``out``; the page each project begins on."""
    if s.producer == "calc":
        return render_calc(truth, s, out)
    return render_canvas(truth, s, out)


def render_canvas(truth: dict, s: Setting, out: Path) -> list[int]:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    path, _ = FONTS[s.font]
    if s.font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(s.font, path, subfontIndex=0))
    font, size = s.font, s.size
    lead, pad = size * 1.25, 2.5
    page_w, page_h = landscape(A4)
    columns = truth["columns"]
    widths = BEIJING_WIDTHS if truth["style"] == "beijing" else CHONGQING_WIDTHS
    x0 = (page_w - sum(widths[c] for c in columns)) / 2
    xs = {}
    x = x0
    for c in columns:
        xs[c] = (x, x + widths[c])
        x += widths[c]
    right = x
    project_cols = [c for c in columns if c in PROJECT_FIELDS]
    ind_cols = [c for c in columns if c not in PROJECT_FIELDS]

    def lines_of(c: str, text: str) -> list[str]:
        a, b = xs[c]
        return _wrap(text, b - a - 2 * pad, font, size) if text else []

    # rows: one per indicator, as tall as their text (or one line: fixed)
    rows = []  # (project index, indicator row)
    for k, p in enumerate(truth["projects"]):
        for ind in p["indicators"]:
            rows.append((k, ind))
    heights = []
    for _, ind in rows:
        n = max(len(lines_of(c, ind.get(c, ""))) for c in ind_cols) or 1
        heights.append((n if s.rows == "auto" else min(n, 2)) * lead + 2 * pad)
    # a project's block as tall as its cells' text (auto rows)
    first_row = {}
    for i, (k, _) in enumerate(rows):
        first_row.setdefault(k, i)
    blocks = [(first_row[k], first_row.get(k + 1, len(rows))) for k in range(len(truth["projects"]))]
    if s.rows == "auto":
        for k, (a, b) in enumerate(blocks):
            p = truth["projects"][k]
            need = max(len(lines_of(c, _cell(p, c))) for c in project_cols if c != "name") * lead + 2 * pad
            have = sum(heights[a:b])
            if need > have:
                heights[b - 1] += need - have
    # name cells: one over the projects printing the same name one after the other
    names = []  # (first project, last project)
    for k, p in enumerate(truth["projects"]):
        if names and truth["projects"][names[-1][1]]["name"] == p["name"] and truth["style"] == "beijing":
            names[-1] = (names[-1][0], k)
        else:
            names.append((k, k))
    # pages
    title_h = 46
    header_h = 2 * (2 * lead + 2 * pad) if truth["style"] == "beijing" else lead * 3 + 2 * pad
    top_margin, bottom = 36, 30
    page_of_row, y_of_row = [], []
    page, y = 1, page_h - top_margin - title_h - header_h
    tops = {1: y}
    for i, h in enumerate(heights):
        h = min(h, page_h - 200)
        heights[i] = h
        if y - h < bottom:
            page += 1
            y = page_h - top_margin - (title_h + header_h if s.header == "every" else 20)
            tops[page] = y
        page_of_row.append(page)
        y_of_row.append(y)
        y -= h
    n_pages = page
    bottoms = {p: min(y_of_row[i] - heights[i] for i in range(len(rows)) if page_of_row[i] == p)
               for p in range(1, n_pages + 1)}
    logical = [0.0]
    for h in heights:
        logical.append(logical[-1] + h)

    c = canvas.Canvas(str(out), pagesize=(page_w, page_h))
    for pg in range(1, n_pages + 1):
        top = tops[pg]
        here = [i for i in range(len(rows)) if page_of_row[i] == pg]
        table_top = top
        if pg == 1 or s.header == "every":
            c.setFont(font, size + 4)
            c.drawCentredString(page_w / 2, page_h - top_margin - 14, TITLES[truth["style"]])
            c.setFont(font, size)
            c.drawRightString(right, page_h - top_margin - 36, "金额单位：万元" if truth["style"] == "beijing"
                              else "单位：万元")
            if truth["department"]:
                c.drawString(x0, page_h - top_margin - 36, f"资金主管部门：{truth['department']}")
            table_top = top + header_h
            _header(c, truth, xs, top, header_h, font, size, lead)
        c.setLineWidth(0.5)
        # vertical rules
        for a, _ in xs.values():
            c.line(a, table_top, a, bottoms[pg])
        c.line(right, table_top, right, bottoms[pg])
        if s.edges == "closed" or table_top > top:  # a header's rule, or the table's top rule
            c.line(x0, table_top, right, table_top)
        else:  # no rule across a cell that goes on from the page before
            for col in ind_cols:
                c.line(xs[col][0], top, xs[col][1], top)
        # indicator cells and their rules
        for i in here:
            k, ind = rows[i]
            yt, h = y_of_row[i], heights[i]
            for col in ind_cols:
                a, b = xs[col]
                _cell_text(c, lines_of(col, ind.get(col, "")), a, b, yt, yt - h, yt, yt - h, s.valign, font, size,
                           lead, pad, clip=True)
                c.line(a, yt - h, b, yt - h)
        # project cells: each part on this page
        merged = [(col, blocks[k], _cell(truth["projects"][k], col)) for k in range(len(blocks))
                  for col in project_cols if col != "name"]
        merged += [("name", (blocks[a][0], blocks[b][1]), truth["projects"][a]["name"]) for a, b in names]
        for col, (ra, rb), text in merged:
            part = [i for i in range(ra, rb) if page_of_row[i] == pg]
            if not part:
                continue
            a, b = xs[col]
            seg_top, seg_bottom = y_of_row[part[0]], y_of_row[part[-1]] - heights[part[-1]]
            ends_here = part[-1] == rb - 1
            starts_here = part[0] == ra
            if s.cut == "repeat" or (starts_here and ends_here):
                cell_top, cell_bottom = seg_top, seg_bottom
            else:  # the whole cell where it would be: this page's rows at their place in it
                cell_top = seg_top + (logical[part[0]] - logical[ra])
                cell_bottom = cell_top - (logical[rb] - logical[ra])
            _cell_text(c, lines_of(col, text), a, b, cell_top, cell_bottom, seg_top, seg_bottom, s.valign, font, size,
                       lead, pad, clip=True, window=s.cut == "window")
            if ends_here or s.edges == "closed":
                c.line(a, seg_bottom, b, seg_bottom)
            if starts_here and table_top == top:
                c.line(a, seg_top, b, seg_top)
        c.showPage()
    c.save()
    return [page_of_row[blocks[k][0]] for k in range(len(blocks))]


def _cell(p: dict, col: str) -> str:
    return p["printed"][col] if col in ("total", "fiscal", "other") else p.get(col, "")


def _header(c, truth: dict, xs: dict, top: float, h: float, font: str, size: float, lead: float) -> None:
    left, right = min(a for a, _ in xs.values()), max(b for _, b in xs.values())
    c.setLineWidth(0.5)
    c.line(left, top + h, right, top + h)
    c.line(left, top, right, top)
    c.setFont(font, size)

    def label(text: str, a: float, b: float, middle: float) -> None:  # wrapped in its cell, centred
        lines = _wrap(text, b - a - 4, font, size)
        first = middle + (len(lines) - 1) * lead / 2 - size / 3
        for n, line in enumerate(lines):
            c.drawCentredString((a + b) / 2, first - n * lead, line)

    for col, (a, b) in xs.items():
        if truth["style"] == "beijing" and col in ("fiscal", "other"):
            label(truth["labels"][col], a, b, top + h / 4)
            continue
        label(truth["labels"][col], a, b, top + h / 2)
        c.line(a, top, a, top + h)
    c.line(right, top, right, top + h)
    if truth["style"] == "beijing":
        a, b = xs["fiscal"][0], xs["other"][1]
        label("其中：", a, b, top + 3 * h / 4)
        c.line(a, top + h / 2, b, top + h / 2)
        c.line(xs["other"][0], top, xs["other"][0], top + h / 2)


def _cell_text(c, lines: list[str], a: float, b: float, cell_top: float, cell_bottom: float, seg_top: float,
               seg_bottom: float, valign: str, font: str, size: float, lead: float, pad: float, clip: bool,
               window: bool = False) -> None:
    """``lines`` placed in the cell [cell_top, cell_bottom] (aligned), drawn clipped to the part
    [seg_top, seg_bottom] the page shows; ``window``: only the lines whose middle lies in that part."""
    if not lines:
        return
    block = len(lines) * lead
    first = (cell_top - pad - size) if valign == "top" else ((cell_top + cell_bottom) / 2 + block / 2 - size)
    c.saveState()
    if clip:
        p = c.beginPath()
        p.rect(a, seg_bottom, b - a, seg_top - seg_bottom)
        c.clipPath(p, stroke=0, fill=0)
    c.setFont(font, size)
    for n, line in enumerate(lines):
        y = first - n * lead
        if window and not (seg_bottom <= y + size / 3 <= seg_top):
            continue
        c.drawString(a + pad, y, line)
    c.restoreState()


# -- rendering: LibreOffice Calc --------------------------------------------------------------------


def render_calc(truth: dict, s: Setting, out: Path) -> list[int]:
    """An .xlsx (openpyxl: merged project cells, wrapped text) printed to PDF by LibreOffice Calc."""
    import subprocess

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    columns = truth["columns"]
    widths = BEIJING_WIDTHS if truth["style"] == "beijing" else CHONGQING_WIDTHS
    side = Side(style="thin")
    border = Border(left=side, right=side, top=side, bottom=side)
    font = Font(name=FONTS[s.font][1], size=9)
    align = Alignment(wrap_text=True, vertical="center" if s.valign == "middle" else "top")
    for k, col in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, k).column_letter].width = widths[col] / 5.2
    ws.cell(1, 1, TITLES[truth["style"]]).font = Font(name=FONTS[s.font][1], size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.cell(2, 1, f"资金主管部门：{truth['department']}" if truth["department"] else "")
    ws.cell(2, len(columns), "金额单位：万元" if truth["style"] == "beijing" else "单位：万元")
    head = 3
    if truth["style"] == "beijing":
        for k, col in enumerate(columns, start=1):
            if col in ("fiscal", "other"):
                ws.cell(head + 1, k, truth["labels"][col])
            else:
                ws.cell(head, k, truth["labels"][col])
                ws.merge_cells(start_row=head, start_column=k, end_row=head + 1, end_column=k)
        f = columns.index("fiscal") + 1
        ws.cell(head, f, "其中：")
        ws.merge_cells(start_row=head, start_column=f, end_row=head, end_column=f + 1)
        first = head + 2
    else:
        for k, col in enumerate(columns, start=1):
            ws.cell(head, k, truth["labels"][col])
        first = head + 1
    for r in range(head, first):
        for k in range(1, len(columns) + 1):
            ws.cell(r, k).border = border
            ws.cell(r, k).font = font
            ws.cell(r, k).alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    r = first
    spans = []
    for p in truth["projects"]:
        a = r
        for ind in p["indicators"]:
            for k, col in enumerate(columns, start=1):
                if col not in PROJECT_FIELDS:
                    ws.cell(r, k, ind.get(col, "") or None)
            r += 1
        spans.append((a, r - 1, p))
    names = []
    for a, b, p in spans:
        if names and names[-1][2]["name"] == p["name"] and truth["style"] == "beijing":
            names[-1] = (names[-1][0], b, p)
        else:
            names.append((a, b, p))
    for a, b, p in spans:
        for k, col in enumerate(columns, start=1):
            if col in PROJECT_FIELDS and col != "name":
                ws.cell(a, k, _cell(p, col) or None)
                if b > a:
                    ws.merge_cells(start_row=a, start_column=k, end_row=b, end_column=k)
    k = columns.index("name") + 1
    for a, b, p in names:
        ws.cell(a, k, p["name"])
        if b > a:
            ws.merge_cells(start_row=a, start_column=k, end_row=b, end_column=k)
    for row in ws.iter_rows(min_row=first, max_row=r - 1, max_col=len(columns)):
        for cell in row:
            cell.border, cell.font, cell.alignment = border, font, align

    def lines(col: str, text: str) -> int:  # 9-point characters, about 10 points wide with the cell's margins
        return -(-len(text) * 10 // max(widths[col] - 6, 10)) if text else 1

    for a, _, p in spans:  # rows tall enough for their text, the last of a project for its merged cells
        heights = [max(lines(col, ind.get(col, "")) for col in columns if col not in PROJECT_FIELDS) * 12.5 + 3
                   for ind in p["indicators"]]
        need = max(lines(col, _cell(p, col)) for col in columns if col in PROJECT_FIELDS) * 12.5 + 6
        if sum(heights) < need:
            heights[-1] += need - sum(heights)
        for n, h in enumerate(heights):
            ws.row_dimensions[a + n].height = h
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if s.header == "every":
        ws.print_title_rows = f"{head}:{first - 1}"
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / "list.xlsx"
        wb.save(xlsx)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(xlsx)], check=True, capture_output=True, timeout=180)
        shutil.move(Path(tmp) / "list.pdf", out)
    return [0] * len(truth["projects"])  # Calc decides where its pages break: not checked


def n_pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


# -- reading back -------------------------------------------------------------------------------------


def check(path: Path, truth: dict, pages: list[int]) -> tuple[list[str], list[str]]:
    """(differences from the truth, the reader's doubts) of one rendering, field by field."""
    sys.path.insert(0, str(ROOT))
    from budgetlib import read_pdf
    from budgetlib.exceptions import InputError
    from budgetlib.layouts.indicator_list import AmountText

    try:
        doc = read_pdf(path)
    except InputError as exc:
        return [f"not read: {exc}"], []
    doubts = [f.message for f in doc.findings if f.check == "extraction_doubt"]
    rows = [r for r in doc.rows if r.layout == "indicator_list"]
    diffs = []
    if len(rows) != len(truth["projects"]):
        diffs.append(f"{len(rows)} projects read, {len(truth['projects'])} printed")
    for k, (row, p) in enumerate(zip(rows, truth["projects"])):
        where = f"project {k + 1}"
        if row.name != p["name"]:
            diffs.append(f"{where} name {row.name!r} != {p['name']!r}")
        if "".join(row.goal.split()) != "".join(p["goal"].split()):
            diffs.append(f"{where} goal {row.goal!r} != {p['goal']!r}")
        for f in ("total", "fiscal", "other"):
            printed = p["printed"][f]
            if row.amount_texts.get(f, "") != printed:
                diffs.append(f"{where} {f} text {row.amount_texts.get(f)!r} != {printed!r}")
            if row.amounts[f] != AmountText(printed).stored:
                diffs.append(f"{where} {f} {row.amounts[f]!r} != {AmountText(printed).stored!r}")
        if pages[k] and row.page != pages[k]:
            diffs.append(f"{where} page {row.page} != {pages[k]}")
        if row.amount_unit != truth["amount_unit"]:
            diffs.append(f"{where} amount_unit {row.amount_unit!r}")
        if truth["department"] and row.department != truth["department"]:
            diffs.append(f"{where} department {row.department!r} != {truth['department']!r}")
        if len(row.indicators) != len(p["indicators"]):
            diffs.append(f"{where}: {len(row.indicators)} indicators read, {len(p['indicators'])} printed")
        for n, (ind, want) in enumerate(zip(row.indicators, p["indicators"]), start=1):
            got = {"level1": ind.level1 or "", "level2": ind.level2 or "", "indicator": ind.indicator or "",
                   "annual_value": ind.annual_value or "", "weight": ind.weight, "scoring": ind.scoring,
                   "note": ind.note}
            exp = {"level1": want.get("level1", ""), "level2": want.get("level2", ""),
                   "indicator": want["indicator"], "annual_value": annual(want), "weight": want.get("weight", ""),
                   "scoring": want.get("scoring", ""), "note": want.get("note", "")}
            for f in got:
                if "".join(got[f].split()) != "".join(exp[f].split()):
                    diffs.append(f"{where} indicator {n} {f} {got[f]!r} != {exp[f]!r}")
    return diffs, doubts


def _one(seed: str, keep: str | None = None) -> dict:
    truth, setting = case(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.pdf"
        t0 = time.perf_counter()
        pages = render(truth, setting, path)
        diffs, doubts = check(path, truth, pages)
        count = n_pages(path)
        if keep and diffs:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / f"{seed.replace(':', '_')}.pdf")
    return {"seed": seed, "setting": asdict(setting), "label": setting.label(), "diffs": diffs, "doubts": doubts,
            "projects": len(truth["projects"]), "pages": count, "seconds": time.perf_counter() - t0}


def table(results: list[dict]) -> str:
    lines = ["| producer | axis | value | exact | doubted when wrong | doubt on an exact read |",
             "|---|---|---|---|---|---|"]
    for producer in Setting.CAN:
        mine = [r for r in results if r["setting"]["producer"] == producer]
        if not mine:
            continue
        exact = sum(not r["diffs"] for r in mine)
        lines.append(f"| **{producer}** | all | | **{exact}/{len(mine)}** | "
                     f"{sum(bool(r['doubts']) for r in mine if r['diffs'])}/{len(mine) - exact} | "
                     f"{sum(bool(r['doubts']) for r in mine if not r['diffs'])} |")
        for axis in Setting.AXES:
            if axis not in Setting.CAN[producer]:
                continue
            groups = defaultdict(list)
            for r in mine:
                groups[r["setting"][axis]].append(r)
            for value, rs in sorted(groups.items(), key=lambda kv: str(kv[0])):
                ok = sum(not r["diffs"] for r in rs)
                lines.append(f"| {producer} | {axis} | {value} | {ok}/{len(rs)} | "
                             f"{sum(bool(r['doubts']) for r in rs if r['diffs'])}/{len(rs) - ok} | "
                             f"{sum(bool(r['doubts']) for r in rs if not r['diffs'])} |")
    exact = sum(not r["diffs"] for r in results)
    lines.append(f"| **all** | | | **{exact}/{len(results)}** | "
                 f"{sum(bool(r['doubts']) for r in results if r['diffs'])}/{len(results) - exact} | "
                 f"{sum(bool(r['doubts']) for r in results if not r['diffs'])} |")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    seeds = [f"{args.seed}:{k}" for k in range(args.n)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_one, seeds, [args.keep] * len(seeds)))
    for r in results:
        if r["diffs"]:
            print(f"WRONG {r['seed']} {r['label']}: {len(r['diffs'])} differences, e.g. {r['diffs'][0]}"
                  + (" [doubt raised]" if r["doubts"] else " [SILENT]"))
        elif r["doubts"]:
            print(f"DOUBTED BUT EXACT {r['seed']} {r['label']}: {r['doubts'][0][:160]}")
    text = table(results)
    pages = sum(r["pages"] for r in results)
    print(text)
    print(f"{len(results)} renderings, {pages} pages, in {time.perf_counter() - t0:.0f} s")
    if args.out:
        Path(args.out).write_text(f"Indicator lists, seed {args.seed}, {len(results)} renderings ({pages} pages; "
                                  f"`make fidelity`).\n\n{text}\n", encoding="utf-8")
    return 0 if all(not r["diffs"] for r in results) else 1


def commit(args: argparse.Namespace) -> int:
    """Renderings for `make test`: every axis value at least once (greedy cover), few pages each."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    wanted = {(p, a, v) for p in Setting.CAN if OFFICE or p == "canvas" for a in Setting.CAN[p]
              for v in Setting.AXES[a]}
    manifest, k = {}, 0
    while wanted or len(manifest) < args.n:
        seed = f"commit:{k}"
        k += 1
        truth, s = case(seed)
        covers = {(s.producer, a, getattr(s, a)) for a in Setting.CAN[s.producer]} & wanted
        if not covers and len(manifest) >= args.n:
            continue
        if not covers and k % 4:
            continue
        name = f"{len(manifest):02d}_{s.producer}_{s.style}"
        pages = render(truth, s, OUT / f"{name}.pdf")
        diffs, doubts = check(OUT / f"{name}.pdf", truth, pages)
        (OUT / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        manifest[name] = {"seed": seed, "setting": asdict(s), "label": s.label(), "pages": pages}
        wanted -= covers
        print(f"{name}: {s.label()} ({len(truth['projects'])} projects, {n_pages(OUT / f'{name}.pdf')} pages)"
              + (f" WRONG: {diffs[:2]}" if diffs else "") + (f" DOUBT: {doubts[:1]}" if doubts else ""))
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def regress(args: argparse.Namespace) -> int:
    """Add renderings once read wrong to those `make test` reads (named after their seed), keeping the rest."""
    manifest = json.loads((OUT / "manifest.json").read_text(encoding="utf-8"))
    for seed in args.seeds:
        truth, s = case(seed)
        name = f"seed_{seed.replace(':', '_')}_{s.producer}_{s.style}"
        pages = render(truth, s, OUT / f"{name}.pdf")
        diffs, doubts = check(OUT / f"{name}.pdf", truth, pages)
        (OUT / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        manifest[name] = {"seed": seed, "setting": asdict(s), "label": s.label(), "pages": pages}
        print(f"{name}: {s.label()}" + (f" WRONG: {diffs[:2]}" if diffs else " exact")
              + (f" DOUBT: {doubts[:1]}" if doubts else ""))
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def one(args: argparse.Namespace) -> int:
    truth, s = case(args.seed)
    out = Path(args.out or "fidelity_list.pdf")
    pages = render(truth, s, out)
    diffs, doubts = check(out, truth, pages)
    print(f"{args.seed}: {s.label()} → {out} ({len(truth['projects'])} projects, {n_pages(out)} pages)")
    print("\n".join(diffs[:40]) or "exact")
    print("\n".join(f"doubt: {d}" for d in doubts))
    return 0 if not diffs else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--n", type=int, default=120)
    r.add_argument("--seed", default="0")
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--keep", help="copy the renderings read wrong into this folder")
    r.add_argument("--out", help="write the table (Markdown) here")
    c = sub.add_parser("commit")
    c.add_argument("--n", type=int, default=16)
    g = sub.add_parser("regress")
    g.add_argument("seeds", nargs="+")
    o = sub.add_parser("one")
    o.add_argument("seed")
    o.add_argument("--out")
    args = ap.parse_args()
    return {"run": run, "commit": commit, "regress": regress, "one": one}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
