"""Scanned disclosures (image-only PDFs) read by OCR: every amount exact or flagged, never silently wrong;
the rows say they came from a scan."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

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
def test_units_are_told_from_projects_as_on_a_text_page(scans, name):
    """By structure and arithmetic, on scans as on text pages: a unit after the first is not read as a project
    (``noto_cramped_200dpi.pdf``: Calc in Noto Sans CJK SC with cramped rows, three units)."""
    doc, truth = scans[name]
    assert [r.kind for r in doc.rows] == [w["kind"] for w in truth["rows"]]
    assert not [f for f in doc.findings if f.check in ("missing_goal", "missing_indicators")]


@pytest.mark.parametrize("name", [p.name for p in SCANS])
def test_names_department_and_year_come_from_the_image(scans, name):
    doc, truth = scans[name]
    assert doc.department == truth["department"] and doc.year == truth["year"] and doc.year_from in ("title", "cover")
    # every name exact, brackets' widths too (set by the room they take on the line: ``ocr.widths``)
    assert [r.name for r in doc.rows] == [w["name"] for w in truth["rows"]]


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


def test_marks_that_come_full_or_half_width_are_set_by_their_room():
    """RapidOCR's character boxes on a line (em 20 px): a bracket between two Chinese characters that takes
    half an em is ( and one that takes an em is （, whichever the recogniser said; a comma between digits
    and a mark at the line's end stay as read."""
    from budgetlib.read.ocr import paired, widths

    def boxes(xs):  # one box per character, from its left and right x
        return [[[a, 0], [b, 0], [b, 20], [a, 20]] for a, b in xs]

    text = "社区经费（荔湾区）"  # the brackets read wide, printed narrow: 10 px each
    xs = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 90), (90, 110), (110, 130), (130, 150), (150, 160)]
    assert widths(text, list(text), boxes(xs)) == "社区经费(荔湾区）"  # the last: at the line's end
    text = "项目名称(资金)"  # read narrow, printed wide: 20 px
    xs = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 100), (100, 120), (120, 140), (140, 160)]
    assert widths(text, list(text), boxes(xs)) == "项目名称（资金)"
    assert paired("项目名称（资金)") == "项目名称（资金）" and paired("经费(荔湾区）") == "经费(荔湾区)"
    text = "合计1,330.91元整"
    xs = [(0, 20), (20, 40), (40, 50), (50, 55), (55, 65), (65, 75), (75, 85), (85, 90), (90, 100), (100, 110),
          (110, 130), (130, 150)]
    assert widths(text, list(text), boxes(xs)) == text


def test_the_indicator_grammar_fixes_only_its_separators():
    assert repair("1、1-产出指标：11-数量指标：党员慰问人数：实施周期指标值：280；年度指标值：280。") == \
        "1、1-产出指标；11-数量指标；党员慰问人数；实施周期指标值：280；年度指标值：280。"
    assert repair("通过：实施项目，提升服务") == "通过：实施项目，提升服务"  # not an indicator: as read
    # an item's number and its level-1 code; specks at a field's start and inside a level-2 code
    assert repair("≤2个小时。2：2-效益指标；22-社会效益；x；实施周期指标值:1；年度指标值:1。") == \
        "≤2个小时。2、2-效益指标；22-社会效益；x；实施周期指标值:1；年度指标值:1。"
    assert repair("16小时/天。62-效益指标；1.1-数量指标;.退役军人优待证办理；") == \
        "16小时/天。6、2-效益指标；11-数量指标；退役军人优待证办理；"
    assert repair("值:12。10、1-产出指标") == "值:12。10、1-产出指标"
    # a level-2 code that lost its dash, right after its level-1 type; a name that starts with digits stays
    assert repair("1、1-产出指标：11数量指标：对来穗人员；实施周期指标值:1") == \
        "1、1-产出指标；11-数量指标；对来穗人员；实施周期指标值:1"
    assert repair("1、3-满意度指标；31-服务对象满意度；24小时服务满意度；实施周期指标值:1") == \
        "1、3-满意度指标；31-服务对象满意度；24小时服务满意度；实施周期指标值:1"
    # an item whose level-1 code lost its dash; a speck read as a quote before a value's label (a field may
    # begin with a quote: “好差评”服务评价)
    assert repair("人员数量。3、1产出指标：11-数量指标；") == "人员数量。3、1-产出指标；11-数量指标；"
    assert repair("服务对象家属满意度;“实施周期指标值:≥90%") == "服务对象家属满意度；实施周期指标值:≥90%"
    assert repair("31-服务对象满意度；“好差评”服务评价；实施周期指标值:1") == \
        "31-服务对象满意度；“好差评”服务评价；实施周期指标值:1"


