"""项目支出绩效目标表（含转移支付项目）: 合计, units (资金使用单位) and their projects."""

from __future__ import annotations

import re
from decimal import Decimal

from ..amounts import AMOUNT_FIELDS, AmountError, parse_amount
from ..indicators import parse_indicators
from ..model import RawRow, Row
from .base import Column


class PerformanceTargets:
    name = "performance_targets"
    title = "项目支出绩效目标表"
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

    def page_may_hold(self, text: str) -> bool:
        flat = re.sub(r"\s+", "", text)
        if self.title in flat:
            return True
        if "绩效目标" in flat and "绩效指标" in flat and "总计" in flat:
            return True
        return sum(m in flat for m in self._indicator_marks) >= 2 and "指标值" in flat

    def build(self, raw: list[RawRow], department: str) -> tuple[list[Row], list[str]]:
        log: list[str] = []
        rows: list[Row] = []
        for r in raw:
            name = r.cells.get("name", "").strip()
            if re.fullmatch(r"[合总]\s*计", name):
                name = re.sub(r"\s+", "", name)
            amounts, texts = {}, {}
            for f in AMOUNT_FIELDS:
                texts[f] = r.cells.get(f, "").strip()
                try:
                    amounts[f] = parse_amount(texts[f])
                except AmountError:
                    amounts[f] = None
            goal = r.cells.get("goal", "").strip()
            ind = r.cells.get("indicators", "").strip()
            if name in ("合计", "总计"):
                kind = "total"
            elif not goal and not ind:
                kind = "unit"
            else:
                kind = "project"
            rows.append(Row(kind=kind, name=name, unit="", page=r.page, amounts=amounts, amount_texts=texts,
                            goal=goal, indicators_text=ind, indicators=parse_indicators(ind)))
        self._units_by_arithmetic(rows, log)
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
        return rows, log

    @staticmethod
    def _units_by_arithmetic(rows: list[Row], log: list[str]) -> None:
        """Decide which rows without goal and indicators are units, and which are projects whose goal and
        indicators were left blank (flagged by the checks).

        Structure alone says: a unit is followed by its projects.  But a blank project followed by
        projects looks the same, so the table's arithmetic decides: the units are the set of candidates
        whose amounts best equal the sums of the rows under them (a small gap such as 0.01 costs less than
        a real mismatch; projects above the first unit cost more).  Ties keep the structural reading.
        """
        cands = [i for i, r in enumerate(rows) if r.kind == "unit"]
        if not cands:
            return
        default = {i for i in cands if i + 1 < len(rows) and rows[i + 1].kind == "project"}

        def mismatch(row: Row, parts: list[Row]) -> float:
            cost = 0.0
            for f in AMOUNT_FIELDS:
                printed = row.amounts[f] or Decimal(0)
                added = sum((p.amounts[f] or Decimal(0) for p in parts), Decimal(0))
                gap = abs(printed - added)
                cost += 0 if gap == 0 else 0.25 if gap <= Decimal("0.05") else 1.0
            return cost

        def deviation(path: list[int], upto: int) -> int:
            return sum(1 for c in cands if c <= upto and ((c in path) != (c in default)))

        body = [i for i, r in enumerate(rows) if r.kind != "total"]
        end = len(rows)
        # best[i]: least cost of a reading in which candidate i is a unit and everything above it is settled
        best: dict[int, tuple[float, list[int]]] = {}
        for i in cands:
            orphans = [k for k in body if k < i]
            start = 2.0 * len(orphans)
            options = [(start, [])]
            options += [(best[j][0] + mismatch(rows[j], [rows[k] for k in range(j + 1, i)]), best[j][1])
                        for j in best]
            # equal costs (blank amounts, say): the reading closest to the structural one
            cost, path = min(options, key=lambda o, i=i: (round(o[0], 6), deviation([*o[1], i], i)))
            best[i] = (cost, [*path, i])
        finals = [(c + mismatch(rows[i], [rows[k] for k in range(i + 1, end)]), path) for i, (c, path) in best.items()]
        totals = [r for r in rows if r.kind == "total"]
        no_units = sum(mismatch(t, [rows[k] for k in body]) for t in totals)
        finals.append((no_units if totals else float("inf"), []))

        def score(option: tuple[float, list[int]]) -> tuple[float, int]:
            return (round(option[0], 6), deviation(option[1], end))

        _, chosen = min(finals, key=score)
        chosen_set = set(chosen)
        for i in cands:
            if i in chosen_set:
                continue
            rows[i].kind = "project"
            why = "the amounts of the rows under it add up without it" if i in default else "no projects follow it"
            log.append(f"page {rows[i].page}: {rows[i].name!r} has no goal or indicators; read as a project ({why})")
        for i in chosen_set - default:
            log.append(f"page {rows[i].page}: {rows[i].name!r} read as a unit: its amounts are the sum of the rows "
                       "under it")


__all__ = ["PerformanceTargets"]
