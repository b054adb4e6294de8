"""Compilations and years (issue 19): tables of several departments in one PDF, each with its own amount
unit, arithmetic, department and 合计 wherever it is printed; the year from the title, then the cover, never
from a goal's text.  Each fixture (``tools/make_corpus.py compilations``) is read through the command line and
its ``units.csv``, ``projects.csv`` and ``findings.csv`` compared field by field with the truths it was drawn
from."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, PROJ_ROOT

sys.path.insert(0, str(PROJ_ROOT / "tools"))

HERE = FIXTURES / "compilations"
CASES = sorted(p.stem for p in HERE.glob("*.pdf"))
AMOUNTS = ("total", "fiscal", "special_account", "other")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name in CASES:
        folder = tmp_path_factory.mktemp(name)
        run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(HERE / f"{name}.pdf"), "--out",
                              str(folder), "--no-cache"], capture_output=True, text=True)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (name, run.stderr)
        out[name] = folder
    return out


def _amounts(row) -> tuple:
    return tuple(None if pd.isna(row[f]) or row[f] in ("", None) else Decimal(str(row[f])) for f in AMOUNTS)


def _truth_amounts(row: dict) -> tuple:
    return tuple(Decimal(row[f]) if row[f] not in (None, "") else None for f in AMOUNTS)


@pytest.mark.parametrize("name", CASES)
def test_units_projects_and_findings_are_the_truths(outputs, name):
    truths = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    folder = outputs[name]
    units = pd.read_csv(folder / "units.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    projects = pd.read_csv(folder / "projects.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    findings = pd.read_csv(folder / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    want_units, want_projects, want_findings = [], [], Counter()
    for truth in truths:
        dept, unit_of = truth["department"], truth["amount_unit"]
        for row, page in zip(truth["rows"], truth["pages"]):
            if row["kind"] in ("total", "unit"):
                want_units.append((dept, "合计" if row["kind"] == "total" else row["name"], _truth_amounts(row),
                                   unit_of, str(page)))
            else:
                want_projects.append((dept, row["unit"], row["name"], _truth_amounts(row), unit_of, str(page),
                                      row["goal"]))
        want_findings.update((f[0], f[1], f[2], "" if f[3] is None else str(f[3]), f[4]) for f in truth["findings"])
    got_units = [(r["department"], r["unit"], _amounts(r), r["amount_unit"], r["page"]) for _, r in units.iterrows()]
    got_projects = [(r["department"], r["unit"], r["project"], _amounts(r), r["amount_unit"], r["page"], r["goal"])
                    for _, r in projects.iterrows()]
    assert got_units == want_units
    assert got_projects == want_projects
    got_findings = Counter((r["check"], r["unit"], r["project"], r["seq"], r["field"]) for _, r in findings.iterrows()
                           if r["check"] not in ("seq_restart",))
    assert got_findings == want_findings


def test_the_year_comes_from_the_cover_not_from_a_goal(outputs):
    sources = pd.read_csv(outputs["year_from_the_cover"] / "sources.csv", encoding="utf-8-sig")
    assert (sources.loc[0, "year"], sources.loc[0, "year_from"]) == (2024, "cover")
    projects = pd.read_csv(outputs["year_from_the_cover"] / "projects.csv", encoding="utf-8-sig")
    assert set(projects["year"]) == {2024}


def test_a_table_without_its_total_row_says_so(tmp_path):
    from conftest import DATA
    from render_pdf import Style, render

    from budgetlib import read_pdf

    truth = json.loads((DATA / "other_truth.json").read_text(encoding="utf-8"))
    truth["rows"] = [r for r in truth["rows"] if r["kind"] != "total"]
    render(truth, tmp_path / "no_total.pdf", Style(font="STSong-Light"))
    doc = read_pdf(tmp_path / "no_total.pdf")
    (missing,) = [f for f in doc.findings if f.check == "missing_total"]
    assert missing.unit == truth["rows"][0]["name"] and missing.severity == "warning"
    assert not [f for f in doc.findings if f.check == "sum_mismatch" and f.unit == "合计"]