def test_a_2_the_recogniser_doubts_where_a_value_begins_is_a_comparator():
    """``≥95%`` read ``295%`` comes with 0.44–0.58 confidence on its 2 (a printed 2 there: 0.99): where the
    grammar has a value begin (after 指标值:, on the line or at the end of the line above), such a 2 followed by
    a digit is the comparator; a sure 2, or one elsewhere, stays."""
    from budgetlib.read.ocr import _unsure_comparators

    def unsure(text: str, doubted: int, before: str = "") -> list[int]:
        confs = [0.5 if i == doubted else 0.99 for i in range(len(text))]
        return _unsure_comparators(list(text), confs, before)

    assert unsure("实施周期指标值:295%；", 8) == [8]
    assert unsure("295%；年度指标值:≥95%", 0, before="…；实施周期指标值:") == [0]
    assert unsure("实施周期指标值:295%；", 9) == []  # the doubted character is not the 2
    assert unsure("实施周期指标值:2个小时", 8) == []  # no digit after it: 2个 is a count
    assert unsure("295%；年度指标值:≥95%", 0, before="通过") == []  # not where a value begins
    assert unsure("22-社会效益", 0, before="1、2-效益指标；") == []


_FONTS = {"Noto Sans CJK": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
          "Noto Serif CJK": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
          "AR PL UMing": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)}
_COMPARATORS = ["实施周期指标值：≤2个小时；年度指标值：≦2个小时。", "实施周期指标值：≥90%；年度指标值：≧85%。",
                "年度指标值：≦5天；实施周期指标值：≧95%。", "年度指标值：≤3次；实施周期指标值：≥48次。",
                "年度指标值：<5%；实施周期指标值：>90分。"]


def _comparators(text: str) -> str:
    return "".join({"＜": "<", "＞": ">"}.get(c, c) for c in text if c in "≤≦≥≧<>＜＞")  # width aside


@pytest.mark.parametrize("font,dpi", [("Noto Sans CJK", 150), ("Noto Sans CJK", 300), ("Noto Serif CJK", 200),
                                      ("AR PL UMing", 150), ("AR PL UMing", 300)])
def test_comparators_are_told_by_the_bars_printed_under_them(font, dpi):
    """The recogniser's character set has ≤ ≥ but not ≦ ≧ (which real tables print): the bars under a
    comparator decide (``ocr._bars``).  Lines drawn in a font at 9 pt and read at ``dpi`` like a scan:
    a bar is never invented (< stays <, ≤ never becomes ≦), and where the print shows them every ≦ ≧ is
    found (AR PL UMing's bars run together at 150 dpi: read as ≤ ≥, the same comparison)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    from budgetlib.read import ocr

    path, index = _FONTS[font]
    if not Path(path).exists():
        pytest.skip(f"{font} is not installed (apt-get install fonts-noto-cjk fonts-arphic-uming)")
    px = round(9 * dpi / 72)
    img = Image.new("L", (int(7 * dpi), len(_COMPARATORS) * px * 3), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(_COMPARATORS):
        draw.text((px, px + i * px * 3), line, font=ImageFont.truetype(path, px, index=index), fill=0)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    if dpi < ocr.MIN_DPI:  # read enlarged, as read_page does a small scan
        img = img.resize((img.width * ocr.MIN_DPI // dpi, img.height * ocr.MIN_DPI // dpi), Image.Resampling.BICUBIC)
    read = _comparators("".join(b[4] for b in sorted(ocr._boxes(np.array(img)), key=lambda b: b[1])))
    printed = _comparators("".join(_COMPARATORS))
    one_bar = str.maketrans("≦≧", "≤≥")
    assert len(read) == len(printed)
    assert read.translate(one_bar) == printed.translate(one_bar)  # the comparisons themselves
    assert all(not (r in "≦≧" and p not in "≦≧") for r, p in zip(read, printed))  # no bar invented
    if (font, dpi) != ("AR PL UMing", 150):
        assert read == printed


def test_the_lines_of_a_ruled_table_are_found_from_its_ink():
    """A ruled page's text lines come from the ink of each column between its rules, not from a detector:
    one crop per line of each cell (two lines of a cell apart, a cell's line apart from its neighbour's across
    the rule), none for a speck, a line printed across a horizontal rule one line, and the text above the table
    (the title; 部门名称 and 单位 two ems apart: two crops)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from budgetlib.read import ocr

    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if not Path(noto).exists():
        pytest.skip("Noto Sans CJK is not installed (apt-get install fonts-noto-cjk)")
    font = ImageFont.truetype(noto, 20, index=2)
    img = Image.new("L", (1400, 500), 255)
    draw = ImageDraw.Draw(img)
    draw.text((40, 20), "部门名称：广州市荔湾区民政局", font=font, fill=0)
    draw.text((1100, 20), "单位：万元", font=font, fill=0)
    for y in (80, 200, 330, 460):
        draw.line((30, y, 1370, y), fill=0, width=2)
    for x in (30, 400, 700, 1370):
        draw.line((x, 80, x, 460), fill=0, width=2)
    draw.text((40, 100), "社区党组织服务群众经费", font=font, fill=0)
    draw.text((40, 130), "（荔湾区）", font=font, fill=0)
    draw.text((410, 120), "60.00", font=font, fill=0)
    draw.text((710, 95), "通过全面深入开展社区党组织服务群众工作，组织", font=font, fill=0)
    draw.text((710, 125), "开展为群众办实事实践活动，提升社区党组织的执行", font=font, fill=0)
    draw.text((710, 189), "力和为民办实事的工作能力。", font=font, fill=0)  # across the rule at 200
    draw.ellipse((200, 260, 202, 262), fill=0)  # a speck in an empty part of a cell
    draw.text((40, 350), "区禁毒专项经费", font=font, fill=0)
    bw, horizontal, vertical = ocr._rules(np.array(img))
    ys, xs = ocr._grid(horizontal, vertical)
    assert len(ys) == 4 and len(xs) == 4
    crops = sorted(ocr._cell_lines(bw, horizontal | vertical, ys, xs), key=lambda c: (c[1], c[0]))
    centres = [((x0 + x1) / 2, (y0 + y1) / 2) for x0, y0, x1, y1 in crops]
    assert len(crops) == 9
    assert sum(cy < 80 for _, cy in centres) == 2  # 部门名称 … and 单位：万元, apart
    assert sum(cx > 700 and 80 < cy < 230 for cx, cy in centres) == 3  # the goal's lines, one across the rule
    assert not any(180 < cx < 220 and 240 < cy < 280 for cx, cy in centres)  # no speck


