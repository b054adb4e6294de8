"""Stitching rows across page breaks, on small hand-made cell grids (what camelot returns)."""

from __future__ import annotations

from budgetlib.layouts import LAYOUTS
from budgetlib.read.grid import PageTable
from budgetlib.read.stitch import stitch

HEADER = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
LAYOUT = LAYOUTS["performance_targets"]


def page(n: int, *rows: list[str]) -> PageTable:
    cells = [HEADER, *rows]
    ys = [(500.0 - 20 * i, 480.0 - 20 * i) for i in range(len(cells))]
    return PageTable(n, "lattice", [list(r) for r in cells], ys)


def test_rest_of_a_row_under_the_next_header_is_joined_to_it():
    first = page(1, ["项目甲", "1.00", "1.00", "", "", "目标前半", "1、1-产出"])
    second = page(2, ["", "", "", "", "", "后半。", "指标后半"], ["项目乙", "2.00", "2.00", "", "", "乙", "乙"])
    rows, _ = stitch([first, second], LAYOUT, 4.0)
    assert [(r.cells["name"], r.cells["goal"], r.page, r.pages) for r in rows] == [
        ("项目甲", "目标前半后半。", 1, [1, 2]), ("项目乙", "乙", 2, [2])]


def test_row_whose_name_and_amounts_fall_on_the_next_page():
    """Cells centred vertically: the foot of page 1 holds only the top of the row's goal and indicators."""
    rows, log = stitch([page(1, ["项目甲", "1.00", "1.00", "", "", "甲", "甲"], ["", "", "", "", "", "乙上", "指上"]),
                        page(2, ["项目乙", "2.00", "2.00", "", "", "乙下", "指下"])], LAYOUT, 4.0)
    assert [(r.cells["name"], r.cells["goal"], r.cells["indicators"], r.page) for r in rows] == [
        ("项目甲", "甲", "甲", 1), ("项目乙", "乙上乙下", "指上指下", 1)]
    assert any("joined to its start on page 1" in line for line in log)


def test_header_repeated_inside_a_page_and_fused_rest_of_a_row():
    fused = [*HEADER[:5], "绩效目标\n。", "绩效指标\n末尾。"]
    second = PageTable(2, "lattice", [fused, ["项目乙", "2.00", "2.00", "", "", "乙", "乙"], HEADER,
                                      ["项目丙", "3.00", "3.00", "", "", "丙", "丙"]],
                       [(500.0 - 20 * i, 480.0 - 20 * i) for i in range(4)])
    rows, log = stitch([page(1, ["项目甲", "1.00", "1.00", "", "", "甲", "甲"]), second], LAYOUT, 4.0)
    assert [(r.cells["name"], r.cells["goal"], r.cells["indicators"]) for r in rows] == [
        ("项目甲", "甲。", "甲末尾。"), ("项目乙", "乙", "乙"), ("项目丙", "丙", "丙")]
    assert any("header repeated inside the table" in line for line in log)
