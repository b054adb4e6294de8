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
    """A 合计 (``kind="total"``), unit or project row."""

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


__all__ = ["ROW_FIELDS", "Document", "Finding", "RawRow", "Row"]
