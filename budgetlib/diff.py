"""Year over year: what changed between two tables of the same department.

``changes(old, new)`` takes the tables of two extractions (``load_processed`` or ``Extraction.tables()``)
and returns one row per change, with columns ``change, unit, project, old_project, indicator, field, old,
new, amount_unit``.  ``change`` is ``added``, ``removed``, ``renamed`` (same unit, another name, matched on
goal, indicators and amount), ``amount_changed`` (one row per changed amount) or ``target_changed`` (one row
per changed target value; an indicator found on one side only has the other side empty).  Units and the 合计
row have an empty ``project``.

Matching.  Rows are matched within their department and unit by name; where a name repeats (projects do:
``镇(街)党建工作指导员工资补助经费(荔湾区)`` twice, with other amounts), the rows of that name are paired by
their content — amounts, goal, indicators and their targets — the most alike first, never by which of the
name they are: dropping the first of two projects of one name is that project ``removed``, nothing else.
Indicators of one project whose names repeat are paired by their targets the same way.

Amounts.  Each side's amounts are in the unit its table prints (``amount_unit``).  Two amounts in different
units are compared exactly (``Decimal``, never floats): the one in the finer unit, rounded half up to the
cent of the coarser unit, against the other — a table in 万元 cannot say more — and, where they differ, both
are written in the finer unit (the conversion is exact), which ``amount_unit`` names; ``removed`` and
``added`` give the amount in its own table's unit.  A side whose table prints no unit cannot be compared
with one that does: ``DiffError`` (``unknown_units="skip"``: their amounts are left uncompared).

``diff(OLD, NEW)`` (the command line's ``budgetlib diff``) refuses, in one line (``DiffError``), two
different departments, a side that holds tables of more than one year, and OLD of a later year than NEW
(the sides given the wrong way round).  Sides of the same year, or whose year is not known, are compared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from .amounts import AMOUNT_FIELDS, WAN_PER_UNIT, format_amount
from .exceptions import BudgetlibError

COLUMNS = ["change", "unit", "project", "old_project", "indicator", "field", "old", "new", "amount_unit"]
RENAME_SCORE = 0.6  # goal, indicator names and amount together: how alike a renamed project must be
_CENT = Decimal("0.01")

T = TypeVar("T")
Record = dict[str, Any]


class DiffError(BudgetlibError):
    """The two sides cannot be compared (not the same department, years reversed, units that cannot be
    converted, or nothing read)."""


def _text(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return ""
    return format_amount(v) if not isinstance(v, str) else v


def _value(v: object) -> Decimal | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else Decimal(v)  # type: ignore[arg-type]


def _records(df: pd.DataFrame) -> list[Record]:
    """The rows of ``df`` as dicts, missing values as None."""
    return [{k: (None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


# -- amounts in their tables' units ------------------------------------------------------------------------


def _unit(r: Record) -> str:
    return r.get("amount_unit") or ""


def _convertible(ua: str, ub: str) -> bool:
    return ua == ub or (ua in WAN_PER_UNIT and ub in WAN_PER_UNIT)


def _in(value: Decimal, unit: str, to: str) -> Decimal:
    """``value`` of ``unit`` in ``to`` (exact: the ratio of two units is a power of ten)."""
    return value * WAN_PER_UNIT[unit] / WAN_PER_UNIT[to]


def _same(a: Decimal | None, ua: str, b: Decimal | None, ub: str) -> bool:
    """Whether two printed amounts say the same: exactly, in one unit; in two, the finer one rounded half up
    to the coarser one's cent equals it."""
    if a is None or b is None:
        return a is None and b is None
    if ua == ub or not _convertible(ua, ub):
        return a == b
    (fine, uf), (coarse, uc) = sorted([(a, ua), (b, ub)], key=lambda p: WAN_PER_UNIT[p[1]])
    return _in(fine, uf, uc).quantize(_CENT, rounding=ROUND_HALF_UP) == coarse


