"""Fixtures for the edge cases that once read wrong without a word, each with its own ground truth.

    python tools/make_edge_fixtures.py

Writes ``tests/fixtures/edge/*.pdf``, their truths ``tests/data/edge/*.json`` and
``tests/fixtures/edge/manifest.json`` (per fixture: truth, the page each row starts on, and the
defects planted in it as ``[check, unit, project, seq, field]``).  Every case starts from the second
department (``tests/data/other_truth.json``) and changes what the case needs; the planted defects are
known here because this script plants them, not because budgetlib found them.  Needs reportlab and the
font fonts-wqy-microhei (fonts-arphic-uming for one case); the tests need neither.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from render_pdf import Style, render

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "edge"
TRUTHS = ROOT / "tests" / "data" / "edge"
AMOUNTS = ("total", "fiscal", "special_account", "other")


def base() -> dict:
    return json.loads((ROOT / "tests" / "data" / "other_truth.json").read_text(encoding="utf-8"))


def indicator(seq: int, l1c: str, l1: str, l2c: str, l2: str, name: str, period: str, annual: str) -> dict:
    return {"seq": seq, "level1_code": l1c, "level1": l1, "level2_code": l2c, "level2": l2, "indicator": name,
            "period_value": period, "annual_value": annual}


def text_of(ind: dict, close: bool = True) -> str:
    return (f"{ind['seq']}、{ind['level1_code']}-{ind['level1']}；{ind['level2_code']}-{ind['level2']}；"
            f"{ind['indicator']}；实施周期指标值:{ind['period_value']}；年度指标值:{ind['annual_value']}"
            + ("。" if close else ""))


def unparsed(seq: int | None, raw: str) -> dict:
    return {"seq": seq, "level1_code": None, "level1": None, "level2_code": None, "level2": None,
            "indicator": None, "period_value": None, "annual_value": None, "raw": raw}


def row(truth: dict, name: str, n: int = 1) -> dict:
    """The n-th row called ``name``."""
    return [r for r in truth["rows"] if r["name"] == name][n - 1]


def defects() -> tuple[dict, list[list]]:
    """Every check that the main fixtures do not trigger, and text that must not run in a report or Excel."""
    t = base()
    planted: list[list] = []
    unit_a, unit_b, unit_c = "广州市荔湾区卫生健康局", "广州市荔湾区疾病预防控制中心", "广州市荔湾区妇幼保健院"
    # a project with no goal and no indicators, followed by a project: a project (not a unit)
    r = row(t, "帮扶工作经费")
    r["goal"], r["indicators"], r["indicators_text"] = "", [], ""
    planted += [["missing_goal", unit_a, r["name"], None, ""], ["missing_indicators", unit_a, r["name"], None, ""]]
    # markup and a formula: data, never a live element or a formula
    r = row(t, "人口监测经费")
    r["name"] = "<img src=x onerror=alert(1)>人口监测经费"
    r["unit"] = unit_b
    r["goal"] = '=HYPERLINK("http://example.invalid","点击查看")' + r["goal"]
    hostile_name = r["name"]
    # indicator numbers that skip one (1, 2, 4, 5)
    r = row(t, "编外人员聘用经费")
    inds = r["indicators"]
    for ind, seq in zip(inds, (1, 2, 4, 5)):
        ind["seq"] = seq
    r["indicators_text"] = "".join(text_of(i) for i in inds)
    planted += [["seq_gap", unit_b, r["name"], 4, ""]]  # one gap (3 missing): 5 continues 4
    # an item without its level-2 code: kept raw, flagged
    r = row(t, "荔湾区慢病综合防控示范区建设经费")
    bad = "3、2-效益指标；社会效益；居民健康素养水平；实施周期指标值:提高；年度指标值:提高。"
    texts = [text_of(i) for i in r["indicators"]]
    texts[2] = bad
    r["indicators"][2] = unparsed(3, bad)
    r["indicators_text"] = "".join(texts)
    planted += [["indicator_unparsed", unit_b, r["name"], 3, ""]]
    # an amount with a letter O for a zero, and one with three decimals: not read, never rounded
    r = row(t, "街道事业单位业务经费", 2)
    r["printed"] = {"fiscal": "5,693.O8"}
    r["fiscal"] = None
    planted += [["amount_unparsed", unit_b, r["name"], None, "fiscal"]]
    r = row(t, "编外人员聘用经费", 2)
    r["printed"] = {"total": "8,862.095"}
    r["total"] = None
    planted += [["amount_unparsed", unit_c, r["name"], None, "total"]]
    # item 1 not closed by 。: item 2 must not be swallowed into item 1's value
    r = row(t, "荔湾区第五次全国经济普查经费")
    inds = r["indicators"]
    inds[0]["period_value"] = inds[0]["annual_value"] = "优良"
    r["indicators_text"] = text_of(inds[0], close=False) + "".join(text_of(i) for i in inds[1:])
    planted += [["missing_terminator", unit_c, r["name"], 1, "annual_value"]]
    # target values that are dates, approximate or with a tolerance
    r = row(t, "办公场地租赁费")
    r["indicators"] = [
        indicator(1, "1", "产出指标", "13", "时效指标", "租赁合同签订时间", "2024年", "2024年"),
        indicator(2, "1", "产出指标", "13", "时效指标", "租金支付月份", "12月", "12月"),
        indicator(3, "1", "产出指标", "12", "质量指标", "办公场地使用率", "约95%", "约95%"),
        indicator(4, "1", "产出指标", "14", "成本指标", "租金变动幅度", "±5%", "－5%"),
    ]
    r["indicators_text"] = "".join(text_of(i) for i in r["indicators"])
    planted += [["period_annual_differ", unit_c, r["name"], 4, "annual_value"]]
    t["_hostile_name"] = hostile_name
    return t, planted


def whole_numbers() -> dict:
    """Amounts without decimals that add up (units = Σ projects, 合计 = Σ units)."""
    t = base()
    for r in t["rows"]:
        if r["kind"] == "project":
            for k in AMOUNTS:
                r[k] = None if r[k] is None else str(int(Decimal(r[k])))
            r["total"] = str(sum(int(r[k]) for k in AMOUNTS[1:] if r[k] is not None))
    units = [r for r in t["rows"] if r["kind"] == "unit"]
    for i, u in enumerate(t["rows"]):
        if u["kind"] != "unit":
            continue
        members = []
        for r in t["rows"][i + 1:]:
            if r["kind"] != "project":
                break
            members.append(r)
        for k in AMOUNTS:
            vals = [int(r[k]) for r in members if r[k] is not None]
            u[k] = str(sum(vals)) if vals else None
    total = t["rows"][0]
    for k in AMOUNTS:
        vals = [int(u[k]) for u in units if u[k] is not None]
        total[k] = str(sum(vals)) if vals else None
    return t


def blank_amounts_at_top(out: Path, style: Style) -> tuple[dict, list[int], list[list]]:
    """A project whose amounts are blank, printed at the top of a page: a row of its own."""
    t = base()
    pages = render(t, out, style)
    k = next(i for i in range(1, len(pages)) if pages[i] != pages[i - 1] and t["rows"][i]["kind"] == "project")
    r = t["rows"][k]
    unit = r["unit"]
    for f in AMOUNTS:
        r[f] = None
    pages2 = render(t, out, style)
    assert pages2 == pages and pages2[k] != pages2[k - 1], "the blank row must start a page"
    return t, pages2, [["sum_mismatch", unit, "", None, "total"]]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    TRUTHS.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict] = {}

    def save(name: str, truth: dict, pages: list[int], planted: list[list], **extra: object) -> None:
        (TRUTHS / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        manifest[f"{name}.pdf"] = {"truth": f"edge/{name}.json", "pages": pages, "planted": planted, **extra}
        print(f"{name}.pdf: {len(truth['rows'])} rows on {max(pages)} pages")

    t, planted = defects()
    hostile = t.pop("_hostile_name")
    save("defects", t, render(t, OUT / "defects.pdf"), planted, hostile_name=hostile)

    t = whole_numbers()
    style = Style(row_rule=(0, ""), font="uming", font_size=8, leading=10, pad=3, decimals=0)
    save("whole_numbers_no_row_rules", t, render(t, OUT / "whole_numbers_no_row_rules.pdf", style), [])

    # borderless, centred, lines spaced apart, whole numbers, page numbers, and a unit (and its projects)
    # that print only 总计: the unit's total stands alone on its line between the two lines of its name
    t = whole_numbers()
    after = False
    for r in t["rows"]:
        after = after or r["name"] == "广州市荔湾区妇幼保健院"
        if after:
            r["fiscal"] = r["special_account"] = r["other"] = None
    t["rows"][0]["fiscal"] = str(sum(int(u["fiscal"]) for u in t["rows"] if u["kind"] == "unit" and u["fiscal"]))
    t["rows"][0]["special_account"] = str(sum(int(u["special_account"]) for u in t["rows"]
                                              if u["kind"] == "unit" and u["special_account"]))
    t["rows"][0]["other"] = str(sum(int(u["other"]) for u in t["rows"] if u["kind"] == "unit" and u["other"]))
    style = Style(ruled=False, valign="middle", pad=3.5, font="uming", font_size=8, leading=13, decimals=0,
                  page_numbers=True, col_widths=[70, 62, 62, 66, 60, 214, 260])
    save("borderless_centred_whole_numbers", t,
         render(t, OUT / "borderless_centred_whole_numbers.pdf", style),
         [["sum_mismatch", "合计", "", None, "total"]])

    style = Style(col_widths=[128, 50, 50, 56, 50, 196, 256])
    t, pages, planted = blank_amounts_at_top(OUT / "blank_amounts_at_top.pdf", style)
    save("blank_amounts_at_top", t, pages, planted)

    # whole numbers, and two of them in one amount cell (the rows of two projects run together where a
    # producer lost the rule between them): not one number made of both, but unread and flagged
    t = whole_numbers()
    r = row(t, "办公场地租赁费")
    r["printed"] = {"total": f"{r['total']} {r['fiscal']}"}
    r["total"] = None
    save("two_numbers_in_a_cell", t, render(t, OUT / "two_numbers_in_a_cell.pdf", Style(decimals=0)),
         [["amount_unparsed", r["unit"], r["name"], None, "total"]])

    t = base()
    t["department"] = ""
    save("no_unit_no_department", t, render(t, OUT / "no_unit_no_department.pdf", Style(unit_line=False)),
         [["amount_unit_unknown", "", "", None, "amount_unit"]])

    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
