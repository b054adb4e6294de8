"""Real disclosures in the seed's layout: the grammar and target values real exports print, tables whose
every indicator is unparsed written like any other, one document's tables never costing the others theirs,
and the unit arithmetic's work linear in the rows."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, PROJ_ROOT

from budgetlib import parse_indicators, parse_value, read_pdf
from budgetlib.batch import Extraction
from budgetlib.indicators import numbering_breaks

sys.path.insert(0, str(PROJ_ROOT / "tools"))

# items as the 140-page WPS export of 广州市生态环境局 prints them (one cell, numbering that restarts)
WPS_CELL = ("1.1－产出指标，11－数量指标，项目专职环保员数量；实施周期指标值：≦核定人数，年度指标值：≦核定人数；"
            "2、1－产出指标，12－质量指标，环境应急事件响应率；实施周期指标值：100%，年度指标值：100%;"
            "3、1－产出指标，12－质量指标，专职环保员队伍管理规范化；实施周期指标值：考察是否符合规范，合规得满分，"
            "不合规不得分。年度指标值：是；1、1－产出指标，13－时效指标，项目资金支付及时率；实施周期指标值：100%，"
            "年度指标值：100%;2、2－效益指标，22－社会效益，环保信访投诉办结率；实施周期指标值：≥90%，年度指标值：≥90%;")


def test_the_grammar_of_a_wps_export():
    items = parse_indicators(WPS_CELL)
    assert all(i.parsed for i in items)
    got = [(i.seq, i.level1_code, i.level1, i.level2_code, i.level2, i.indicator, i.period_value, i.annual_value)
           for i in items]
    assert got == [
        (1, 1, "产出指标", 11, "数量指标", "项目专职环保员数量", "≦核定人数", "≦核定人数"),
        (2, 1, "产出指标", 12, "质量指标", "环境应急事件响应率", "100%", "100%"),
        (3, 1, "产出指标", 12, "质量指标", "专职环保员队伍管理规范化", "考察是否符合规范，合规得满分，不合规不得分",
         "是"),
        (1, 1, "产出指标", 13, "时效指标", "项目资金支付及时率", "100%", "100%"),
        (2, 2, "效益指标", 22, "社会效益", "环保信访投诉办结率", "≥90%", "≥90%"),
    ]
    assert numbering_breaks([i.seq for i in items]) == []  # a group that restarts at 1 is not a gap


@pytest.mark.parametrize(("seqs", "breaks"), [
    ([1, 2, 3, 1, 2, 3], []),
    ([1, 2, 1, 2, 3, 4], []),
    ([1, 2, 4], [(3, 3)]),
    ([1, 2, 2], [(3, 3)]),
    ([1, 1, 1], []),  # groups of one item each
    ([2, 3], [(1, 1)]),
    ([1, 2, 5, 1, 2], [(3, 3)]),
])
def test_numbering_restarts_are_groups_and_jumps_are_gaps(seqs, breaks):
    assert numbering_breaks(seqs) == breaks


def test_a_missing_colon_after_a_label_still_reads_the_item():
    (i,) = parse_indicators("3、1－产出指标，13－时效指标，合同进度执行率；实施周期指标值》90%，年度指标值》90%;")
    assert i.parsed and (i.indicator, i.period_value, i.annual_value) == ("合同进度执行率", "》90%", "》90%")
    assert parse_value(i.annual_value).kind == "unparsed"  # 》 is no comparator: the table's defect, flagged


def test_an_extra_field_is_kept_apart_from_the_name():
    (i,) = parse_indicators("1、1-产出指标；11-数量指标；培训人数；指标值说明：按实际培训人数统计；"
                            "实施周期指标值:≥100人；年度指标值:≥100人。")
    assert (i.indicator, i.extra, i.annual_value) == ("培训人数", "指标值说明：按实际培训人数统计", "≥100人")


@pytest.mark.parametrize(("text", "comparator", "number", "unit", "kind", "upper"), [
    # the 12-page table's values the reader called unparsed, and the other forms seen in real tables
    ("≥10亿条", "≥", 10.0, "亿条", "quantity", None),
    ("≥80万次", "≥", 80.0, "万次", "quantity", None),
    ("≤0.36万", "≤", 0.36, "万", "quantity", None),
    ("≥10.8万核", "≥", 10.8, "万核", "quantity", None),
    ("≥50G", "≥", 50.0, "G", "quantity", None),
    ("≥40万路", "≥", 40.0, "万路", "quantity", None),
    ("≥6篇次", "≥", 6.0, "篇次", "quantity", None),
    ("≥10000家次", "≥", 10000.0, "家次", "quantity", None),
    ("≧100万人次", "≥", 100.0, "万人次", "quantity", None),
    ("2项（2项基础服务）", None, 2.0, "项", "quantity", None),
    ("≤《广东省律师服务收费标准》建议律师费", "≤", None, None, "qualitative", None),
    ("90%-95%", None, 90.0, "%", "range", 95.0),
    ("≥1次/季度", "≥", 1.0, "次/季度", "quantity", None),
    ("≥98%（含）", "≥", 98.0, "%", "percent", None),
    ("0起", None, 0.0, "起", "quantity", None),
    ("100%完成", None, 100.0, "%", "percent", None),
    ("不低于上年", "≥", None, None, "qualitative", None),
    ("全覆盖", None, None, None, "qualitative", None),
    ("长期", None, None, None, "qualitative", None),
    ("达到预期", "≥", None, None, "qualitative", None),
    ("控制在预算范围内", "≤", None, None, "qualitative", None),
    ("符合国家标准", None, None, None, "qualitative", None),
    ("≦核定人数", "≤", None, None, "qualitative", None),
    ("﹤25微克/立方米", "<", 25.0, "微克/立方米", "quantity", None),
    ("＜25微克/立方米", "<", 25.0, "微克/立方米", "quantity", None),
    ("≥99（%）", "≥", 99.0, "%", "percent", None),
    ("至少一次", "≥", 1.0, "次", "quantity", None),
    ("24小时内", "≤", 24.0, "小时", "duration", None),
    ("≤66.72元/㎡/月", "≤", 66.72, "元/㎡/月", "money", None),
    ("2026年4月底前完成", "≤", None, None, "date", None),
    ("3-5个", None, 3.0, "个", "range", 5.0),
    ("》90%", None, None, None, "unparsed", None),  # starts like a number, with a sign that is none
    ("≥", "≥", None, None, "unparsed", None),
    ("95%-90%", None, 95.0, None, "unparsed", None),  # a range whose bounds are the wrong way round
])
def test_target_values_as_real_tables_write_them(text, comparator, number, unit, kind, upper):
    v = parse_value(text)
    assert (v.comparator, v.number, v.measure_unit, v.kind, v.upper) == (comparator, number, unit, kind, upper)


def _all_unparsed_pdf(path: Path) -> dict:
    """The synthetic department's table with every indicator cell replaced by text no grammar reads."""
    from render_pdf import Style, render

    truth = json.loads((DATA / "other_truth.json").read_text(encoding="utf-8"))
    for row in truth["rows"]:
        if row["kind"] == "project":
            row["indicators_text"] = "详见项目绩效目标申报表"
    path.parent.mkdir(parents=True, exist_ok=True)
    render(truth, path, Style(font="STSong-Light"))
    return truth


