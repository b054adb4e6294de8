"""The indicator list (``budgetlib/layouts/indicator_list.py``): its recognition, its parts, the committed
renderings of its fidelity harness (``tools/fidelity_lists.py commit``) read field by field, and real 北京
and 重庆 lists (skipped where ``../shared`` is absent)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES

from budgetlib import read_pdf
from budgetlib.config import PROJ_ROOT
from budgetlib.layouts import LAYOUTS
from budgetlib.layouts.indicator_list import (
    AmountText,
    IndicatorList,
    _label_field,
    annual,
    clean,
    code_name,
    merge,
    vocabulary,
)
from budgetlib.layouts.performance_targets import PerformanceTargets

sys.path.insert(0, str(PROJ_ROOT / "tools"))

HERE = FIXTURES / "lists"
MANIFEST = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
REAL = PROJ_ROOT.parent / "shared" / "real-pdfs" / "2026"

# a page's text as pypdfium2 gives it: the 北京 list's header in pieces among the cells' text
BEIJING_PAGE = " ".join([
    "财政资金 其他资金 产出指标 数量指标 调研报告 ≥ 1 份 绩效目标 一级指标 二级指标",
    "三级指标 绩效指标性质 本年绩效指标值 绩效度量单位 1.完成2篇咨询报告 75.984000",
    "项目总额 预算表12 项目支出绩效目标表 金额单位：万元 其中： 项目名称",
    "11000022T000000451922-国资国企重难点问题研究"])
CHONGQING_PAGE = " ".join([
    "表十二 2026年市级一般性项目绩效目标表（一级项目） 资金主管部门：重庆市商务委员会",
    "单位：万元 序号 项目名称 当年财政拨款预算金额 当年绩效目标 指标名称 指标性质 指标值",
    "计量单位 指标权重(%) 1 市商务发展一般性项目 8,071.45"])
FORM_PAGE = " ".join([
    "部门专项业务经费绩效目标表 项目名称 档案整理 主管部门 西安市人民政府办公厅",
    "资金金额（万元） 实施期资金总额： 28.91 执行率分值（10分） 其中：财政拨款 28.91",
    "年度目标 一级指标 二级指标 三级指标 指标值 分值权重（90分）"])
EMPTY_FORM_PAGE = " ".join([
    "表十一 2026年市级重点专项资金绩效目标表（一级项目） 单位：万元 项目名称 主管部门",
    "当年预算 市级支出 补助区县 项目概况 当年绩效目标 绩效指标 指标名称 指标性质 指标值",
    "计量单位 指标权重(%) 是否核心"])
DEPARTMENT_PAGE = " ".join([
    "预算13表 部门整体支出绩效目标表（2026年度） 部门名称 北京市审计局 财政拨款 其他资金",
    "预算支出总额 整体绩效目标 一级指标 二级指标 三级指标 绩效指标性质 绩效指标值 绩效度量单位"])
TRANSFER_PAGE = " ".join([
    "预算14表 社会保障和就业共同财政事权转移支付资金绩效目标表(2026年度） 转移支付名称",
    "国有企业退休 市级主管部门 北京市人力资源和社会保障局 资金情况（万元） 年度金额：",
    "9119.702500 其中：中央财政资金 市级财政资金 其他资金 年度总体目标 年度目标 一级指标",
    "二级指标 三级指标 指标值"])


# -- recognition ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [BEIJING_PAGE, CHONGQING_PAGE], ids=["北京", "重庆"])
def test_a_list_header_is_claimed_and_the_seeds_layout_refuses_it(text):
    assert IndicatorList().claims(text)
    assert not PerformanceTargets().claims(text)


@pytest.mark.parametrize("text", [FORM_PAGE, EMPTY_FORM_PAGE, DEPARTMENT_PAGE, TRANSFER_PAGE],
                         ids=["form", "empty-form", "department", "transfer"])
def test_forms_and_department_tables_are_not_lists(text):
    """A form prints a name and indicators too, with its labelled fields (amount lines, periods, goals); a
    department's table and a transfer's form print no 项目名称 column: none is read as a list."""
    assert not IndicatorList().claims(text)


def test_the_list_is_shown_the_pages_before_the_seeds_layout():
    names = list(LAYOUTS)
    assert names.index("indicator_list") < names.index("performance_targets")


# -- parts ------------------------------------------------------------------------------------------


def test_amounts_are_read_exactly_and_never_rounded():
    assert AmountText("675.970000").stored == Decimal("675.97")
    assert AmountText("2,400.000000").stored == Decimal("2400.00")
    assert AmountText("8,071.45").stored == Decimal("8071.45")
    nine = AmountText("9.574090")  # 95,740.90 元: the tables hold six decimals
    assert nine.value == Decimal("9.574090") and nine.stored == Decimal("9.57409") and nine.exact
    seven = AmountText("9.5740901")
    assert seven.value == Decimal("9.5740901") and seven.stored is None and not seven.exact
    assert AmountText("").blank and AmountText("-").blank and AmountText("").stored is None
    assert AmountText("12,3a").value is None


def test_the_target_is_composed_from_its_columns():
    assert annual({"comparator": "≥", "value": "95", "measure": "%"}, vocabulary()) == "≥95%"
    assert annual({"comparator": "＝", "value": "120", "measure": "万元"}, vocabulary()) == "＝120万元"
    assert annual({"comparator": "定性", "value": "优", "measure": "其他"}, vocabulary()) == "优"
    assert annual({"comparator": "≤", "value": "30%", "measure": "%"}, vocabulary()) == "≤30%"
    assert annual({"comparator": "≥", "value": "", "measure": "个"}, vocabulary()) == ""


def test_a_cells_lines_are_joined_as_chinese_text():
    assert clean("通过对北京市河长制\n系统日常维护") == "通过对北京市河长制系统日常维护"
    assert clean("办理 行 政 审 批 和 公 共") == "办理行政审批和公共"  # justified: the gaps are not text
    assert clean("1 1 0 0 0 0 2 2") == "11000022"  # letter-spaced
    assert clean("≥ 95") == "≥ 95"


def test_a_name_keeps_its_code_apart():
    voc = vocabulary()
    assert code_name("11000021Y000000390843-信息系统运维类项目", voc) == "11000021Y00000039 0843-信息系统运维类项目"
    assert code_name("市商务发展一般性项目", voc) == "市商务发展一般性项目"


def test_parts_of_a_cell_cut_by_a_page_break_are_joined_once():
    assert merge("对各类交通标志、隔离设施", "、隔离设施") == "对各类交通标志、隔离设施"  # a part of the whole
    assert merge("开展国资委推动3.开展国资委推动", "开展国资委推动市管企业") == "开展国资委推动3.开展国资委推动市管企业"
    assert merge("第一行文字", "第二行文字") == "第一行文字第二行文字"
    assert merge("", "第二行") == "第二行"
    # Calc draws a line cut by the page break again on the next page without the glyphs the clip hides
    assert merge("直属单位业务发展-接诉即办教育行业数据挖掘与评估分析项目", "办教行业数据挖掘与评估分析项目") \
        == "直属单位业务发展-接诉即办教育行业数据挖掘与评估分析项目"
    assert merge("推进安全管理水平，保障全市中小学生安定和", "安全管理水，保障中小学生安定和谐的学习环境。") \
        == "推进安全管理水平，保障全市中小学生安定和谐的学习环境。"
    assert merge("保障全市中小学生安定和", "保障项目按期完成") == "保障全市中小学生安定和保障项目按期完成"


def test_a_label_wrapped_onto_lines_of_its_own_names_its_column():
    voc = vocabulary()
    # a cell of the page before drawn over the header (its amount under the label) does not change the label
    assert _label_field("当年财政拨款\n预算金额\n996.61", voc) == ("fiscal", 2)
    assert _label_field("当年财政拨款\n预算金额", voc) == ("fiscal", 2)


# -- the fidelity harness's renderings --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MANIFEST), ids=[f"{n}-{MANIFEST[n]['label']}" for n in sorted(MANIFEST)])
def test_rendering_reads_exactly(name):
    from fidelity_lists import check

    entry = MANIFEST[name]
    truth = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    diffs, doubts = check(HERE / f"{name}.pdf", truth, entry["pages"])
    assert diffs == []
    if entry["setting"].get("rows", "auto") == "auto":  # fixed rows draw texts over each other: a doubt may be
        assert doubts == []                              # said there even where the reading is right


def test_renderings_cover_every_axis():
    from fidelity_lists import Setting

    seen: dict[tuple[str, str], set] = {}
    for entry in MANIFEST.values():
        s = entry["setting"]
        for axis in Setting.CAN[s["producer"]]:
            seen.setdefault((s["producer"], axis), set()).add(s[axis])
    for axis, values in Setting.AXES.items():
        assert seen[("canvas", axis)] == set(values), axis
    assert len(MANIFEST) >= 16


# -- real lists -------------------------------------------------------------------------------------


def _real(city: str, name: str) -> Path:
    path = REAL / city / name
    if not path.exists():
        pytest.skip(f"no {path} (../shared is absent)")
    return path


def _pages(src: Path, pages: list[int], out: Path) -> Path:
    """``pages`` of ``src`` as a PDF of their own (their content, clipped text included, as printed)."""
    import pypdfium2 as pdfium

    doc, new = pdfium.PdfDocument(str(src)), pdfium.PdfDocument.new()
    new.import_pages(doc, [p - 1 for p in pages])
    new.save(str(out))
    new.close()
    doc.close()
    return out


def _lists(doc) -> list:
    return [r for r in doc.rows if r.layout == "indicator_list"]


def test_beijing_a_name_beside_several_projects_and_six_decimal_amounts():
    """北京 退役军人事务局 page 16: 0843 with 675.970000 = 435.970000 + 240.000000; one 1739-培训类项目 name printed
    beside three projects (9.574090, 192.145664, 34.100000), each with its amounts and goal; amounts with
    digits beyond the cent held exactly (six decimals); the project cut by the page break (3504-物业服务) is
    one project."""
    doc = read_pdf(_real("北京", "退役军人事务局_2026年部门预算.pdf"))
    rows = _lists(doc)
    assert len(rows) == 20 and sum(len(r.indicators) for r in rows) == 135
    first = rows[0]
    assert first.name == "11000021Y00000039 0843-信息系统运维类项目" and first.page == 16
    assert (first.amounts["total"], first.amounts["fiscal"], first.amounts["other"]) == (
        Decimal("675.97"), Decimal("435.97"), Decimal("240.00"))
    assert first.amount_texts["total"] == "675.970000" and first.amount_unit == "万元"
    assert first.goal == "完成各系统年度运行维护工作；保障网络和信息系统年度稳定运行。"
    assert [i.annual_value for i in first.indicators[:3]] == ["≤12小时", "＝100%", "≥99%"]
    assert first.indicators[0].level1 == "产出指标" and first.indicators[0].indicator == "平均故障修复时间"
    training = [r for r in rows if r.name == "11000022T00000039 1739-培训类项目"]
    assert [r.amount_texts["total"] for r in training] == ["9.574090", "192.145664", "34.100000"]
    assert [r.amounts["total"] for r in training] == [Decimal("9.57409"), Decimal("192.145664"), Decimal("34.10")]
    assert training[0].indicators[0].annual_value == "优"  # 定性: the value alone
    assert not [f for f in doc.findings if f.check == "amount_unparsed"]
    service = [r for r in rows if r.name.endswith("3504-物业服务")]
    assert len(service) == 1 and service[0].pages == [16, 17] and len(service[0].indicators) == 8
    assert not [f for f in doc.findings if f.check == "extraction_doubt"]


def test_beijing_cells_cut_by_a_page_break_and_text_overflowing_its_cell(tmp_path):
    """北京 交警 pages 20–22: 2739 begins at the foot of page 20 and goes on at the top of page 21 with its name
    and amount cells empty and the rest of its goal (the whole goal is drawn, clipped, on both pages): one
    project with its whole goal; 北京 应急管理局 page 25: indicator texts longer than their fixed-height rows are
    read from the lines drawn for them, not from the neighbours they are drawn over (the page after the list's
    header page, page 20)."""
    doc = read_pdf(_pages(_real("北京", "公安局交通警察局_2026年部门预算.pdf"), [20, 21, 22], tmp_path / "a.pdf"))
    rows = _lists(doc)
    signs = [r for r in rows if "2739-标志类任务单申报项目" in r.name]
    assert len(signs) == 1 and signs[0].amount_texts["total"] == "1,620.200000"
    assert signs[0].goal.startswith("主要用于完成各支（大）队、社区交警等部门的设施申请")
    assert signs[0].goal.endswith("配套维护工作。") and signs[0].pages == [1, 2]
    emergency = _real("北京", "应急管理局_2026年部门预算.pdf")
    doc = read_pdf(_pages(emergency, [20, 25], tmp_path / "b.pdf"))
    names = [i.indicator for r in _lists(doc) for i in r.indicators]
    assert "应急移动单兵系统相关授权采购" in names
    assert "市应急视频会议系统设备运维服务费用" in names


def test_chongqing_one_level_of_indicators_with_weights():
    doc = read_pdf(_real("重庆", "2026年重庆市商务委员会部门预算.pdf"))
    rows = _lists(doc)
    assert len(rows) == 1
    row = rows[0]
    assert row.name == "市商务发展一般性项目" and row.department == "重庆市商务委员会"
    assert row.amounts["fiscal"] == Decimal("8071.45") and row.amounts["total"] is None
    assert row.goal.startswith("学校保持在校生规模27800人及以上")
    assert len(row.indicators) == 12
    first = row.indicators[0]
    assert (first.level1, first.level2, first.indicator, first.annual_value, first.weight) == (
        None, None, "学校保持在校生规模", "≥27800人", "10")
    assert [i.indicator for i in row.indicators[1:3]] == ["办理行政审批和公共服务事项数量", "各级各类媒体累计报道次数"]
    assert row.indicators[-1].annual_value == "=100%"


def test_a_sum_with_digits_beyond_the_cent_is_checked_exactly():
    """卫健委 prints 项目总额 2,651.52 and 财政资金 2,651.518580: the tables hold both exactly and the document's
    check finds the gap of 0.00142; an amount with more decimals than the tables hold is left empty, and the
    list's own check adds the printed numbers exactly."""
    from budgetlib.checks import _Collector, sources_sum
    from budgetlib.layouts.indicator_list import exact_sums
    from budgetlib.model import Row

    def row(total: str, fiscal: str, other: str = "") -> Row:
        texts = {"total": total, "fiscal": fiscal, "special_account": "", "other": other}
        amounts = {k: AmountText(v).stored for k, v in texts.items()}
        return Row(kind="project", name="p", unit="", page=1, amounts=amounts, amount_texts=texts)

    c = _Collector("x.pdf", "zh")
    sources_sum(c, row("2,651.52", "2,651.518580"), Decimal(0))
    assert [(f.check, f.expected, f.actual) for f in c.out] == [("sum_mismatch", "2651.51858", "2651.52")]
    assert "+0.00142" in c.out[0].message
    assert exact_sums(row("2,651.52", "2,651.518580"), "x.pdf", "zh") == []  # the document's check says it
    found = exact_sums(row("2,651.52", "2,651.5185801"), "x.pdf", "zh")
    assert [(f.check, f.expected, f.actual) for f in found] == [("sum_mismatch", "2651.5185801", "2,651.52")]
    assert exact_sums(row("10.0000000", "9.5740901", "0.4259099"), "x.pdf", "zh") == []


