"""The indicator list (北京 预算表12) against plain camelot lattice on whole real disclosures.

For each file (default: the two 北京 disclosures of about 100 pages or more), ``budgetlib extract FILE
--no-cache`` against ``camelot.read_pdf(FILE, pages="all", flavor="lattice")`` (camelot 2's default engine,
which renders every page), both fresh processes (interpreter start and imports included), alternating,
``--repeat`` times; medians compared.  Target (issue 18): at most 0.5x.  Needs ``../shared``.

    python benchmarks/bench_lists.py [--repeat 2] [FILE ...]
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
BEIJING = ROOT.parent / "shared" / "real-pdfs" / "2026" / "北京"
DEFAULT = [BEIJING / "教育局_附件2：北京市教育委员会2026年度部门预算报表.pdf",
           BEIJING / "卫生健康委员会_2026年部门预算.pdf"]
BASELINE = "import camelot, sys; camelot.read_pdf(sys.argv[1], pages='all', flavor='lattice')"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode not in (0, 3):  # 3: read, with pages in doubt
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    files = args.files or DEFAULT
    missing = [f for f in files if not f.exists()]
    if missing:
        raise SystemExit(f"not found (needs ../shared): {missing[0]}")
    print("| file | pages | camelot lattice s | budgetlib s | ratio |\n|---|---|---|---|---|")
    env = {**os.environ, "BUDGETLIB_CACHE_DIR": tempfile.mkdtemp(prefix="bench-lists-")}
    for pdf in files:
        base, ours = [], []
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(args.repeat):
                base.append(timed([sys.executable, "-c", BASELINE, str(pdf)]))
                start = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(pdf), "--out",
                                       str(Path(tmp) / f"run{k}"), "--no-cache"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, env=env)
                if proc.returncode not in (0, 3):
                    raise SystemExit(f"budgetlib failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
                ours.append(time.perf_counter() - start)
        b, o = statistics.median(base), statistics.median(ours)
        print(f"| {pdf.name} | {pages(pdf)} | {b:.1f} | {o:.1f} | {o / b:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
