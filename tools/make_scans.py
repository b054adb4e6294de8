"""Scanned disclosures: the repository's fixture PDFs printed to grey images and stored as image-only PDFs,
the way a department scans its printed, stamped table.

Each page is rendered at 150, 200 or 300 dpi, turned by a small angle (up to 2°), blurred slightly and
sprinkled with speckles, then saved as a JPEG inside a PDF with no text layer.  Seeded: the same call makes
the same images.

    python tools/make_scans.py fixtures            # tests/fixtures/scans: a few small ones, with their truth
    python tools/make_scans.py noto                # only the Noto CJK Calc export's scan among them
    python tools/make_scans.py bench --out DIR     # the OCR benchmark's set: every dpi, several angles, and
                                                   # pages as full as the seed's (DIR/dense)
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
OUT = FIXTURES / "scans"


def scan(pdf: Path, out: Path, dpi: int, angle: float, seed: str, blur: float = 0.6, speckles: int = 400,
         quality: int = 80, pages: int = 0) -> None:
    """``pdf`` as an image-only PDF: grey pages at ``dpi``, turned by ``angle`` degrees, blurred, speckled;
    ``pages``: only the first so many."""
    rng = random.Random(seed)
    doc = pdfium.PdfDocument(str(pdf))
    images = []
    for i in range(min(len(doc), pages or len(doc))):
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(blur))
        draw = ImageDraw.Draw(img)
        for _ in range(speckles):
            x, y = rng.randrange(img.width), rng.randrange(img.height)
            r = rng.choice((0, 0, 1))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randrange(0, 120))
        images.append(img)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=quality)
    out.write_bytes(buf.getvalue())


def _truth_of(pdf: Path) -> dict | None:
    """The fixture's truth (tests' JSON form, with the page of each row), when the repository has one."""
    beside = pdf.with_suffix(".json")
    if beside.exists():
        data = json.loads(beside.read_text(encoding="utf-8"))
        return data[0] if isinstance(data, list) else data
    return None


def context_pages(out: Path, department: str, year: int) -> None:
    """A disclosure's other pages: a cover and two pages of another table (部门收支总表), no 绩效目标表."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    w, h = landscape(A4)
    c = canvas.Canvas(str(out), pagesize=(w, h))
    c.setFont("STSong-Light", 28)
    c.drawCentredString(w / 2, h * 0.62, f"{department}")
    c.drawCentredString(w / 2, h * 0.52, f"{year}年部门预算")
    c.showPage()
    for k in range(2):
        c.setFont("STSong-Light", 16)
        c.drawCentredString(w / 2, h - 50, "部门收支总表" if k == 0 else "部门收入总表")
        c.setFont("STSong-Light", 9)
        c.drawString(40, h - 75, f"部门名称：{department}")
        c.drawRightString(w - 40, h - 75, "单位：万元")
        for i in range(14):
            y = h - 95 - i * 26
            c.line(40, y, w - 40, y)
            c.drawString(48, y - 17, ["项目", "一般公共预算拨款收入", "政府性基金预算拨款收入", "事业收入"][i % 4])
            c.drawRightString(w / 2 - 10, y - 17, f"{(i + 1) * 137.45:,.2f}")
        c.line(40, h - 95 - 14 * 26, w - 40, h - 95 - 14 * 26)
        for x in (40, w / 2, w - 40):
            c.line(x, h - 95, x, h - 95 - 14 * 26)
        c.showPage()
    c.save()


def disclosure(out: Path, table: Path, dpi: int = 200, angle: float = 0.6) -> list[int]:
    """A scanned disclosure: cover, two pages of another table, the 绩效目标表 of ``table``, scanned; returns
    the page offset of the table."""
    import tempfile

    truth = _truth_of(table)
    with tempfile.TemporaryDirectory() as tmp:
        ctx, merged = Path(tmp) / "context.pdf", Path(tmp) / "merged.pdf"
        context_pages(ctx, truth["department"], truth["year"])
        doc = pdfium.PdfDocument.new()
        doc.import_pages(pdfium.PdfDocument(str(ctx)))
        offset = len(doc)
        doc.import_pages(pdfium.PdfDocument(str(table)))
        doc.save(str(merged))
        scan(merged, out, dpi, angle, seed=f"disclosure:{table.name}", quality=60)
    truth["pages"] = [p + offset for p in truth["pages"]]
    out.with_suffix(".json").write_text(json.dumps([truth], ensure_ascii=False, indent=1), encoding="utf-8")
    return offset


