"""The fidelity harness of the per-project form (layout ``project_form``): random forms × styles × settings,
each read back and compared field by field with its own truth.

    python tools/fidelity_forms.py run [--n 120] [--seed 0] [--workers 2] [--out FILE]   # the matrix
    python tools/fidelity_forms.py commit [--n 12]       # the renderings `make test` reads (tests/fixtures/forms)
    python tools/fidelity_forms.py one SEED [--out F]    # render and read one, verbosely

Rendering ``k`` of seed ``s`` draws its forms and setting from ``random.Random(f"{s}:{k}")``.  The words come
from the real forms (``tests/data/forms_vocabulary.json``, ``tools/forms_vocabulary.py``): names, departments
with their budget codes, units, goals, indicators.  Styles are the real forms' (西安's 部门专项业务经费 form and
专项资金总体 form with 实施期 and 年度 side by side, 烟台's 政策和项目 form, 重庆's 市级重点专项资金 form, and a
form named only by its title); producers: reportlab's canvas, or an openpyxl workbook exported by LibreOffice
Calc (where ``soffice`` is installed: Calc splits the forms over pages itself, repeats no header and turns
no page); settings: fonts (WenQuanYi Micro Hei, AR PL UMing), portrait, landscape
and /Rotate 90, one or two forms a page, 一级 / 二级 merged or printed on every row, a merged cell cut by a
page break printing its text on its first part or where its middle falls, the header printed again after
a page break or not, long texts that wrap and split forms across pages, optional fields left blank (实施单位,
其他资金, a merged 一级 cell left blank — which must come back blank with a finding), empty templates among
the forms (which must give nothing), and narrative pages around them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "forms"
VOCABULARY = ROOT / "tests" / "data" / "forms_vocabulary.json"
FONTS = {"wqy": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
         "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)}
OFFICE = shutil.which("soffice") is not None
NARRATIVE = ("一、部门主要职责", "二、部门预算单位构成", "三、部门收支情况说明", "四、其他重要事项的情况说明")


@dataclass
class Setting:
    style: str = "xian"  # xian | xian_total | yantai | chongqing | titled
    producer: str = "canvas"  # canvas (reportlab) | calc (openpyxl → LibreOffice Calc)
    font: str = "wqy"
    orientation: str = "portrait"  # portrait | landscape | rotate
    per_page: int = 1  # forms a page (2: a short form may follow another on its page)
    merged: bool = True  # 一级 / 二级 merged over their rows (False: printed on every row, as 烟台)
    cut_text: str = "first"  # a merged cell cut by a page break prints its text on its first part, or "middle"
    repeat: bool = True  # the indicator header printed again at the top of a page that goes on
    long: bool = False  # long names, goals and indicators: cells wrap, forms split across pages
    blanks: bool = False  # optional fields blank, a merged 一级 cell left blank

    AXES: ClassVar[dict[str, tuple]] = {
        "producer": ("canvas", "calc") if OFFICE else ("canvas",),
        "style": ("xian", "xian_total", "yantai", "chongqing", "titled"), "font": ("wqy", "uming"),
        "orientation": ("portrait", "landscape", "rotate"), "per_page": (1, 2), "merged": (True, False),
        "cut_text": ("first", "middle"), "repeat": (True, False), "long": (True, False), "blanks": (True, False)}

    @classmethod
    def draw(cls, rng: random.Random) -> Setting:
        values = {axis: rng.choice(options) for axis, options in cls.AXES.items()}
        if values["style"] == "chongqing":
            values["merged"] = True  # 重庆 prints no level columns
        if values["producer"] == "calc":  # Calc splits forms itself: it repeats no header, prints no page text
            values.update(repeat=False, cut_text="first", orientation=values["orientation"].replace("rotate",
                                                                                                  "landscape"))
        return cls(**values)

    @classmethod
    def drawn_by(cls, producer: str) -> dict[str, tuple]:
        """The values of each axis that ``producer``'s renderings are drawn with."""
        if producer == "canvas":
            return {**cls.AXES, "producer": ("canvas",)}
        return {**cls.AXES, "producer": ("calc",), "repeat": (False,), "cut_text": ("first",),
                "orientation": ("portrait", "landscape")}

    def label(self) -> str:
        default = Setting(style=self.style)
        changed = [f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                   if f.name != "style" and getattr(self, f.name) != getattr(default, f.name)]
        return f"{self.style}[{','.join(changed)}]"


# -- forms ---------------------------------------------------------------------------------------------


def _vocabulary() -> dict:
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


def _printable(voc: dict, font: str) -> dict:
    """The vocabulary without the texts the font has no glyph for (℃ in WenQuanYi): what is not drawn is not
    printed, and cannot be read back."""
    name = f"F_{font}"
    if name not in pdfmetrics.getRegisteredFontNames():
        font_path, index = FONTS[font]
        pdfmetrics.registerFont(TTFont(name, font_path, subfontIndex=index))
    glyphs = pdfmetrics.getFont(name).face.charToGlyph

    def ok(value: object) -> bool:
        if isinstance(value, list):
            return all(ok(v) for v in value)
        # letterlike symbols (℃) come back from reportlab's subset as spaces: not printable here
        return not isinstance(value, str) or all((ord(ch) in glyphs and not 0x2100 <= ord(ch) <= 0x214F)
                                                 or ch.isspace() for ch in value)

    return {k: [v for v in values if ok(v)] for k, values in voc.items()}


def _money(rng: random.Random, lo: int = 500, hi: int = 5_000_000) -> Decimal:
    return Decimal(rng.randint(lo, hi)) / 100


def _split_value(text: str) -> tuple[str, str, str]:
    """A composed target (≥4000公顷) as 重庆 prints it: 指标性质, 指标值, 计量单位."""
    m = re.match(r"^(≥|≤|=|＝|>|<)?(\d+(?:\.\d+)?)(.*)$", text)
    if not m:
        return "", text, ""
    return m.group(1) or "", m.group(2), m.group(3)