def _shown(a: Decimal | None, ua: str, b: Decimal | None, ub: str) -> tuple[str, str, str]:
    """The two amounts as written to ``changes.csv``, in one unit (the finer one), and that unit."""
    if ua == ub or not _convertible(ua, ub):
        return _text(a), _text(b), ua
    to = min(ua, ub, key=lambda u: WAN_PER_UNIT[u])
    return (_text(None if a is None else _in(a, ua, to)), _text(None if b is None else _in(b, ub, to)), to)


# -- pairing rows of one name by their content ----------------------------------------------------------------


def _pair(old: Sequence[T], new: Sequence[T], score: Callable[[T, T], float]) -> list[tuple[int, int]]:
    """Pairs (i, j) of ``old`` and ``new`` rows of one name: all of them when each side has one, else as
    many as the smaller side has, the most alike first (``score``; ties: the same place among the rows of
    that name, then the earlier)."""
    if len(old) == 1 and len(new) == 1:
        return [(0, 0)]
    ranked = sorted((-score(a, b), abs(i - j), i, j) for i, a in enumerate(old) for j, b in enumerate(new))
    used_o: set[int] = set()
    used_n: set[int] = set()
    pairs = []
    for _, _, i, j in ranked:
        if i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _grouped(rows: list[Record], key: Callable[[Record], tuple]) -> dict[tuple, list[Record]]:
    out: dict[tuple, list[Record]] = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


def _match(old: list[Record], new: list[Record], key: Callable[[Record], tuple],
           score: Callable[[Record, Record], float]) -> tuple[list[tuple[Record, Record]], list[Record], list[Record]]:
    """Rows of the same ``key`` paired by ``score``: (pairs in the new side's order, old rows left over,
    new rows left over)."""
    go, gn = _grouped(old, key), _grouped(new, key)
    pairs: list[tuple[Record, Record]] = []
    paired_o: set[int] = set()
    paired_n: set[int] = set()
    for k, ns in gn.items():
        os_ = go.get(k, [])
        if not os_:
            continue
        for i, j in _pair(os_, ns, score):
            pairs.append((os_[i], ns[j]))
            paired_o.add(id(os_[i]))
            paired_n.add(id(ns[j]))
    order = {id(r): n for n, r in enumerate(new)}
    pairs.sort(key=lambda p: order[id(p[1])])
    return pairs, [r for r in old if id(r) not in paired_o], [r for r in new if id(r) not in paired_n]


def _amount_likeness(a: Record, b: Record) -> float:
    ua, ub = _unit(a), _unit(b)
    return sum(_same(_value(a[f]), ua, _value(b[f]), ub) for f in AMOUNT_FIELDS) / len(AMOUNT_FIELDS)


def _targets_of(indicators: list[Record]) -> set[tuple[str, str, str]]:
    return {(_text(i["indicator"]) or _text(i.get("raw")), _text(i["period_value"]), _text(i["annual_value"]))
            for i in indicators}


def _content(a: Record, b: Record, ind_a: list[Record], ind_b: list[Record]) -> float:
    """How alike two projects of one name are: amounts, goal, indicators with their targets."""
    goal = 1.0 if _text(a["goal"]) == _text(b["goal"]) else \
        SequenceMatcher(None, _text(a["goal"]), _text(b["goal"])).ratio()
    ta, tb = _targets_of(ind_a), _targets_of(ind_b)
    targets = len(ta & tb) / len(ta | tb) if ta | tb else 1.0
    return 0.5 * _amount_likeness(a, b) + 0.25 * goal + 0.25 * targets


def _likeness(a: Record, b: Record, ind_a: set[str], ind_b: set[str]) -> float:
    """How alike two projects of different names are (a rename)."""
    goal = SequenceMatcher(None, _text(a["goal"]), _text(b["goal"])).ratio()
    names = len(ind_a & ind_b) / len(ind_a | ind_b) if ind_a | ind_b else 0.0
    amount = 1.0 if _same(_value(a["total"]), _unit(a), _value(b["total"]), _unit(b)) else 0.0
    return 0.4 * goal + 0.4 * names + 0.2 * amount


