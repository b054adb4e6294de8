"""The department-level table (北京 预算13表) where a row's text runs on below its fixed-height cell, over the
next row's, clipped to its own cell when printed: the whole text is the cell's it is clipped to.  Every
field asserted on the real file was checked by eye against the page images (pypdfium2, scale 3): the page
shows each such cell cut at its bottom rule (the top of ``量`` under ``联排联调实地调查数``); skipped without
../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetlib.layouts.department import Department, _Table
from budgetlib.read.document import read_pdf

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-pdfs" / "2026" / "北京"

P, D, Q, S = "产出指标", "数量指标", "质量指标", "服务对象满意度指标"
M, X = "满意度指标", "效益指标"


@pytest.fixture(scope="module")
def emergency():
    pdf = REAL / "应急管理局_2026年部门预算.pdf"
    if not pdf.exists():
        pytest.skip("../shared/real-pdfs is not here")
    return read_pdf(pdf)


def _rows(doc, page: int) -> list[tuple]:
    return [(t.indicator.level1, t.indicator.level2, t.indicator.indicator, t.indicator.annual_value)
            for t in doc.targets if t.page == page]


def test_emergency_overflow_p143(emergency):
    assert _rows(emergency, 143)[:3] == [
        (P, D, "各重点行业领域部门安全生产治本攻坚三年行动评价分析报告", "＝10份"),  # 告 clipped
        ("成本指标", "经济成本指标", "总报告编制标准", "≤12543.48元/个"),
        (P, D, "监测值守月度统计分析报告", "＝12篇"),
    ]


def test_emergency_overflow_p144(emergency):
    rows = _rows(emergency, 144)
    assert rows[4:] == [
        (P, D, "异常情况处理率=100%的采集点数", "≥20个"),
        (P, D, "联排联调实地调查数量", "≥167个"),  # 量 clipped
        (P, D, "山洪地质灾害险村无人机三维制图", "≥10套"),
        (P, D, "应急管理部全国应急避难场所辅助调度系统北京市避难场所信息更新数据台账", "＝1套"),
        (X, "社会效益指标", "提升北京市17个区应急避难保障能力，缩小城乡应急服务差距，增强公众灾害应对安全感", "优"),
        (P, D, "《基于唐山7.8级地震破坏力的北京市地震灾害情景构建报告》", "＝5份"),  # 》 clipped
        (P, Q, "研究成果验收通过率", "≥90%"),
        (P, D, "北京市自然灾害和安全生产领域灾害事故安全风险形势分析和安全风险监测预警三级监测指标体系", "≥1套"),
        (P, D, "图件成果图件成果（包括城市风险动态分析专题图、人口脆弱性评估专题图、精细化人口综合风险评估专题图）",
         "≥3套"),  # 险评估专题图） clipped
        (M, S, "各区、各部门对综合防灾能力建设工作满意", "≥90%"),  # printed so: no 度
        (P, D, "维保数量", "≥134台"),
        (P, D, "物资购买数量", "≥350套"),
        (X, "社会效益指标", "突发事件应对处置", "好"),  # 置 clipped
        (P, D, "60个山区现场演练视频", "≥15个"),  # 频 clipped
        (P, D, "训练人数", "≥80人"),
        (P, D, "训练总天数", "≥35天"),
        (P, D, "演练科目", "≥10个"),
        (P, Q, "学员考核通过率", "≥95%"),
    ]


def test_emergency_overflow_p145(emergency):
    rows = _rows(emergency, 145)
    assert rows[1:5] == [
        (P, D, "通讯员培训人数", "≥100人"),
        (P, D, "专家服务新闻发布会次数", "≥6场"),  # 次数 clipped
        (M, S, "公众满意度", "≥90%"),  # 意度 clipped
        (P, D, "森林火险高风险乡镇试评估个数", "≥12个"),
    ]
    assert rows[-6:] == [
        ("成本指标", "经济成本指标", "全网重要安全提示性信息费每条", "≤0.05元/个"),
        (P, D, "确保应急指挥大厅、各指挥室及北京会议中心的中控及音视频设备正常运行。设备系统可用性大于99%。",
         "≥40套"),  # 99%。 clipped
        (P, Q, "演练方案与实际情景的匹配度", "≥99%"),
        (P, D, "参加地震救援训练人数", "＝20人"),  # 数 clipped
        (P, D, "现场指导检查乡镇队伍数", "＝40支"),  # 伍数 clipped
        (M, S, "参加大练兵队伍满意度", "≥85%"),
    ]


def test_emergency_overflow_said(emergency):
    """No row without its levels, no doubt; each cut cell said as text_clipped (the page shows it cut)."""
    assert all(t.indicator.level1 and t.indicator.level2 for t in emergency.targets)
    assert not [f for f in emergency.findings if f.check == "extraction_doubt"]
    clipped = [(f.page, f.severity) for f in emergency.findings if f.check == "text_clipped"]
    assert clipped == [(143, "warning")] + [(144, "warning")] * 5 + [(145, "warning")] * 5
    assert any("联排联调实地调查数" in f.message and "“量”" in f.message for f in emergency.findings
               if f.check == "text_clipped")


def _table(indicators: list[str]) -> _Table:
    table = _Table(1, department="某局", goal="目标")
    table.bands = {"indicator": (0.0, 10.0), "value": (10.0, 20.0)}
    table.headers = {"indicator": "绩效指标", "value": "指标值"}
    table.rows = [{"page": 1, "cells": {"indicator": text, "value": "1"}} for text in indicators]
    return table


def test_stray_prefix_is_a_doubt():
    """Text before a run-together cell's 一级/二级 names (the row above's overflow read into it where the page
    does not clip it to its cell) is never kept silently as an indicator without levels."""
    table = _table(["产出指标数量指标联排联调实地调查数", "量产出指标数量指标山洪地质灾害险村无人机三维制图"])
    targets = Department()._targets(table)
    assert targets[1].indicator.level1 is None
    assert [key for key, _ in table.doubts[1]] == ["prefix"]
    assert table.doubts[1][0][1]["prefix"] == "量"


def test_unnamed_row_among_split_rows_is_said():
    table = _table(["产出指标数量指标维保数量", "产出指标数量指标物资购买数量", "部门整体运转"])
    Department()._targets(table)
    assert not table.doubts
    assert [(i.rule, i.seq) for i in table.issues] == [("level_missing.unnamed", 3)]
    # a table none of whose indicators print their levels says nothing of it
    table = _table(["维保数量", "物资购买数量"])
    Department()._targets(table)
    assert not table.issues and not table.doubts


def test_justice_amount_run_on_to_the_left():
    """北京 司法局 p.47: 其他资金·基本支出 ``57.000000`` right-aligned in a narrow cell, its ``5`` drawn in the
    合计 cell to its left and clipped to its own: the page shows ``107.000000`` | ``7.000000`` (107 = 57 + 50)."""
    pdf = REAL / "司法局_2026年部门预算.pdf"
    if not pdf.exists():
        pytest.skip("../shared/real-pdfs is not here")
    doc = read_pdf(pdf)
    lines = dict(doc.targets[0].lines)
    assert lines["总体资金情况（万元）·其他资金·合计"] == "107.000000"
    assert lines["总体资金情况（万元）·其他资金·基本支出"] == "57.000000"
    assert lines["总体资金情况（万元）·其他资金·项目支出"] == "50.000000"
    clipped = [f.message for f in doc.findings if f.check == "text_clipped"]
    assert len(clipped) == 1 and "“7.000000”" in clipped[0] and "“57.000000”" in clipped[0]
