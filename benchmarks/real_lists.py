"""Every 北京 and 重庆 disclosure of ``../shared/real-pdfs/2026`` read as ``read_pdf`` reads it, one fresh
process a file: read or not, the indicator list's projects and indicators, its pages in doubt, and the
seconds.  Writes a Markdown table (``--out``).

    python benchmarks/real_lists.py [--out benchmarks/real_lists_latest.md] [CITY ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-pdfs" / "2026"
ONE = """
import json, sys
from budgetlib import read_pdf
from budgetlib.exceptions import InputError
try:
    doc = read_pdf(sys.argv[1])
except InputError as exc:
    print(json.dumps({"error": str(exc)}))
    raise SystemExit(0)
rows = [r for r in doc.rows if r.layout == "indicator_list"]
pages = sorted({p for r in rows for p in r.pages})
doubt = sorted({f.page for f in doc.findings if f.check == "extraction_doubt" and f.page in pages})
print(json.dumps({"projects": len(rows), "indicators": sum(len(r.indicators) for r in rows), "pages": len(pages),
                  "first": pages[0] if pages else 0, "last": pages[-1] if pages else 0, "doubt": doubt,
                  "unstorable": sum(1 for r in rows for f in ("total", "fiscal", "other")
                                    if r.amounts[f] is None and r.amount_texts.get(f, "").strip())}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("cities", nargs="*", default=["北京", "重庆"])
    args = ap.parse_args()
    lines = ["| file | read | list pages | projects | indicators | pages in doubt | amounts beyond six decimals "
             "| seconds |",
             "|---|---|---|---|---|---|---|---|"]
    totals = [0, 0, 0, 0]
    for city in args.cities:
        for pdf in sorted((REAL / city).glob("*.pdf")):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", ONE, str(pdf)], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            r = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {"error": out.stderr[-200:]}
            name = f"{city}/{pdf.name}"
            if "error" in r:
                lines.append(f"| {name} | no: {r['error'][:80]} | | | | | | {seconds:.1f} |")
            else:
                totals[0] += r["projects"]
                totals[1] += r["indicators"]
                totals[2] += len(r["doubt"])
                totals[3] += r["unstorable"]
                lines.append(f"| {name} | yes | {r['first']}–{r['last']} ({r['pages']}) | {r['projects']} | "
                             f"{r['indicators']} | {', '.join(map(str, r['doubt'])) or '—'} | {r['unstorable']} | "
                             f"{seconds:.1f} |")
            print(lines[-1], flush=True)
    lines.append(f"| **all** | | | **{totals[0]}** | **{totals[1]}** | {totals[2]} | {totals[3]} | |")
    print(lines[-1])
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
