"""``budgetlib diff``: repeated names matched by their content, tables in 元 against 万元 converted exactly,
sides given the wrong way round refused.  PDFs drawn by ``tools/make_corpus.py diff`` from
``tests/data/other_truth.json`` (its truths beside them); smaller cases built as tables in memory."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest
from conftest import FIXTURES
from truth import differences

from budgetlib import read_pdf
from budgetlib.diff import COLUMNS, DiffError, changes

HERE = FIXTURES / "diff"
AMOUNTS = ("total", "fiscal", "special_account", "other")
REPEATED = "镇(街)党建工作指导员工资补助经费(荔湾区)"


def _truth(name: str) -> dict:
    [truth] = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return truth


def _run(old: str, new: str, out) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetlib", "diff", str(HERE / old), str(HERE / new), "--out",
                           str(out)], capture_output=True, text=True, timeout=600)


def _rows(path) -> list[tuple]:
    got = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(got.columns) == COLUMNS
    return sorted(map(tuple, got.to_numpy().tolist()))


def _expected(old: dict, new: dict, unit: str) -> list[tuple]:
    """What the truths say changed, amounts in ``unit`` (the drawn tables differ in one project dropped and
    the totals above it): the unit and 合计 rows field by field, and the project that is in ``old`` only.  Only
    for tables of one year's amounts: a project kept is the same in both, amount for amount (in 元 × 10,000)."""
    scale = {("万元", "元"): Decimal(10000)}

    def amount(v: str | None, of: dict) -> Decimal | None:
        return None if v is None else Decimal(v) * scale.get((of["amount_unit"], unit), Decimal(1))

    rows = []
    above_o = [r for r in old["rows"] if r["kind"] != "project"]
    above_n = [r for r in new["rows"] if r["kind"] != "project"]
    for a, b in zip(above_o, above_n, strict=True):
        for f in AMOUNTS:
            va, vb = amount(a[f], old), amount(b[f], new)
            if va != vb:
                rows.append(("amount_changed", b["unit"], "", "", "", f, f"{va:.2f}", f"{vb:.2f}", unit))
    def key(r: dict, of: dict) -> tuple:
        return r["name"], amount(r["total"], of), r["goal"]

    kept = [key(r, new) for r in new["rows"]]
    for r in old["rows"]:
        if r["kind"] == "project" and key(r, old) in kept:
            kept.remove(key(r, old))
        elif r["kind"] == "project":
            rows.append(("removed", r["unit"], r["name"], "", "", "total", f"{Decimal(r['total']):.2f}", "",
                         old["amount_unit"]))
    return sorted(rows)


def test_the_fixtures_read_exactly():
    for name in ("other_2023", "other_2023_yuan", "other_2024_dropped"):
        truth, doc = _truth(name), read_pdf(HERE / f"{name}.pdf")
        assert differences(doc, truth, truth["pages"]) == [], name
        assert (doc.amount_unit, doc.year) == (truth["amount_unit"], truth["year"])


def test_the_first_of_two_projects_of_one_name_dropped_is_that_project_removed(tmp_path):
    old, new = _truth("other_2023"), _truth("other_2024_dropped")
    run = _run("other_2023.pdf", "other_2024_dropped.pdf", tmp_path)
    assert run.returncode == 0, run.stderr
    got = _rows(tmp_path / "changes.csv")
    assert got == _expected(old, new, "万元")
    projects = [r for r in got if r[2]]
    assert projects == [("removed", "广州市荔湾区卫生健康局", REPEATED, "", "", "total", "3402.46", "", "万元")]


def test_a_table_in_yuan_against_the_same_in_wan_has_no_change(tmp_path):
    for old, new in (("other_2023.pdf", "other_2023_yuan.pdf"), ("other_2023_yuan.pdf", "other_2023.pdf")):
        run = _run(old, new, tmp_path / old)
        assert run.returncode == 0, run.stderr
        assert _rows(tmp_path / old / "changes.csv") == []


def test_changes_between_units_are_given_exactly_in_the_finer_one(tmp_path):
    old, new = _truth("other_2023_yuan"), _truth("other_2024_dropped")
    run = _run("other_2023_yuan.pdf", "other_2024_dropped.pdf", tmp_path)
    assert run.returncode == 0, run.stderr
    got = _rows(tmp_path / "changes.csv")
    assert got == _expected(old, new, "元")
    assert ("removed", "广州市荔湾区卫生健康局", REPEATED, "", "", "total", "34024600.00", "", "元") in got


def test_old_later_than_new_is_refused_in_one_line(tmp_path):
    run = _run("other_2024_dropped.pdf", "other_2023.pdf", tmp_path / "out")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        f"budgetlib diff: OLD is later than NEW: {HERE / 'other_2024_dropped.pdf'} is 2024, "
        f"{HERE / 'other_2023.pdf'} is 2023; give the earlier year first (budgetlib diff "
        f"{HERE / 'other_2023.pdf'} {HERE / 'other_2024_dropped.pdf'} …)"]
    assert not (tmp_path / "out" / "changes.csv").exists()


