"""Year over year: what changed between two tables of the same department.

``changes(old, new)`` takes the tables of two extractions (``load_processed`` or ``Extraction.tables()``)
and returns one row per change, with columns ``change, unit, project, old_project, indicator, field, old,
new``.  ``change`` is ``added``, ``removed``, ``renamed`` (same unit, another name, matched on goal,
indicators and amount), ``amount_changed`` (one row per changed amount) or ``target_changed`` (one row per
changed target value; an indicator found on one side only has the other side empty).  Units and the 合计
row have an empty ``project``.  Projects are matched by (unit, name, and which of that name it is): names
repeat, so a name alone is not a key.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

from .amounts import AMOUNT_FIELDS, format_amount
from .exceptions import BudgetlibError

COLUMNS = ["change", "unit", "project", "old_project", "indicator", "field", "old", "new"]
RENAME_SCORE = 0.6  # goal, indicator names and amount together: how alike a renamed project must be


class DiffError(BudgetlibError):
    """The two sides cannot be compared (not the same department, or nothing read)."""


def _text(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return ""
    return format_amount(v) if not isinstance(v, str) else v


def _keyed(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """``df`` with ``nth``: which occurrence of its key it is (names repeat)."""
    return df.assign(nth=df.groupby(cols, dropna=False).cumcount())


def _row(change: str, unit: str, project: str = "", old_project: str = "", indicator: str = "", field: str = "",
         old: object = "", new: object = "") -> dict:
    return {"change": change, "unit": unit, "project": project, "old_project": old_project, "indicator": indicator,
            "field": field, "old": _text(old), "new": _text(new)}


def _amounts(out: list, unit: str, project: str, old_project: str, a: pd.Series, b: pd.Series) -> None:
    for f in AMOUNT_FIELDS:
        if _text(a[f]) != _text(b[f]):
            out.append(_row("amount_changed", unit, project, old_project, field=f, old=a[f], new=b[f]))


def _targets(out: list, unit: str, project: str, old_project: str, a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["level1", "level2", "indicator"]
    a, b = _keyed(a, key), _keyed(b, key)
    both = a.merge(b, on=[*key, "nth"], how="outer", suffixes=("_old", "_new"), indicator=True)
    for _, r in both.iterrows():
        for f in ("period_value", "annual_value"):
            old = "" if r["_merge"] == "right_only" else _text(r[f"{f}_old"])
            new = "" if r["_merge"] == "left_only" else _text(r[f"{f}_new"])
            if old != new:
                out.append(_row("target_changed", unit, project, old_project, _text(r["indicator"]), f, old, new))


def _likeness(a: pd.Series, b: pd.Series, ind_a: set[str], ind_b: set[str]) -> float:
    goal = SequenceMatcher(None, _text(a["goal"]), _text(b["goal"])).ratio()
    names = len(ind_a & ind_b) / len(ind_a | ind_b) if ind_a | ind_b else 0.0
    amount = 1.0 if _text(a["total"]) == _text(b["total"]) else 0.0
    return 0.4 * goal + 0.4 * names + 0.2 * amount


def changes(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every change from ``old`` to ``new`` (see the module docstring)."""
    out: list[dict] = []
    ou, nu = _keyed(old["units"], ["unit"]), _keyed(new["units"], ["unit"])
    units = ou.merge(nu, on=["unit", "nth"], how="outer", suffixes=("_o", "_n"), indicator=True)
    for _, r in units.iterrows():
        unit = r["unit"]
        if r["_merge"] == "left_only":
            out.append(_row("removed", unit, field="total", old=r["total_o"]))
        elif r["_merge"] == "right_only":
            out.append(_row("added", unit, field="total", new=r["total_n"]))
        else:
            for f in AMOUNT_FIELDS:
                if _text(r[f"{f}_o"]) != _text(r[f"{f}_n"]):
                    out.append(_row("amount_changed", unit, field=f, old=r[f"{f}_o"], new=r[f"{f}_n"]))
    op, np_ = _keyed(old["projects"], ["unit", "project"]), _keyed(new["projects"], ["unit", "project"])
    oi, ni = old["indicators"], new["indicators"]
    names_o = {pid: set(g.dropna()) for pid, g in oi.groupby("project_id")["indicator"]}
    names_n = {pid: set(g.dropna()) for pid, g in ni.groupby("project_id")["indicator"]}
    both = op.merge(np_, on=["unit", "project", "nth"], how="outer", suffixes=("_o", "_n"), indicator=True)
    gone = both[both["_merge"] == "left_only"]
    came = both[both["_merge"] == "right_only"]
    pairs = []  # (old row, new row) of renamed projects: the most alike first, each used once
    for _, a in gone.iterrows():
        a_ = op[op["project_id"] == a["project_id_o"]].iloc[0]
        for _, b in came[came["unit"] == a["unit"]].iterrows():
            b_ = np_[np_["project_id"] == b["project_id_n"]].iloc[0]
            score = _likeness(a_, b_, names_o.get(a_["project_id"], set()), names_n.get(b_["project_id"], set()))
            if score >= RENAME_SCORE:
                pairs.append((score, a_["project_id"], b_["project_id"]))
    used_o, used_n, renamed = set(), set(), []
    for _, po, pn in sorted(pairs, reverse=True):
        if po not in used_o and pn not in used_n:
            used_o.add(po)
            used_n.add(pn)
            renamed.append((po, pn))
    o_by, n_by = op.set_index("project_id"), np_.set_index("project_id")
    for _, r in both[both["_merge"] == "both"].iterrows():
        a, b = o_by.loc[r["project_id_o"]], n_by.loc[r["project_id_n"]]
        _amounts(out, r["unit"], r["project"], "", a, b)
        _targets(out, r["unit"], r["project"], "", oi[oi["project_id"] == a.name], ni[ni["project_id"] == b.name])
    for po, pn in renamed:
        a, b = o_by.loc[po], n_by.loc[pn]
        out.append(_row("renamed", b["unit"], b["project"], a["project"]))
        _amounts(out, b["unit"], b["project"], a["project"], a, b)
        _targets(out, b["unit"], b["project"], a["project"], oi[oi["project_id"] == po], ni[ni["project_id"] == pn])
    for _, r in gone[~gone["project_id_o"].isin(used_o)].iterrows():
        out.append(_row("removed", r["unit"], r["project"], field="total", old=r["total_o"]))
    for _, r in came[~came["project_id_n"].isin(used_n)].iterrows():
        out.append(_row("added", r["unit"], r["project"], field="total", new=r["total_n"]))
    return pd.DataFrame(out, columns=COLUMNS).astype("string")


def load_side(path: str | Path) -> dict[str, pd.DataFrame]:
    """One side of a diff: a folder ``budgetlib extract`` wrote, or PDFs (a file, or a folder of them)."""
    from . import extract, load_processed

    path = Path(path)
    if path.is_dir() and any(path.glob("projects.*")):
        return load_processed(path)
    result = extract([path])
    if not result.documents:
        reasons = "; ".join(f.reason for f in result.failures) or "no table read"
        raise DiffError(f"{path}: {reasons}")
    return result.tables()


def diff(old: str | Path, new: str | Path) -> pd.DataFrame:
    """``changes`` between two sides of the same department (``DiffError`` when they are not)."""
    a, b = load_side(old), load_side(new)
    da = sorted(set(a["projects"]["department"].dropna()))
    db = sorted(set(b["projects"]["department"].dropna()))
    if da != db:
        raise DiffError(f"not the same department: {old} is {'、'.join(da) or '(none named)'}, "
                        f"{new} is {'、'.join(db) or '(none named)'}")
    return changes(a, b)


__all__ = ["COLUMNS", "DiffError", "changes", "diff", "load_side"]
