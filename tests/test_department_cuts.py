"""The department-level table (部门整体支出绩效目标表) on real 西安 disclosures whose merged 一级/二级 cells a page
break cuts, or whose goal the page clips: every field asserted here was checked by eye against the page
images (pypdfium2 renderings); skipped without ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetlib.layouts.department import Department
from budgetlib.read.document import read_pdf

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-pdfs" / "2026" / "西安"


@pytest.fixture(scope="module")
def docs():
    cache: dict[str, object] = {}

    def get(name: str):
        pdf = REAL / name
        if not pdf.exists():
            pytest.skip("../shared/real-pdfs is not here")
        if name not in cache:
            cache[name] = read_pdf(pdf)
        return cache[name]

    return get


def _row(t) -> tuple:
    i = t.indicator
    return (t.page, i.level1, i.level2, i.indicator, i.annual_value, i.weight)


def _doubts(doc) -> list[str]:
    return [f.message for f in doc.findings if f.check == "extraction_doubt"]


def test_audit_levels_open_at_the_cut(docs):
    """审计局 p.42→43: 产出指标/数量指标 printed on p.43; the two rows at p.42's foot are blank in both columns,
    and the page draws no rule under them nor over p.43's first row there."""
    doc = docs("2026年西安市审计局部门预算.pdf")
    assert not _doubts(doc) and len(doc.targets) == 22
    rows = [_row(t) for t in doc.targets]
    assert rows[8] == (42, "产出指标", "数量指标", "提交审计报告和信息（篇）", "≥150", "4")
    assert rows[9] == (42, "产出指标", "数量指标", "提交的审计建议数量（条）", "≥100", "4")
    assert rows[10] == (43, "产出指标", "数量指标", "促进被审计单位建立完善管理制度（项）", "≥18", "4")
    assert rows[7] == (42, "成本指标", "经济成本指标", "造价员（元/人/天）", "≤550", "3")
    assert rows[17] == (43, "产出指标", "时效指标", "审计项目完成时限", "12月31日前", "6")


def test_statistics_levels_and_clipped_goal(docs):
    """统计局 p.50→51: 产出指标 (p.50) over three blank rows of p.51, 质量指标 over one; the goal is one line
    longer than its cell, the rest drawn past the page's edge and clipped to the cell: read whole."""
    doc = docs("2026年西安市统计局部门预算.pdf")
    assert not _doubts(doc) and len(doc.targets) == 25
    assert doc.targets[0].goal == ("1、保障人员经费发放到位，保障机关正常运转2、高质量开展各项日常调查，发挥统计效能"
                                   "3、扎实开展西安市第四次全国农业普查,高质量完成普查清查工作。")
    # the printed page cuts the goal off: a defect of the table, said (the page shows it up to 西安市)
    clipped = [f for f in doc.findings if f.check == "text_clipped"]
    assert [(f.page, f.severity) for f in clipped] == [(50, "warning")]
    assert "扎实开展西安市" in clipped[0].message and "第四次全国农业普查" in clipped[0].message
    rows = [_row(t) for t in doc.targets]
    assert rows[18] == (50, "产出指标", "质量指标", "采购物资合格率（%）", "100", "3")
    assert rows[19] == (51, "产出指标", "质量指标", "社情民意调查访问覆盖率（%）", "100", "3")
    assert rows[20] == (51, "产出指标", "时效指标", "数据上报及时率（%）", "100", "3")
    assert rows[21] == (51, "产出指标", "时效指标", "统计数据发布及时率（%）", "100", "3")
    assert rows[22] == (51, "效益指标", "社会效益指标", "向各单位、部门提供统计产品资料", "是", "12")
    assert rows[24] == (51, "满意度指标", "服务对象满意度指标", "各市级部门对统计工作的满意度（%）", "≥90", "10")


