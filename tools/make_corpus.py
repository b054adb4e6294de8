"""Synthetic corpora of 项目支出绩效目标表: many departments and years, from the fidelity harness's
generator (tables that add up, with planted defects), drawn with reportlab.

    python tools/make_corpus.py fixtures                 # tests/fixtures/corpus: a compilation, a re-export
    python tools/make_corpus.py bench --pages 1000 --out DIR [--seed 0]   # the scale benchmark's corpus

Each table's truth is written beside its PDF (``.json``, the tests' form, with the page of every row).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fidelity import ROOT, TITLE, random_truth  # noqa: E402
from render_pdf import Style, render  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
DEPARTMENTS = [
    "广州市荔湾区人民政府金花街道办事处",
    "广州市荔湾区人民政府彩虹街道办事处",
    "广州市荔湾区人民政府多宝街道办事处",
    "广州市荔湾区卫生健康局",
    "广州市荔湾区民政局",
    "广州市荔湾区城市管理和综合执法局",
    "广州市荔湾区教育局",
    "广州市荔湾区退役军人事务局",
    "广州市荔湾区司法局",
    "广州市荔湾区文化广电旅游体育局",
]


def department_truth(rng: random.Random, department: str, year: int | None, min_projects: int = 1) -> dict:
    """A random table of ``department``; its title names ``year`` (none when None)."""
    truth = random_truth(rng)
    while sum(r["kind"] == "project" for r in truth["rows"]) < min_projects:
        truth = random_truth(rng)
    truth["department"] = department
    truth["title"] = f"{department}{year}年{TITLE}" if year else TITLE
    truth["year"] = year
    return truth


def draw(truths: list[dict], out: Path, style: Style | None = None) -> list[list[int]]:
    """The tables one after the other in one PDF (a district's compilation when more than one); the page
    of every row of every table."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    pages: list[list[int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, truth in enumerate(truths):
            part = Path(tmp) / f"{i}.pdf"
            starts = render(truth, part, style or Style(font="wqy"))
            offset = len(merged)
            merged.import_pages(pdfium.PdfDocument(str(part)))
            pages.append([p + offset for p in starts])
        merged.save(str(out))
    return pages


def _save(truths: list[dict], pages: list[list[int]], out: Path) -> None:
    for truth, p in zip(truths, pages):
        truth["pages"] = p
    out.with_suffix(".json").write_text(json.dumps(truths, ensure_ascii=False, indent=1), encoding="utf-8")


def fixtures() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rng = random.Random("corpus:fixtures")
    # a district's compilation: two departments' tables in one file, each with its 合计 and 部门名称
    both = [department_truth(rng, DEPARTMENTS[1], 2024, 3), department_truth(rng, DEPARTMENTS[3], 2024, 3)]
    _save(both, draw(both, FIXTURES / "compilation_2024.pdf"), FIXTURES / "compilation_2024.pdf")
    # one table twice, with other bytes: drawn once with a serif face, once with a sans face and a cover
    one = department_truth(rng, DEPARTMENTS[4], 2023, 2)
    _save([one], draw([one], FIXTURES / "minzheng_2023.pdf"), FIXTURES / "minzheng_2023.pdf")
    draw([one], FIXTURES / "minzheng_2023_reexport.pdf", Style(font="uming"))
    for pdf in sorted(FIXTURES.glob("*.pdf")):
        print(pdf.relative_to(ROOT), pdf.stat().st_size, "bytes")


def bench(pages: int, out: Path, seed: int) -> None:
    """A corpus of at least ``pages`` table pages: departments × three years, one file per department
    and year (folders by year, as districts publish them)."""
    rng = random.Random(f"corpus:bench:{seed}")
    total, n = 0, 0
    while total < pages:
        year = 2022 + n % 3
        department = DEPARTMENTS[(n // 3) % len(DEPARTMENTS)] + ("" if n < 30 else f"（{n // 30}）")
        truth = department_truth(rng, department, year)
        folder = out / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{n:04d}.pdf"
        starts = draw([truth], path)
        _save([truth], starts, path)
        total += max(starts[0]) if starts[0] else 1
        n += 1
    print(f"{n} files, {total} table pages → {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("fixtures")
    b = sub.add_parser("bench")
    b.add_argument("--pages", type=int, default=1000)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.what == "fixtures":
        fixtures()
    else:
        bench(args.pages, args.out, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
