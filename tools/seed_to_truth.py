"""Transcribe the seed text dump into structured ground truth (JSON).

The seed (``../shared/seeds/000_8507f48a672429e9.txt``) is a text dump of a real
项目支出绩效目标表: page headers repeat, wrapped cells are broken across lines and project
rows are indented.  This one-off script turns it into ``tests/data/jinhua_truth.json``;
the JSON is reviewed by hand and committed, and it is the ground truth of the bundled
sample.  It deliberately shares no code with ``budgetlib`` so the two cannot agree on a
mistake.

Usage: python tools/seed_to_truth.py ../shared/seeds/000_8507f48a672429e9.txt tests/data/jinhua_truth.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TITLE = "项目支出绩效目标表（含转移支付项目）"
AMOUNT = r"\d{1,3}(?:,\d{3})*\.\d{2}"
ROW_WITH_AMOUNTS = re.compile(rf"^(?P<name>.*?)\s+(?P<a>{AMOUNT})\s+(?P<b>{AMOUNT})$")
AMOUNTS_ONLY = re.compile(rf"^(?P<a>{AMOUNT})\s+(?P<b>{AMOUNT})$")
IND_START = re.compile(r"^\d+、\d-")
INDICATOR = re.compile(
    r"(?P<seq>\d+)、(?P<l1c>\d+)-(?P<l1>[^；]+)；(?P<l2c>\d+)-(?P<l2>[^；]+)；(?P<name>[^；]+)；"
    r"实施周期指标值:(?P<period>[^；]*)；年度指标值:(?P<annual>.*?)。"
)


def _amount(text: str) -> str:
    return f"{float(text.replace(',', '')):.2f}"


def parse(lines: list[str]) -> dict:
    department = None
    rows: list[dict] = []
    pending_name: list[str] = []
    cur: dict | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        if line.strip() == TITLE or line.startswith("项目名称（资金使用单位）"):
            continue
        if line.startswith("部门名称："):
            department = line.split("：", 1)[1].split(" 单位")[0].strip()
            continue
        m = ROW_WITH_AMOUNTS.match(line.strip()) if not pending_name else None
        m_only = AMOUNTS_ONLY.match(line.strip())
        if m_only and pending_name:
            name = "".join(p.strip() for p in pending_name)
            cur = {"name": name, "indent": pending_name[0][: len(pending_name[0]) - len(pending_name[0].lstrip())],
                   "total": _amount(m_only["a"]), "fiscal": _amount(m_only["b"]), "goal": "", "indicators": ""}
            rows.append(cur)
            pending_name = []
            continue
        if m and (cur is None or _starts_new_row(cur, line)):
            cur = {"name": m["name"].strip(), "indent": line[: len(line) - len(line.lstrip())],
                   "total": _amount(m["a"]), "fiscal": _amount(m["b"]), "goal": "", "indicators": ""}
            rows.append(cur)
            continue
        if cur is None or _starts_new_row(cur, line):
            pending_name.append(line)
            continue
        if pending_name:
            pending_name.append(line)
            continue
        text = line.strip()
        if cur["indicators"] or IND_START.match(text):
            cur["indicators"] += text
        else:
            cur["goal"] += text
    return {"department": department, "rows": rows}


def _starts_new_row(cur: dict, line: str) -> bool:
    if line.startswith(" ") or cur["name"] == "合计":  # the 合计 row has no goal: a unit follows
        return True
    if cur["indicators"]:
        return cur["indicators"].endswith("。") and not IND_START.match(line.strip())
    return False


def parse_indicators(text: str) -> list[dict]:
    out = []
    pos = 0
    for m in INDICATOR.finditer(text):
        if m.start() != pos:
            raise ValueError(f"gap in indicator text at {pos}: {text[pos:m.start()]!r}")
        pos = m.end()
        out.append({
            "seq": int(m["seq"]), "level1_code": m["l1c"], "level1": m["l1"], "level2_code": m["l2c"],
            "level2": m["l2"], "indicator": m["name"], "period_value": m["period"].strip(),
            "annual_value": m["annual"].strip(),
        })
    if pos != len(text):
        raise ValueError(f"unparsed tail: {text[pos:]!r}")
    return out


def main(src: str, dst: str) -> None:
    data = parse(Path(src).read_text(encoding="utf-8").splitlines())
    unit = None
    out_rows = []
    for row in data["rows"]:
        if row["name"] == "合计":
            kind = "total"
        elif not row["goal"] and not row["indicators"]:
            kind = "unit"
            unit = row["name"]
        else:
            kind = "project"
        out_rows.append({
            "kind": kind,
            "unit": "合计" if kind == "total" else unit,
            "name": row["name"],
            "total": row["total"], "fiscal": row["fiscal"], "special_account": None, "other": None,
            "goal": row["goal"],
            "indicators_text": row["indicators"],
            "indicators": parse_indicators(row["indicators"]) if row["indicators"] else [],
        })
    truth = {"department": data["department"], "amount_unit": "万元", "title": TITLE, "rows": out_rows}
    Path(dst).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    kinds = [r["kind"] for r in out_rows]
    print({k: kinds.count(k) for k in set(kinds)}, "indicators:", sum(len(r["indicators"]) for r in out_rows))


if __name__ == "__main__":
    main(*sys.argv[1:3])
