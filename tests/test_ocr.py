"""Scanned disclosures (image-only PDFs) read by OCR: every amount exact or flagged, never silently wrong;
the rows say they came from a scan."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest
from conftest import FIXTURES

from budgetlib import ExtractSettings, NoTextLayerError, read_pdf
from budgetlib.read.ocr import repair

SCANS = sorted((FIXTURES / "scans").glob("*dpi.pdf"))
AMOUNTS = ("total", "fiscal", "special_account", "other")


@pytest.fixture(scope="module")
def scans():
    return {pdf.name: (read_pdf(pdf), json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))[0])
            for pdf in SCANS}


def test_the_scans_are_image_only_and_cover_every_dpi():
    assert {p.stem.split("_")[-1] for p in SCANS} == {"150dpi", "200dpi", "300dpi"}
    for pdf in SCANS:
        with pytest.raises(NoTextLayerError):
            read_pdf(pdf, ExtractSettings(ocr="never"))


def _silent_amounts(doc, truth) -> list:
    """Amounts that differ from the truth without an ocr_doubt on their row and field."""
    doubts = {(f.unit, f.project, f.field) for f in doc.findings if f.check == "ocr_doubt"}
    silent = []
    for row, want in zip(doc.rows, truth["rows"]):
        project = row.name if row.kind == "project" else ""
        for f in AMOUNTS:
            exp = None if want[f] is None else Decimal(want[f])
            if row.amounts[f] != exp and (row.unit, project, f) not in doubts:
                silent.append((row.name, f, row.amounts[f], exp))
    return silent


def test_a_scanned_disclosure_is_glanced_at_and_only_its_table_read_in_full():
    """A cover and two pages of another table before the 绩效目标表, all scanned: every page's top is read
    small, and only the table's page in full."""
    pdf = FIXTURES / "scans" / "disclosure_minzheng_2023.pdf"
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))[0]
    doc = read_pdf(pdf)
    assert doc.pages == sorted(set(truth["pages"])) == [4]
    assert "4 scanned pages glanced at; read in full by OCR: [4]" in doc.log
    assert (doc.department, doc.year) == (truth["department"], truth["year"])
    assert len(doc.rows) == len(truth["rows"]) and _silent_amounts(doc, truth) == []


@pytest.mark.parametrize("name", [p.name for p in SCANS])
def test_every_amount_is_exact_or_flagged(scans, name):
    doc, truth = scans[name]
    assert len(doc.rows) == len(truth["rows"])
    assert {r.read_by for r in doc.rows} == {"ocr"}
    assert _silent_amounts(doc, truth) == []
    # a sum that does not add up on a scanned page is a doubt of the reading, not the table's defect
    assert not [f for f in doc.findings if f.check == "sum_mismatch"]


@pytest.mark.parametrize("name", [p.name for p in SCANS])
def test_names_department_and_year_come_from_the_image(scans, name):
    doc, truth = scans[name]
    assert doc.department == truth["department"] and doc.year == truth["year"] and doc.year_from == "text"
    names = [(r.name, w["name"]) for r, w in zip(doc.rows, truth["rows"])]
    # a bracket's width (（ or () is all OCR may miss in a name
    assert sum(g.replace("（", "(").replace("）", ")") == w.replace("（", "(").replace("）", ")")
               for g, w in names) == len(names)


def test_the_cli_names_the_doubt_and_marks_the_rows(tmp_path):
    pdf = FIXTURES / "scans" / "minzheng_2023_200dpi.pdf"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(pdf), "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 3, run.stderr  # every page read, some fields in doubt
    assert f"{pdf.name}: OCR doubt on page(s) 1" in run.stderr
    projects = pd.read_csv(tmp_path / "projects.csv", encoding="utf-8-sig")
    indicators = pd.read_csv(tmp_path / "indicators.csv", encoding="utf-8-sig")
    assert set(projects["read_by"]) == {"ocr"} and set(indicators["read_by"]) == {"ocr"}
    sources = pd.read_csv(tmp_path / "sources.csv", encoding="utf-8-sig")
    assert sources.loc[0, "status"] == "doubt" and "OCR doubt" in sources.loc[0, "reason"]


def test_the_indicator_grammar_fixes_only_its_separators():
    assert repair("1、1-产出指标：11-数量指标：党员慰问人数：实施周期指标值：280；年度指标值：280。") == \
        "1、1-产出指标；11-数量指标；党员慰问人数；实施周期指标值：280；年度指标值：280。"
    assert repair("通过：实施项目，提升服务") == "通过：实施项目，提升服务"  # not an indicator: as read
