"""项目支出绩效目标表（含转移支付项目）: 合计, units (资金使用单位) and their projects."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..amounts import AMOUNT_FIELDS, AmountError, parse_amount
from ..indicators import parse_indicators
from ..model import RawRow, Row
from .base import Column

if TYPE_CHECKING:
    from ..read.source import LayoutReading, Source
from .units import choose_units

_TOTAL = re.compile(r"[合总]\s*计\s*[：:]?")


class PerformanceTargets:
    """The seed's table: rows of 合计, units and projects, amounts in columns, 绩效目标 and 绩效指标 each one
    text cell (``1、1-产出指标；11-数量指标；…``)."""

    name = "performance_targets"
    label = "项目支出绩效目标表（含转移支付项目）：合计、单位、项目各一行，绩效指标为一个单元格的文字"
    short = "项目列表（合计、单位、项目）"
    title = "项目支出绩效目标表"
    item_grammar = True
    unit_rows = True
    amount_places = 2  # its tables print cents: a third decimal is a misprint of the table (flagged)
    columns = (
        Column("name", ("项目名称", "资金使用单位", "单位名称")),
        Column("special_account", ("财政专户",)),
        Column("fiscal", ("财政拨款",)),
        Column("other", ("其他资金",)),
        Column("total", ("总计", "合计")),
        Column("goal", ("绩效目标",)),
        Column("indicators", ("绩效指标",)),
    )
    _indicator_marks = ("产出指标", "效益指标", "满意度指标", "年度指标值")

    def claims(self, text: str) -> bool:
        """A page with the table's header (绩效目标, 绩效指标 and 总计 or 合计 columns) or its items (a page that
        goes on without the header), and none of the columns other layouts print their indicators in
        (一级指标 … 三级指标, 指标名称 with 指标性质): those are indicator lists and forms, titled the same."""
        flat = re.sub(r"\s+", "", text)
        if ("一级指标" in flat and "三级指标" in flat) or ("指标名称" in flat and "指标性质" in flat):
            return False
        if "绩效目标" in flat and "绩效指标" in flat and ("总计" in flat or "合计" in flat or self.title in flat):
            return True
        # its items' own labels (年度指标值, 实施周期指标值), not an indicator named 项目实施周期 in another table
        return sum(m in flat for m in self._indicator_marks) >= 2 and ("年度指标值" in flat or "实施周期指标值" in flat)

    page_may_hold = claims

    def read(self, source: Source, pages: list[int], notes: list[str]) -> LayoutReading:
        from ..read.choice import read_listed

        return read_listed(source, pages, self, notes)

    def record(self, r: RawRow) -> Row:
        """One row as printed: 合计, a project, or a candidate unit (no goal and no indicators: ``kind`` unit,
        which the table's arithmetic settles, ``units.choose_units``)."""
        name = r.cells.get("name", "").strip()
        if _TOTAL.fullmatch(name):  # 合计, 总 计, 合计： (a label, not a name: printed without its colon)
            name = re.sub(r"[\s：:]+", "", name)
        amounts, texts = {}, {}
        for f in AMOUNT_FIELDS:
            texts[f] = r.cells.get(f, "").strip()
            try:
                amounts[f] = parse_amount(texts[f], self.amount_places)
            except AmountError:
                amounts[f] = None
        goal = r.cells.get("goal", "").strip()
        ind = r.cells.get("indicators", "").strip()
        kind = "total" if name in ("合计", "总计") else "unit" if not goal and not ind else "project"
        return Row(kind=kind, name=name, unit="", page=r.page, amounts=amounts, amount_texts=texts, goal=goal,
                   indicators_text=ind, indicators=parse_indicators(ind), layout=self.name)

    def build(self, raw: list[RawRow], department: str) -> tuple[list[Row], list[str]]:
        log: list[str] = []
        rows = [self.record(r) for r in raw]
        choose_units(rows, log)
        assign_units(rows, department)
        return rows, log


def assign_units(rows: list[Row], department: str) -> None:
    """Each row's unit (a project's is the unit above it, or the department where none is) and ordinal."""
    unit = None
    for i, row in enumerate(rows, start=1):
        row.ordinal = i
        if row.kind == "total":
            row.unit = "合计"
            unit = None  # a compilation: the next department's table begins
        elif row.kind == "unit":
            unit = row.name
            row.unit = unit
        else:
            row.unit = unit if unit is not None else department


__all__ = ["PerformanceTargets", "assign_units"]
