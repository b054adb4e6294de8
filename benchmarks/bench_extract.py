"""Wall time of `budgetlib extract` against plain camelot on the same file, measured in one run.

Baseline: ``camelot.read_pdf(path, pages="all", flavor="lattice")`` (camelot 2's default engine,
which renders every page).  Both run as fresh processes (interpreter start and imports included),
alternating, several times; the medians are compared.  "exact" means every field of every row
equals the ground truth (tests/truth.py) and the CSV holds all 54 projects and 213 indicators.
Targets (issue 6): at most 0.5x on an all-table PDF and 0.25x on a full disclosure document, with
exact output.

    python benchmarks/bench_extract.py [--repeat 3]
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

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import load_truth, manifest  # noqa: E402
from truth import differences  # noqa: E402

from budgetlib import read_pdf  # noqa: E402

CASES = {
    "all-table (sample, 9 pages)": (ROOT / "data/raw/jinhua_performance_targets.pdf", 0.5),
    "full disclosure (31 pages)": (ROOT / "tests/fixtures/embedded_in_disclosure.pdf", 0.25),
}
BASELINE = "import camelot, sys; camelot.read_pdf(sys.argv[1], pages='all', flavor='lattice')"


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'case':32} {'camelot s':>10} {'budgetlib s':>12} {'ratio':>7} {'target':>7} "
          f"{'MiB camelot':>12} {'MiB budgetlib':>14}  exact")
    worst = []
    for label, (pdf, target) in CASES.items():
        base, ours, mem_base, mem_ours = [], [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(args.repeat):
                w, m = timed([sys.executable, "-c", BASELINE, str(pdf)])
                base.append(w)
                mem_base.append(m)
                # a real read every time: no cache, a new output folder (nothing up to date to skip)
                out = str(Path(tmp) / f"run{k}")
                w, m = timed([sys.executable, "-m", "budgetlib", "extract", str(pdf), "--out", out, "--no-cache"])
                ours.append(w)
                mem_ours.append(m)
            projects = pd.read_csv(Path(out) / "projects.csv", encoding="utf-8-sig")
            indicators = pd.read_csv(Path(out) / "indicators.csv", encoding="utf-8-sig")
        entry = manifest()[str(pdf.relative_to(ROOT))]
        exact = (len(projects) == 54 and len(indicators) == 213
                 and differences(read_pdf(pdf), load_truth(entry["truth"]), entry["pages"]) == [])
        ratio = statistics.median(ours) / statistics.median(base)
        worst.append(ratio <= target and exact)
        print(f"{label:32} {statistics.median(base):10.2f} {statistics.median(ours):12.2f} {ratio:7.2f} "
              f"{target:7.2f} {max(mem_base):12.0f} {max(mem_ours):14.0f}  {exact}")
    print("within target" if all(worst) else "NOT within target")


if __name__ == "__main__":
    main()
