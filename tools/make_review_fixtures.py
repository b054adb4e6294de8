"""A table of the newer indicator framework (财预〔2021〕101号: 成本指标 at level 1 beside 产出, 效益 and
满意度), for the framework detection tests: ``tests/fixtures/review/framework_2021.pdf`` and its truth.

The table is the fidelity harness's random table (seeded), with every indicator's types renumbered as a
2021-framework table numbers them (1-产出指标；11-数量指标 … 4-成本指标；41-经济成本指标), a cost indicator
added to some projects, and one planted mismatch (a 41-经济成本指标 printed under 1-产出指标).  Drawn with
reportlab (no LibreOffice needed).

    python tools/make_review_fixtures.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fidelity import ROOT, random_truth, text_of  # noqa: E402
from render_pdf import Style, render  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "review"
# the sample's (level-1, level-2) → the 2021 framework's, numbered as the table numbers them
RENUMBER = {
    "数量指标": (1, "产出指标", 11, "数量指标"), "质量指标": (1, "产出指标", 12, "质量指标"),
    "时效指标": (1, "产出指标", 13, "时效指标"), "成本指标": (4, "成本指标", 41, "经济成本指标"),
    "经济效益": (2, "效益指标", 21, "经济效益指标"), "社会效益": (2, "效益指标", 22, "社会效益指标"),
    "可持续影响": (2, "效益指标", 23, "生态效益指标"), "服务对象满意度": (3, "满意度指标", 31, "服务对象满意度指标"),
}
COST = [("项目预算控制数", "≤{total}万元"), ("人均补贴标准", "≤5000元/人"), ("单位服务成本", "≤120元/人次")]


def framework_2021_truth(seed: str = "review:2021") -> dict:
    rng = random.Random(seed)
    truth = random_truth(rng)
    while sum(r["kind"] == "project" for r in truth["rows"]) < 8:  # enough projects to tell frameworks apart
        truth = random_truth(rng)
    planted = False
    for row in truth["rows"]:
        if row["kind"] != "project" or not row["indicators"]:
            continue
        inds = []
        for ind in row["indicators"]:
            l1c, l1, l2c, l2 = RENUMBER.get(ind["level2"], RENUMBER["数量指标"])
            if ind["level1"] != "产出指标" and l1 == "产出指标":  # a sample mismatch: keep it a mismatch
                l1c, l1 = ind["level1_code"], ind["level1"]
            inds.append({**ind, "level1_code": l1c, "level1": l1, "level2_code": l2c, "level2": l2})
        if rng.random() < 0.7:
            name, value = rng.choice(COST)
            value = value.format(total=row["total"])
            l1c, l1 = (1, "产出指标") if not planted else (4, "成本指标")  # planted once: cost under 产出
            planted = True
            inds.append({"seq": 0, "level1_code": l1c, "level1": l1, "level2_code": 41, "level2": "经济成本指标",
                         "indicator": name, "period_value": value, "annual_value": value})
        for seq, ind in enumerate(inds, start=1):
            ind["seq"] = seq
        row["indicators"] = inds
        row["indicators_text"] = "".join(text_of(i) for i in inds)
    return truth


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    truth = framework_2021_truth()
    pdf = OUT / "framework_2021.pdf"
    pages = render(truth, pdf, Style(font="wqy"))
    truth["pages"] = pages
    (OUT / "framework_2021.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(pdf, pdf.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
