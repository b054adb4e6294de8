"""Scanned disclosures: how well OCR reads them, per dpi.

The fixture tables printed to grey images at 150, 200 and 300 dpi, turned by small angles, blurred and
speckled (``tools/make_scans.py bench``), read by ``read_pdf`` (OCR) and compared with their truth:

- amounts exact or flagged: every amount either equals the truth or carries an ``ocr_doubt`` (target 100 %)
- amounts exact: without counting the flagged ones
- unit and project names exact (target ≥ 99 %)
- character error rate of goals (edit distance / length, target ≤ 0.5 %)
- indicator fields exact (seq, codes, names, both values; target ≥ 98 %)
- seconds per page on this machine (target ≤ 10 s at 200 dpi on 2 cores), and the CPU seconds per page (the
  process's, both cores counted: what a page costs whatever else the machine runs)

Dense pages: besides the small fixture tables, two documents with pages as full as the seed's (the bundled
sample, and the same table exported by Calc in Noto Sans CJK SC with cramped rows), scanned at 200 dpi turned
0.4°; also: units and projects told apart as in the truth (by structure and arithmetic).

    python benchmarks/bench_ocr.py [--out benchmarks/ocr_latest.md] [--show] [--dense]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AMOUNTS = ("total", "fiscal", "special_account", "other")
IND = ("seq", "level1_code", "level1", "level2_code", "level2", "indicator", "period_value", "annual_value")


def cer(got: str, want: str) -> tuple[int, int]:
    """Edit distance and length of ``want`` (Levenshtein, characters)."""
    prev = list(range(len(got) + 1))
    for i, w in enumerate(want, 1):
        cur = [i]
        for j, g in enumerate(got, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (w != g)))
        prev = cur
    return prev[-1], len(want)


def _pairs(rows: list, wanted: list[dict]) -> list[tuple]:
    """Rows read paired with the truth's by their names (a row split in two, or one missed, does not shift
    the rest); a truth row with no partner is paired with None and counts as wrong in every field."""
    from difflib import SequenceMatcher

    def key(name: str) -> str:
        return "".join(name.split()).replace("（", "(").replace("）", ")")

    sm = SequenceMatcher(None, [key(r.name) for r in rows], [key(w["name"]) for w in wanted], autojunk=False)
    partner: dict[int, int] = {}
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op in ("equal", "replace"):
            partner.update({b: a for a, b in zip(range(a0, a1), range(b0, b1))})
    return [(rows[partner[i]] if i in partner else None, w) for i, w in enumerate(wanted)]


def _cpu() -> float:
    import resource

    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def measure(pdf: Path, truth: dict, show: bool = False) -> dict:
    from budgetlib import ExtractSettings, read_pdf

    start, cpu = time.perf_counter(), _cpu()
    doc = read_pdf(pdf, ExtractSettings(cache=False))
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    doubts = {(f.page, f.unit, f.project, f.field) for f in doc.findings if f.check == "ocr_doubt"}
    doubted_rows = {(f.unit, f.project) for f in doc.findings if f.check == "ocr_doubt" and not f.field}
    m = defaultdict(int)
    m["pages"] = len(doc.pages)
    m["seconds"], m["cpu"] = seconds, cpu
    m["rows_read"], m["rows"] = len(doc.rows), len(truth["rows"])
    for row, want in _pairs(doc.rows, truth["rows"]):
        if row is None:  # not read at all: every field wrong
            m["kinds"] += 1
            m["amounts"] += len(AMOUNTS)
            m["names"] += want["kind"] != "total"
            m["goal_edits"] += len(want["goal"])
            m["goal_chars"] += len(want["goal"])
            m["ind_fields"] += len(IND) * len(want["indicators"])
            continue
        m["kinds"] += 1
        m["kinds_exact"] += row.kind == want["kind"]
        if show and row.kind != want["kind"]:
            print(f"{pdf.name}: {row.name!r} read as a {row.kind}, is a {want['kind']}")
        project = row.name if row.kind == "project" else ""
        for f in AMOUNTS:
            exp = None if want[f] is None else Decimal(want[f])
            m["amounts"] += 1
            exact = row.amounts[f] == exp
            flagged = (row.page, row.unit, project, f) in doubts or (row.unit, project) in doubted_rows
            m["amounts_exact"] += exact
            m["amounts_ok"] += exact or flagged
        if row.kind != "total":
            m["names"] += 1
            m["names_exact"] += row.name == want["name"]
            if show and row.name != want["name"]:
                print(f"{pdf.name}: name {row.name!r} != {want['name']!r}")
        if want["goal"]:
            d, n = cer(row.goal, want["goal"])
            if show and d:
                import difflib

                ops = difflib.SequenceMatcher(None, row.goal, want["goal"], autojunk=False).get_opcodes()
                edits = [f"{row.goal[a:b]!r}→{want['goal'][c:e]!r}" for op, a, b, c, e in ops if op != "equal"]
                print(f"{pdf.name}: goal of {want['name']}: {', '.join(edits)}")
            m["goal_edits"] += d
            m["goal_chars"] += n
        for ind, wi in zip(row.indicators, want["indicators"]):
            for k in IND:
                e = int(wi[k]) if k.endswith("code") and wi[k] is not None else wi[k]
                m["ind_fields"] += 1
                m["ind_exact"] += getattr(ind, k) == e
                if show and getattr(ind, k) != e:
                    print(f"{pdf.name}: {k} {getattr(ind, k)!r} != {e!r}")
        m["ind_fields"] += len(IND) * max(0, len(want["indicators"]) - len(row.indicators))
    return dict(m)


def _row(label: str, m: dict) -> str:
    def pct(a: str, b: str) -> str:
        return f"{m[a] / m[b]:.1%}" if m[b] else "–"

    return (f"| {label} | {int(m['scans'])} | {int(m['pages'])} | {pct('amounts_ok', 'amounts')} | "
            f"{pct('amounts_exact', 'amounts')} | {pct('names_exact', 'names')} | {pct('kinds_exact', 'kinds')} | "
            f"{m['goal_edits'] / m['goal_chars']:.2%} | {pct('ind_exact', 'ind_fields')} | "
            f"{m['seconds'] / m['pages']:.1f} | {m['cpu'] / m['pages']:.1f} |")


HEAD = ["| {what} | scans | pages | amounts exact or flagged | amounts exact | names exact | units and projects "
        "told apart | goal CER | indicator fields exact | s/page | CPU s/page |",
        "|---|---|---|---|---|---|---|---|---|---|---|"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "ocr_latest.md")
    parser.add_argument("--show", action="store_true",
                        help="print every name, goal edit and indicator field read wrong")
    parser.add_argument("--dense", action="store_true", help="only the dense pages")
    args = parser.parse_args()
    from budgetlib import config

    folder = config.CACHE_DIR / "bench-scans-2"
    if not (folder / ".done").exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_scans.py"), "bench", "--out", str(folder)],
                       check=True)
        (folder / ".done").touch()
    load = os.getloadavg()[0]
    by_dpi: dict[int, dict] = defaultdict(lambda: defaultdict(float))
    dense: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    scans = [] if args.dense else sorted(folder.glob("*.pdf"))
    for pdf in scans + sorted((folder / "dense").glob("*.pdf")):
        dpi = int(pdf.stem.split("_")[-2])
        truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))[0]
        into = dense[pdf.stem.rsplit("_", 2)[0]] if pdf.parent.name == "dense" else by_dpi[dpi]
        for k, v in measure(pdf, truth, args.show).items():
            into[k] += v
        into["scans"] += 1
    load = max(load, os.getloadavg()[0])
    lines = ["# OCR of scanned tables", "",
             f"Machine: {os.cpu_count()} cores, load average up to {load:.1f} while measured (other work on it "
             "slows the wall clock, not the CPU seconds). Scans: grey images, blurred and speckled "
             "(`tools/make_scans.py bench`).", ""]
    if by_dpi:
        lines += ["The fixture tables, turned by -1.8° and +0.9°, per dpi:", "", HEAD[0].format(what="dpi"), HEAD[1]]
        lines += [_row(str(dpi), m) for dpi, m in sorted(by_dpi.items())]
        lines.append("")
    lines += ["Pages as full as the seed's, 200 dpi, turned 0.4°:", "", HEAD[0].format(what="document"), HEAD[1]]
    lines += [_row(name, m) for name, m in sorted(dense.items())]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