# -- changes --------------------------------------------------------------------------------------------------


def _row(change: str, unit: str, project: str = "", old_project: str = "", indicator: str = "", field: str = "",
         old: object = "", new: object = "", amount_unit: str = "") -> dict:
    return {"change": change, "unit": unit, "project": project, "old_project": old_project, "indicator": indicator,
            "field": field, "old": _text(old), "new": _text(new), "amount_unit": amount_unit}


def _amounts(out: list, unit: str, project: str, old_project: str, a: Record, b: Record,
             unknown_units: str = "refuse") -> None:
    ua, ub = _unit(a), _unit(b)
    if not _convertible(ua, ub):
        if unknown_units == "skip":
            return
        known = ua or ub
        raise DiffError(f"{a.get('department') or unit}: one side's table prints its amounts in {known}, the "
                        "other prints no amount unit (单位): their amounts cannot be compared")
    for f in AMOUNT_FIELDS:
        va, vb = _value(a[f]), _value(b[f])
        if not _same(va, ua, vb, ub):
            old, new, shown_unit = _shown(va, ua, vb, ub)
            out.append(_row("amount_changed", unit, project, old_project, field=f, old=old, new=new,
                            amount_unit=shown_unit))


def _indicator_key(i: Record) -> tuple:
    return (_text(i["level1"]), _text(i["level2"]), _text(i["indicator"]) or _text(i.get("raw")))


def _targets(out: list, unit: str, project: str, old_project: str, a: list[Record], b: list[Record]) -> None:
    def alike(x: Record, y: Record) -> float:
        return sum(_text(x[f]) == _text(y[f]) for f in ("period_value", "annual_value")) / 2

    pairs, gone, came = _match(a, b, _indicator_key, alike)
    pairs += [(x, None) for x in gone] + [(None, y) for y in came]  # type: ignore[list-item]
    for x, y in pairs:
        for f in ("period_value", "annual_value"):
            old, new = _text(x[f]) if x else "", _text(y[f]) if y else ""
            if old != new:
                name = _text((x or y)["indicator"])  # type: ignore[index]
                out.append(_row("target_changed", unit, project, old_project, name, f, old, new))


