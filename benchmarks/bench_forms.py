"""Wall time of `budgetlib extract` on real disclosures with per-project forms, against plain camelot lattice
(its default engine, which renders every page) over all their pages.

Both run as fresh processes (interpreter start and imports included), alternating; the medians are
compared.  Target (issue 18): at most 0.5x on a 100-page disclosure with forms.  The files are the largest
西安 and 烟台 ones in ``../shared/real-pdfs/2026`` (not in the repository: the benchmark says so and stops
without them).  ``--ocr never`` is not passed: the file is read as a user reads it.

    python benchmarks/bench_forms.py [--repeat 3] [--baseline-repeat 1] [--out benchmarks/forms_latest.md]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-pdfs" / "2026"
FILES = ("烟台/2026年烟台市住房和城乡建设局部门预算.pdf", "西安/规划和自然资源局_2026年部门预算.pdf",
         "西安/2026年西安市司法局部门预算.pdf", "西安/交通运输局_2026年部门预算.pdf")
BASELINE = "import camelot, sys; camelot.read_pdf(sys.argv[1], pages='all', flavor='lattice')"


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-repeat", type=int, default=1, help="camelot over every page is slow")
    ap.add_argument("--out")
    args = ap.parse_args()
    if not REAL.is_dir():
        print(f"{REAL} is not here: nothing to measure")
        return 0
    import pypdfium2 as pdfium

    rows = ["| file | pages | camelot lattice s | budgetlib s | ratio | MiB camelot | MiB budgetlib | exit |",
            "|---|---|---|---|---|---|---|---|"]
    for name in FILES:
        pdf = REAL / name
        pages = len(pdfium.PdfDocument(str(pdf)))
        ours, base, mem_ours, mem_base, status = [], [], [], [], 0
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(max(args.repeat, args.baseline_repeat)):
                if k < args.baseline_repeat:
                    wall, mem, _ = timed([sys.executable, "-c", BASELINE, str(pdf)])
                    base.append(wall)
                    mem_base.append(mem)
                if k < args.repeat:
                    wall, mem, status = timed([sys.executable, "-m", "budgetlib", "extract", str(pdf), "--out",
                                               f"{tmp}/out{k}", "--no-cache"])
                    ours.append(wall)
                    mem_ours.append(mem)
        b, o = statistics.median(base), statistics.median(ours)
        rows.append(f"| {name} | {pages} | {b:.1f} | {o:.1f} | **{o / b:.2f}×** | {max(mem_base):.0f} | "
                    f"{max(mem_ours):.0f} | {status} |")
        print(rows[-1], flush=True)
    text = "\n".join(rows)
    print(text)
    if args.out:
        Path(args.out).write_text(f"Per-project form disclosures ({time.strftime('%Y-%m-%d')}, medians of "
                                  f"{args.repeat} budgetlib runs and {args.baseline_repeat} camelot runs, each a "
                                  f"fresh process, no cache).\n\n{text}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
