"""pandera schemas of the output tables: checked before anything is written."""

from __future__ import annotations

import pandera.pandas as pa

from .amounts import AMOUNT_DTYPE
from .checks import SEVERITY
from .tables import DEPARTMENT_TARGET_COLUMNS, FINDING_COLUMNS, INDICATOR_COLUMNS
from .values import KINDS

_amount = pa.Column(AMOUNT_DTYPE, nullable=True)  # exact decimals with two places
_text = pa.Column("string", nullable=True)
_page = pa.Column("Int64", pa.Check.ge(1))
_year = pa.Column("Int64", pa.Check.in_range(1990, 2100), nullable=True)
_read_by = pa.Column("string", pa.Check.isin(["text", "ocr"]))  # ocr: a row read from a scanned page

PROJECTS = pa.DataFrameSchema(
    {"project_id": pa.Column("string", unique=True), "source": pa.Column("string"), "page": _page,
     "department": _text, "year": _year, "unit": _text, "project": pa.Column("string"), "total": _amount,
     "fiscal": _amount, "special_account": _amount, "other": _amount, "amount_unit": _text, "goal": _text,
     "read_by": _read_by, "layout": pa.Column("string"), "period_goal": _text, "amount_lines": _text,
     "pages": pa.Column("string")},
    strict=True, ordered=True,
)
UNITS = pa.DataFrameSchema(
    {"source": pa.Column("string"), "department": _text, "year": _year, "unit": pa.Column("string"), "total": _amount,
     "fiscal": _amount, "special_account": _amount, "other": _amount, "amount_unit": _text, "page": _page},
    strict=True, ordered=True,
)
INDICATORS = pa.DataFrameSchema(
    {**{c: _text for c in INDICATOR_COLUMNS},
     "seq": pa.Column("Int64", pa.Check.ge(0), nullable=True), "year": _year,
     "level1_code": pa.Column("Int64", nullable=True), "level2_code": pa.Column("Int64", nullable=True),
     "number": pa.Column("float64", nullable=True), "period_number": pa.Column("float64", nullable=True),
     "upper": pa.Column("float64", nullable=True), "period_upper": pa.Column("float64", nullable=True),
     "kind": pa.Column("string", pa.Check.isin(KINDS)), "period_kind": pa.Column("string", pa.Check.isin(KINDS)),
     "page": _page, "parsed": pa.Column("boolean"), "project_id": pa.Column("string"), "read_by": _read_by},
    strict=True,
)
FINDINGS = pa.DataFrameSchema(
    {**{c: _text for c in FINDING_COLUMNS},
     "check": pa.Column("string", pa.Check.isin(list(SEVERITY))),
     "severity": pa.Column("string", pa.Check.isin(["error", "warning", "info"])),
     "page": _page, "seq": pa.Column("Int64", nullable=True)},
    strict=True,
)
DEPARTMENT_TARGETS = pa.DataFrameSchema(
    {**{c: _text for c in DEPARTMENT_TARGET_COLUMNS},
     "source": pa.Column("string"), "year": _year, "page": _page, "seq": pa.Column("Int64", nullable=True),
     "number": pa.Column("float64", nullable=True), "upper": pa.Column("float64", nullable=True),
     # empty on a department's goal printed without indicators (a row without an indicator, nothing to parse)
     "kind": pa.Column("string", pa.Check.isin(KINDS), nullable=True)},
    strict=True,
)
SCHEMAS = {"projects": PROJECTS, "units": UNITS, "indicators": INDICATORS, "findings": FINDINGS,
           "department_targets": DEPARTMENT_TARGETS}

__all__ = ["DEPARTMENT_TARGETS", "FINDINGS", "INDICATORS", "PROJECTS", "SCHEMAS", "UNITS"]