def test_a_table_whose_every_indicator_is_unparsed_is_written_in_a_batch(tmp_path, sample_pdf):
    truth = _all_unparsed_pdf(tmp_path / "in" / "unparsed.pdf")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(tmp_path / "in"), str(sample_pdf),
                          "--out", str(out), "--no-cache", "--workers", "2"], capture_output=True, text=True)
    assert "Traceback" not in run.stderr and run.returncode in (0, 3), run.stderr
    indicators = pd.read_parquet(out / "indicators.parquet")
    mine = indicators[indicators["source"] == "unparsed.pdf"]
    projects = [r for r in truth["rows"] if r["kind"] == "project"]
    assert len(mine) == len(projects) and not mine["parsed"].any() and mine["indicator"].isna().all()
    assert (mine["raw"] == "详见项目绩效目标申报表").all()
    review = pd.read_csv(out / "review_indicators.csv", encoding="utf-8-sig")
    assert (review[review["source"] == "unparsed.pdf"]["indicator"] == "详见项目绩效目标申报表").all()
    assert set(pd.read_csv(out / "sources.csv", encoding="utf-8-sig")["status"]) <= {"ok", "doubt"}


def test_one_document_whose_tables_cannot_be_built_fails_alone(tmp_path, sample_pdf):
    good = read_pdf(sample_pdf)
    bad = copy.deepcopy(good)
    bad.source, bad.sha256 = "broken.pdf", "0" * 64
    bad.rows = [replace(r, page=0, project_id=f"x-{r.ordinal}") for r in bad.rows]  # no page 0: the schema refuses
    result = Extraction(documents=[bad, good])
    written = result.write(tmp_path / "out", ("csv",))
    assert {p.name for p in written} >= {"projects.csv", "indicators.csv", "sources.csv"}
    assert [f.source for f in result.failures] == ["broken.pdf"]
    assert "broken.pdf: read, but its tables could not be built" in result.failures[0].reason
    projects = pd.read_csv(tmp_path / "out" / "projects.csv", encoding="utf-8-sig")
    assert set(projects["source"]) == {good.source} and len(projects) == len(good.projects)
    sources = pd.read_csv(tmp_path / "out" / "sources.csv", encoding="utf-8-sig").set_index("source")
    assert sources.loc["broken.pdf", "status"] == "error" and sources.loc[good.source, "status"] == "ok"
    assert Decimal(str(projects["total"].sum())) > 0


