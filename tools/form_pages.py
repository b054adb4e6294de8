"""Form pages that print neither a name field nor a title (``tests/fixtures/form_pages``): a form's indicator
grid on a page of its own — going on from the page before (under a ``续表`` line, which ends the table's run
of pages as a title would), or after a narrative page, a budget table or the department-level table — and a
form's head printed without its name on a page not taken for a form's.  Each with its truth: the forms that
must be read exactly, and the pages that must be an ``extraction_doubt`` (never a silent loss, never rows
given to a project that may not be theirs).

    python tools/form_pages.py        # writes tests/fixtures/form_pages/*.pdf and *.json

Drawn with the fidelity harness's drawer (``fidelity_forms.Drawer``: reportlab's canvas, WenQuanYi).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity_forms import NARRATIVE, ROOT, TITLES, Drawer, Setting, _vocabulary, form_lines, random_truth

OUT = ROOT / "tests" / "fixtures" / "form_pages"
S = Setting(style="xian", orientation="portrait", repeat=True)
TITLE = TITLES["xian"]


def _forms(seed: str, n: int, indicators: int | None = None) -> tuple[int, list[dict]]:
    """``n`` forms of 西安's style (``indicators`` each, where given), and the budget year."""
    rng = random.Random(seed)
    drawn = random_truth(rng, S)
    while len(drawn["forms"]) < n:
        drawn["forms"] += random_truth(rng, S)["forms"]
    forms = drawn["forms"][:n]
    if indicators is not None:
        voc = _vocabulary()
        for form in forms:
            while len(form["indicators"]) < indicators:
                level1, level2, ind, value, _ = rng.choice(voc["indicators"])
                if ind not in {i["indicator"] for i in form["indicators"]}:
                    form["indicators"].append({"level1": level1, "level2": level2, "indicator": ind,
                                               "annual_value": value, "weight": "5", "note": ""})
            form["indicators"] = form["indicators"][:indicators]
            order = {"成本指标": 0, "产出指标": 1, "效益指标": 2, "满意度指标": 3}
            form["indicators"].sort(key=lambda i: (order.get(i["level1"], 9), i["level2"]))
    return drawn["year"], forms


def _truth(form: dict, pages: list[int]) -> dict:
    return {**{k: v for k, v in form.items() if k != "printed"}, "page": pages[0], "pages": pages,
            "indicators": [{k: v for k, v in i.items() if k != "printed"} for i in form["indicators"]]}


def _untitled(d: Drawer, year: int, lines: list, fresh: bool = True) -> list[int]:
    """A form's lines drawn without its title (nor the year line under it)."""
    page = d.page + 1 if fresh else d.page
    pages = d.form(TITLE, year, lines, fresh=fresh)
    d.ops[page - 1] = [op for op in d.ops[page - 1] if not (op[0] == "text" and op[3] in (TITLE, f"（{year}年度）"))]
    return pages


def _grid_only(form: dict) -> list:
    """A form's indicator header and rows, without its head."""
    lines = form_lines(form, S)
    return lines[next(k for k, ln in enumerate(lines) if ln.kind == "header"):]


def _narrative(d: Drawer, title: str) -> None:
    d.narrative(title, random.Random(title), _vocabulary())


def _ruled(d: Drawer, xs: list[float], rows: list[list[str]], height: float = 22.0) -> None:
    """A plain ruled table at the drawer's height: one cell per text."""
    for row in rows:
        for k, text in enumerate(row):
            x0, x1 = xs[k], xs[k + 1]
            for line in ((x0, d.y, x1, d.y), (x0, d.y - height, x1, d.y - height), (x0, d.y, x0, d.y - height),
                         (x1, d.y, x1, d.y - height)):
                d.put("line", *line)
            d.put("text", x0 + 3, d.y - height / 2 - 3, text, "left", 7.5)
        d.y -= height


def continued_marked() -> dict:
    """A form whose rows go on over two more pages, each beginning with ``续表`` above the header printed
    again: the rows are the form's (its table ran to the foot of the page before)."""
    year, (form,) = _forms("pages:continued", 1, indicators=70)
    d = Drawer(S)
    pages = d.form(TITLE, year, form_lines(form, S), fresh=True)
    for p in pages[1:]:
        d.ops[p - 1].insert(0, ("text", d.x0, d.size[1] - 28, "续表", "left", 9))
    return {"year": year, "forms": [_truth(form, pages)], "doubts": [], "drawer": d}


def continued_not_at_foot() -> dict:
    """A form read whole on page 1, its table ending half way down the page with a note below it; page 2
    begins with ``续表`` and an indicator grid: whose rows they are cannot be seen (the form did not run to the
    foot), so they are an ``extraction_doubt``, not the form's."""
    year, (form, more) = _forms("pages:early", 2, indicators=6)
    d = Drawer(S)
    pages = d.form(TITLE, year, form_lines(form, S), fresh=True)
    d.put("text", d.x0, d.y - 14, "注：本表金额单位为万元，指标值按年度申报数填列。", "left", 9)
    d.new_page()
    d.ops[-1].insert(0, ("text", d.x0, d.size[1] - 28, "续表", "left", 9))
    _untitled(d, year, _grid_only(more), fresh=False)
    return {"year": year, "forms": [_truth(form, pages)], "doubts": [(2, "extraction_doubt.form_orphan.foot")],
            "drawer": d}


