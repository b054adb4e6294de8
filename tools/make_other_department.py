"""Make a second, synthetic department's ground truth from the seed's project texts.

Different department, units, order and amounts than the bundled sample, with 财政专户拨款 and 其他资金
filled, amounts in the thousands (thousands separators), amounts that reconcile except for one
planted unit-vs-projects difference and one row whose 总计 is not the sum of its three sources, and
one project that appears twice in a unit.  Deterministic (seeded).

Usage: python tools/make_other_department.py tests/data/jinhua_truth.json tests/data/other_truth.json
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

UNITS = ["广州市荔湾区卫生健康局", "广州市荔湾区疾病预防控制中心", "广州市荔湾区妇幼保健院"]


def _cents(x: int) -> str:
    return f"{x // 100}.{x % 100:02d}"


def _render_indicators(indicators: list[dict]) -> str:
    return "".join(
        f"{i['seq']}、{i['level1_code']}-{i['level1']}；{i['level2_code']}-{i['level2']}；{i['indicator']}；"
        f"实施周期指标值:{i['period_value']}；年度指标值:{i['annual_value']}。"
        for i in indicators
    )


def make(seed_truth: dict) -> dict:
    rng = random.Random(20191)
    projects = [r for r in seed_truth["rows"] if r["kind"] == "project"]
    # only clean projects: the defects of this department are the ones planted below
    clean = [p for p in projects if p["name"] not in {"环卫保洁类经费", "街消毒站病媒生物防治专职人员补贴",
                                                      "综治信访维稳等专项工作经费", "新建两新党组织启动经费"}]
    rng.shuffle(clean)
    picked = clean[:17]
    groups = [picked[:8], picked[8:13], picked[13:]]
    rows: list[dict] = []
    unit_rows = []
    grand = [0, 0, 0, 0]
    for u_index, (unit, members) in enumerate(zip(UNITS, groups)):
        unit_row = {"kind": "unit", "unit": unit, "name": unit, "goal": "", "indicators_text": "",
                    "indicators": []}
        rows.append(unit_row)
        unit_rows.append(unit_row)
        sums = [0, 0, 0, 0]
        for p_index, p in enumerate(members):
            fiscal = rng.randrange(5_000, 900_000)
            special = rng.choice([0, 0, rng.randrange(1_000, 300_000)])
            other = rng.choice([0, 0, 0, rng.randrange(100, 50_000)])
            total = fiscal + special + other
            if u_index == 1 and p_index == 2:
                total += 10  # planted: 总计 is not 财政拨款 + 财政专户拨款 + 其他资金 (off by 0.10)
            ind = [dict(i) for i in p["indicators"]]
            if p_index == 0 and u_index == 2:
                ind[-1]["annual_value"] = "≥ 96%"  # printed with an inner space; differs from period
            row = {"kind": "project", "unit": unit, "name": p["name"],
                   "total": _cents(total), "fiscal": _cents(fiscal),
                   "special_account": _cents(special) if special else None,
                   "other": _cents(other) if other else None,
                   "goal": p["goal"], "indicators": ind, "indicators_text": _render_indicators(ind)}
            rows.append(row)
            for k, v in enumerate((total, fiscal, special, other)):
                sums[k] += v
        if u_index == 0:  # the same project twice in one unit, other amounts
            twin = dict(rows[-1])
            twin["total"] = twin["fiscal"] = _cents(123_456)
            twin["special_account"] = twin["other"] = None
            rows.append(twin)
            sums[0] += 123_456
            sums[1] += 123_456
        if u_index == 2:
            sums[0] -= 1  # planted: the unit's 总计 is 0.01 short of its projects
        for k, key in enumerate(["total", "fiscal", "special_account", "other"]):
            unit_row[key] = _cents(sums[k]) if sums[k] or k < 2 else None
            grand[k] += sums[k]
    total_row = {"kind": "total", "unit": "合计", "name": "合计", "goal": "", "indicators_text": "",
                 "indicators": []}
    for k, key in enumerate(["total", "fiscal", "special_account", "other"]):
        total_row[key] = _cents(grand[k]) if grand[k] else None
    rows.insert(0, total_row)
    return {"department": "广州市荔湾区卫生健康局", "amount_unit": "万元", "title": seed_truth["title"],
            "rows": rows}


if __name__ == "__main__":
    seed = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    Path(sys.argv[2]).write_text(json.dumps(make(seed), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