def changes(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], unknown_units: str = "refuse") -> pd.DataFrame:
    """Every change from ``old`` to ``new`` (see the module docstring).  Where one side's table prints no
    amount unit and the other's does, ``unknown_units="refuse"`` raises ``DiffError``; ``"skip"`` leaves
    their amounts uncompared (no ``amount_changed`` rows for them; every other change is listed)."""
    if unknown_units not in ("refuse", "skip"):
        raise ValueError(f"unknown_units must be 'refuse' or 'skip', got {unknown_units!r}")
    out: list[dict] = []
    units_o, units_n = _records(old["units"]), _records(new["units"])

    def where(r: Record) -> tuple:
        return (_text(r.get("department")), _text(r["unit"]))

    pairs, gone, came = _match(units_o, units_n, where, _amount_likeness)
    for a, b in pairs:
        _amounts(out, _text(b["unit"]), "", "", a, b, unknown_units)
    for a in gone:
        out.append(_row("removed", _text(a["unit"]), field="total", old=a["total"], amount_unit=_unit(a)))
    for b in came:
        out.append(_row("added", _text(b["unit"]), field="total", new=b["total"], amount_unit=_unit(b)))

    projects_o, projects_n = _records(old["projects"]), _records(new["projects"])
    ind_o = _grouped(_records(old["indicators"]), lambda i: (i["project_id"],))
    ind_n = _grouped(_records(new["indicators"]), lambda i: (i["project_id"],))

    def inds_o(r: Record) -> list[Record]:
        return ind_o.get((r["project_id"],), [])

    def inds_n(r: Record) -> list[Record]:
        return ind_n.get((r["project_id"],), [])

    pairs, gone, came = _match(projects_o, projects_n, lambda r: (*where(r), _text(r["project"])),
                               lambda a, b: _content(a, b, inds_o(a), inds_n(b)))
    for a, b in pairs:
        _amounts(out, _text(b["unit"]), _text(b["project"]), "", a, b, unknown_units)
        _targets(out, _text(b["unit"]), _text(b["project"]), "", inds_o(a), inds_n(b))

    # renamed: a project gone and one come in the same unit, alike in goal, indicator names and amount
    names_o = {id(a): {_text(i["indicator"]) for i in inds_o(a) if i["indicator"]} for a in gone}
    names_n = {id(b): {_text(i["indicator"]) for i in inds_n(b) if i["indicator"]} for b in came}
    ranked = sorted(((score, -k, -m, a, b) for k, a in enumerate(gone) for m, b in enumerate(came)
                     if where(a) == where(b)
                     and (score := _likeness(a, b, names_o[id(a)], names_n[id(b)])) >= RENAME_SCORE),
                    key=lambda t: t[:3], reverse=True)
    renamed: list[tuple[Record, Record]] = []
    used: set[int] = set()
    for *_, a, b in ranked:
        if id(a) not in used and id(b) not in used:
            used |= {id(a), id(b)}
            renamed.append((a, b))
    for a, b in renamed:
        unit, project, old_project = _text(b["unit"]), _text(b["project"]), _text(a["project"])
        out.append(_row("renamed", unit, project, old_project))
        _amounts(out, unit, project, old_project, a, b, unknown_units)
        _targets(out, unit, project, old_project, inds_o(a), inds_n(b))
    for a in gone:
        if id(a) not in used:
            out.append(_row("removed", _text(a["unit"]), _text(a["project"]), field="total", old=a["total"],
                            amount_unit=_unit(a)))
    for b in came:
        if id(b) not in used:
            out.append(_row("added", _text(b["unit"]), _text(b["project"]), field="total", new=b["total"],
                            amount_unit=_unit(b)))
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


def _years(side: dict[str, pd.DataFrame]) -> list[int]:
    years = pd.concat([side["units"].get("year", pd.Series(dtype="Int64")),
                       side["projects"].get("year", pd.Series(dtype="Int64"))]).dropna()
    return sorted({int(y) for y in years})


def _departments(side: dict[str, pd.DataFrame]) -> list[str]:
    return sorted({d for name in ("projects", "units")
                   for d in side[name].get("department", pd.Series(dtype="string")).dropna()})


def check_sides(old: str | Path, new: str | Path, a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    """``DiffError`` when the two sides cannot be compared as OLD and NEW: other departments, more than one
    year on a side, or OLD later than NEW."""
    da, db = _departments(a), _departments(b)
    if da != db:
        raise DiffError(f"not the same department: {old} is {'、'.join(da) or '(none named)'}, "
                        f"{new} is {'、'.join(db) or '(none named)'}")
    ya, yb = _years(a), _years(b)
    for path, years in ((old, ya), (new, yb)):
        if len(years) > 1:
            raise DiffError(f"{path} holds tables of {len(years)} years ({', '.join(map(str, years))}): give one "
                            "year on each side")
    if ya and yb and ya[0] > yb[0]:
        raise DiffError(f"OLD is later than NEW: {old} is {ya[0]}, {new} is {yb[0]}; give the earlier year first "
                        f"(budgetlib diff {new} {old} …)")


def diff(old: str | Path, new: str | Path) -> pd.DataFrame:
    """``changes`` between two sides of the same department, OLD no later than NEW (``DiffError`` when they
    cannot be compared: see the module docstring)."""
    a, b = load_side(old), load_side(new)
    check_sides(old, new, a, b)
    try:
        return changes(a, b)
    except DiffError as exc:
        raise DiffError(f"{old} and {new}: {exc}") from None


__all__ = ["COLUMNS", "DiffError", "changes", "check_sides", "diff", "load_side"]
