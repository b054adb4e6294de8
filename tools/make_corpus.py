"""Synthetic corpora of 项目支出绩效目标表: many departments and years, from the fidelity harness's
generator (tables that add up, with planted defects), drawn with reportlab.

    python tools/make_corpus.py fixtures                 # tests/fixtures/corpus: a compilation, a re-export
    python tools/make_corpus.py compilations             # tests/fixtures/compilations: issue 19's cases
    python tools/make_corpus.py diff                     # tests/fixtures/diff: year over year, 元 and 万元
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


def next_year(truth: dict, year: int) -> tuple[dict, list[dict]]:
    """The same department a year on — one project's 财政拨款 up by 10.00, one renamed, one target raised,
    the last project dropped, a new one added — and the changes that makes, in ``changes.csv`` form."""
    import copy
    from decimal import Decimal

    from fidelity import text_of

    new = copy.deepcopy(truth)
    new["year"], new["title"] = year, truth["title"].replace(str(truth["year"]), str(year))
    rows = new["rows"]
    projects = [r for r in rows if r["kind"] == "project"]
    unit_of = {id(r): next(u for u in reversed(rows[:rows.index(r)]) if u["kind"] == "unit") for r in projects}
    changes: list[dict] = []

    def shift(row: dict, field: str, delta: Decimal) -> None:
        value = Decimal(row[field] or 0) + delta
        row[field] = f"{value:.2f}" if value else None

    def bump(project: dict, deltas: dict[str, Decimal], itself: bool = True) -> None:
        for row in ((project,) if itself else ()) + (unit_of[id(project)], rows[0]):
            for f, d in deltas.items():
                shift(row, f, d)

    p0, p1, p2, last = projects[0], projects[1], projects[2], projects[-1]
    bump(p0, {"total": Decimal(10), "fiscal": Decimal(10)})
    old_name = p1["name"]
    p1["name"] = old_name + "（续）"
    changes.append({"change": "renamed", "unit": p1["unit"], "project": p1["name"], "old_project": old_name})
    ind = p2["indicators"][0]
    changes.append({"change": "target_changed", "unit": p2["unit"], "project": p2["name"],
                    "indicator": ind["indicator"], "field": "annual_value", "old": ind["annual_value"],
                    "new": "≥99%"})
    ind["annual_value"] = "≥99%"
    p2["indicators_text"] = "".join(text_of(i) for i in p2["indicators"])
    changes.append({"change": "removed", "unit": last["unit"], "project": last["name"], "field": "total",
                    "old": last["total"]})
    bump(last, {f: -Decimal(last[f]) for f in ("total", "fiscal", "special_account", "other") if last[f]})
    rows.remove(last)
    added = {**copy.deepcopy(p2), "name": "社区微改造新增项目", "total": "88.00", "fiscal": "88.00",
             "special_account": None, "other": None, "unit": last["unit"]}
    rows.insert(rows.index(unit_of[id(last)]) + 1, added)
    unit_of[id(added)] = unit_of[id(last)]
    bump(added, {"total": Decimal("88.00"), "fiscal": Decimal("88.00")}, itself=False)
    changes.append({"change": "added", "unit": added["unit"], "project": added["name"], "field": "total",
                    "new": "88.00"})
    changes.append({"change": "amount_changed", "unit": p0["unit"], "project": p0["name"], "field": "total",
                    "old": f"{Decimal(p0['total']) - 10:.2f}", "new": p0["total"]})
    changes.append({"change": "amount_changed", "unit": p0["unit"], "project": p0["name"], "field": "fiscal",
                    "old": f"{Decimal(p0['fiscal']) - 10:.2f}", "new": p0["fiscal"]})
    for before, after in zip([r for r in truth["rows"] if r["kind"] != "project"],
                             [r for r in rows if r["kind"] != "project"]):
        for f in ("total", "fiscal", "special_account", "other"):
            if before[f] != after[f]:
                changes.append({"change": "amount_changed", "unit": after["unit"], "project": "", "field": f,
                                "old": before[f] or "", "new": after[f] or ""})
    return new, changes


def fixtures() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rng = random.Random("corpus:fixtures")  # reportlab stamps the time: a re-run changes the bytes, not the tables
    # a district's compilation: two departments' tables in one file, each with its 合计 and 部门名称
    both = [department_truth(rng, DEPARTMENTS[1], 2024, 3), department_truth(rng, DEPARTMENTS[3], 2024, 3)]
    _save(both, draw(both, FIXTURES / "compilation_2024.pdf"), FIXTURES / "compilation_2024.pdf")
    # one table twice, with other bytes: drawn once with a serif face, once with a sans face and a cover
    one = department_truth(rng, DEPARTMENTS[4], 2023, 2)
    _save([one], draw([one], FIXTURES / "minzheng_2023.pdf"), FIXTURES / "minzheng_2023.pdf")
    draw([one], FIXTURES / "minzheng_2023_reexport.pdf", Style(font="uming"))
    # two years of one department, and what changed between them
    old = department_truth(rng, DEPARTMENTS[5], 2023, 6)
    new, changes = next_year(old, 2024)
    for truth in (old, new):
        path = FIXTURES / f"chengguan_{truth['year']}.pdf"
        _save([truth], draw([truth], path), path)
    (FIXTURES / "chengguan_changes.json").write_text(json.dumps(changes, ensure_ascii=False, indent=1),
                                                     encoding="utf-8")
    for pdf in sorted(FIXTURES.glob("*.pdf")):
        print(pdf.relative_to(ROOT), pdf.stat().st_size, "bytes")


DIFF_FIXTURES = ROOT / "tests" / "fixtures" / "diff"


def in_yuan(truth: dict) -> dict:
    """The same table printed in 元 (``单位：元``): every amount times 10,000, exactly."""
    import copy
    from decimal import Decimal

    out = copy.deepcopy(truth)
    out["amount_unit"] = "元"
    for row in out["rows"]:
        for f in ("total", "fiscal", "special_account", "other"):
            if row[f]:
                row[f] = f"{Decimal(row[f]) * 10000:.2f}"
    return out


def diff_fixtures() -> None:
    """``budgetlib diff`` cases drawn from ``tests/data/other_truth.json`` (卫生健康局, whose project
    镇(街)党建工作指导员工资补助经费(荔湾区) is printed twice, 3,402.46 and 1,234.56): the table of 2023 in 万元;
    the same in 元 (amounts × 10,000; wider amount columns); 2024 with the first of the two repeated projects
    dropped (its unit's and 合计's amounts less by as much).  Each truth is written beside its PDF."""
    import copy
    from decimal import Decimal

    DIFF_FIXTURES.mkdir(parents=True, exist_ok=True)
    other = json.loads((ROOT / "tests" / "data" / "other_truth.json").read_text(encoding="utf-8"))
    wide = Style(font="wqy", col_widths=[128, 70, 70, 70, 60, 170, 218])

    def titled(truth: dict, year: int) -> dict:
        truth = copy.deepcopy(truth)
        truth["year"], truth["title"] = year, f"{truth['department']}{year}年{TITLE}"
        return truth

    old = titled(other, 2023)
    dropped = titled(other, 2024)
    rows = dropped["rows"]
    name = "镇(街)党建工作指导员工资补助经费(荔湾区)"
    first = next(r for r in rows if r["name"] == name)
    unit = next(r for r in reversed(rows[:rows.index(first)]) if r["kind"] == "unit")
    for row in (unit, rows[0]):
        for f in ("total", "fiscal", "special_account", "other"):
            if first[f]:
                row[f] = f"{Decimal(row[f]) - Decimal(first[f]):.2f}"
    rows.remove(first)
    for truth, name_ in ((old, "other_2023.pdf"), (in_yuan(old), "other_2023_yuan.pdf"),
                         (dropped, "other_2024_dropped.pdf")):
        path = DIFF_FIXTURES / name_
        _save([truth], draw([truth], path, wide), path)
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")


COMPILATIONS = ROOT / "tests" / "fixtures" / "compilations"


def _findings(name: str) -> list[list]:
    found = json.loads((ROOT / "tests" / "data" / "expected_findings.json").read_text(encoding="utf-8"))
    return [list(f) for f in found[name]]


def _cover(text: str, out: Path) -> None:
    """A disclosure's cover page: ``text`` in large type, nothing else."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(out), pagesize=landscape(A4))
    c.setFont("STSong-Light", 28)
    w, h = landscape(A4)
    c.drawCentredString(w / 2, h / 2, text)
    c.save()


