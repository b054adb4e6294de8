"""Documents → the four tidy tables (projects, units, indicators, findings) plus per-file status."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import pandas as pd

from .amounts import AMOUNT_DTYPE, AMOUNT_FIELDS
from .model import Document

PROJECT_COLUMNS = ["project_id", "source", "page", "department", "year", "unit", "project", *AMOUNT_FIELDS,
                   "amount_unit", "goal", "read_by", "layout", "period_goal", "amount_lines", "pages"]
UNIT_COLUMNS = ["source", "department", "year", "unit", *AMOUNT_FIELDS, "amount_unit", "page"]
INDICATOR_COLUMNS = [
    "project_id", "source", "department", "year", "unit", "project", "seq", "level1_code", "level1", "level2_code",
    "level2", "indicator", "period_value", "annual_value", "comparator", "number", "measure_unit", "kind",
    "period_comparator", "period_number", "period_measure_unit", "period_kind", "page", "parsed", "raw", "read_by",
    "upper", "period_upper", "weight", "scoring", "note", "extra", "layout",
]
DEPARTMENT_TARGET_COLUMNS = [
    "source", "department", "year", "page", "layout", "goal", "task", "seq", "level1", "level2", "indicator",
    "period_value", "annual_value", "comparator", "number", "upper", "measure_unit", "kind", "weight", "scoring",
    "note", "amount_unit", "raw", "lines",
]
FINDING_COLUMNS = ["check", "severity", "source", "page", "unit", "project", "seq", "message", "project_id",
                   "field", "expected", "actual"]
SOURCE_COLUMNS = ["source", "status", "reason", "sha256", "department", "year", "year_from", "amount_unit", "framework",
                  "pages", "units", "projects", "indicators", "findings", "layout", "targets"]
LOG_COLUMNS = ["source", "message"]


def _frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=columns)


def projects_frame(docs: list[Document]) -> pd.DataFrame:
    records = [
        {"project_id": r.project_id, "source": d.source, "page": r.page, "department": r.department or d.department,
         "year": d.year,
         "unit": r.unit, "project": r.name, **{f: r.amounts[f] for f in AMOUNT_FIELDS},
         "amount_unit": r.amount_unit or d.amount_unit, "goal": r.goal, "read_by": r.read_by,
         "layout": r.layout or d.layout, "period_goal": r.period_goal,
         "amount_lines": "；".join(f"{label}：{text}" for label, text in r.amount_lines),
         "pages": ",".join(map(str, r.pages or [r.page]))}
        for d in docs for r in d.projects
    ]
    return typed(_frame(records, PROJECT_COLUMNS))


def units_frame(docs: list[Document]) -> pd.DataFrame:
    records = [
        {"source": d.source, "department": r.department or d.department, "year": d.year,
         "unit": r.name if r.kind == "unit" else "合计",
         **{f: r.amounts[f] for f in AMOUNT_FIELDS}, "amount_unit": r.amount_unit or d.amount_unit, "page": r.page}
        for d in docs for r in d.units
    ]
    return typed(_frame(records, UNIT_COLUMNS))


def indicators_frame(docs: list[Document]) -> pd.DataFrame:
    records = []
    for d in docs:
        for r in d.projects:
            for i in r.indicators:
                a, p = i.annual, i.period
                records.append({
                    "project_id": r.project_id, "source": d.source, "department": r.department or d.department,
                    "year": d.year, "unit": r.unit,
                    "project": r.name, "seq": i.seq, "level1_code": i.level1_code, "level1": i.level1,
                    "level2_code": i.level2_code, "level2": i.level2, "indicator": i.indicator,
                    "period_value": i.period_value, "annual_value": i.annual_value,
                    "comparator": a.comparator, "number": a.number, "measure_unit": a.measure_unit,
                    "kind": a.kind if i.parsed else "unparsed",
                    "period_comparator": p.comparator, "period_number": p.number,
                    "period_measure_unit": p.measure_unit, "period_kind": p.kind if i.parsed else "unparsed",
                    "page": r.page, "parsed": i.parsed, "raw": i.raw, "read_by": r.read_by,
                    "upper": a.upper, "period_upper": p.upper, "weight": i.weight, "scoring": i.scoring,
                    "note": i.note, "extra": i.extra, "layout": r.layout or d.layout,
                })
    return typed(_frame(records, INDICATOR_COLUMNS))


def department_targets_frame(docs: list[Document]) -> pd.DataFrame:
    """One row per target of the department-level tables (部门整体支出绩效目标表 …)."""
    records = []
    for d in docs:
        for t in d.targets:
            i, a = t.indicator, t.indicator.annual
            records.append({
                "source": d.source, "department": t.department or d.department, "year": d.year, "page": t.page,
                "layout": t.layout, "goal": t.goal, "task": t.task, "seq": i.seq, "level1": i.level1,
                "level2": i.level2, "indicator": i.indicator, "period_value": i.period_value,
                "annual_value": i.annual_value, "comparator": a.comparator, "number": a.number, "upper": a.upper,
                "measure_unit": a.measure_unit, "weight": i.weight,
                # a goal printed without indicators: no value, none to parse
                "kind": None if i.indicator is None and not i.annual_value else a.kind if i.parsed else "unparsed",
                "scoring": i.scoring, "note": i.note, "amount_unit": t.amount_unit or d.amount_unit, "raw": i.raw,
                "lines": "；".join(f"{label}：{text}" if label else text for label, text in t.lines),
            })
    return typed(_frame(records, DEPARTMENT_TARGET_COLUMNS))


def findings_frame(docs: list[Document]) -> pd.DataFrame:
    return typed(_frame([asdict(f) for d in docs for f in d.findings], FINDING_COLUMNS))


def log_frame(docs: list[Document]) -> pd.DataFrame:
    return _frame([{"source": d.source, "message": m} for d in docs for m in d.log], LOG_COLUMNS).astype("string")


_INTS = ("page", "year", "seq", "level1_code", "level2_code", "units", "projects", "indicators", "findings",
         "measurable", "points", "rule")
_FLOATS = ("number", "period_number", "measurable_share", "upper", "period_upper")
_BOOLS = ("parsed", "has_output", "has_benefit", "has_satisfaction", "has_cost")
NON_TEXT = (*_INTS, *_FLOATS, *_BOOLS, *AMOUNT_FIELDS)


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))  # 1 or "1.10" as written, not via float


def typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col in _INTS:
            df[col] = pd.to_numeric(df[col]).astype("Int64")
        elif col in AMOUNT_FIELDS:
            if df[col].dtype != AMOUNT_DTYPE:
                df[col] = df[col].map(_decimal, na_action="ignore").astype(AMOUNT_DTYPE)
        elif col in _FLOATS:
            df[col] = pd.to_numeric(df[col]).astype("float64")
        elif col in _BOOLS:
            df[col] = df[col].map(lambda v: v if isinstance(v, bool) or v is None else str(v) == "True",
                                  na_action="ignore").astype("boolean")
        else:
            df[col] = df[col].astype("string")
    return df


__all__ = [
    "DEPARTMENT_TARGET_COLUMNS",
    "FINDING_COLUMNS",
    "INDICATOR_COLUMNS",
    "LOG_COLUMNS",
    "NON_TEXT",
    "PROJECT_COLUMNS",
    "SOURCE_COLUMNS",
    "UNIT_COLUMNS",
    "department_targets_frame",
    "findings_frame",
    "indicators_frame",
    "log_frame",
    "projects_frame",
    "typed",
    "units_frame",
]
