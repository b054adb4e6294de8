"""Wall time of `budgetlib report` on the bundled sample, where the time goes, and what a scheduled re-run
over an unchanged corpus costs against the first run.

Targets: the sample's report under 30 s on the 2-core machine after install (issue 3); a cached re-run of
a 4-file corpus at most 0.25x the first run (issue 21; it was 0.32x, start-up and imports).  Besides the
totals, it measures in the same run what the notebooks pay for: a kernel start, `import budgetlib` (with
pandas, camelot, matplotlib), the extraction alone, and the HTML export.  Each command is a fresh process;
the cache of the re-run measurement starts empty, so its first run reads every file.

    python benchmarks/bench_report.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ["data/raw/jinhua_performance_targets.pdf", "tests/fixtures/corpus/chengguan_2023.pdf",
          "tests/fixtures/corpus/chengguan_2024.pdf", "tests/fixtures/corpus/minzheng_2023.pdf"]


def seconds(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=env)
    return time.perf_counter() - start


def kernel_start() -> float:
    from budgetlib.report import KERNEL_NAME, kernel_manager

    async def start() -> float:
        km = kernel_manager()(kernel_name=KERNEL_NAME)
        began = time.perf_counter()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        await kc.execute_interactive("pass", timeout=60)
        elapsed = time.perf_counter() - began
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        return elapsed

    return asyncio.run(start())


def rerun(tmp: Path) -> tuple[float, float]:
    """The first `report --archive` over a 4-file corpus (cold cache) and the re-run over it unchanged."""
    raw = tmp / "corpus"
    raw.mkdir()
    for name in CORPUS:
        shutil.copy(ROOT / name, raw)
    env = {**os.environ, "BUDGETLIB_CACHE_DIR": str(tmp / "cache")}
    cmd = [sys.executable, "-m", "budgetlib", "report", "--archive", "--input", str(raw), "--out", str(tmp / "archive"),
           "--processed", str(tmp / "corpus_processed")]
    return seconds(cmd, env), seconds(cmd, env)


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        total = seconds([py, "-m", "budgetlib", "report", "--out", f"{tmp}/reports", "--processed", f"{tmp}/p"])
        first, cached = rerun(Path(tmp))
        parts = {
            "python + import budgetlib, pandas, matplotlib": seconds(
                [py, "-c", "import budgetlib, budgetlib.charts, budgetlib.segment"]),
            "one kernel start (x6 notebooks)": kernel_start(),
            "budgetlib extract of the sample (CLI)": seconds(
                [py, "-m", "budgetlib", "extract", str(ROOT / "data/raw"), "--out", f"{tmp}/x"]),
            "jieba tokenizer + keywords": seconds(
                [py, "-c", "from budgetlib import segment; segment.keywords('社区两委干部补贴发放')"]),
        }
        start = time.perf_counter()
        from budgetlib.report import to_html

        to_html(sorted(Path(f"{tmp}/reports").glob("0*.ipynb")), Path(tmp) / "html", show_code=False)
        parts["HTML export (nbconvert, 6 notebooks + combined)"] = time.perf_counter() - start
    print(f"budgetlib report on the sample: {total:.1f} s (target < 30 s): "
          f"{'within target' if total < 30 else 'NOT within target'}")
    ratio = cached / first
    print(f"scheduled re-run, 4-file corpus unchanged: first {first:.1f} s, re-run {cached:.2f} s = {ratio:.3f}x "
          f"(target <= 0.25x): {'within target' if ratio <= 0.25 else 'NOT within target'}")
    for label, s in parts.items():
        print(f"  {label:48} {s:5.1f} s")


if __name__ == "__main__":
    main()