def test_beijing_a_cell_across_columns_the_header_prints_apart_is_read_column_by_column(tmp_path):
    """北京 水务局 p136 (checked by eye): 8919-…应急启闭设备改造提升's goal cell is drawn without its left rule and
    its 13 一级指标 cells without theirs (one cell of 其他资金, 绩效目标 and 一级指标 to the rules): the goal, an
    empty 其他资金 and each row's 一级指标 come back apart, as printed."""
    # the list's first page (its header: the pages after it print none), then pp135–137
    doc = read_pdf(_pages(_real("北京", "水务局_2026年部门预算.pdf"), [39, 135, 136, 137], tmp_path / "a.pdf"))
    row = next(r for r in _lists(doc) if "8919" in r.name)
    assert row.name == "11000026T00000373 8919-水利工程运维类专项-三家店拦河闸应急启闭设备改造提升"
    assert row.goal == ("通过为拦河闸闸门启闭机增设无电应急装置，用以预防突发事件时能够无电启闭闸门，防止事故的发生。"
                        "保证设备安全稳定运行及保障上、下游人民生命财产安全。")
    assert row.amount_texts["total"] == "42.500000" and row.amount_texts["other"] == ""
    assert [i.level1 for i in row.indicators] == ["满意度指标"] + ["产出指标"] * 9 + ["成本指标"] * 2 + ["效益指标"]
    assert [i.indicator for i in row.indicators][:2] == ["使用部门满意度", "项目按时完成率"]
    assert [i.annual_value for i in row.indicators][-3:] == ["≤6.5万元", "≤36万元", "＝100%"]
    assert row.page == 3
    assert not [f for f in doc.findings if f.page == 3 and f.check in ("extraction_doubt", "amount_unparsed")]