def fixtures() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cases = [  # (source, dpi, angle): small, and every dpi once
        (FIXTURES / "corpus" / "minzheng_2023.pdf", 200, 0.8),
        (FIXTURES / "corpus" / "chengguan_2023.pdf", 150, -1.5),
        (FIXTURES / "corpus" / "minzheng_2023.pdf", 300, 1.9),
    ]
    for src, dpi, angle in cases:
        out = OUT / f"{src.stem}_{dpi}dpi.pdf"
        scan(src, out, dpi, angle, seed=f"{src.name}:{dpi}", quality=70)
        shutil.copy(src.with_suffix(".json"), out.with_suffix(".json"))
        print(out.relative_to(ROOT), out.stat().st_size, "bytes")
    out = OUT / "disclosure_minzheng_2023.pdf"
    disclosure(out, FIXTURES / "corpus" / "minzheng_2023.pdf")
    print(out.relative_to(ROOT), out.stat().st_size, "bytes")
    borderless()
    noto_cramped()


def noto_cramped() -> None:
    """A table of several units exported by Calc in Noto Sans CJK SC with cramped rows, thin borders on every
    cell (``tools/make_fixtures.py noto_spreadsheets``), scanned at 200 dpi turned 0.4°: the class whose units
    after the first were read as projects (needs LibreOffice)."""
    import random
    import sys
    import tempfile

    sys.path.insert(0, str(ROOT / "tools"))
    from fidelity import random_truth
    from make_fixtures import spreadsheet

    def units(t: dict) -> int:
        return sum(r["kind"] == "unit" for r in t["rows"])

    k = 0
    truth = random_truth(random.Random(f"scan:noto:{k}"))
    while units(truth) < 3 or len(truth["rows"]) > 14:  # three units, two pages or so
        k += 1
        truth = random_truth(random.Random(f"scan:noto:{k}"))
    truth["title"] = f"{truth['department']}2024年项目支出绩效目标表（含转移支付项目）"
    truth["year"] = 2024
    out = OUT / "noto_cramped_200dpi.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "table.pdf"
        truth["pages"] = spreadsheet(truth, pdf, font="Noto Sans CJK SC", border_style="thin", line_height=11.5,
                                     row_pad=0.5)
        scan(pdf, out, 200, 0.4, seed="noto_cramped", quality=70)
    out.with_suffix(".json").write_text(json.dumps([truth], ensure_ascii=False, indent=1), encoding="utf-8")
    print(out.relative_to(ROOT), out.stat().st_size, "bytes", len(truth["rows"]), "rows")


def borderless() -> None:
    """The first page of a table printed without ruling lines, scanned: not read yet, and said so."""
    out = OUT / "borderless_scan.pdf"
    scan(FIXTURES / "borderless.pdf", out, 150, 0.7, seed="borderless", quality=70, pages=1)
    print(out.relative_to(ROOT), out.stat().st_size, "bytes")


# pages as full as the seed's: the bundled sample (reportlab, the seed's layout) and the same table exported by
# Calc in Noto Sans CJK SC with cramped rows (the class a scan of which took 27 s a page), each with its truth
DENSE = {"jinhua_performance_targets": (ROOT / "data" / "raw" / "jinhua_performance_targets.pdf", "jinhua_truth.json"),
         "libreoffice_noto_cramped": (FIXTURES / "libreoffice_noto_cramped.pdf", "jinhua_truth.json")}


def bench(out: Path, sources: list[Path]) -> None:
    """The OCR benchmark's scans: ``sources`` (small tables) at 150, 200 and 300 dpi turned -1.8° and +0.9°, in
    ``out``; the dense pages (``DENSE``) at 200 dpi turned 0.4°, in ``out/dense``."""
    out.mkdir(parents=True, exist_ok=True)
    for src in sources:
        for dpi in (150, 200, 300):
            for angle in (-1.8, 0.9):
                target = out / f"{src.stem}_{dpi}_{angle:+.1f}.pdf"
                scan(src, target, dpi, angle, seed=f"{src.name}:{dpi}:{angle}")
                shutil.copy(src.with_suffix(".json"), target.with_suffix(".json"))
    dense = out / "dense"
    dense.mkdir(exist_ok=True)
    manifest = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    for name, (src, truth_name) in DENSE.items():
        target = dense / f"{name}_200_+0.4.pdf"
        scan(src, target, 200, 0.4, seed=f"dense:{name}")
        truth = json.loads((ROOT / "tests" / "data" / truth_name).read_text(encoding="utf-8"))
        truth["pages"] = manifest[str(src.relative_to(ROOT))]["pages"]
        target.with_suffix(".json").write_text(json.dumps([truth], ensure_ascii=False), encoding="utf-8")
    print(f"{len(list(out.glob('*.pdf')))} scans and {len(DENSE)} dense ones → {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("fixtures")
    sub.add_parser("noto", help="only the scan of the Noto CJK Calc export (tests/fixtures/scans)")
    b = sub.add_parser("bench")
    b.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.what == "fixtures":
        fixtures()
    elif args.what == "noto":
        noto_cramped()
    else:
        bench(args.out, [FIXTURES / "corpus" / "minzheng_2023.pdf", FIXTURES / "corpus" / "chengguan_2024.pdf"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