def after_narrative() -> dict:
    """A narrative page, then a form's indicator grid (no name field, no title), then a whole form: the grid
    belongs to no form that can be seen, an ``extraction_doubt``; the form after it is read."""
    year, (orphan, form) = _forms("pages:narrative", 2, indicators=6)
    d = Drawer(S)
    _narrative(d, NARRATIVE[2])
    _untitled(d, year, _grid_only(orphan))
    pages = d.form(TITLE, year, form_lines(form, S), fresh=True)
    return {"year": year, "forms": [_truth(form, pages)], "doubts": [(2, "extraction_doubt.form_orphan.none")],
            "drawer": d}


def after_table() -> dict:
    """A form, a budget table of another kind (its own title), then a form's indicator grid with no name
    field and no title: an ``extraction_doubt`` on that page, the form before read whole."""
    year, (form, orphan) = _forms("pages:table", 2, indicators=6)
    d = Drawer(S)
    pages = d.form(TITLE, year, form_lines(form, S), fresh=True)
    d.new_page()
    d.put("text", d.size[0] / 2, d.y - 14, "一般公共预算“三公”经费支出预算表", "center", 14)
    d.y -= 40
    xs = [d.x0 + d.width * f for f in (0, 0.4, 0.6, 0.8, 1.0)]
    _ruled(d, xs, [["项目", "2025年预算数", "2026年预算数", "增减"], ["因公出国（境）费", "12.00", "10.00", "-2.00"],
                   ["公务接待费", "3.50", "3.00", "-0.50"], ["公务用车购置及运行费", "20.00", "18.00", "-2.00"]])
    _untitled(d, year, _grid_only(orphan))
    return {"year": year, "forms": [_truth(form, pages)], "doubts": [(3, "extraction_doubt.form_orphan.after")],
            "drawer": d}


def after_department() -> dict:
    """A form, the department-level table (部门整体…, ending half way down its page), then a form's indicator
    grid with the same columns, no name field, no title: it should not be the department's targets (its
    table did not run to the foot) but an ``extraction_doubt``.  Not so yet: the department-level layout
    reads the grid as its table going on (``tests/test_project_form.py`` marks it, xfail); a page left blank
    below a table does not say it ended there (西安应急管理局 p.40 goes on after 40 % of a page blank)."""
    year, (form, orphan) = _forms("pages:department", 2, indicators=6)
    d = Drawer(S)
    pages = d.form(TITLE, year, form_lines(form, S), fresh=True)
    d.new_page()
    d.put("text", d.size[0] / 2, d.y - 14, f"{year}年部门整体支出绩效目标表", "center", 14)
    d.y -= 40
    xs = d.xs()
    wide = [xs[0], xs[3], xs[-1]]
    _ruled(d, wide, [["部门（单位）名称", form["department"]], ["年度主要任务", "保障机关正常运转"],
                     ["年度总体目标", "完成年度各项工作任务"]], height=26)
    targets = [("产出指标", "数量指标", "保障人数", "≥120人", "20"),
               ("产出指标", "质量指标", "资金支付准确率", "100%", "20"),
               ("效益指标", "社会效益指标", "工作任务完成率", "≥95%", "30"),
               ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "20")]
    cols = [xs[0], xs[1], xs[2], xs[3], xs[5], xs[6], xs[7]]
    _ruled(d, cols, [["", "一级指标", "二级指标", "三级指标", "指标值", "分值权重"]]
           + [["", *t] for t in targets])
    _untitled(d, year, _grid_only(orphan))
    return {"year": year, "forms": [_truth(form, pages)], "doubts": [(3, "extraction_doubt.department")],
            "targets": [list(t[:4]) for t in targets], "drawer": d}


def unclaimed_head() -> dict:
    """A form, then on the next page a form's head printed without its name field, its title or its amounts
    (主管部门, 年度目标, then the indicator header and rows): its page is not taken for a form's, and what it
    prints is not given to the form before: an ``extraction_doubt`` (``form_unclaimed``)."""
    year, (form, other) = _forms("pages:unclaimed", 2, indicators=6)
    d = Drawer(S)
    pages = d.form(TITLE, year, form_lines(form, S), fresh=True)
    lines = form_lines(other, S)
    keep = [ln for ln in lines if ln.kind != "head" or ln.cells[0].text in ("主管部门", "年度目标")]
    _untitled(d, year, keep)
    return {"year": year, "forms": [_truth(form, pages)], "doubts": [(2, "extraction_doubt.form_unclaimed")],
            "drawer": d}


CASES = {f.__name__: f for f in (continued_marked, continued_not_at_foot, after_narrative, after_table,
                                 after_department, unclaimed_head)}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in CASES.items():
        truth = make()
        truth.pop("drawer").save(OUT / f"{name}.pdf")
        truth["doubts"] = [list(x) for x in truth["doubts"]]
        (OUT / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{name}: {len(truth['forms'])} form(s), doubts {truth['doubts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