def compilation_fixtures() -> None:
    """Compilations and years drawn from the two truths (``other_truth.json``: 卫生健康局, 万元;
    ``jinhua_truth.json``: 金花街道办事处) with one change each, as issue 19 found them read wrong; each with its
    truths (``.json``: the tables, their pages and the findings they must raise, ``[check, unit, project, seq,
    field]``: the tables' own defects, found by hand, and what the change plants)."""
    import copy
    from decimal import Decimal

    COMPILATIONS.mkdir(parents=True, exist_ok=True)
    wide = Style(font="wqy", col_widths=[128, 70, 70, 70, 60, 170, 218])  # amounts in 元 fit their columns
    data = ROOT / "tests" / "data"
    other = json.loads((data / "other_truth.json").read_text(encoding="utf-8"))
    jinhua = json.loads((data / "jinhua_truth.json").read_text(encoding="utf-8"))

    def prepared(truth: dict, name: str, year: int | None = 2024) -> dict:
        truth = copy.deepcopy(truth)
        truth["year"] = year
        truth["title"] = f"{truth['department']}{year}年{TITLE}" if year else TITLE
        truth["findings"] = _findings(name)
        return truth

    def add(row: dict, field: str, amount: str) -> None:
        row[field] = f"{Decimal(row[field] or 0) + Decimal(amount):.2f}"

    cases: dict[str, list[dict]] = {}
    # 1. one department in 万元, the next in 元: each table its own unit
    b = in_yuan(prepared(jinhua, "jinhua_truth.json"))
    cases["units_wan_yuan"] = [prepared(other, "other_truth.json"), b]
    # 2. a unit 0.01 off its projects in the second table (as real tables print them); its 合计 adds the units
    b = prepared(jinhua, "jinhua_truth.json")
    unit = next(r for r in b["rows"] if r["kind"] == "unit" and r["name"] == "广州市荔湾区人民政府金花街道办事处")
    for f in ("total", "fiscal"):
        add(unit, f, "0.01")
        add(b["rows"][0], f, "0.01")
        b["findings"].append(["sum_mismatch", unit["name"], "", None, f])
    cases["gap_in_second_table"] = [prepared(other, "other_truth.json"), b]
    # 3. 合计 printed last, in both tables
    both = [prepared(other, "other_truth.json"), prepared(jinhua, "jinhua_truth.json")]
    for truth in both:
        truth["rows"].append(truth["rows"].pop(0))
    cases["total_printed_last"] = both
    # 4. units without projects: one printed 0.00, one with amounts the 合计 counts
    a = prepared(other, "other_truth.json")
    units = [i for i, r in enumerate(a["rows"]) if r["kind"] == "unit"]
    empty = {"kind": "unit", "name": "广州市荔湾区卫生监督所", "unit": "广州市荔湾区卫生监督所", "goal": "",
             "indicators": [], "indicators_text": "", "total": "0.00", "fiscal": "0.00", "special_account": None,
             "other": None}
    funded = {**empty, "name": "广州市荔湾区急救指挥中心", "unit": "广州市荔湾区急救指挥中心", "total": "120.00",
              "fiscal": "120.00"}
    a["rows"][units[1]:units[1]] = [empty, funded]
    for f in ("total", "fiscal"):
        add(a["rows"][0], f, "120.00")
        # 120.00 and not one project under it: the arithmetic reads it as a unit, and says its projects add up to 0
        a["findings"].append(["sum_mismatch", funded["name"], "", None, f])
    cases["units_without_projects"] = [a]
    # 5. the year: a cover says 2024年部门预算, the table's title prints none, a goal speaks of 2023
    a = prepared(other, "other_truth.json", year=None)
    project = next(r for r in a["rows"] if r["kind"] == "project")
    project["goal"] = "落实2023年预算执行结果，" + project["goal"]
    a["cover"] = f"{a['department']}2024年部门预算"
    a["year"] = 2024
    cases["year_from_the_cover"] = [a]
    for name, truths in cases.items():
        path = COMPILATIONS / f"{name}.pdf"
        if truths[0].get("cover"):
            import pypdfium2 as pdfium

            with tempfile.TemporaryDirectory() as tmp:
                _cover(truths[0]["cover"], Path(tmp) / "cover.pdf")
                body = Path(tmp) / "body.pdf"
                pages = draw(truths, body, wide)
                merged = pdfium.PdfDocument(str(Path(tmp) / "cover.pdf"))
                merged.import_pages(pdfium.PdfDocument(str(body)))
                merged.save(str(path))
            pages = [[p + 1 for p in ps] for ps in pages]
        else:
            pages = draw(truths, path, wide)
        _save(truths, pages, path)
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")


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
    sub.add_parser("diff")
    sub.add_parser("compilations")
    b = sub.add_parser("bench")
    b.add_argument("--pages", type=int, default=1000)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.what == "fixtures":
        fixtures()
    elif args.what == "compilations":
        compilation_fixtures()
    elif args.what == "diff":
        diff_fixtures()
    else:
        bench(args.pages, args.out, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