def _table(units: int, per_unit: int, blank_every: int = 0) -> list:
    """合计, then ``units`` units of ``per_unit`` projects whose amounts add up (every ``blank_every``-th
    project without goal and indicators: a candidate the arithmetic must settle)."""
    from budgetlib.model import Row

    def row(kind: str, name: str, cents: int, goal: str = "") -> Row:
        amounts = {"total": Decimal(cents) / 100, "fiscal": Decimal(cents) / 100, "special_account": None,
                   "other": None}
        return Row(kind=kind, name=name, unit="", page=1, amounts=amounts, amount_texts={}, goal=goal)

    rows, grand = [], 0
    for u in range(units):
        projects = [row("unit" if blank_every and (u * per_unit + p) % blank_every == 0 else "project",
                        f"p{u}.{p}", 100 + 7 * p + u, "" if blank_every and (u * per_unit + p) % blank_every == 0
                        else "目标") for p in range(per_unit)]
        unit_cents = sum(100 + 7 * p + u for p in range(per_unit))
        rows += [row("unit", f"u{u}", unit_cents), *projects]
        grand += unit_cents
    return [row("total", "合计", grand), *rows]


@pytest.mark.parametrize("blank_every", [0, 3])
def test_the_unit_arithmetic_does_work_linear_in_the_rows(blank_every):
    """5,000 rows and 10,000 rows: the transitions the arithmetic weighs grow with the rows, not their square
    (counted, not timed); every unit is found, every blank project read as one."""
    from budgetlib.layouts.units import NEAR, Work, choose_units

    counts = {}
    for units in (500, 1000):
        rows = _table(units, 9, blank_every)
        work = Work()
        choose_units(rows, [], work)
        assert [r.name for r in rows if r.kind == "unit"] == [f"u{u}" for u in range(units)]
        candidates = units + (units * 9 // blank_every if blank_every else 0)
        counts[units] = work.transitions
        assert work.transitions <= (NEAR + 1) * candidates
    assert counts[1000] <= 2.1 * counts[500]


@pytest.mark.parametrize("name", ["borderless_centred.pdf", "reportlab_no_row_rules.pdf",
                                  "edge/blank_amounts_at_top.pdf", "fidelity/r_5_90_platypus.pdf",
                                  "fidelity/r_2_152_calc.pdf"])
def test_a_reading_weighed_by_the_rows_it_changes_scores_as_the_whole_document(monkeypatch, name):
    """Self-verification weighs another reading of a page by folding and settling only the rows it changes;
    on renderings where it weighs many, each such score equals that of the whole document assembled with
    the same choice, and whole documents are assembled only for the first reading, each switch and a reading
    that changes the 合计 row."""
    from conftest import FIXTURES

    from budgetlib.read import assembly
    from budgetlib.settings import ExtractSettings

    monkeypatch.setattr(assembly, "CHECK_TRIALS", True)
    monkeypatch.setattr(assembly, "MISMATCHED", [])
    doc = read_pdf(FIXTURES / name, ExtractSettings(cache=False))
    (line,) = [x for x in doc.log if x.startswith("self-verification:")]
    trials, forced, wholes = (int(x) for x in re.findall(r"(\d+) (?:readings|of them|whole)", line))
    switches = sum(("checksum chose" in x or "geometry chose" in x) for x in doc.log)
    assert trials > 0 and assembly.MISMATCHED == []
    # whole documents: the first, each switch, and the readings of the 合计's page and the next (one table)
    assert wholes <= 1 + switches + forced and forced <= 2 * 5


def test_what_the_independent_check_of_the_140_page_table_found():
    """An independent reading of the real 140-page table (pdfplumber cells, every row checked) found no field
    wrong, and three ways of printing that budgetlib kept as printed: a 。 before 实施周期指标值 stayed in the
    indicator's name, a space at the start of a wrapped line stayed inside a name, and 67 spaces padding a line
    of a goal stayed in it."""
    from budgetlib.layouts.base import squash

    (item,) = parse_indicators("3、1－产出指标，12－质量指标，专职环保员队伍管理规范化。实施周期指标值：是，"
                               "年度指标值：是；")
    assert item.indicator == "专职环保员队伍管理规范化"
    assert squash("整改\n 报告数量") == "整改报告数量" and squash("约 40 平方米") == "约 40 平方米"
    assert squash("加快妥善解决。" + " " * 67 + "\n4.通过购买服务") == "加快妥善解决。4.通过购买服务"
