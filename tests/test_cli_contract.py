"""`budgetlib extract` output: the four tables, CSV with a BOM and Parquet, every field exact."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import load_truth, manifest

AMOUNTS = ("total", "fiscal", "special_account", "other")


@pytest.fixture(scope="module")
def out(tmp_path_factory, sample_pdf):
    out = tmp_path_factory.mktemp("processed")
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(sample_pdf), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


def test_csv_has_bom_and_parquet_matches(out):
    for name in ("projects", "units", "indicators", "findings"):
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        csv = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        parquet = pd.read_parquet(out / f"{name}.parquet")
        assert list(csv.columns) == list(parquet.columns)
        assert len(csv) == len(parquet)


def test_projects_csv_exact(out):
    truth = load_truth("jinhua_truth.json")
    pages = manifest()["data/raw/jinhua_performance_targets.pdf"]["pages"]
    want = [(r, p) for r, p in zip(truth["rows"], pages) if r["kind"] == "project"]
    got = pd.read_csv(out / "projects.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(got.columns)[:13] == ["project_id", "source", "page", "department", "year", "unit", "project", *AMOUNTS,
                                      "amount_unit", "goal"]
    assert set(got["amount_unit"]) == {"万元"}
    assert got["project_id"].is_unique
    assert len(got) == len(want) == 54
    for (_, g), (w, page) in zip(got.iterrows(), want):
        assert g["source"] == "jinhua_performance_targets.pdf"
        assert g["department"] == truth["department"]
        assert (g["project"], g["unit"], g["goal"], int(g["page"])) == (w["name"], w["unit"], w["goal"], page)
        for k in AMOUNTS:
            assert g[k] == (w[k] or "")  # two decimals as printed; empty stays empty


def test_units_csv_exact(out):
    truth = load_truth("jinhua_truth.json")
    want = [r for r in truth["rows"] if r["kind"] in ("total", "unit")]
    got = pd.read_csv(out / "units.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(got["unit"]) == [r["unit"] for r in want]
    assert got["unit"].iloc[0] == "合计"
    for (_, g), w in zip(got.iterrows(), want):
        assert [g[k] for k in AMOUNTS] == [w[k] or "" for k in AMOUNTS]


def test_indicators_csv_exact(out):
    truth = load_truth("jinhua_truth.json")
    want = [(r, i) for r in truth["rows"] for i in r["indicators"]]
    got = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(got) == len(want) == 213
    projects = pd.read_csv(out / "projects.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    names = dict(zip(projects["project_id"], projects["project"]))
    for (_, g), (row, ind) in zip(got.iterrows(), want):
        assert names[g["project_id"]] == g["project"] == row["name"]
        for k in ("level1", "level2", "indicator", "period_value", "annual_value"):
            assert g[k] == ind[k]
        assert (int(g["seq"]), g["level1_code"], g["level2_code"]) == (ind["seq"], ind["level1_code"],
                                                                       ind["level2_code"])
    first = got.iloc[0]
    assert (first["comparator"], first["number"], first["measure_unit"], first["kind"]) == ("", "100.0", "%",
                                                                                            "percent")


def test_findings_csv_columns(out):
    got = pd.read_csv(out / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(got.columns)[:8] == ["check", "severity", "source", "page", "unit", "project", "seq", "message"]
    assert set(got["check"]) == {"sum_mismatch", "taxonomy_mismatch", "value_unparsed", "period_annual_differ",
                                 "duplicate_indicator"}
    assert "合计" in set(got["unit"])
