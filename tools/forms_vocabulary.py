"""The vocabulary of the per-project form's fidelity harness, drawn once from the real disclosures.

    python tools/forms_vocabulary.py [../shared/real-pdfs/2026]   # writes tests/data/forms_vocabulary.json

Names, departments (with their budget codes), units, goals and indicators (一级 / 二级 / 三级, value, weight;
重庆's 指标名称 / 指标性质 / 指标值 / 计量单位 / 权重 / 是否核心) as budgetlib reads them from the 西安, 烟台 and 重庆
forms: the words real forms print, so that the generated forms wrap, split and read like them.  Only
words are kept (no amounts, no file names); the harness draws its own amounts.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "forms_vocabulary.json"


def main() -> int:
    from budgetlib import ExtractSettings, read_pdf
    from budgetlib.exceptions import InputError

    base = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "real-pdfs" / "2026"
    names, departments, units, goals, period_goals = set(), set(), set(), set(), set()
    typed, named = set(), set()
    for city in ("西安", "烟台", "重庆"):
        for pdf in sorted((base / city).glob("*.pdf")):
            try:
                doc = read_pdf(pdf, ExtractSettings(ocr="never"))
            except InputError:
                continue
            for row in doc.projects:
                if row.layout != "project_form":
                    continue
                names.add(row.name)
                code = dict(row.amount_lines).get("主管部门代码", "")
                departments.add((row.department, code))
                if row.unit:
                    units.add(row.unit)
                if 8 <= len(row.goal) <= 400:
                    goals.add(row.goal)
                if 8 <= len(row.period_goal) <= 300:
                    period_goals.add(row.period_goal)
                for ind in row.indicators:
                    if not ind.indicator or not ind.annual_value:
                        continue
                    if ind.level1 and ind.level2:
                        typed.add((ind.level1, ind.level2, ind.indicator, ind.annual_value, ind.weight))
                    elif ind.level1 is None and ind.level2 is None:
                        named.add((ind.indicator, ind.annual_value, ind.weight, ind.note))
    rng = random.Random(0)

    def pick(values: set, n: int) -> list:
        values = sorted(values)
        return sorted(rng.sample(values, min(n, len(values))))

    data = {
        "names": pick({n for n in names if n}, 300),
        "departments": [list(d) for d in pick({d for d in departments if d[0]}, 60)],
        "units": pick(units, 60),
        "goals": pick(goals, 200),
        "period_goals": pick(period_goals, 40),
        "indicators": [list(i) for i in pick(typed, 900)],
        "named_indicators": [list(i) for i in pick(named, 150)],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: " + ", ".join(f"{len(v)} {k}" for k, v in data.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
