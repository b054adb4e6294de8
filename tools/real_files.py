"""Every real disclosure of ``../shared/real-pdfs/2026`` read as a user would: per file, read or not (and why),
its layouts, projects, indicators, department targets, pages in doubt and seconds; a Markdown table for the
README (and a JSON file of the same, for comparing runs).

    python tools/real_files.py [--workers 2] [--out benchmarks/real_files_latest.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-pdfs" / "2026"
ONE = """
import json, sys, time
from budgetlib import read_pdf
from budgetlib.exceptions import InputError
start = time.perf_counter()
try:
    doc = read_pdf(sys.argv[1])
except InputError as exc:
    print(json.dumps({"read": False, "reason": str(exc).split(": ", 1)[-1], "seconds": time.perf_counter() - start}))
    raise SystemExit
checks = [f.check for f in doc.findings]
from budgetlib.review.families import UNMAPPED, family
from budgetlib.review.targets import classify
inds = [i for r in doc.projects for i in r.indicators] + [t.indicator for t in doc.targets if t.indicator.indicator]
fams = [family(i.indicator or "") for i in inds]
classes = [classify(i.annual_value).cls for i in inds]
print(json.dumps({"read": True, "seconds": time.perf_counter() - start, "layout": doc.layout, "year": doc.year,
                  "projects": len(doc.projects), "indicators": sum(len(r.indicators) for r in doc.projects),
                  "targets": len(doc.targets), "units": len(doc.units),
                  "doubt": sorted({f.page for f in doc.findings if f.check == "extraction_doubt"}),
                  "unknown": sorted({f.page for f in doc.findings if f.check == "layout_unknown"}),
                  "errors": sum(f.severity == "error" for f in doc.findings), "findings": len(checks),
                  "review": {"indicators": len(inds), "unmapped": fams.count(UNMAPPED),
                             "catch_all": fams.count("其他比率"),
                             "unclassified": sum(c in ("unclassified", "unreadable") for c in classes)}}))
"""


def one(path: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", ONE, str(path)], capture_output=True, text=True)
    lines = run.stdout.strip().splitlines()
    if run.returncode or not lines:
        return {"read": False, "reason": f"crashed: {run.stderr.strip().splitlines()[-1:]}", "seconds": 0}
    return json.loads(lines[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "real_files_latest.md")
    args = ap.parse_args()
    files = sorted(REAL.glob("*/*.pdf"))
    start = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(pool.map(one, files))
    lines = ["| city | file | read | layouts | projects | indicators | department targets | pages in doubt | s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for path, r in zip(files, results):
        name = path.stem if len(path.stem) <= 40 else path.stem[:38] + "…"
        if r["read"]:
            lines.append(f"| {path.parent.name} | {name} | yes | {r['layout']} | {r['projects']} | {r['indicators']} | "
                         f"{r['targets']} | {', '.join(map(str, r['doubt'])) or '—'} | {r['seconds']:.1f} |")
        else:
            lines.append(f"| {path.parent.name} | {name} | **no**: {r['reason'][:160]} | | | | | | "
                         f"{r['seconds']:.1f} |")
    read = [r for r in results if r["read"]]
    lines += ["", f"{len(read)} of {len(files)} files read; {sum(r['projects'] for r in read)} projects, "
              f"{sum(r['indicators'] for r in read)} indicators, {sum(r['targets'] for r in read)} department "
              f"targets; {sum(bool(r['doubt']) for r in read)} files with pages in doubt "
              f"({sum(len(r['doubt']) for r in read)} pages); {time.perf_counter() - start:.0f} s with "
              f"{args.workers} workers"]
    lines += ["", "| city | files read | layouts | projects | indicators | department targets | "
              "files with pages in doubt |", "|---|---|---|---|---|---|---|"]
    for city in sorted({p.parent.name for p in files}):
        mine = [r for p, r in zip(files, results) if p.parent.name == city]
        ok = [r for r in mine if r["read"]]
        layouts = sorted({name for r in ok for name in r["layout"].split(",")})
        lines.append(f"| {city} | {len(ok)}/{len(mine)} | {', '.join(layouts)} | {sum(r['projects'] for r in ok)} | "
                     f"{sum(r['indicators'] for r in ok)} | {sum(r['targets'] for r in ok)} | "
                     f"{sum(bool(r['doubt']) for r in ok)} |")
    by_city: dict[str, dict[str, int]] = {}
    for path, r in zip(files, results):
        if r["read"]:
            c = by_city.setdefault(path.parent.name, dict.fromkeys(("indicators", "unmapped", "catch_all",
                                                                    "unclassified"), 0))
            for k in c:
                c[k] += r["review"][k]
    lines += ["", "Review vocabularies out of sample (families and value classes were written reading 广州's "
              "tables): per city, indicators (projects' and department targets') in a family other than the "
              "catch-all 其他比率, and target values classified.", "",
              "| city | indicators | in a family (not the catch-all) | values classified |", "|---|---|---|---|"]
    for city, c in sorted(by_city.items()):
        n = max(c["indicators"], 1)
        lines.append(f"| {city} | {c['indicators']} | {1 - (c['unmapped'] + c['catch_all']) / n:.1%} | "
                     f"{1 - c['unclassified'] / n:.1%} |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({p.relative_to(REAL).as_posix(): r for p, r in
                                                        zip(files, results)}, ensure_ascii=False, indent=1),
                                             encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
