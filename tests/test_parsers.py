"""Unit tests of the text parsers: target values, indicator items, amounts, taxonomy, settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlib import ExtractSettings, SettingsError, parse_indicators, parse_value
from budgetlib.amounts import AmountError, parse_amount
from budgetlib.taxonomy import taxonomy_problems


@pytest.mark.parametrize(("text", "comparator", "number", "unit", "kind"), [
    ("100%", None, 100.0, "%", "percent"),
    ("≥95%", "≥", 95.0, "%", "percent"),
    ("≧80分", "≥", 80.0, "分", "quantity"),
    ("≦2个小时", "≤", 2.0, "个小时", "duration"),
    ("＞95%", ">", 95.0, "%", "percent"),
    ("大于90%", ">", 90.0, "%", "percent"),
    ("不低于90%", "≥", 90.0, "%", "percent"),
    ("100%以上", "≥", 100.0, "%", "percent"),
    ("≥ 96%", "≥", 96.0, "%", "percent"),
    ("5000元/个", None, 5000.0, "元/个", "money"),
    ("16小时/天", None, 16.0, "小时/天", "duration"),
    ("≥1次/人", "≥", 1.0, "次/人", "quantity"),
    ("≥10000人次", "≥", 10000.0, "人次", "quantity"),
    ("115", None, 115.0, None, "quantity"),
    ("1,200万元", None, 1200.0, "万元", "money"),
    ("优良", None, None, None, "qualitative"),
    ("举办具有区域影响力的行业活动不少于1场", None, None, None, "qualitative"),
    ("大于90%w", ">", 90.0, None, "unparsed"),
    ("", None, None, None, "unparsed"),
])
def test_parse_value(text, comparator, number, unit, kind):
    v = parse_value(text)
    assert (v.comparator, v.number, v.measure_unit, v.kind) == (comparator, number, unit, kind)


def test_indicator_example_from_the_issue():
    (i,) = parse_indicators("1、1-产出指标；11-数量指标；补贴发放率；实施周期指标值:100%；年度指标值:100%。")
    assert (i.seq, i.level1_code, i.level1, i.level2_code, i.level2, i.indicator, i.period_value,
            i.annual_value) == (1, 1, "产出指标", 11, "数量指标", "补贴发放率", "100%", "100%")


def test_indicator_values_keep_inner_text_and_strip_outer_space():
    (i,) = parse_indicators("1、1-产出指标；12-质量指标；工作任务完成率；实施周期指标值: ≥90%；年度指标值: ≥ 90% 。")
    assert (i.period_value, i.annual_value) == ("≥90%", "≥ 90%")


def test_names_with_enumeration_commas_do_not_split_items():
    items = parse_indicators("1、1-产出指标；12-质量指标；信访、投诉、交办类案件结案率；实施周期指标值:≥95%；"
                             "年度指标值:≥95%。2、3-满意度指标；31-服务对象满意度；群众满意度；"
                             "实施周期指标值:≥80%；年度指标值:≥80%。")
    assert [i.indicator for i in items] == ["信访、投诉、交办类案件结案率", "群众满意度"]


def test_malformed_item_is_kept_raw():
    items = parse_indicators("1、1-产出指标；11-数量指标；人数；实施周期指标值:5；年度指标值:5。"
                             "2、1-产出指标；缺了一段。")
    assert [i.parsed for i in items] == [True, False]
    assert items[1].raw == "2、1-产出指标；缺了一段。" and items[1].seq == 2


def test_amounts():
    assert parse_amount("4,125.06") == Decimal("4125.06")
    assert parse_amount("") is None and parse_amount("-") is None
    with pytest.raises(AmountError):
        parse_amount("4,125.06万")


def test_taxonomy():
    assert taxonomy_problems(1, "产出指标", 11, "数量指标") == []
    assert taxonomy_problems(3, "满意度指标", 12, "质量指标")
    assert taxonomy_problems(2, "效益指标", 22, "社会效益指标") == []
    assert taxonomy_problems(1, "效益指标", 11, "数量指标")


def test_settings_are_validated():
    assert ExtractSettings().engine == "vector"
    with pytest.raises(SettingsError, match="engine"):
        ExtractSettings(engine="magic")
    with pytest.raises(SettingsError, match="workers"):
        ExtractSettings(workers=-1)


@pytest.mark.parametrize(("text", "department", "unit"), [
    ("部门名称：广州市荔湾区人民政府金花街道办事处 单位：万元", "广州市荔湾区人民政府金花街道办事处", "万元"),
    ("部门名称：某某局\u3000\u3000单位：万元", "某某局", "万元"),
    ("单位名称：某某街道办事处\n金额单位：元", "某某街道办事处", "元"),
    ("编制单位：某某中心    单位：万元", "某某中心", "万元"),
])
def test_department_line(text, department, unit):
    from budgetlib.read.context import department_and_unit

    assert department_and_unit([text], [1]) == (department, unit)
