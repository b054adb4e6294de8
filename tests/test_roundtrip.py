"""Every field of every row, on PDFs from several producers, against the ground truth."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import FIXTURES, load_truth, manifest
from truth import differences

from budgetlib import read_pdf
from budgetlib.config import PROJ_ROOT

CASES = sorted(manifest().items())


@pytest.fixture(scope="module")
def docs():
    return {name: read_pdf(PROJ_ROOT / name) for name, _ in CASES}


@pytest.mark.parametrize(("name", "entry"), CASES, ids=[n.rsplit("/", 1)[-1] for n, _ in CASES])
def test_every_field_of_every_row(docs, name, entry):
    truth = load_truth(entry["truth"])
    assert differences(docs[name], truth, entry["pages"]) == []


@pytest.mark.parametrize(("name", "entry"), CASES, ids=[n.rsplit("/", 1)[-1] for n, _ in CASES])
def test_findings_are_the_tables_defects(docs, name, entry):
    expected = json.loads((FIXTURES.parent / "data" / "expected_findings.json").read_text(encoding="utf-8"))
    want = Counter(tuple(f) for f in expected[entry["truth"]])
    got = Counter((f.check, f.unit, f.project, f.seq, f.field) for f in docs[name].findings)
    assert got == want
    pages = dict(zip((r["name"] for r in load_truth(entry["truth"])["rows"]), entry["pages"]))
    for f in docs[name].findings:  # a finding points at the page its row starts on
        assert f.page == pages[f.project or f.unit]


def test_sample_counts(docs):
    doc = docs["data/raw/jinhua_performance_targets.pdf"]
    kinds = Counter(r.kind for r in doc.rows)
    assert kinds == {"total": 1, "unit": 4, "project": 54}
    assert sum(len(r.indicators) for r in doc.rows) == 213
    assert len({r.project_id for r in doc.rows}) == len(doc.rows)


def test_split_rows_fixture_really_splits_rows():
    """The fixture must hold rows continued across a page break, or the test above proves nothing."""
    doc = read_pdf(FIXTURES / "reportlab_split_rows.pdf")
    assert any("joined to the row above" in line for line in doc.log)


def test_borderless_fixture_is_read_as_borderless():
    doc = read_pdf(FIXTURES / "borderless.pdf")
    assert any("borderless" in line for line in doc.log)


def test_embedded_table_found_among_real_pages():
    doc = read_pdf(FIXTURES / "embedded_in_disclosure.pdf")
    entry = manifest()["tests/fixtures/embedded_in_disclosure.pdf"]
    assert doc.pages == sorted(set(entry["pages"]))
    assert min(doc.pages) > 1


def test_thin_rules_lost_by_rendering_are_read_from_the_pdf():
    """camelot's raster lattice merges rows whose rules are too thin to render; the library re-reads the
    page's own ruling lines and the result is exact again."""
    from budgetlib import ExtractSettings

    name = "tests/fixtures/reportlab_thin_rules.pdf"
    entry = manifest()[name]
    doc = read_pdf(PROJ_ROOT / name, ExtractSettings(engine="raster"))
    assert any("merged rows; re-read" in line for line in doc.log)
    assert differences(doc, load_truth(entry["truth"]), entry["pages"]) == []


def test_header_fused_with_first_row_is_split_off():
    doc = read_pdf(FIXTURES / "reportlab_thin_rules.pdf")
    assert any("header row also holds a data row ('合计')" in line for line in doc.log)
    assert doc.rows[0].kind == "total"


def test_rows_without_rules_between_them_come_from_text_positions():
    doc = read_pdf(FIXTURES / "reportlab_no_row_rules.pdf")
    assert any("rows from text positions" in line for line in doc.log)
    assert Counter(r.kind for r in doc.rows) == {"total": 1, "unit": 4, "project": 54}


def test_two_header_rows_and_a_footnote():
    """资金来源 over the three sources on a second header row; a 注： line under the table is not data."""
    doc = read_pdf(FIXTURES / "libreoffice_two_row_header.pdf")
    assert any("note under the table skipped" in line for line in doc.log)
    assert all(r.amounts["fiscal"] is not None for r in doc.rows)


@pytest.mark.parametrize("name", ["data/raw/jinhua_performance_targets.pdf", "tests/fixtures/libreoffice_xlsx.pdf"])
def test_exact_with_the_rendering_engine_too(name):
    """camelot's default engine (render + vector lines) gives the same rows as the vector engine."""
    from budgetlib import ExtractSettings

    entry = manifest()[name]
    doc = read_pdf(PROJ_ROOT / name, ExtractSettings(engine="combined"))
    assert differences(doc, load_truth(entry["truth"]), entry["pages"]) == []
