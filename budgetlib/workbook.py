"""The tables as one Excel workbook (``budgetlib.xlsx``), what a finance office opens first.

One sheet per table (``SHEETS``, those present), the header row frozen and bold, an autofilter over the
table, columns as wide as their text (up to a limit).  Amounts are numbers whose cell holds the exact
decimal (the file stores its digits, never a float's) with the number format ``0.00####`` (two decimals, up to
six where the amount holds them: 北京's ``9.574090`` 万元 shows 9.57409, never a rounded 9.57); the table's
``amount_unit`` is a column beside them.  Text is always a text cell: ``=HYPERLINK(…)`` in a project name
is shown, never evaluated, and ``#N/A`` is not an error value.  Written atomically.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .amounts import AMOUNT_FIELDS, exact_text
from .exceptions import BudgetlibError
from .output import atomic_path, read_table

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# the sheets, in this order, of the tables a folder holds (``department_targets`` and the review tables
# only when extract wrote them)
SHEETS = ("sources", "projects", "units", "indicators", "findings", "review_indicators", "review_projects",
          "department_targets")
WORKBOOK = "budgetlib.xlsx"
AMOUNT_FORMAT = "0.00####"
SHARE_FORMAT = "0.0%"
MAX_ROWS = 1_048_575  # Excel's rows, less the header
MAX_TEXT = 32_767  # characters Excel keeps in a cell
_WIDTH_SAMPLE = 500  # rows looked at for a column's width
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an .xlsx cannot hold


class WorkbookError(BudgetlibError):
    """A table does not fit in a worksheet."""


def tables_in(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables of ``SHEETS`` that ``folder`` holds (Parquet, else CSV), by name, in sheet order."""
    out = {}
    for name in SHEETS:
        if (folder / f"{name}.parquet").exists() or (folder / f"{name}.csv").exists():
            out[name] = _sources(folder) if name == "sources" else read_table(folder, name)
    return out


def _sources(folder: Path) -> pd.DataFrame:
    """``sources.csv`` (always CSV) with its counts as numbers."""
    from .output import excel_unsafe

    df = pd.read_csv(folder / "sources.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for col in df.columns:
        df[col] = df[col].map(excel_unsafe)
        if col in ("year", "units", "projects", "indicators", "findings"):
            df[col] = pd.to_numeric(df[col].replace("", None)).astype("Int64")
    return df


def text_width(text: str) -> int:
    """Columns of ``text`` in a monospaced sense: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(df: pd.DataFrame) -> list[float]:
    widths = []
    for col in df.columns:
        values = df[col].head(_WIDTH_SAMPLE)
        longest = max((text_width(_display(v)) for v in values), default=0)
        widths.append(min(60, max(6, text_width(str(col)) + 2, longest + 2)))
    return widths


def _display(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return exact_text(value, grouped=True) if isinstance(value, Decimal) else str(value)


def _cell(ws: WriteOnlyWorksheet, value: object, column: str) -> WriteOnlyCell | None:
    from openpyxl.cell import WriteOnlyCell

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if column in AMOUNT_FIELDS:
        cell = WriteOnlyCell(ws, value if isinstance(value, Decimal) else Decimal(str(value)))
        cell.number_format = AMOUNT_FORMAT
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(ws, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(ws, value)
        if column.endswith("_share"):
            cell.number_format = SHARE_FORMAT
        return cell
    if hasattr(value, "item"):  # a numpy scalar
        return _cell(ws, value.item(), column)
    text = _ILLEGAL.sub("\ufffd", str(value))
    if not text:
        return None  # an empty cell (a sheet has no "empty text")
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    cell = WriteOnlyCell(ws, text)
    cell.data_type = "s"  # text, never a formula (=…) or an error value (#N/A)
    return cell


def write_workbook(tables: dict[str, pd.DataFrame], target: Path) -> Path:
    """Write ``tables`` (name → table) to ``target`` as one sheet each, atomically; returns ``target``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for name, df in tables.items():
        if len(df) > MAX_ROWS:
            raise WorkbookError(f"{name}: {len(df):,} rows do not fit in an Excel sheet ({MAX_ROWS:,} at most); "
                                "use the Parquet or CSV table instead")
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, df in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.freeze_panes = "A2"
        columns = [str(c) for c in df.columns]
        for i, width in enumerate(_widths(df), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, col)
            cell.data_type, cell.font = "s", bold
            header.append(cell)
        ws.append(header)
        for row in df.itertuples(index=False, name=None):
            ws.append([_cell(ws, v, c) for v, c in zip(row, columns)])
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(df) + 1}"
    if not tables:
        wb.create_sheet(title="empty")
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def write_folder_workbook(folder: Path, target: Path | None = None) -> Path:
    """The workbook of the tables ``folder`` holds (``tables_in``), written to ``target`` (default
    ``folder/budgetlib.xlsx``)."""
    return write_workbook(tables_in(folder), target or folder / WORKBOOK)


__all__ = ["AMOUNT_FORMAT", "SHEETS", "WORKBOOK", "WorkbookError", "tables_in", "text_width", "write_folder_workbook",
           "write_workbook"]
