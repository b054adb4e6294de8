"""The reviewer's tables: ``review_indicators`` (every target value classified, with its reason and family)
and ``review_projects`` (per project: measurable share, whether it has 产出, 效益 and 满意度 indicators,
satisfaction targets set low, and the review points in plain Chinese — or English with ``lang="en"``).
Thresholds are data (``resources/review/checklist.toml``)."""

from __future__ import annotations

import functools
import tomllib

import pandas as pd

from ..config import RESOURCES_DIR
from ..messages import say
from ..taxonomy import norm
from ..values import parse_value
from .families import ACTIVITY, UNMAPPED, family
from .targets import classify

REVIEW_INDICATOR_COLUMNS = ["project_id", "unit", "project", "seq", "indicator", "annual_value", "class", "reason",
                            "source", "department", "level1", "level2", "family", "rule"]
REVIEW_PROJECT_COLUMNS = ["project_id", "source", "department", "unit", "project", "total", "amount_unit",
                          "indicators", "measurable", "measurable_share", "has_output", "has_benefit",
                          "has_satisfaction", "has_cost", "low_satisfaction", "review_points", "points"]
OUTPUT_TYPES = {"产出", "成本"}  # 产出 (数量/质量/时效/成本); 成本 is its own level 1 in 财预〔2021〕101号


@functools.cache
def thresholds() -> dict[str, float]:
    with open(RESOURCES_DIR / "review" / "checklist.toml", "rb") as fh:
        return tomllib.load(fh)


def review_indicators(indicators: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per indicator: its 年度指标值 classified (measurable, graded, vague, unreadable, unclassified),
    the reason, and the family of its name."""
    ind = indicators.reset_index(drop=True)
    classified = [classify(v if isinstance(v, str) else "", lang) for v in ind["annual_value"]]
    # plain Python over the values: a column may be entirely empty (every item of a table unparsed), and
    # pandas' string methods on an all-null Arrow column do not take a fill value
    names = [n if isinstance(n, str) else None for n in ind["indicator"].astype(object)]
    raws = [r if isinstance(r, str) else None for r in ind["raw"].astype(object)]
    out = pd.DataFrame({
        "project_id": ind["project_id"], "unit": ind["unit"], "project": ind["project"], "seq": ind["seq"],
        "indicator": [n if n is not None else r for n, r in zip(names, raws)], "annual_value": ind["annual_value"],
        "class": [c.cls for c in classified], "reason": [c.reason for c in classified],
        "source": ind["source"], "department": ind["department"], "level1": ind["level1"],
        "level2": ind["level2"], "family": [family(n) if n is not None else UNMAPPED for n in names],
        "rule": [c.rule for c in classified],
    }, columns=REVIEW_INDICATOR_COLUMNS)
    out["point"] = [c.point for c in classified]  # internal: which review point the value raises
    return out


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The rows of ``df`` as dicts of ``columns`` (missing values as None): plain Python, fast to loop."""
    values = [df[c].astype(object).where(df[c].notna(), None).tolist() for c in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _low_satisfaction(rows: list[dict], floor: float) -> list[tuple[str, str]]:
    out = []
    for r in rows:
        is_sat = r["family"] == "满意度" or norm(_text(r["level1"])) == "满意度"
        value = parse_value(_text(r["annual_value"]))
        if is_sat and value.kind == "percent" and value.number is not None and value.number < floor \
                and value.comparator not in ("≤", "<"):
            out.append((_text(r["indicator"]), _text(r["annual_value"])))
    return out


def _points(goal: str, rows: list[dict], types: set[str], low: list, lang: str, limits: dict) -> list[str]:
    points = []
    if not goal:
        points.append(say("review.no_goal", lang))
    if not rows:
        return [*points, say("review.no_indicators", lang)]
    if not types & OUTPUT_TYPES:
        points.append(say("review.no_output", lang))
    if "效益" not in types:
        points.append(say("review.no_benefit", lang))
    if "满意度" not in types:
        points.append(say("review.no_satisfaction", lang))
    if len(rows) < limits["min_indicators"]:
        points.append(say("review.few_indicators", lang, n=len(rows), min=limits["min_indicators"]))
    measurable = sum(r["class"] == "measurable" for r in rows)
    if measurable / len(rows) < limits["min_measurable_share"]:
        points.append(say("review.low_share", lang, share=measurable / len(rows), measurable=measurable,
                          total=len(rows)))
    points += [say(f"review.{r['point']}", lang, indicator=_text(r["indicator"]), value=_text(r["annual_value"]))
               for r in rows if r["point"]]
    points += [say("review.low_satisfaction", lang, floor=limits["satisfaction_floor"], indicator=i, value=v)
               for i, v in low]
    points += [say("review.activity", lang, indicator=_text(r["indicator"])) for r in rows if r["family"] == ACTIVITY]
    return points


def review_projects(projects: pd.DataFrame, reviewed: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per project from ``projects`` and its ``review_indicators`` rows: the reviewer's checklist."""
    limits = thresholds()
    by_project: dict[str, list[dict]] = {}
    for r in _records(reviewed, ["project_id", "level1", "level2", "family", "annual_value", "indicator", "class",
                                 "point"]):
        by_project.setdefault(r["project_id"], []).append(r)
    records = []
    for p in _records(projects, ["project_id", "source", "department", "unit", "project", "amount_unit", "goal"]):
        rows = by_project.get(p["project_id"], [])
        level1 = {norm(r["level1"]) for r in rows if isinstance(r["level1"], str)}
        level2 = {norm(r["level2"]) for r in rows if isinstance(r["level2"], str)}
        types = level1 | ({"成本"} if "成本" in level2 else set())
        low = _low_satisfaction(rows, limits["satisfaction_floor"])
        points = _points(_text(p["goal"]), rows, types, low, lang, limits)
        measurable = sum(r["class"] == "measurable" for r in rows)
        records.append({
            "project_id": p["project_id"], "source": p["source"], "department": p["department"], "unit": p["unit"],
            "project": p["project"], "total": None, "amount_unit": p["amount_unit"], "indicators": len(rows),
            "measurable": measurable, "measurable_share": round(measurable / len(rows), 4) if rows else None,
            "has_output": bool(types & OUTPUT_TYPES), "has_benefit": "效益" in types,
            "has_satisfaction": "满意度" in types, "has_cost": "成本" in types,
            "low_satisfaction": "；".join(f"{i}{v}" for i, v in low), "review_points": "；".join(points),
            "points": len(points),
        })
    out = pd.DataFrame.from_records(records, columns=REVIEW_PROJECT_COLUMNS)
    out["total"] = projects["total"].reset_index(drop=True)  # exact decimals, as extracted
    return out.astype({"indicators": "Int64", "measurable": "Int64", "points": "Int64",
                       "measurable_share": "float64", "has_output": "boolean", "has_benefit": "boolean",
                       "has_satisfaction": "boolean", "has_cost": "boolean"})


def review(projects: pd.DataFrame, indicators: pd.DataFrame, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Both review tables, as ``budgetlib extract`` writes them."""
    from ..tables import typed

    reviewed = review_indicators(indicators, lang)
    return {"review_indicators": typed(reviewed.drop(columns="point")),  # the same dtypes whatever the rows
            "review_projects": typed(review_projects(projects, reviewed, lang))}


__all__ = ["REVIEW_INDICATOR_COLUMNS", "REVIEW_PROJECT_COLUMNS", "review", "review_indicators", "review_projects",
           "thresholds"]