def random_form(rng: random.Random, s: Setting, voc: dict, year: int) -> dict:
    """One form's truth (what budgetlib must read) and what is printed for it."""
    # a form named by its title: a name that begins with a year reads as the budget year's (not drawn)
    name = rng.choice([n for n in voc["names"] if s.style != "titled" or not re.match(r"(?:19|20)\d{2}年", n)])
    if s.long:
        name = name + rng.choice(["及配套服务保障项目", "（含以前年度结转）运行维护经费", "专项业务经费"])
    department, code = rng.choice(voc["departments"])
    code = code or str(rng.randint(100, 399))
    unit = rng.choice(voc["units"]) if voc["units"] else department
    total = _money(rng)
    other = Decimal(0) if rng.random() < 0.5 else (_money(rng, 100, int(total * 50)) / 100).quantize(Decimal("0.01"))
    fiscal = total - other
    goal = rng.choice(voc["goals"])
    if s.long:
        goal = goal + rng.choice(voc["goals"])
    form = {"name": name, "department": department, "unit": "", "amount_unit": "万元", "goal": goal,
            "period_goal": "", "amount_lines": [], "printed": {}}
    blank_other = s.blanks and rng.random() < 0.5
    texts = {"total": f"{total:.2f}", "fiscal": f"{fiscal:.2f}",
             "other": "" if blank_other or (other == 0 and s.style.startswith("xian")) else f"{other:.2f}"}
    if s.style == "yantai":
        form["unit"] = "" if s.blanks and rng.random() < 0.5 else unit
        form["amount_lines"].append(["主管部门代码", code])
        form["printed"]["department"] = f"{code}_{department}"
    elif s.style == "xian_total":
        period = total + _money(rng)
        form["period_goal"] = rng.choice(voc["period_goals"] or voc["goals"])
        form["amount_lines"] += [["实施期限", f"{rng.randint(1, 5)}年"], ["实施期资金总额", f"{period:.2f}"],
                                 ["实施期财政拨款", f"{period:.2f}"], ["实施期其他资金", ""]]
    elif s.style in ("xian", "titled"):
        form["amount_lines"] += [["实施期资金总额", texts["total"]], ["实施期财政拨款", texts["fiscal"]],
                                 ["实施期其他资金", texts["other"]]]
    elif s.style == "chongqing":
        city = (total * Decimal(rng.randint(40, 100)) / 100).quantize(Decimal("0.01"))
        form["amount_lines"] += [["市级支出", f"{city:,.2f}"], ["补助区县", f"{total - city:,.2f}"]]
        texts = {"total": f"{total:,.2f}", "fiscal": "", "other": ""}
        form["printed"]["overview"] = rng.choice(voc["goals"])
        # kept under its printed label, after the amounts
        form["amount_lines"].append(["项目概况", form["printed"]["overview"]])
    form.update({k: texts[k] for k in ("total", "fiscal", "other")})
    form["indicators"] = _indicators(rng, s, voc)
    return form


def _indicators(rng: random.Random, s: Setting, voc: dict) -> list[dict]:
    n = rng.randint(8, 22) if s.long else rng.randint(3, 10)
    if s.style == "chongqing":
        out = []
        for ind, value, weight, note in rng.sample(voc["named_indicators"], min(n, len(voc["named_indicators"]))):
            nature, number, unit = _split_value(value)
            if not number:
                continue
            out.append({"level1": None, "level2": None, "indicator": ind, "annual_value": f"{nature}{number}{unit}",
                        "weight": weight or str(rng.choice([5, 10, 15])), "note": note or "是否核心：否",
                        "printed": {"nature": nature, "value": number, "measure_unit": unit}})
        return out
    picked = rng.sample(voc["indicators"], n)
    order = {"成本指标": 0, "产出指标": 1, "效益指标": 2, "满意度指标": 3}
    picked.sort(key=lambda i: (order.get(i[0], 9), i[1]))
    out = []
    for level1, level2, ind, value, _weight in picked:
        if s.long and rng.random() < 0.3:
            ind = ind + "，" + rng.choice(voc["indicators"])[2]
        out.append({"level1": level1, "level2": level2, "indicator": ind, "annual_value": value,
                    "weight": str(rng.choice([2, 4, 5, 10])) if s.style == "xian" else "", "note": ""})
    if s.blanks and s.merged and s.style != "yantai":  # a merged 一级 cell the table leaves blank
        target = rng.choice(sorted({i["level1"] for i in out}))
        for i in out:
            if i["level1"] == target:
                i["level1"] = None
                i["blank_level1"] = True
    return out


def random_truth(rng: random.Random, s: Setting) -> dict:
    voc = _printable(_vocabulary(), s.font)
    year = rng.choice([2022, 2026])
    forms = [random_form(rng, s, voc, year) for _ in range(rng.randint(2, 4) if not s.long else rng.randint(1, 3))]
    empty_at = rng.randint(0, len(forms)) if rng.random() < 0.4 else None
    return {"year": year, "forms": forms, "empty_at": empty_at, "narrative": rng.random() < 0.6}


# -- drawing -------------------------------------------------------------------------------------------


@dataclass
class Cell:
    c0: int
    c1: int
    text: str
    rows: int = 1  # grid rows it covers (a merged cell)
    align: str = "center"
    group: str = ""  # a merged indicator-type cell: "level1" / "level2" (its text placed after layout)


@dataclass
class Line:
    cells: list[Cell]
    kind: str = "head"  # head | header | indicator
    height: float = 0.0


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(cur + ch, font, size) > width and cur:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


STYLE_COLUMNS = {  # column widths (fractions of the table's width)
    "xian": [0.05, 0.11, 0.13, 0.22, 0.22, 0.15, 0.12],
    "xian_total": [0.06, 0.1, 0.13, 0.2, 0.15, 0.2, 0.16],
    "titled": [0.05, 0.11, 0.13, 0.22, 0.22, 0.15, 0.12],
    "yantai": [0.1, 0.12, 0.14, 0.25, 0.17, 0.22],
    "chongqing": [0.12, 0.3, 0.1, 0.08, 0.1, 0.1, 0.1, 0.1],
}
TITLES = {"xian": "部门专项业务经费绩效目标表", "xian_total": "专项资金总体绩效目标表",
          "yantai": "政策和项目预算绩效目标表",
          "chongqing": "市级重点专项资金绩效目标表（一级项目）"}