# -- in memory ---------------------------------------------------------------------------------------------


def _side(projects: list[dict], unit_amount: str = "1", amount_unit: str = "万元", year: int = 2023,
          indicators: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    base = {"department": "某局", "year": year, "unit": "某局", "amount_unit": amount_unit}
    units = [{**base, "total": Decimal(unit_amount), "fiscal": None, "special_account": None, "other": None}]
    rows = [{**base, "project_id": f"p{i}", "project": p["name"], "goal": p.get("goal", ""),
             **{f: (Decimal(p[f]) if p.get(f) is not None else None) for f in AMOUNTS}} for i, p in enumerate(projects)]
    inds = [{"project_id": "p0", "level1": "产出指标", "level2": "数量指标", "raw": "", **i} for i in indicators or []]
    return {"units": pd.DataFrame(units), "projects": pd.DataFrame(rows),
            "indicators": pd.DataFrame(inds, columns=["project_id", "level1", "level2", "indicator", "period_value",
                                                      "annual_value", "raw"])}


def _list(df: pd.DataFrame) -> list[dict]:
    return [{k: v for k, v in r.items() if v} for r in df.to_dict("records")]


def test_an_amount_in_wan_says_what_the_same_in_yuan_rounds_to():
    old = _side([{"name": "甲", "total": "1.23"}], "1.23")
    same = _side([{"name": "甲", "total": "12345.67"}], "12345.67", "元")
    assert _list(changes(old, same)) == []
    other = _side([{"name": "甲", "total": "12355.00"}], "12355.00", "元")
    assert _list(changes(old, other)) == [
        {"change": "amount_changed", "unit": "某局", "field": "total", "old": "12300.00", "new": "12355.00",
         "amount_unit": "元"},
        {"change": "amount_changed", "unit": "某局", "project": "甲", "field": "total", "old": "12300.00",
         "new": "12355.00", "amount_unit": "元"}]


def test_a_side_without_a_unit_is_not_compared_with_one_that_has_one():
    with pytest.raises(DiffError, match="prints no amount unit"):
        changes(_side([{"name": "甲", "total": "1.00"}]), _side([{"name": "甲", "total": "1.00"}], amount_unit=""))


def test_repeated_names_pair_by_goal_and_targets_when_amounts_change_too():
    old = _side([{"name": "甲", "total": "5.00", "goal": "保障党建指导员工资发放"},
                 {"name": "甲", "total": "7.00", "goal": "开展社区卫生服务"}], "12.00")
    new = _side([{"name": "甲", "total": "8.00", "goal": "开展社区卫生服务"}], "8.00")
    got = _list(changes(old, new))
    assert {"change": "removed", "unit": "某局", "project": "甲", "field": "total", "old": "5.00",
            "amount_unit": "万元"} in got
    assert {"change": "amount_changed", "unit": "某局", "project": "甲", "field": "total", "old": "7.00",
            "new": "8.00", "amount_unit": "万元"} in got
    assert len(got) == 3  # and the unit's total


def test_repeated_indicators_pair_by_their_targets():
    ind = {"indicator": "服务对象满意度", "period_value": "≥90%", "annual_value": "≥90%"}
    old = _side([{"name": "甲", "total": "1.00"}], indicators=[ind, {**ind, "period_value": "≥95%",
                                                                     "annual_value": "≥95%"}])
    new = _side([{"name": "甲", "total": "1.00"}], indicators=[{**ind, "period_value": "≥95%",
                                                                "annual_value": "≥95%"}])
    got = _list(changes(old, new))
    assert got == [{"change": "target_changed", "unit": "某局", "project": "甲", "indicator": "服务对象满意度",
                    "field": f, "old": "≥90%"} for f in ("period_value", "annual_value")]


def test_without_a_unit_on_one_side_the_report_still_lists_what_else_changed():
    old = _side([{"name": "甲", "total": "1.00"}, {"name": "乙", "total": "2.00"}])
    new = _side([{"name": "甲", "total": "10000.00"}], amount_unit="")
    got = _list(changes(old, new, unknown_units="skip"))
    assert got == [{"change": "removed", "unit": "某局", "project": "乙", "field": "total", "old": "2.00",
                    "amount_unit": "万元"}]


def test_a_side_of_several_years_is_refused():
    from budgetlib.diff import check_sides

    both = {k: pd.concat([a, b]) for (k, a), b in zip(_side([]).items(), _side([], year=2024).values())}
    with pytest.raises(DiffError, match=r"^OLD holds tables of 2 years \(2023, 2024\): give one year on each side$"):
        check_sides("OLD", "NEW", both, _side([], year=2024))
    check_sides("OLD", "NEW", _side([], year=2024), _side([], year=2024))  # the same year: compared
