"""Fidelity of the department-level table (部门整体支出绩效目标表): random tables drawn from the real files'
vocabulary in the four variants the real disclosures print, rendered with reportlab, read back by budgetlib
and compared field by field with their truth.

Variants (as 重庆, 西安, 北京 and 广州 print them): ``flat`` (当年整体绩效目标 over the whole width, then
指标名称/指标性质/指标值/计量单位/指标权重(%)/是否核心 under a 绩效指标 label spanning the rows), ``tasks``
(部门（单位）名称, 年度主要任务 with 预算金额 over 总额/财政拨款/其他资金 and 金额合计, 年度总体目标, then 一级/二级
merged down their rows, 三级指标, 指标值, 分值权重), ``activity`` (部门名称, 总体资金情况 under a two-row header,
整体绩效目标, 其他说明, then 活动/绩效指标 — the levels run together with the indicator —/指标性质/指标值/度量单位)
and ``period`` (实施周期指标值 and 年度指标值).  Settings: font (WenQuanYi Micro Hei, AR PL UMing, Noto Sans
CJK is not drawn by reportlab: STSong-Light, not embedded, instead), cell text wrapped to the column (long
indicators and values wrap over 1–4 lines), rows enough to run
over a second page or not; a page break cuts a merged 一级/二级 cell the way WPS exports do (borders closed
at the cut, the text printed on the first part only) and the ``activity`` variant repeats its header; a
planted 金额合计 that differs from its tasks by 0.01 (the finding must be raised).

    python tools/fidelity_department.py run --n 40 --seed 0 [--out ../benchmarks/fidelity_department_latest.md]
    python tools/fidelity_department.py one 0:7 --keep DIR      # render (and keep) one rendering
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = {
    "sans": ("WQY", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    "serif": ("UMing", "/usr/share/fonts/truetype/arphic/uming.ttc"),
    "cid": ("STSong-Light", ""),  # the reader's own font, not embedded
}
VARIANTS = ("flat", "tasks", "activity", "period")

# the real files' vocabulary (重庆, 西安, 北京, 广州 department tables)
DEPARTMENTS = ["重庆市人民政府办公厅", "西安市人民政府办公厅", "北京市发展和改革委员会", "广州市生态环境局",
               "西安市审计局",
               "北京市人力资源和社会保障局", "重庆市气象局", "西安市统计局", "北京市民政局"]
GOALS = [
    "贯彻落实党中央和国务院的决策部署和市委、市政府工作要求，进一步提高政治站位，强化参谋辅政和加强工作机制创新，"
    "努力推动全市经济社会平稳健康高质量发展。",
    "1.抓好各项政务活动；2.做好档案整理、文件刊物印制、业务工作培训以及离退休干部、参事、馆员活动保障工作；"
    "3.保障驻外办工作正常运行；4.完成政府网站内容制作、政务公开及网站监管工作。",
    "坚持以人民为中心的发展思想，完整准确全面贯彻新发展理念，坚持稳中求进工作总基调，突出稳就业、强技能、优保障。",
    "以持续改善生态环境质量为核心目标，以满足人民群众优美生态环境需求为根本导向，持续深入打好污染防治攻坚战。",
]
TASKS = [("机关运转", "保障机关基本工作运行"),
         ("政务工作保障", "保障驻外办工作、政府网站内容、政务公开及网站监管等工作实施"),
         ("业务活动保障", "保障法律顾问服务、档案整理、文件刊物印制、业务工作培训"), ("就业管理事务", "城镇新增就业"),
         ("物价管理", "价格监测及价格认定"), ("对口支援合作", "持续有力推动本市对口协作合作重点工作")]
ACTIVITIES = ["对口支援合作", "物价管理", "能源节约利用", "信息化系统运行维护", "“疏整促”专项行动", "促进经济社会发展",
              "人才人事管理", "就业管理事务"]
# (一级, 二级, 三级, 指标性质, 指标值, 计量单位)
INDICATORS = [
    ("产出指标", "数量指标", "市政府门户网站优化整改次数", "≥", "4", "次"),
    ("产出指标", "数量指标", "刊物、公报印制数量", "≥", "74700", "册"),
    ("产出指标", "数量指标", "报送劳动力、房地产、生活必需品、生猪屠宰、养殖企业价格监测数据", "≥", "2550", "条"),
    ("产出指标", "质量指标", "文件、刊物、公报印刷验收合格率", "＝", "100", "%"),
    ("产出指标", "质量指标", "监测报告准确率", "≥", "95", "%"),
    ("产出指标", "时效指标", "网站检查发现问题响应及整改时限", "≤", "5", "工作日"),
    ("产出指标", "时效指标", "信息化系统平均故障应急响应时间", "≤", "30", "分钟"),
    ("成本指标", "经济成本指标", "光伏补贴标准", "≤", "0.26", "元/千瓦时"),
    ("成本指标", "经济成本指标", "政务公开及网站监管成本", "≤", "209.58", "万元"),
    ("效益指标", "经济效益指标", "驻沪办、驻深办招商转化落地项目数量", "≥", "9", "个"),
    ("效益指标", "社会效益指标", "人大代表建议和政协提案办理率", "＝", "100", "%"),
    ("效益指标", "社会效益指标", "全力稳定和扩大就业岗位", "定性", "优", ""),
    ("效益指标", "生态效益指标", "细颗粒物(PM2.5)年均浓度", "≤", "25", "微克/立方米"),
    ("效益指标", "生态效益指标", "积极稳妥推进碳达峰碳中和，加快构建国际绿色经济标杆城市", "定性",
     "优，通过零碳园区标准体系建设及市级零碳园区征集、碳排放评估及碳排放控制体系建设等，"
     "积极稳妥推进碳达峰碳中和。", ""),
    ("效益指标", "可持续影响指标", "拓展产销对接渠道", "定性", "优，持续帮助支援合作地区搭建产销对接平台。", ""),
    ("满意度指标", "服务对象满意度指标", "政府网站用户满意度", "≥", "90", "%"),
    ("满意度指标", "服务对象满意度指标", "营商环境参与企业满意度", "≥", "80", "%"),
]


def _fonts() -> None:
    for name, path in FONTS.values():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0) if path else UnicodeCIDFont(name))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, font, size) > width - 4 and line:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line or not lines else lines


def draw(truth: dict, path: Path, font_key: str) -> None:
    """Render a table: rows of cells ``(text, col0, col1, rows_down)`` over ``widths``; a cell spanning rows
    down is drawn as one block per page part, text on its first part."""
    _fonts()
    font, size, lead = FONTS[font_key][0], 7.5, 9.5
    page_w, page_h = landscape(A4)
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    widths = truth["_widths"]
    x0 = (page_w - sum(widths)) / 2
    xs = [x0 + sum(widths[:i]) for i in range(len(widths) + 1)]
    rows = truth["_rows"]
    heights = []
    for row in rows:
        h = 16.0
        for text, a, b, down in row:
            if down == 1:
                n = len(_wrap(text, font, size, xs[b + 1] - xs[a]))
                h = max(h, n * lead + 6)
        heights.append(h)
    y = page_h - 40
    c.setFont(font, 14)
    c.drawCentredString(page_w / 2, y, truth["_title"])
    y -= 24
    c.setFont(font, size)
    for line in truth["_intro"]:  # 重庆 prints 单位名称 in the text above the table
        c.drawString(xs[0], y, f"单位名称： {line}")
        y -= 16
    repeat = truth.get("_repeat")  # index of the header row repeated on a new page
    placed: list[tuple[int, float, float]] = []  # (row, top, bottom) on the current page

    def finish_page() -> None:
        c.showPage()
        c.setFont(font, size)

    def block(text: str, a: int, b: int, top: float, bottom: float, show: bool) -> None:
        c.setLineWidth(0.5)
        c.rect(xs[a], bottom, xs[b + 1] - xs[a], top - bottom)
        if show and text:
            lines = _wrap(text, font, size, xs[b + 1] - xs[a])
            mid = (top + bottom) / 2 + (len(lines) * lead) / 2 - size
            for k, line in enumerate(lines):
                c.drawString(xs[a] + 2, mid - k * lead, line)

    # cells spanning rows: drawn when their last row on the page is placed
    spans: dict[tuple[int, int], tuple[str, int, int, int]] = {}
    for r, row in enumerate(rows):
        for cell in row:
            if cell[3] > 1:
                spans[(r, cell[1])] = cell
    active: list[tuple[str, int, int, int, int, float, bool]] = []  # text, a, b, first row, last row, top, shown
    for r, row in enumerate(rows):
        h = heights[r]
        if y - h < 40:
            for text, a, b, _r0, _r1, top, shown in active:
                block(text, a, b, top, y, not shown)
            active = [(t, a, b, r0, r1, page_h - 40, True) for t, a, b, r0, r1, _, _ in active]
            finish_page()
            y = page_h - 40
            if repeat is not None and r > repeat:
                for text, a, b, _ in rows[repeat]:
                    block(text, a, b, y, y - heights[repeat], True)
                y -= heights[repeat]
            active = [(t, a, b, r0, r1, y, s) for t, a, b, r0, r1, _, s in active]
        for text, a, b, down in row:
            if down > 1:
                active.append((text, a, b, r, r + down - 1, y, False))
            else:
                block(text, a, b, y, y - h, True)
        y -= h
        done = [x for x in active if x[4] == r]
        for text, a, b, _r0, _r1, top, shown in done:
            block(text, a, b, top, y, not shown)
        active = [x for x in active if x[4] != r]
        placed.append((r, y + h, y))
    c.save()


def make(seed: int, variant: str, font: str) -> dict:
    rnd = random.Random(seed)
    n = rnd.choice([4, 8, 14, 30]) if variant != "activity" else rnd.choice([5, 12, 34])
    picks = sorted(rnd.sample(range(len(INDICATORS)), min(n, len(INDICATORS))))
    if n > len(INDICATORS):
        picks = sorted(picks + rnd.choices(range(len(INDICATORS)), k=n - len(INDICATORS)))
    inds = [INDICATORS[i] for i in picks]
    dept, goal = rnd.choice(DEPARTMENTS), rnd.choice(GOALS)
    targets, rows = [], []
    plant = variant == "tasks" and rnd.random() < 0.3
    if variant == "flat":
        widths = [40, 260, 60, 60, 60, 70, 60]
        rows.append([("当年整体绩效目标", 0, 6, 1)])
        rows.append([(goal, 0, 6, 1)])
        rows.append([("绩效指标", 0, 0, len(inds) + 1), ("指标名称", 1, 1, 1), ("指标性质", 2, 2, 1),
                     ("指标值", 3, 3, 1), ("计量单位", 4, 4, 1), ("指标权重(%)", 5, 5, 1), ("是否核心", 6, 6, 1)])
        for _l1, _l2, name, nat, val, unit in inds:
            w, core = str(rnd.choice([5, 10, 15])), rnd.choice(["是", "否"])
            rows.append([(name, 1, 1, 1), (nat, 2, 2, 1), (val, 3, 3, 1), (unit, 4, 4, 1), (w, 5, 5, 1),
                         (core, 6, 6, 1)])
            annual = val if nat == "定性" else nat + val + unit
            targets.append({"indicator": name, "annual_value": annual, "weight": w, "note": f"是否核心：{core}",
                            "level1": None, "level2": None, "task": "", "period_value": ""})
        title, repeat = "2026年部门整体绩效目标表", None
        intro = [dept]
    elif variant in ("tasks", "period"):
        widths = [40, 70, 90, 230, 90, 60, 60] if variant == "tasks" else [40, 70, 90, 200, 110, 110, 60]
        rows.append([("部门（单位）名称", 0, 1, 1), (dept, 2, 6, 1)])
        tasks = rnd.sample(TASKS, rnd.choice([1, 2, 3]))
        amounts = [Decimal(rnd.randint(1000, 900000)) / 100 for _ in tasks]
        total = sum(amounts) + (Decimal("0.01") if plant else 0)
        rows.append([("年度主要任务", 0, 0, len(tasks) + 3), ("任务名称", 1, 2, 2), ("主要内容", 3, 3, 2),
                     ("预算金额（万元）", 4, 6, 1)])
        rows.append([("总额", 4, 4, 1), ("财政拨款", 5, 5, 1), ("其他资金", 6, 6, 1)])
        for (name, content), amt in zip(tasks, amounts):
            rows.append([(name, 1, 2, 1), (content, 3, 3, 1), (f"{amt:.2f}", 4, 4, 1), (f"{amt:.2f}", 5, 5, 1),
                         ("", 6, 6, 1)])
        rows.append([("金额合计", 1, 3, 1), (f"{total:.2f}", 4, 4, 1), (f"{total:.2f}", 5, 5, 1), ("", 6, 6, 1)])
        rows.append([("年度总体目标", 0, 0, 1), (goal, 1, 6, 1)])
        if variant == "tasks":
            head = [("一级指标", 1, 1, 1), ("二级指标", 2, 2, 1), ("三级指标", 3, 3, 1), ("指标值", 4, 5, 1),
                    ("分值权重（90分）", 6, 6, 1)]
        else:
            head = [("一级指标", 1, 1, 1), ("二级指标", 2, 2, 1), ("三级指标", 3, 3, 1), ("实施周期指标值", 4, 4, 1),
                    ("年度指标值", 5, 6, 1)]
        inds.sort(key=lambda i: (i[0], i[1]))
        rows.append([("年度绩效指标", 0, 0, len(inds) + 1), *head])
        first_row = len(rows)
        body = []
        for k, (l1, l2, name, nat, val, unit) in enumerate(inds):
            value = val if nat == "定性" else (nat if nat != "＝" else "") + val + unit
            cells = []
            if k == 0 or inds[k - 1][0] != l1:
                cells.append((l1, 1, 1, sum(1 for x in inds if x[0] == l1)))
            if k == 0 or inds[k - 1][:2] != (l1, l2):
                cells.append((l2, 2, 2, sum(1 for x in inds if x[:2] == (l1, l2))))
            w = str(rnd.choice([3, 4, 5, 6]))
            if variant == "tasks":
                cells += [(name, 3, 3, 1), (value, 4, 5, 1), (w, 6, 6, 1)]
                targets.append({"indicator": name, "annual_value": value, "weight": w, "note": "", "level1": l1,
                                "level2": l2, "task": "", "period_value": ""})
            else:
                cells += [(name, 3, 3, 1), (value, 4, 4, 1), (value, 5, 6, 1)]
                targets.append({"indicator": name, "annual_value": value, "weight": "", "note": "", "level1": l1,
                                "level2": l2, "task": "", "period_value": value})
            body.append(cells)
        rows += body
        del first_row
        title = "部门整体支出绩效目标表"
        repeat = None
        intro = []
    else:  # activity
        widths = [60, 90, 230, 50, 200, 60]
        rows.append([("部门名称", 0, 1, 1), (dept, 2, 5, 1)])
        parts = [Decimal(rnd.randint(100000, 90000000)) / 1000000 for _ in range(4)]
        money = [sum(parts), parts[0] + parts[1], parts[0], parts[1], parts[2] + parts[3], parts[2], parts[3]]
        rows.append([("总体资金情况（万元）", 0, 1, 3), ("预算支出总额", 2, 2, 2), ("财政拨款", 3, 4, 1),
                     ("其他资金", 5, 5, 1)])
        rows.append([("合计", 3, 3, 1), ("项目支出", 4, 4, 1), ("合计", 5, 5, 1)])
        rows.append([(f"{money[0]:,.6f}", 2, 2, 1), (f"{money[1]:,.6f}", 3, 3, 1), (f"{money[3]:,.6f}", 4, 4, 1),
                     (f"{money[4]:,.6f}", 5, 5, 1)])
        rows.append([("整体绩效目标", 0, 1, 1), (goal, 2, 5, 1)])
        rows.append([("其他说明", 0, 1, 1), ("", 2, 5, 1)])
        rows.append([("活动", 0, 1, 1), ("绩效指标", 2, 2, 1), ("指标性质", 3, 3, 1), ("指标值", 4, 4, 1),
                     ("度量单位", 5, 5, 1)])
        for l1, l2, name, nat, val, unit in inds:
            act = rnd.choice(ACTIVITIES)
            rows.append([(act, 0, 1, 1), (l1 + l2 + name, 2, 2, 1), (nat, 3, 3, 1), (val, 4, 4, 1), (unit, 5, 5, 1)])
            annual = val if nat == "定性" else nat + val + unit
            targets.append({"indicator": name, "annual_value": annual, "weight": "", "note": "", "level1": l1,
                            "level2": l2, "task": act, "period_value": ""})
        title, repeat = "预算13表 部门整体支出绩效目标表", 6
        intro = []
    return {"variant": variant, "font": font, "seed": seed, "department": dept, "goal": goal, "targets": targets,
            "planted_sum": plant, "_widths": widths, "_rows": rows, "_title": title, "_repeat": repeat,
            "_intro": intro}


def render(truth: dict, path: Path) -> None:
    draw(truth, path, truth["font"])


def compare(truth: dict, path: Path) -> tuple[bool, bool, list[str]]:
    """(exact, doubted, differences) of the reading of ``path`` against ``truth``."""
    from budgetlib.read.document import read_pdf

    doc = read_pdf(path)
    diffs = []
    if len(doc.targets) != len(truth["targets"]):
        diffs.append(f"targets {len(doc.targets)} != {len(truth['targets'])}")
    for k, (t, want) in enumerate(zip(doc.targets, truth["targets"]), start=1):
        i = t.indicator
        got = {"indicator": i.indicator, "annual_value": i.annual_value, "weight": i.weight, "note": i.note,
               "level1": i.level1, "level2": i.level2, "task": t.task, "period_value": i.period_value}
        for key, value in want.items():
            if got[key] != value:
                diffs.append(f"target {k} {key}: {got[key]!r} != {value!r}")
        if t.department != truth["department"]:
            diffs.append(f"target {k} department {t.department!r}")
        if t.goal != truth["goal"]:
            diffs.append(f"target {k} goal {t.goal[:20]!r}…")
    sums = any(f.check == "department_sum_mismatch" for f in doc.findings)
    if sums != truth["planted_sum"]:
        diffs.append(f"金额合计 finding {sums} (planted {truth['planted_sum']})")
    doubted = any(f.check == "extraction_doubt" for f in doc.findings)
    return not diffs, doubted, diffs


def settings(i: int, seed: int) -> tuple[int, str, str]:
    rnd = random.Random(seed * 100003 + i)
    return seed * 100003 + i, VARIANTS[i % len(VARIANTS)], rnd.choice(sorted(FONTS))


def public(truth: dict) -> dict:
    return {k: v for k, v in truth.items() if not k.startswith("_")}


def run(n: int, seed: int, out: Path | None) -> int:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            s, variant, font = settings(i, seed)
            truth = make(s, variant, font)
            pdf = Path(tmp) / f"{i:03d}.pdf"
            render(truth, pdf)
            exact, doubted, diffs = compare(truth, pdf)
            results.append((variant, font, exact, doubted))
            if not exact:
                print(f"{seed}:{i} {variant} {font}: {'; '.join(diffs[:4])}", file=sys.stderr)
    lines = ["| variant | font | exact | doubted when wrong | doubt on an exact read |", "|---|---|---|---|---|"]
    for key, pick in [("all", lambda r: True)] + [(v, lambda r, v=v: r[0] == v) for v in VARIANTS]:
        for font in ["all", *sorted(FONTS)]:
            sel = [r for r in results if pick(r) and (font == "all" or r[1] == font)]
            if not sel or (font != "all" and key == "all"):
                continue
            wrong = [r for r in sel if not r[2]]
            lines.append(f"| {key} | {font} | {sum(r[2] for r in sel)}/{len(sel)} | "
                         f"{sum(r[3] for r in wrong)}/{len(wrong)} | {sum(r[2] and r[3] for r in sel)} |")
    table = "\n".join(lines)
    print(table)
    if out:
        out.write_text(f"# Fidelity of the department-level table (seed {seed}, {n} renderings)\n\n{table}\n")
    return 0 if all(r[2] or r[3] for r in results) else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--n", type=int, default=40)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--out", type=Path)
    o = sub.add_parser("one")
    o.add_argument("which")  # seed:i
    o.add_argument("--keep", type=Path, required=True)
    args = ap.parse_args()
    if args.cmd == "run":
        return run(args.n, args.seed, args.out)
    seed, i = map(int, args.which.split(":"))
    s, variant, font = settings(i, seed)
    truth = make(s, variant, font)
    args.keep.mkdir(parents=True, exist_ok=True)
    pdf = args.keep / f"{variant}_{seed}_{i}.pdf"
    render(truth, pdf)
    (args.keep / f"{variant}_{seed}_{i}.json").write_text(json.dumps(public(truth), ensure_ascii=False, indent=1))
    exact, doubted, diffs = compare(truth, pdf)
    print(pdf, "exact" if exact else "WRONG", "doubted" if doubted else "", "; ".join(diffs[:5]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
