"""Wall time of `budgetlib report` on the bundled sample, and where the time goes.

Target (issue 3): under 30 s on the 2-core machine after install.  Besides the total, it measures in
the same run what the notebooks pay for: a kernel start, `import budgetlib` (with pandas, camelot,
matplotlib), the extraction alone, and the HTML export.

    python benchmarks/bench_report.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def kernel_start() -> float:
    from jupyter_client.manager import start_new_kernel

    from budgetlib.report import ensure_kernel

    name = ensure_kernel()
    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=name)
    kc.execute_interactive("pass", timeout=60)
    elapsed = time.perf_counter() - start
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return elapsed


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        total = seconds([py, "-m", "budgetlib", "report", "--out", f"{tmp}/reports", "--processed", f"{tmp}/p"])
        parts = {
            "python + import budgetlib, pandas, matplotlib": seconds(
                [py, "-c", "import budgetlib, budgetlib.charts, budgetlib.segment"]),
            "one kernel start (x4 notebooks)": kernel_start(),
            "budgetlib extract of the sample (CLI)": seconds(
                [py, "-m", "budgetlib", "extract", str(ROOT / "data/raw"), "--out", f"{tmp}/x"]),
            "jieba tokenizer + keywords": seconds(
                [py, "-c", "from budgetlib import segment; segment.keywords('社区两委干部补贴发放')"]),
        }
        start = time.perf_counter()
        from budgetlib.report import to_html

        to_html(sorted(Path(f"{tmp}/reports").glob("0*.ipynb")), Path(tmp) / "html", show_code=False)
        parts["HTML export (nbconvert, 4 notebooks + combined)"] = time.perf_counter() - start
    print(f"budgetlib report on the sample: {total:.1f} s (target < 30 s): "
          f"{'within target' if total < 30 else 'NOT within target'}")
    for label, s in parts.items():
        print(f"  {label:48} {s:5.1f} s")


if __name__ == "__main__":
    main()