def test_a_line_the_recogniser_cannot_read_is_kept_unread_not_dropped():
    """A text line that RapidOCR finds but cannot read (here: runes and Hangul, outside its character set;
    on a scan: a line it turned upside down, a smudged line) comes back with no text and its low score, so
    that its cell is an ocr_doubt instead of silently one line short; a speck is still dropped."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from budgetlib.read import ocr

    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if not Path(noto).exists():
        pytest.skip("Noto Sans CJK is not installed (apt-get install fonts-noto-cjk)")
    img = Image.new("L", (1400, 260), 255)
    draw = ImageDraw.Draw(img)
    chinese, korean = ImageFont.truetype(noto, 25, index=2), ImageFont.truetype(noto, 25, index=1)
    draw.text((25, 25), "实施周期指标值：与上年基本持平；年度指标值", font=chinese, fill=0)
    draw.text((25, 130), "한국어텍스트입니다한국어텍스트", font=korean, fill=0)
    draw.ellipse((700, 210, 703, 213), fill=0)  # a speck
    lines = sorted(ocr._boxes(np.array(img)), key=lambda b: b[1])
    assert [b[4] for b in lines] == ["实施周期指标值：与上年基本持平；年度指标值", ""]
    assert lines[0][5] >= ocr.LOW_CONFIDENCE > ocr.READ_SCORE > lines[1][5]


def test_a_borderless_scan_is_refused_in_one_line_naming_why(tmp_path):
    """A scanned table printed without ruling lines is not read yet (a scanned table's cells are found by its
    rules): one line naming the file, the pages and why, exit 1, nothing written — not rows cut at random."""
    pdf = FIXTURES / "scans" / "borderless_scan.pdf"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(pdf), "--out", str(tmp_path / "out"),
                          "--no-cache"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        f"{pdf}: no 绩效目标表 of a known layout found (pages [1] mention it but hold no readable table rows: "
        "scanned page(s) [1] show no ruling lines, and a scanned table is read by its rules (a borderless scan is not "
        "read yet))"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_units_are_told_by_arithmetic_after_misread_amounts():
    """The rows of a scan as OCR read them before this round (``units_after_misread_amounts.json``: two of the
    first unit's projects misread, ``'5.00`` and 87.90 → ``8.90``, and a unit 0.01 off its projects, the
    table's own defect): the first unit's broken sum must not pull the later units in as projects, nor
    the other way round (the 合计 = Σ units check weighs in).  Every row's kind as printed."""
    from budgetlib.amounts import AmountError, parse_amount
    from budgetlib.layouts.units import choose_units
    from budgetlib.model import Row

    case = json.loads((FIXTURES / "scans" / "units_after_misread_amounts.json").read_text(encoding="utf-8"))
    rows = []
    for r in case["rows"]:
        amounts = {}
        for f, text in r["amount_texts"].items():
            try:
                amounts[f] = parse_amount(text, 2)
            except AmountError:
                amounts[f] = None
        kind = "total" if r["kind"] == "total" else "project" if r["has_goal"] or r["has_indicators"] else "unit"
        rows.append(Row(kind=kind, name=r["name"], unit="", page=r["page"], amounts=amounts,
                        amount_texts=r["amount_texts"]))
    assert any(r.amounts["fiscal"] is None and r.amount_texts["fiscal"] for r in rows)  # the misread cell
    choose_units(rows, [])
    assert [r.kind for r in rows] == [r["kind"] for r in case["rows"]]
    assert sum(r.kind == "unit" for r in rows) == 4
