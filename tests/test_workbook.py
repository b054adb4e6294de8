"""budgetlib.xlsx, read back with openpyxl and compared cell by cell with the Parquet tables."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest
from conftest import FIXTURES
from openpyxl import load_workbook

from budgetlib.amounts import AMOUNT_FIELDS
from budgetlib.output import read_table
from budgetlib.workbook import AMOUNT_FORMAT, SHEETS, text_width, write_workbook

EDGE = FIXTURES / "edge"


def _extract(out, *formats: str, inputs=()) -> subprocess.CompletedProcess:
    args = [a for f in formats for a in ("--format", f)]
    return subprocess.run([sys.executable, "-m", "budgetlib", "extract", *map(str, inputs), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, sample_pdf):
    out = tmp_path_factory.mktemp("xlsx")
    run = _extract(out, "xlsx", inputs=(sample_pdf, EDGE / "defects.pdf"))  # xlsx alone: csv and parquet too
    assert run.returncode == 0, run.stderr
    return out


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def test_every_cell_is_the_parquet_tables_own(workbook):
    book = load_workbook(workbook / "budgetlib.xlsx")
    present = [n for n in SHEETS if (workbook / f"{n}.parquet").exists() or (workbook / f"{n}.csv").exists()]
    assert book.sheetnames == present and {"projects", "units", "indicators", "findings"} <= set(present)
    formulas = 0
    for name in present:
        ws = book[name]
        if name == "sources":
            df = pd.read_csv(workbook / "sources.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        else:
            df = read_table(workbook, name)
        rows = list(ws.iter_rows())
        assert [c.value for c in rows[0]] == list(df.columns) and all(c.font.b for c in rows[0])
        assert len(rows) == len(df) + 1, name
        for (_, want), cells in zip(df.iterrows(), rows[1:]):
            for col, cell in zip(df.columns, cells):
                value = want[col]
                if name == "sources" and col in ("year", "units", "projects", "indicators", "findings"):
                    value = int(value) if value else None  # counts as numbers (CSV gives their digits)
                if _missing(value) or value == "":
                    assert cell.value is None, (name, col, cell.coordinate)
                elif col in AMOUNT_FIELDS:
                    assert cell.data_type == "n" and cell.number_format == AMOUNT_FORMAT, (name, col)
                    assert Decimal(repr(cell.value)) == value, (name, col, cell.value, value)  # to the cent
                elif isinstance(value, str):
                    assert cell.data_type == "s" and cell.value == value, (name, col, cell.coordinate)
                    formulas += value.startswith("=")
                else:
                    assert cell.value == value and cell.data_type in ("n", "b"), (name, col, cell.value, value)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{rows[0][-1].column_letter}{len(df) + 1}"
        widths = [ws.column_dimensions[c.column_letter].width for c in rows[0]]
        assert all(6 <= w <= 60 for w in widths)
        longest = max(text_width(str(v)) for v in df[df.columns[0]].head(500)) if len(df) else 0
        assert widths[0] >= min(60, longest)  # as wide as its text
    assert formulas >= 1  # =HYPERLINK(…) of the defects fixture: a text cell, not a formula


def test_amounts_are_stored_as_their_digits(tmp_path):
    """The file holds each amount as decimal digits that are the amount exactly (what Excel reads: up to its
    precision of 15–16 significant digits, 10^14 in the table's unit), never a float's binary neighbour;
    text that looks like a formula, an error value or holds a control character stays text."""
    import re
    import zipfile

    amounts = [Decimal("12345678901234.57"), Decimal("0.10"), Decimal("-3402.46"), None]
    df = pd.DataFrame({"project": ["=1+1", "#N/A", "a\x07b", "+2"], "total": amounts, "amount_unit": ["万元"] * 4})
    write_workbook({"projects": df}, tmp_path / "t.xlsx")
    xml = zipfile.ZipFile(tmp_path / "t.xlsx").read("xl/worksheets/sheet1.xml").decode()
    digits = dict(re.findall(r'<c r="(B\d+)"[^>]*><v>([^<]*)</v>', xml))
    assert [Decimal(digits[f"B{i}"]) for i in (2, 3, 4)] == amounts[:3] and "B5" not in digits and "<f>" not in xml
    ws = load_workbook(tmp_path / "t.xlsx")["projects"]
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [("=1+1", "s"), ("#N/A", "s"), ("a\ufffdb", "s"),
                                                             ("+2", "s")]


def test_the_workbook_follows_the_tables_and_only_when_they_change(tmp_path, sample_pdf):
    run = _extract(tmp_path, "parquet", "xlsx", inputs=(sample_pdf,))
    assert run.returncode == 0, run.stderr
    assert not list(tmp_path.glob("projects.csv")) and (tmp_path / "projects.parquet").exists()
    stamp = (tmp_path / "budgetlib.xlsx").stat().st_mtime_ns
    again = _extract(tmp_path, "parquet", "xlsx", inputs=(sample_pdf,))
    assert again.returncode == 0 and (tmp_path / "budgetlib.xlsx").stat().st_mtime_ns == stamp
    (tmp_path / "budgetlib.xlsx").unlink()
    assert _extract(tmp_path, "parquet", "xlsx", inputs=(sample_pdf,)).returncode == 0
    assert load_workbook(tmp_path / "budgetlib.xlsx", read_only=True).sheetnames[:3] == ["sources", "projects", "units"]