def form_lines(form: dict, s: Setting, empty: bool = False) -> list[Line]:
    """The rows of a form as printed, in grid columns of its style."""
    st = s.style
    g = {k: ("" if empty else v) for k, v in form.items() if isinstance(v, str)}
    lines: list[Line] = []
    dept = "" if empty else form["printed"].get("department", form["department"])
    if st in ("xian", "titled"):
        if st == "xian":
            lines.append(Line([Cell(0, 2, "项目名称"), Cell(3, 6, g["name"])]))
        lines.append(Line([Cell(0, 2, "主管部门"), Cell(3, 6, dept)]))
        lines.append(Line([Cell(0, 2, "资金金额（万元）", rows=3), Cell(3, 3, "实施期资金总额："),
                           Cell(4, 5, g["total"], align="right"),
                           Cell(6, 6, "执行率分值（10分）", rows=3)]))
        lines.append(Line([Cell(3, 3, "其中：财政拨款"), Cell(4, 5, g["fiscal"], align="right")]))
        lines.append(Line([Cell(3, 3, "其他资金"), Cell(4, 5, g["other"], align="right")]))
        lines.append(Line([Cell(0, 0, "年度目标"), Cell(1, 6, g["goal"], align="left")]))
        header = [Cell(1, 1, "一级指标"), Cell(2, 2, "二级指标"), Cell(3, 4, "三级指标"), Cell(5, 5, "指标值"),
                  Cell(6, 6, "分值权重（90分）")]
        cols = {"level1": (1, 1), "level2": (2, 2), "indicator": (3, 4), "annual_value": (5, 5), "weight": (6, 6)}
        label = "年度绩效指标"
    elif st == "xian_total":
        lines.append(Line([Cell(0, 1, "项目名称"), Cell(2, 6, g["name"])]))
        term = "" if empty else dict(form["amount_lines"])["实施期限"]
        period = {k: ("" if empty else v) for k, v in form["amount_lines"]}
        lines.append(Line([Cell(0, 1, "主管部门"), Cell(2, 3, dept), Cell(4, 4, "实施期限"), Cell(5, 6, term)]))
        lines.append(Line([Cell(0, 1, "资金金额（万元）", rows=3), Cell(2, 2, "实施期资金总额："),
                           Cell(3, 3, period.get("实施期资金总额", ""), align="right"), Cell(4, 4, "年度资金总额："),
                           Cell(5, 6, g["total"], align="right")]))
        lines.append(Line([Cell(2, 2, "其中：财政拨款"), Cell(3, 3, period.get("实施期财政拨款", ""), align="right"),
                           Cell(4, 4, "其中：财政拨款"), Cell(5, 6, g["fiscal"], align="right")]))
        lines.append(Line([Cell(2, 2, "其他资金"), Cell(3, 3, ""), Cell(4, 4, "其他资金"),
                           Cell(5, 6, g["other"], align="right")]))
        lines.append(Line([Cell(0, 0, "总体目标", rows=2), Cell(1, 3, "实施期总目标"), Cell(4, 6, "年度目标")]))
        lines.append(Line([Cell(1, 3, g["period_goal"], align="left"), Cell(4, 6, g["goal"], align="left")]))
        header = [Cell(1, 1, "一级指标"), Cell(2, 2, "二级指标"), Cell(3, 4, "指标内容"), Cell(5, 5, "指标值"),
                  Cell(6, 6, "备注")]
        cols = {"level1": (1, 1), "level2": (2, 2), "indicator": (3, 4), "annual_value": (5, 5), "note": (6, 6)}
        label = "绩效指标"
    elif st == "yantai":
        lines.append(Line([Cell(0, 2, "项目名称"), Cell(3, 5, g["name"])]))
        lines.append(Line([Cell(0, 2, "主管部门及代码"), Cell(3, 3, dept), Cell(4, 4, "实施单位"),
                           Cell(5, 5, g["unit"])]))
        lines.append(Line([Cell(0, 2, "项目资金（万元）", rows=3), Cell(3, 3, "年度预算资金总额：", align="left"),
                           Cell(4, 5, g["total"])]))
        lines.append(Line([Cell(3, 3, "其中：财政拨款", align="left"), Cell(4, 5, g["fiscal"])]))
        lines.append(Line([Cell(3, 3, "其他资金", align="left"), Cell(4, 5, g["other"])]))
        lines.append(Line([Cell(0, 0, "总体目标"), Cell(1, 5, g["goal"], align="left")]))
        header = [Cell(0, 0, ""), Cell(1, 1, "一级指标"), Cell(2, 2, "二级指标"), Cell(3, 3, "三级指标"),
                  Cell(4, 5, "指标值")]
        cols = {"level1": (1, 1), "level2": (2, 2), "indicator": (3, 3), "annual_value": (4, 5)}
        label = ""
    else:  # chongqing
        lines.append(Line([Cell(0, 0, "项目名称"), Cell(1, 3, g["name"]), Cell(4, 4, "主管部门"), Cell(5, 7, dept)]))
        lined = {k: ("" if empty else v) for k, v in form["amount_lines"]}
        lines.append(Line([Cell(0, 0, "当年预算", rows=2), Cell(1, 3, g["total"], rows=2), Cell(4, 4, "市级支出"),
                           Cell(5, 7, lined.get("市级支出", ""))]))
        lines.append(Line([Cell(4, 4, "补助区县"), Cell(5, 7, lined.get("补助区县", ""))]))
        overview = "" if empty else form["printed"]["overview"]
        lines.append(Line([Cell(0, 0, "项目概况"), Cell(1, 7, overview, align="left")]))
        lines.append(Line([Cell(0, 0, "当年绩效目标"), Cell(1, 7, g["goal"], align="left")]))
        header = [Cell(1, 2, "指标名称"), Cell(3, 3, "指标性质"), Cell(4, 4, "指标值"), Cell(5, 5, "计量单位"),
                  Cell(6, 6, "指标权重(%)"), Cell(7, 7, "是否核心")]
        cols = {}
        label = "绩效指标"
    first_header = len(lines)
    lines.append(Line(([Cell(0, 0, label)] if st != "yantai" else []) + header, kind="header"))
    inds = [] if empty else form["indicators"]
    if empty:  # a template: the types printed, nothing filled in
        inds = [{"level1": l1, "level2": l2, "indicator": "", "annual_value": "", "weight": "", "note": ""}
                for l1, l2 in (("成本指标", "经济成本指标"), ("产出指标", "数量指标"), ("产出指标", "质量指标"),
                               ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标"))] \
            if st != "chongqing" \
            else [{"indicator": "", "annual_value": "", "printed": {}}] * 2
    for ind in inds:
        if st == "chongqing":
            p = ind.get("printed", {})
            core = ind.get("note", "").replace("是否核心：", "")
            lines.append(Line([Cell(1, 2, ind["indicator"], align="left"), Cell(3, 3, p.get("nature", "")),
                               Cell(4, 4, p.get("value", "")), Cell(5, 5, p.get("measure_unit", "")),
                               Cell(6, 6, ind.get("weight", "")), Cell(7, 7, core)], kind="indicator"))
            continue
        cells = [Cell(0, 0, "绩效指标")] if st == "yantai" else []
        for key, (c0, c1) in cols.items():
            text = ind.get(key) or ""
            if key == "level1" and ind.get("blank_level1"):
                text = ""
            if key in ("level1", "level2") and s.merged:
                cells.append(Cell(c0, c1, text, group=key))
            else:
                cells.append(Cell(c0, c1, text, align="left" if key == "indicator" else "center"))
        lines.append(Line(cells, kind="indicator"))
    if st != "yantai":  # the left label column: one cell over the header and all the indicator rows
        lines[first_header].cells[0].rows = len(lines) - first_header
    return lines


@dataclass
class Part:
    page: int
    top: float
    bottom: float


@dataclass
class Merged:
    cell: Cell
    parts: list[Part] = field(default_factory=list)
    left: int = 0  # rows still to cover


class Drawer:
    """Lays forms out on A4 pages (first), then draws them with reportlab's canvas: a form's indicator rows
    split across pages, merged cells drawn as one box per page part, their text on one part."""

    SIZE, LEAD, PAD, FOOT = 7.5, 9.6, 3.0, 50.0

    def __init__(self, s: Setting) -> None:
        self.s = s
        self.font = f"F_{s.font}"
        if self.font not in pdfmetrics.getRegisteredFontNames():
            font_path, index = FONTS[s.font]
            pdfmetrics.registerFont(TTFont(self.font, font_path, subfontIndex=index))
        self.size = landscape(A4) if s.orientation in ("landscape", "rotate") else portrait(A4)
        self.ops: list[list[tuple]] = []  # per page: ("line", x0, y0, x1, y1) | ("text", x, y, text, align, size)
        self.y = 0.0
        self.x0 = 40.0
        self.width = self.size[0] - 80

    @property
    def page(self) -> int:
        return len(self.ops)

    def new_page(self) -> None:
        self.ops.append([])
        self.y = self.size[1] - 40

    def put(self, *op: object) -> None:
        self.ops[-1].append(op)

    def narrative(self, title: str, rng: random.Random, voc: dict) -> None:
        self.new_page()
        self.put("text", self.x0, self.y, title, "left", 12)
        self.y -= 24
        for goal in rng.sample(voc["goals"], 4):
            for line in wrap("    " + goal, self.width, self.font, 9):
                self.put("text", self.x0, self.y, line, "left", 9)
                self.y -= 14

    def xs(self) -> list[float]:
        out = [self.x0]
        for f in STYLE_COLUMNS[self.s.style]:
            out.append(out[-1] + f * self.width)
        return out

    def lines_of(self, cell: Cell, xs: list[float]) -> list[str]:
        return wrap(cell.text, xs[cell.c1 + 1] - xs[cell.c0] - 2 * self.PAD, self.font, self.SIZE)

    def measure(self, lines: list[Line], xs: list[float]) -> None:
        for ln in lines:
            ln.height = max([self.LEAD + 2 * self.PAD] + [len(self.lines_of(c, xs)) * self.LEAD + 2 * self.PAD
                                                          for c in ln.cells if c.rows == 1 and not c.group])
        for i, ln in enumerate(lines):  # a merged cell's text must fit its rows (the last of them grows)
            for c in ln.cells:
                if c.rows > 1:
                    need = len(self.lines_of(c, xs)) * self.LEAD + 2 * self.PAD
                    have = sum(x.height for x in lines[i:i + c.rows])
                    if need > have:
                        lines[i + c.rows - 1].height += need - have

    def text(self, cell: Cell, xs: list[float], top: float, bottom: float, page: int | None = None) -> None:
        """A cell's text, wrapped and centred between ``top`` and ``bottom`` (on ``page``: the current one)."""
        x0, x1 = xs[cell.c0], xs[cell.c1 + 1]
        lines = self.lines_of(cell, xs)
        y = (top + bottom) / 2 + len(lines) * self.LEAD / 2 - self.LEAD + 2.4
        ops = self.ops[(page or self.page) - 1]
        for line in lines:
            x = x0 + self.PAD if cell.align == "left" else x1 - self.PAD if cell.align == "right" else (x0 + x1) / 2
            ops.append(("text", x, y, line, cell.align, self.SIZE))
            y -= self.LEAD

    def box(self, xs: list[float], c0: int, c1: int, top: float, bottom: float, sides: str = "tblr") -> None:
        x0, x1 = xs[c0], xs[c1 + 1]
        for side, line in (("t", (x0, top, x1, top)), ("b", (x0, bottom, x1, bottom)), ("l", (x0, top, x0, bottom)),
                           ("r", (x1, top, x1, bottom))):
            if side in sides:
                self.put("line", *line)

    def form(self, title: str, year: int, lines: list[Line], fresh: bool) -> list[int]:
        """Lay one form out; the pages it is printed on."""
        xs = self.xs()
        self.measure(lines, xs)
        head = sum(ln.height for ln in lines if ln.kind != "indicator") + max(
            [ln.height for ln in lines if ln.kind == "indicator"] or [0])
        if fresh or not self.ops or self.y - 50 - head < self.FOOT:
            self.new_page()
        else:
            self.y -= 36
        pages = [self.page]
        if self.s.style == "chongqing":  # the year in the title, the unit above the table
            self.put("text", self.size[0] / 2, self.y - 14, f"{year}年{title}", "center", 14)
            self.put("text", xs[-1], self.y - 30, "单位：万元", "right", 9)
        else:
            self.put("text", self.size[0] / 2, self.y - 14, title, "center", 14)
            self.put("text", self.size[0] / 2, self.y - 30, f"（{year}年度）", "center", 9)
        self.y -= 40
        header = next(k for k, ln in enumerate(lines) if ln.kind == "header")
        runs = self._runs(lines)
        merged: list[Merged] = []
        for i, ln in enumerate(lines):
            if ln.kind == "indicator" and self.y - ln.height < self.FOOT:
                for m in merged:
                    if m.left:
                        m.parts[-1].bottom = self.y
                self.put("line", xs[0], self.y, xs[-1], self.y)
                self.new_page()
                pages.append(self.page)
                for m in merged:
                    if m.left:
                        m.parts.append(Part(self.page, self.y, self.y))
                if self.s.repeat:  # the header again (its cells, not the label column's merged cell)
                    h = lines[header]
                    for c in h.cells:
                        if c.rows == 1:
                            self.box(xs, c.c0, c.c1, self.y, self.y - h.height)
                            self.text(c, xs, self.y, self.y - h.height)
                    self.y -= h.height
                    for m in merged:
                        if m.left and m.cell.group:  # the level cells' parts begin under the header again
                            m.parts[-1] = Part(self.page, self.y, self.y)
            top, bottom = self.y, self.y - ln.height
            taken = {c for m in merged if m.left for c in range(m.cell.c0, m.cell.c1 + 1)}
            for c in ln.cells:
                if c.group:
                    n = runs.get(i, {}).get(c.group)
                    if n is None:
                        continue
                    merged.append(Merged(Cell(c.c0, c.c1, c.text, rows=n, group=c.group), [Part(self.page, top, top)],
                                         n))
                elif set(range(c.c0, c.c1 + 1)) & taken:
                    continue
                elif c.rows > 1:
                    merged.append(Merged(c, [Part(self.page, top, top)], c.rows))
                else:
                    self.box(xs, c.c0, c.c1, top, bottom)
                    self.text(c, xs, top, bottom)
            for m in merged:
                if m.left:
                    m.parts[-1].bottom = bottom
                    m.left -= 1
            self.y = bottom
        for m in merged:
            for part in m.parts:
                self.ops[part.page - 1].append(("line", xs[m.cell.c0], part.top, xs[m.cell.c0], part.bottom))
                self.ops[part.page - 1].append(("line", xs[m.cell.c1 + 1], part.top, xs[m.cell.c1 + 1], part.bottom))
                self.ops[part.page - 1].append(("line", xs[m.cell.c0], part.top, xs[m.cell.c1 + 1], part.top))
                self.ops[part.page - 1].append(("line", xs[m.cell.c0], part.bottom, xs[m.cell.c1 + 1], part.bottom))
            part = m.parts[0]
            if self.s.cut_text == "middle" and len(m.parts) > 1 and m.cell.group:  # where its middle falls
                half, acc = sum(p.top - p.bottom for p in m.parts) / 2, 0.0
                for p in m.parts:
                    acc += p.top - p.bottom
                    if acc >= half:
                        part = p
                        break
            self.text(m.cell, xs, part.top, part.bottom, page=part.page)
        self.y -= 10
        return sorted(set(pages))

    @staticmethod
    def _runs(lines: list[Line]) -> dict[int, dict[str, int]]:
        """The merged level cells: the row each begins on, and the rows it covers (a level2 run never
        crosses its level1 run's end)."""
        out: dict[int, dict[str, int]] = defaultdict(dict)
        rows = [i for i, ln in enumerate(lines) if ln.kind == "indicator"]
        for key in ("level1", "level2"):
            start, text = None, None
            for i in [*rows, None]:
                cell = next((c for c in lines[i].cells if c.group == key), None) if i is not None else None
                parent = next((c for c in lines[i].cells if c.group == "level1"), None) if i is not None else None
                here = (cell.text, parent.text if parent is not None and key == "level2" else None,
                        i in out and "level1" in out[i] and key == "level2") if cell is not None else None
                if start is not None and (here is None or here[:2] != text or here[2]):
                    end = i if i is not None else rows[-1] + 1
                    out[start][key] = end - start
                    start = None
                if here is not None and start is None:
                    start, text = i, here[:2]
        return out

    def save(self, path: Path) -> None:
        sheet = portrait(A4) if self.s.orientation == "rotate" else self.size
        c = canvas.Canvas(str(path), pagesize=sheet, pageCompression=1, invariant=1)
        for n, ops in enumerate(self.ops, start=1):
            if self.s.orientation == "rotate":  # landscape content turned a quarter on a portrait sheet
                c.setPageRotation(90)
                c.translate(self.size[1], 0)
                c.rotate(90)
            c.setLineWidth(0.6)
            for op in ops:
                if op[0] == "line":
                    c.line(*op[1:])
                else:
                    _, x, y, text, align, size = op
                    c.setFont(self.font, size)
                    {"left": c.drawString, "right": c.drawRightString, "center": c.drawCentredString}[align](x, y, text)
            c.setFont(self.font, 8)
            c.drawCentredString(self.size[0] / 2, 20, f"— {n} —")
            c.showPage()
        c.save()


CALC_FONTS = {"wqy": "WenQuanYi Micro Hei", "uming": "AR PL UMing CN"}


def _profile(pid: int | None = None) -> Path:
    """LibreOffice's user profile of a process (kept while it renders: a fresh one costs seconds)."""
    return Path(tempfile.gettempdir()) / f"lo-profile-{os.getpid() if pid is None else pid}"


def _forget_profiles(pids: set[int]) -> None:
    for pid in pids:
        shutil.rmtree(_profile(pid), ignore_errors=True)


def render_calc(truth: dict, s: Setting, out: Path) -> dict:
    """The forms as a spreadsheet (openpyxl) exported by LibreOffice Calc: merged cells as the sheet's merges,
    rows as tall as their longest cell, each form after a page break (or after the last when two may share a
    page), the sheet fitted to the page's width — Calc itself splits a long form across pages and draws a
    merged cell cut by a page break, and it clips a text longer than its cell as spreadsheet exports do.
    The pages each form is printed on are found in the PDF afterwards (its name, its last indicator)."""
    import subprocess

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    wb = Workbook()
    ws = wb.active
    fractions = STYLE_COLUMNS[s.style]
    total = 96 if s.orientation == "portrait" else 140
    widths = [f * total for f in fractions]
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w
    font = Font(name=CALC_FONTS[s.font], size=9)
    side = Side(style="thin")
    border = Border(left=side, right=side, top=side, bottom=side)
    row = 1
    drawn = []
    entries = list(truth["forms"])
    if truth["empty_at"] is not None:
        entries.insert(truth["empty_at"], None)
    for k, form in enumerate(entries):
        if k and s.per_page == 1:
            ws.row_breaks.append(Break(id=row - 1))
        empty = form is None
        shown = {**truth["forms"][0], "indicators": []} if empty else form
        lines = form_lines(shown, s, empty=empty)
        title = TITLES.get(s.style) or ("项目支出绩效目标表" if empty else f"{shown['name']}绩效目标表")
        title = f"{truth['year']}年{title}" if s.style == "chongqing" else title
        # titles centred across the columns (not merged: Calc writes a merged cell's text after the others)
        ws.cell(row=row, column=1, value=title).font = Font(name=CALC_FONTS[s.font], size=14)
        for col in range(1, len(widths) + 1):
            ws.cell(row=row, column=col).alignment = Alignment(horizontal="centerContinuous")
        ws.row_dimensions[row].height = 24
        row += 1
        if s.style != "chongqing":
            ws.cell(row=row, column=1, value=f"（{truth['year']}年度）").font = font
            for col in range(1, len(widths) + 1):
                ws.cell(row=row, column=col).alignment = Alignment(horizontal="centerContinuous")
        else:
            ws.cell(row=row, column=len(widths), value="单位：万元").font = font
        row += 1
        runs = Drawer._runs(lines)
        first = row
        for i, ln in enumerate(lines):
            height = 1
            for c in ln.cells:
                if c.rows > 1 or c.group:
                    continue
                w = sum(widths[c.c0:c.c1 + 1])
                height = max(height, -(-sum(2 if ord(ch) > 255 else 1 for ch in c.text) * 1.15 // max(w - 1, 1)))
            ws.row_dimensions[row + i].height = height * 12.5 + 4
        for i, ln in enumerate(lines):
            r = first + i
            for c in ln.cells:
                n = c.rows
                if c.group:
                    n = runs.get(i, {}).get(c.group)
                    if n is None:
                        continue
                for rr in range(r, r + n):
                    for cc in range(c.c0 + 1, c.c1 + 2):
                        ws.cell(row=rr, column=cc).border = border
                if n > 1 or c.c1 > c.c0:
                    ws.merge_cells(start_row=r, start_column=c.c0 + 1, end_row=r + n - 1, end_column=c.c1 + 1)
                cell = ws.cell(row=r, column=c.c0 + 1, value=c.text or None)
                if c.text:
                    cell.data_type = "s"  # =100% is a target as printed, not a formula
                cell.font = font
                cell.alignment = Alignment(horizontal={"center": "center", "left": "left", "right": "right"}[c.align],
                                           vertical="center", wrap_text=True)
        row = first + len(lines) + 2
        if not empty:
            drawn.append(form)
    ws.page_setup.orientation = "portrait" if s.orientation == "portrait" else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / (out.stem + ".xlsx")
        wb.save(xlsx)
        subprocess.run(["soffice", f"-env:UserInstallation={_profile().as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(xlsx)], check=True, capture_output=True)
        out.write_bytes((Path(tmp) / (out.stem + ".pdf")).read_bytes())
    return {"year": truth["year"], "forms": _placed(out, drawn)}


def _placed(pdf: Path, forms: list[dict]) -> list[dict]:
    """The forms' truth with the pages each is printed on: from the first page after the form before's name
    that prints its name with its label or its title (the page after, where the title ends its page), to the
    last page, up to the next form's name, that prints one of its indicators."""
    import pypdfium2 as pdfium

    from budgetlib.read.retext import lines_of, page_glyphs

    # each page's text top to bottom (Calc writes a page's text in no fixed order: wrapped cells last)
    doc = pdfium.PdfDocument(str(pdf))
    texts = ["".join("".join(g.text for g in line) for line in lines_of(page_glyphs(doc[i])) if line).replace(" ", "")
             for i in range(len(doc))]
    starts, at = [], (1, -1)  # (page, position in its text) of the form before's name
    for form in forms:  # the name where the form prints it: after its label, or before 绩效目标表 in its title
        name = "".join(form["name"].split())
        keys = (f"项目名称{name}", f"{name}绩效目标表")
        def after(words: tuple[str, ...], since: tuple[int, int]) -> list[tuple[int, int]]:
            return [(i, m.start()) for i, t in enumerate(texts, start=1) for w in words
                    for m in re.finditer(re.escape(w), t) if (i, m.start()) > since]

        at = min(after(keys, at) or after((name,), at))  # the name alone where Calc writes its label elsewhere
        page, pos = at
        if texts[page - 1].startswith(keys[1], pos) and "主管部门" not in texts[page - 1][pos:] \
                and page < len(texts):
            page, pos = page + 1, -1  # a title that ends its page (Calc breaks the page under it): the form's
        starts.append((page, pos))  # pages are its table's
    out = []
    for k, form in enumerate(forms):
        start = starts[k][0]
        until = starts[k + 1] if k + 1 < len(forms) else (len(texts) + 1, 0)
        # the last page up to the next form's start that prints an indicator of this form: the text before the
        # next form's is this form's (or an empty template's); a wrapped cell's first line is on a line of its own
        # (its row's other cells sit on its middle line), so an indicator is looked for by its first characters
        template = "".join(c.text for style in Setting.AXES["style"]  # what an empty template prints
                           for ln in form_lines(form, Setting(style=style), empty=True) for c in ln.cells)
        heads = {n[:6] for i in form["indicators"] if (n := "".join(i["indicator"].split()))} - {""}
        heads = {h for h in heads if h not in template}
        seen = [start]
        for i in range(start + 1, min(until[0], len(texts)) + 1):
            text = texts[i - 1] if i < until[0] else texts[i - 1][:max(until[1], 0)]
            if any(h in text for h in heads):
                seen.append(i)
        end = max(seen, default=start)
        out.append({**{key_: v for key_, v in form.items() if key_ != "printed"}, "page": start,
                    "pages": list(range(start, end + 1)),
                    "indicators": [{k2: v2 for k2, v2 in i.items() if k2 != "printed"} for i in form["indicators"]]})
    return out


def render(truth: dict, s: Setting, out: Path) -> dict:
    """Draw the forms of ``truth`` (an empty template among them where ``empty_at`` says, narrative pages
    before and after where ``narrative``); the truth of what budgetlib must read, with each form's pages."""
    if s.producer == "calc":
        return render_calc(truth, s, out)
    rng = random.Random(json.dumps(truth["forms"][0]["name"], ensure_ascii=False))
    voc = _vocabulary()
    d = Drawer(s)
    if truth["narrative"]:
        d.narrative(NARRATIVE[0], rng, voc)
        d.y = 0.0  # the forms begin on a page of their own
    forms = []
    for k in range(len(truth["forms"]) + 1):
        if truth["empty_at"] == k:
            template = {**truth["forms"][0], "indicators": []}
            d.form(TITLES.get(s.style, "项目支出绩效目标表"), truth["year"], form_lines(template, s, empty=True),
                   fresh=s.per_page == 1)
        if k == len(truth["forms"]):
            break
        form = truth["forms"][k]
        title = TITLES.get(s.style) or f"{form['name']}绩效目标表"
        pages = d.form(title, truth["year"], form_lines(form, s), fresh=s.per_page == 1)
        forms.append({**{key: v for key, v in form.items() if key != "printed"}, "page": pages[0], "pages": pages,
                      "indicators": [{k2: v2 for k2, v2 in i.items() if k2 != "printed"} for i in form["indicators"]]})
    if truth["narrative"]:
        d.narrative(NARRATIVE[3], rng, voc)
    d.save(out)
    return {"year": truth["year"], "forms": forms}


# -- reading back --------------------------------------------------------------------------------------

FIELDS = ("name", "department", "unit", "amount_unit", "goal", "period_goal", "page", "pages")
IND_FIELDS = ("level1", "level2", "indicator", "annual_value", "weight", "note")


def _norm(text: object) -> object:
    """Text compared as printed: line wraps carry no space (the reader joins wrapped lines as Chinese)."""
    return re.sub(r"\s+", "", text) if isinstance(text, str) else text


def differences(doc, truth: dict) -> list[str]:
    """Every field of every form read, against the truth."""
    rows = [r for r in doc.projects if r.layout == "project_form"]
    out = []
    if len(rows) != len(truth["forms"]):
        out.append(f"{len(rows)} forms read, {len(truth['forms'])} printed: {[r.name for r in rows]}")
    for n, (row, form) in enumerate(zip(rows, truth["forms"]), start=1):
        got = {"name": row.name, "department": row.department, "unit": row.unit, "amount_unit": row.amount_unit,
               "goal": row.goal, "period_goal": row.period_goal, "page": row.page, "pages": row.pages}
        for f in FIELDS:
            if _norm(got[f]) != _norm(form[f]):
                out.append(f"form {n} {f}: {got[f]!r} != {form[f]!r}")
        for f in ("total", "fiscal", "other"):
            if row.amount_texts[f] != form[f]:
                out.append(f"form {n} {f}: {row.amount_texts[f]!r} != {form[f]!r}")
            want = Decimal(form[f].replace(",", "")) if form[f] else None
            if row.amounts[f] != want:
                out.append(f"form {n} {f} amount: {row.amounts[f]} != {want}")
        if [[_norm(t) for t in x] for x in row.amount_lines] != [[_norm(t) for t in x] for x in form["amount_lines"]]:
            out.append(f"form {n} amount_lines: {row.amount_lines} != {form['amount_lines']}")
        if len(row.indicators) != len(form["indicators"]):
            out.append(f"form {n}: {len(row.indicators)} indicators != {len(form['indicators'])}")
        for k, (ind, want) in enumerate(zip(row.indicators, form["indicators"]), start=1):
            for f in IND_FIELDS:
                if _norm(getattr(ind, f)) != _norm(want.get(f)) and not (f in ("weight", "note")
                                                                         and not getattr(ind, f) and not want.get(f)):
                    out.append(f"form {n} indicator {k} {f}: {getattr(ind, f)!r} != {want.get(f)!r}")
    if doc.year != truth["year"]:
        out.append(f"year {doc.year} != {truth['year']}")
    blank = sum(1 for form in truth["forms"] for i in form["indicators"] if i.get("blank_level1"))
    found = sum(1 for f in doc.findings if f.check == "indicator_level_missing" and f.field == "level1")
    if found != blank:
        out.append(f"{found} blank 一级 cells reported, {blank} printed")
    return out


def check(path: Path, truth: dict) -> tuple[list[str], list[str]]:
    from budgetlib import read_pdf
    from budgetlib.exceptions import InputError

    try:
        doc = read_pdf(path)
    except InputError as exc:
        return [f"not read: {exc}"], []
    return differences(doc, truth), [f.message for f in doc.findings if f.check == "extraction_doubt"]


def case(seed: str) -> tuple[dict, Setting]:
    rng = random.Random(seed)
    s = Setting.draw(rng)
    return random_truth(rng, s), s


def _one(seed: str) -> dict:
    drawn, s = case(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "forms.pdf"
        t0 = time.perf_counter()
        try:
            truth = render(drawn, s, path)
        except (StopIteration, ValueError) as exc:  # the harness could not place a form in what Calc printed
            return {"seed": seed, "setting": asdict(s), "label": s.label(), "diffs": [f"harness: {exc!r}"],
                    "doubts": [], "forms": 0, "seconds": time.perf_counter() - t0, "pid": os.getpid()}
        diffs, doubts = check(path, truth)
    return {"seed": seed, "setting": asdict(s), "label": s.label(), "diffs": diffs, "doubts": doubts,
            "forms": len(truth["forms"]), "seconds": time.perf_counter() - t0, "pid": os.getpid()}


def table(results: list[dict]) -> str:
    """Exact readings, wrong ones that raised a doubt, and doubts on exact ones: each producer's, then by
    each axis's values (those a producer draws more than one of)."""
    def counts(rs: list[dict]) -> str:
        ok = sum(not r["diffs"] for r in rs)
        return (f"{ok}/{len(rs)} | {sum(bool(r['doubts']) for r in rs if r['diffs'])}/{len(rs) - ok} | "
                f"{sum(bool(r['doubts']) for r in rs if not r['diffs'])}")

    lines = ["| producer | axis | value | exact | doubted when wrong | doubt on an exact read |",
             "|---|---|---|---|---|---|"]
    for producer in Setting.AXES["producer"]:
        mine = [r for r in results if r["setting"]["producer"] == producer]
        if not mine:
            continue
        lines.append(f"| **{producer}** | all | | {counts(mine)} |")
        for axis in Setting.AXES:
            groups = defaultdict(list)
            for r in mine:
                groups[r["setting"][axis]].append(r)
            if axis == "producer" or len(groups) < 2:
                continue
            for value, rs in sorted(groups.items(), key=lambda kv: str(kv[0])):
                lines.append(f"| {producer} | {axis} | {value} | {counts(rs)} |")
    lines.append(f"| **all** | | | {counts(results)} |")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    seeds = [f"{args.seed}:{k}" for k in range(args.n)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_one, seeds))
    _forget_profiles({r["pid"] for r in results})
    wrong = []
    for r in results:
        if r["diffs"]:
            wrong.append(f"WRONG {r['seed']} {r['label']}: {len(r['diffs'])} differences, e.g. {r['diffs'][0][:200]}"
                         + (" [doubt raised]" if r["doubts"] else " [SILENT]"))
        elif r["doubts"]:
            wrong.append(f"DOUBTED BUT EXACT {r['seed']} {r['label']}: {r['doubts'][0][:160]}")
    print("\n".join(wrong))
    text = table(results)
    forms = sum(r["forms"] for r in results)
    print(text)
    print(f"{len(results)} renderings ({forms} forms) in {time.perf_counter() - t0:.0f} s")
    if args.out:
        listed = "".join(f"- {line}\n" for line in wrong)
        Path(args.out).write_text(f"Per-project forms (`tools/fidelity_forms.py`), seed {args.seed}, {len(results)} "
                                  f"renderings, {forms} forms (`make fidelity`).\n\n{text}\n"
                                  + (f"\n{listed}" if listed else ""), encoding="utf-8")
    return 0 if all(not r["diffs"] for r in results) else 1


# what the committed renderings must hold besides every setting's values
FEATURES = (("feature", "empty template"), ("feature", "narrative pages"), ("feature", "blank merged 一级"),
            ("feature", "form split over pages"), ("feature", "two forms a page"))


def features(drawn: dict, s: Setting) -> set[tuple[str, str]]:
    out = set()
    if drawn["empty_at"] is not None:
        out.add(("feature", "empty template"))
    if drawn["narrative"] and s.producer == "canvas":
        out.add(("feature", "narrative pages"))
    if any(i.get("blank_level1") for f in drawn["forms"] for i in f["indicators"]):
        out.add(("feature", "blank merged 一级"))
    if s.long:
        out.add(("feature", "form split over pages"))
    if s.per_page == 2 and not s.long:
        out.add(("feature", "two forms a page"))
    return out


def commit(args: argparse.Namespace) -> int:
    """Renderings for `make test` (tests/fixtures/forms): every value of every axis at least once."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        if not old.name.startswith("r_"):  # the regressions (r_*) stay
            old.unlink()
    # each producer's every value of every axis it draws, and each feature it can print
    wanted = {(p, axis, v) for p in Setting.AXES["producer"] for axis, values in Setting.drawn_by(p).items()
              for v in values} | {(p, *f) for p in Setting.AXES["producer"] for f in FEATURES
                                  if p == "canvas" or f[1] != "narrative pages"}
    manifest, k = {}, 0
    while wanted or len(manifest) < args.n:
        if k > 2000:
            raise SystemExit(f"no rendering of 2000 drawn covers {sorted(wanted, key=str)}")
        seed = f"commit:{k}"
        k += 1
        drawn, s = case(seed)
        covers = {(s.producer, *x) for x in {(a, getattr(s, a)) for a in Setting.AXES} | features(drawn, s)} & wanted
        if not covers and len(manifest) >= args.n:
            continue
        if not covers and k % 4:
            continue
        name = f"{len(manifest):02d}_{s.style}"
        truth = render(drawn, s, OUT / f"{name}.pdf")
        diffs, doubts = check(OUT / f"{name}.pdf", truth)
        if diffs or doubts:  # the tests read every committed rendering exactly: a wrong one is the matrix's
            print(f"{seed}: {s.label()} not read exactly, not committed: {(diffs or doubts)[0][:160]}")
            (OUT / f"{name}.pdf").unlink()
            continue
        (OUT / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pages = {p for f in truth["forms"] for p in f["pages"]}
        manifest[name] = {"seed": seed, "setting": asdict(s), "label": s.label(),
                          "features": sorted(f for _, f in features(drawn, s)),
                          "split": any(len(f["pages"]) > 1 for f in truth["forms"]),
                          "shared_page": len(pages) < len(truth["forms"])}
        wanted -= covers
        print(f"{name}: {s.label()} ({len(truth['forms'])} forms)")
    _forget_profiles({os.getpid()})
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    doubt_case()
    print(f"{DOUBT.name}: the doubt case")
    return 0


DOUBT = OUT / "doubt_join.pdf"


def doubt_case() -> dict:
    """A form whose page is followed by indicator rows printed without the header in columns of other
    widths (a producer that redraws the table on the next page): the rows cannot be seen to continue the
    form, so they are not read and the page is an ``extraction_doubt`` (exit status 3)."""
    s = Setting(style="xian", orientation="portrait")
    rng = random.Random("doubt:join")
    drawn = random_truth(rng, s)
    drawn["forms"], drawn["empty_at"], drawn["narrative"] = drawn["forms"][:1], None, False
    form = drawn["forms"][0]
    d = Drawer(s)
    pages = d.form(TITLES["xian"], drawn["year"], form_lines(form, s), fresh=True)
    d.new_page()
    xs = [d.x0, d.x0 + 0.2 * d.width, d.x0 + 0.4 * d.width, d.x0 + 0.8 * d.width, d.x0 + d.width]
    for level1, level2, ind, value, _ in rng.sample(_vocabulary()["indicators"], 4):
        for k, text in enumerate((level1, level2, ind, value)):
            d.put("line", xs[k], d.y, xs[k + 1], d.y)
            d.put("line", xs[k], d.y - 24, xs[k + 1], d.y - 24)
            d.put("line", xs[k], d.y, xs[k], d.y - 24)
            d.put("line", xs[k + 1], d.y, xs[k + 1], d.y - 24)
            d.put("text", xs[k] + 3, d.y - 15, text[:18], "left", 7.5)
        d.y -= 24
    d.save(DOUBT)
    truth = {"year": drawn["year"], "forms": [{**{k: v for k, v in form.items() if k != "printed"}, "page": pages[0],
                                                 "pages": pages}], "doubt_page": pages[-1] + 1}
    DOUBT.with_suffix(".json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def one(args: argparse.Namespace) -> int:
    drawn, s = case(args.seed)
    out = Path(args.out or "forms_case.pdf")
    truth = render(drawn, s, out)
    _forget_profiles({os.getpid()})
    diffs, doubts = check(out, truth)
    print(f"{args.seed}: {s.label()} → {out} ({len(truth['forms'])} forms)")
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
    r.add_argument("--out", help="write the table (Markdown) here")
    c = sub.add_parser("commit")
    c.add_argument("--n", type=int, default=12)
    o = sub.add_parser("one")
    o.add_argument("seed")
    o.add_argument("--out")
    args = ap.parse_args()
    return {"run": run, "commit": commit, "one": one}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
