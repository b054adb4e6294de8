"""What one document yields: its rows as printed, their parsed parts, and the findings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from .indicators import Indicator

ROW_FIELDS = ("name", "total", "fiscal", "special_account", "other", "goal", "indicators")


@dataclass
class RawRow:
    """One row of the table as camelot read it, joined across page breaks."""

    cells: dict[str, str]
    page: int
    pages: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.pages:
            self.pages = [self.page]


@dataclass
class Row:
    """A 合计 (``kind="total"``), unit or project row, whatever the layout that printed it (a row of the seed's
    list, a per-project form, the rows of one project in an indicator list).  ``unit`` is the unit the
    project belongs to (资金使用单位, 实施单位), ``department`` its department (部门名称, 主管部门) as printed."""

    kind: str
    name: str
    unit: str
    page: int
    amounts: dict[str, Decimal | None]
    amount_texts: dict[str, str]
    goal: str = ""
    indicators_text: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    ordinal: int = 0  # position among the table's rows, 1-based
    project_id: str = ""
    department: str = ""  # of the table the row belongs to (a compilation holds several departments' tables)
    read_by: str = "text"  # "ocr" for a row read from a scanned page's image
    layout: str = ""  # the layout of the table the row was printed in (budgetlib.layouts)
    amount_unit: str = ""  # the unit its table prints its amounts in (万元, 元 …; "" when none is printed)
    period_goal: str = ""  # 实施期目标 / 实施期总目标, where the layout prints one beside the year's goal
    # amount lines printed beyond 总计/财政拨款/财政专户拨款/其他资金 (实施期资金总额, 上年结转 …): (label, text);
    # a form keeps there too the other labelled fields it prints that have no column (实施期限, 主管部门代码, and
    # after the amounts 项目概况, 主要政策任务 …)
    amount_lines: list[tuple[str, str]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # every page the row (a form, a project's list) is printed on


@dataclass
class DepartmentTarget:
    """One target of a department-level table (部门整体支出绩效目标表 and its kin): the department's overall
    goal and one indicator of it."""

    department: str
    page: int
    goal: str
    indicator: Indicator
    layout: str = ""
    amount_unit: str = ""
    task: str = ""  # the task (年度主要任务, 活动) the indicator belongs to, where the table ties them
    # what the table prints for the department besides its goal and indicators, (label, text) in printed
    # order: its money (总体资金情况·财政拨款·合计), each task's cells (年度主要任务·机关运转·总额), 金额合计,
    # 其他说明 …
    lines: list[tuple[str, str]] = field(default_factory=list)

@dataclass(frozen=True)
class Finding:
    """A defect of the published table.  ``unit`` is 合计 for the total row."""

    check: str
    severity: str
    source: str
    page: int
    unit: str
    project: str
    seq: int | None
    message: str
    project_id: str = ""
    field: str = ""
    expected: str = ""
    actual: str = ""
    rule: str = dataclasses.field(default="", compare=False)  # message key (``sum_mismatch.units``), read by code


@dataclass
class Document:
    """Everything read from one PDF."""

    source: str
    sha256: str
    department: str
    amount_unit: str
    layout: str
    pages: list[int]
    rows: list[Row]
    findings: list[Finding] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    framework: str = ""  # id of the indicator framework its indicators follow (taxonomy.frameworks)
    targets: list[DepartmentTarget] = field(default_factory=list)  # department-level tables' targets
    year: int | None = None  # budget year: from the document's text, else its path, else ExtractSettings.year
    year_from: str = ""  # where the year came from: title, cover, path, setting ("" when unknown)

    @property
    def departments(self) -> list[str]:
        """The departments of the document's tables, in order (one for a department's own disclosure)."""
        return list(dict.fromkeys(r.department for r in self.rows if r.department)) or [self.department]

    @property
    def projects(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "project"]

    @property
    def units(self) -> list[Row]:
        return [r for r in self.rows if r.kind in ("total", "unit")]


__all__ = ["ROW_FIELDS", "DepartmentTarget", "Document", "Finding", "RawRow", "Row"]
