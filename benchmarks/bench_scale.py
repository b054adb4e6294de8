"""Cost against the length of one table: seconds per page from 10 to 1,000 pages, and the real 140-page
table against plain camelot lattice, run side by side in this script.

1. Single tables of about 10, 100 and 1,000 pages drawn by the fidelity harness (``tools/fidelity.py``:
   its random tables, one after another under one 合计, rendered by its reportlab canvas producer ruled and
   without any rules): each read by ``read_pdf`` in a fresh process (the read timed, not the interpreter's
   start: its CPU seconds, which a machine shared with other work does not inflate as it does the wall
   clock; both are printed), checked field by field against its truth.  Target: seconds per page flat within
   1.5x from 10 to 1,000 pages.
2. ``../shared/real-pdfs/2026/广州/2026年广州市生态环境局部门预算.pdf`` (140 pages, WPS 表格): ``budgetlib
   extract FILE`` with the default settings (no cache) against ``camelot.read_pdf(FILE, pages="all",
   flavor="lattice")``, both fresh processes, alternating, ``--repeat`` times; medians compared.  Target:
   at most 0.5x.

    python benchmarks/bench_scale.py [--repeat 2] [--sizes 10,100,1000] [--producers ruled,borderless]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

REAL = ROOT.parent / "shared" / "real-pdfs" / "2026" / "广州" / "2026年广州市生态环境局部门预算.pdf"
AMOUNTS = ("total", "fiscal", "special_account", "other")
BASELINE = "import camelot, sys; camelot.read_pdf(sys.argv[1], pages='all', flavor='lattice')"
VECTOR = ("import camelot, sys, time; start = time.process_time(); camelot.read_pdf(sys.argv[1], pages='all', "
          "flavor='lattice', engine='vector'); print(time.process_time() - start)")
READ = """
import json, sys, time
sys.path.insert(0, {tools!r}); sys.path.insert(0, {tests!r})
from budgetlib import read_pdf
import fidelity
from truth import differences
start, cpu = time.perf_counter(), time.process_time()
doc = read_pdf(sys.argv[1])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
truth = json.loads(open(sys.argv[2], encoding="utf-8").read())
diffs = differences(doc, truth, truth["pages"])
print(json.dumps({{"seconds": seconds, "cpu": cpu, "diffs": len(diffs), "first": diffs[:3],
                  "doubts": sum(f.check == "extraction_doubt" for f in doc.findings), "rows": len(doc.rows)}}))
"""


def long_truth(n_tables: int, seed: int) -> dict:
    """The harness's random tables one after another (their units and projects) under one 合计."""
    import fidelity

    rng = random.Random(f"scale:{seed}")
    rows = []
    for _ in range(n_tables):
        rows += [r for r in fidelity.random_truth(rng)["rows"] if r["kind"] != "total"]
    total = {"kind": "total", "name": "合计", "unit": "合计", "goal": "", "indicators": [], "indicators_text": ""}
    for k in AMOUNTS:
        values = [Decimal(r[k]) for r in rows if r["kind"] == "unit" and r[k] is not None]
        total[k] = f"{sum(values, Decimal(0)):.2f}" if values else None
    return {"title": fidelity.TITLE, "department": rows[0]["unit"], "amount_unit": "万元", "rows": [total, *rows]}


def draw(pages: int, producer: str, folder: Path) -> tuple[Path, Path, int]:
    """A rendering of about ``pages`` pages and its truth (with the page each row starts on)."""
    import fidelity

    # STSong-Light, not embedded: an embedded subset font grows with the document's distinct characters, and
    # with it every parser's cost per page (camelot's own: see its column), which would hide what budgetlib's
    # own work does with the length of the table
    setting = fidelity.Setting(producer="canvas", borders="all" if producer == "ruled" else "none", font="cid")
    n = max(1, pages // 3)
    for _ in range(6):  # scale the number of tables to the pages wanted
        truth = long_truth(n, pages)
        pdf = folder / f"{producer}_{pages}.pdf"
        starts = fidelity.render(truth, setting, pdf)
        got = max(starts)
        if abs(got - pages) <= max(1, pages // 20):
            break
        n = max(1, round(n * pages / got))
    truth["pages"] = starts
    path = folder / f"{producer}_{pages}.json"
    path.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return pdf, path, got


def read(pdf: Path, truth: Path) -> dict:
    code = READ.format(tools=str(ROOT / "tools"), tests=str(ROOT / "tests"))
    run = subprocess.run([sys.executable, "-c", code, str(pdf), str(truth)], capture_output=True, text=True,
                         check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the process and the workers it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--producers", default="ruled,borderless")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "scale_latest.md")
    args = ap.parse_args()
    lines = ["| table | pages | rows | read s (wall) | read CPU s | CPU s/page | vs 10 pages | camelot vector CPU "
             "s/page | exact | doubts |", "|---|---|---|---|---|---|---|---|---|---|"]
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        for producer in args.producers.split(","):
            first = None
            for size in map(int, args.sizes.split(",")):
                pdf, truth, pages = draw(size, producer, Path(tmp))
                got = min((read(pdf, truth) for _ in range(args.repeat)), key=lambda r: r["cpu"])
                camelot = min(float(subprocess.run([sys.executable, "-c", VECTOR, str(pdf)], capture_output=True,
                                                   text=True, check=True).stdout) for _ in range(args.repeat))
                per_page = got["cpu"] / pages
                first = first or per_page
                ratio = per_page / first
                verdicts.append(ratio <= 1.5 and got["diffs"] == 0)
                lines.append(f"| harness, {producer} | {pages} | {got['rows']} | {got['seconds']:.1f} | "
                             f"{got['cpu']:.1f} | {per_page:.3f} | {ratio:.2f}x | {camelot / pages:.3f} | "
                             f"{'yes' if got['diffs'] == 0 else got['first']} | {got['doubts']} |")
                print(lines[-1], flush=True)
        if REAL.is_file():
            base, ours = [], []
            for k in range(args.repeat):
                base.append(timed([sys.executable, "-c", BASELINE, str(REAL)]))
                ours.append(timed([sys.executable, "-m", "budgetlib", "extract", str(REAL), "--out",
                                   str(Path(tmp) / f"real{k}"), "--no-cache"]))
            wall = statistics.median(w for w, _ in ours) / statistics.median(w for w, _ in base)
            cpu = statistics.median(c for _, c in ours) / statistics.median(c for _, c in base)
            verdicts.append(wall <= 0.5)
            lines += ["", "| real table | pages | camelot lattice s (CPU s) | budgetlib extract s (CPU s) | ratio "
                      "(CPU) | target |", "|---|---|---|---|---|---|",
                      f"| 广州市生态环境局 (WPS 表格) | 140 | {statistics.median(w for w, _ in base):.1f} "
                      f"({statistics.median(c for _, c in base):.1f}) | {statistics.median(w for w, _ in ours):.1f} "
                      f"({statistics.median(c for _, c in ours):.1f}) | **{wall:.2f}x** ({cpu:.2f}x) | 0.5x |"]
            print(lines[-1], flush=True)
    lines += ["", "within target" if all(verdicts) else "NOT within target"]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