def test_commerce_level1_column_outside_the_grid(docs):
    """商务局 p.77→80: 产出指标 runs from p.77's last row over all of p.78 (printed there, in a column with no
    rule across it, which camelot's grid leaves out) to p.79's 成本指标 rows; 数量指标 and 成本指标 cut too."""
    doc = docs("商务局_2026年部门预算.pdf")
    assert not _doubts(doc) and len(doc.targets) == 82
    rows = [_row(t) for t in doc.targets]
    assert all(r[1] for r in rows)
    assert rows[0] == (77, "产出指标", "数量指标", "指标1：社会消费品零售总额", "5000亿元", "")
    assert rows[1] == (78, "产出指标", "数量指标", "指标2：外贸进出口总额", "3700亿元", "")
    assert rows[24] == (78, "产出指标", "时效指标", "指标6：年度计划按进度落实率", "≧95%", "")
    assert rows[25] == (78, "产出指标", "成本指标", "指标1：局属国有特困企业退出市场", "50万元", "")
    assert rows[27] == (78, "产出指标", "成本指标", "指标3：自贸试验区合同尾款", "6.92万元", "")
    assert rows[28] == (79, "产出指标", "成本指标", "指标4：参加商务部、省商务厅指定商务活动", "136万元", "")
    assert rows[47] == (79, "产出指标", "成本指标", "指标23：公用经费", "334.59万元", "")
    assert rows[48] == (79, "效益指标", "经济效益指标", "指标1：扩消费，稳增长，实现社会消费品零售总额增长",
                        "≥7.5%", "")
    assert rows[55] == (80, "效益指标", "经济效益指标", "指标8：服务外包合同额增长", "≥5%", "")
    assert sum(r[2] == "成本指标" for r in rows) == 23


def test_industry_unnamed_level1_and_numbered_level2(docs):
    """工业和信息化局 p.56→59: the header leaves 一级指标 blank (产出指标, 效益指标, 满意度指标 under it); the
    page foot draws a rule across every column, so the cut cells are tied by the framework's pairs (一级) and
    by the indicators' numbers going on (二级: 指标1、2 | 指标3 …)."""
    doc = docs("工业和信息化局_2026年部门预算.pdf")
    assert not _doubts(doc) and len(doc.targets) == 69
    rows = [_row(t) for t in doc.targets]
    assert rows[0] == (56, "产出指标", "数量指标", "指标1：人员工资支付率", "100%", "")
    assert rows[2] == (57, "产出指标", "数量指标", "指标3：审计专项资金户数", "≥700户", "")
    assert rows[7] == (57, "产出指标", "数量指标", "指标8：办公设备一批", "", "")
    assert rows[8] == (57, "产出指标", "质量指标", "指标1：人员履职能力", "提升", "")
    assert rows[24] == (57, "产出指标", "成本指标", "指标1：履职经费成本", "4660.78万元", "")
    assert rows[28] == (58, "产出指标", "成本指标", "指标5：围墙修砌；修缮费；", "29.44万元；8.13万元；63.6万元", "")
    assert rows[32] == (58, "效益指标", "经济效益指标", "指标1：开展政务诚信评价；信用培训及普及",
                        "开展政务诚信评价；信用培训及普及", "")
    assert rows[55] == (58, "效益指标", "可持续影响指标", "指标2：能源浪费", "减少", "")
    assert rows[56] == (59, "效益指标", "可持续影响指标", "指标3：碳达峰、碳中和", "促进壮大", "")
    assert rows[61] == (59, "满意度指标", "服务对象满意度指标", "指标1：单位工作人员满意度", "≥95%", "")
    assert rows[68] == (59, "满意度指标", "服务对象满意度指标", "指标8：用户满意度", "100%", "")


def test_numbers_tie_a_level2_cell_only_when_they_run_from_one():
    run = [{"cells": {"indicator": f"指标{n}：x"}} for n in (1, 2, 3)]
    assert Department._numbered(run)
    assert not Department._numbered(run[1:])  # 指标2、指标3: the group's start is not seen
    assert not Department._numbered([run[0], {"cells": {"indicator": "指标1：y"}}])  # numbering restarts
    assert not Department._numbered([{"cells": {"indicator": "审计培训人次"}}] * 2)


def test_doubt_reasons_are_chinese():
    import re

    from budgetlib.messages import templates

    keys = [k for k in templates() if k.startswith("extraction_doubt.department_why.")]
    assert len(keys) >= 6
    for k in keys:
        assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", templates()[k]["zh"])), k
