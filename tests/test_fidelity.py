"""The committed renderings of the generative fidelity harness (``tools/fidelity.py commit``): random
tables from the sample's vocabulary, drawn by four producers (reportlab canvas and platypus, LibreOffice
Calc and Writer) over every setting the harness varies (row heights, borders, vertical alignment,
indentation, fonts, repeated titles, scaling, orientation).  Each must come back exact, field by field,
against its own truth; ``make fidelity`` runs the full seeded matrix."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from conftest import FIXTURES
from truth import differences

from budgetlib import ExtractSettings, read_pdf

HERE = FIXTURES / "fidelity"
MANIFEST = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(MANIFEST), ids=[f"{n}-{MANIFEST[n]['label']}" for n in sorted(MANIFEST)])
def test_rendering_reads_exactly(name):
    entry = MANIFEST[name]
    truth = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    doc = read_pdf(HERE / f"{name}.pdf")
    assert differences(doc, truth, entry["pages"]) == []
    assert doc.amount_unit == truth["amount_unit"]  # printed on every rendering (at the edge of a /Rotate page)
    assert not [f for f in doc.findings if f.check == "extraction_doubt"]


def test_renderings_cover_every_axis():
    """Every value of every axis a producer can draw is in the committed set (the harness's promise)."""
    import sys

    sys.path.insert(0, str(FIXTURES.parents[1] / "tools"))
    from fidelity import Setting

    seen = defaultdict(set)
    for entry in MANIFEST.values():
        s = entry["setting"]
        for axis in Setting.CAN[s["producer"]]:
            seen[(s["producer"], axis)].add(s[axis])
    for producer, axes in Setting.CAN.items():
        for axis in axes:
            want = set(Setting.values(producer, axis))
            assert seen[(producer, axis)] == want, (producer, axis)
    assert len(MANIFEST) >= 30


DOUBT = HERE / "doubt_blank_amounts_borderless.pdf"  # tools/fidelity.py doubt_case(): read wrong, but said so


def test_a_reading_no_checksum_confirms_is_an_extraction_doubt(tmp_path):
    """A page that every reading leaves with violations no other reading shares: the rows are written, but
    the file gets its own exit status (3), one stderr line naming it and the page, an extraction_doubt
    finding (severity error) and the status "doubt" in sources; its sums are not blamed on the table."""
    import subprocess
    import sys

    import pandas as pd

    doc = read_pdf(DOUBT)
    doubts = [f for f in doc.findings if f.check == "extraction_doubt"]
    assert doubts and {f.severity for f in doubts} == {"error"}
    assert all(f.rule == "extraction_doubt.cut" and "已试读法" in f.message and "text-" in f.message for f in doubts)
    english = read_pdf(DOUBT, ExtractSettings(lang="en"))
    assert all("readings tried" in f.message for f in english.findings if f.check == "extraction_doubt")
    assert not [f for f in doc.findings if f.check == "sum_mismatch" and f.page in {d.page for d in doubts}]
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(DOUBT), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 3
    lines = [ln for ln in run.stderr.splitlines() if "extraction doubt" in ln]
    assert lines == [f"{DOUBT.name}: extraction doubt on page(s) 1: rows there may be cut wrongly "
                     "(see the extraction_doubt findings)"]
    sources = pd.read_csv(out / "sources.csv")
    assert sources.loc[0, "status"] == "doubt"


def test_report_section_lists_doubts_first():
    from budgetlib import extract
    from budgetlib.notebook import doubts

    result = extract([DOUBT])
    html = doubts(result.findings).to_html()
    assert "抽取存疑" in html and DOUBT.name in html
    clean = extract([HERE / "00_calc.pdf"])
    assert "无" in doubts(clean.findings).data


def test_a_free_text_line_in_the_wrong_row_is_moved_by_geometry():
    """`tools/fidelity.py one 2:152` (Calc, no borders, tight rows, cells aligned to the bottom): the cut at
    white space puts one line of a 绩效目标 in the row above, and no sum or number shows it; the cut
    anchored on the amounts fits the alignment far better, its checksum no worse, and no row crosses the
    page's breaks: that cut is taken (and the rendering reads exactly: ``test_rendering_reads_exactly``)."""
    doc = read_pdf(HERE / "r_2_152_calc.pdf")
    assert any("geometry chose text-bottom over text-gaps" in line for line in doc.log)
    assert not [f for f in doc.findings if f.check == "extraction_doubt"]


def test_geometry_alone_does_not_switch_a_page_a_row_crosses(monkeypatch):
    """The same page, read as if a row went on from it to a next page: there a row broken at the page foot
    may fit no alignment and still be read right, so geometry does not switch; the page is put in doubt
    instead (a real read of the real PDF; only the fact that a row crosses the page is supplied)."""
    from budgetlib.read import assembly

    for cls in (assembly.Assembly, assembly.Trial):  # every reading of the document, whole or by its window
        def crossing(self, *args, _init=cls.__init__, **kwargs):
            _init(self, *args, **kwargs)
            if hasattr(self, "crossed"):
                self.crossed = self.crossed | {1}

        monkeypatch.setattr(cls, "__init__", crossing)
    doc = read_pdf(HERE / "r_2_152_calc.pdf", ExtractSettings(cache=False))
    doubts = [f for f in doc.findings if f.check == "extraction_doubt"]
    assert [d.page for d in doubts] == [1]
    assert doubts[0].rule == "extraction_doubt.geometry" and "单元格对齐方式" in doubts[0].message


def test_a_character_is_placed_by_its_glyph_not_by_the_box_its_font_declares():
    """LibreOffice embeds the Noto CJK faces declaring ``/Ascent 0 /Descent 0``, and playa (whose layout camelot
    reads) then places each character by the font's FontBBox: its box lies wholly below its baseline, most of a
    line under the glyph (合计 was read with the first unit's name).  Placed by its glyph (``glyphs.py``), the
    box holds what pdfium finds the glyph to cover, on the fixture that read wrong before."""
    import pypdfium2 as pdfium
    from playa import open as open_pdf
    from playa.miner import LAParams, LTChar, LTContainer, extract_page

    from budgetlib.read.glyphs import place_glyphs

    path = FIXTURES / "libreoffice_noto_cramped.pdf"

    def chars(layout) -> list:
        out = []
        for obj in layout:
            out += [obj] if isinstance(obj, LTChar) else chars(obj) if isinstance(obj, LTContainer) else []
        return out

    with open_pdf(str(path), space="page") as doc:
        layout = extract_page(doc.pages[0], LAParams(detect_vertical=False))
    he = [c for c in chars(layout) if c.get_text() == "合"]
    assert he and all(c.y1 < c.matrix[5] for c in he)  # declared: under the baseline
    place_glyphs(layout)
    textpage = pdfium.PdfDocument(str(path))[0].get_textpage()
    inked = [textpage.get_charbox(i) for i in range(textpage.count_chars()) if textpage.get_text_range(i, 1) == "合"]
    assert len(inked) == len(he)
    for c in he:
        left, bottom, _, top = min(inked, key=lambda b: abs(b[0] - c.x0))
        assert c.y0 <= bottom and top <= c.y1 and abs(left - c.x0) < c.width / 2
