"""Many departments, years, cities and layouts: the overview by department and year, findings per
department, tables narrowed to one department, and the year-over-year changes within the corpus.

Departments and years come from every table that names them — ``units`` (the seed's tables), ``projects``
(every layout's) and ``department_targets`` — so a corpus of forms, indicator lists and department-level
tables is overviewed as one of the seed's; a department's spending is its printed 合计 where its tables print
one, else the sum of its projects (said so in the overview's ``合计来自`` column)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pandas as pd

from .amounts import in_wan

SEVERITIES = ("error", "warning", "info")
UNNAMED = "（未注明部门）"
# the city a department belongs to, from its printed name (北京市…, 广州市荔湾区…, 229_烟台市…, 中共北京市委…)
_CITY = re.compile(r"^(?:\d+[_\s-]*)?(?:中共|中国共产党)?([\u4e00-\u9fff]{2,7}?(?:市|自治州|地区|盟))")
_NAMED = ("units", "projects", "department_targets")


def city_of(department: str | None) -> str:
    """The city (or prefecture) a department's printed name begins with; "" when it names none."""
    m = _CITY.match(department or "")
    return m.group(1) if m else ""


def index(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """(source, department, year) of every table row that names them, once each, in the order they come."""
    parts = [tables[n].reindex(columns=["source", "department", "year"]) for n in _NAMED
             if n in tables and {"source", "department"} <= set(tables[n].columns)]  # an older folder: no year
    if not parts:
        return pd.DataFrame(columns=["source", "department", "year"])
    out = pd.concat(parts, ignore_index=True)
    out["department"] = out["department"].fillna(UNNAMED)
    return out.drop_duplicates().reset_index(drop=True)


def departments(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The departments of the tables, in the order they come."""
    return list(dict.fromkeys(index(tables)["department"]))


def narrow(tables: dict[str, pd.DataFrame], department: str | None) -> dict[str, pd.DataFrame]:
    """The tables of one department (all when ``department`` is None); findings by their project or unit."""
    if not department:
        return tables
    out = {}
    for name, df in tables.items():
        if "department" in df.columns:
            out[name] = df[df["department"].fillna(UNNAMED) == department]
        elif name == "findings":
            out[name] = df[finding_departments(df, tables) == department]
        else:
            out[name] = df
    return out


def by_department(tables: dict[str, pd.DataFrame], department: str | None = None
                  ) -> Iterator[tuple[str, dict[str, pd.DataFrame]]]:
    """Each department's tables in turn, a year at a time when it has several (only ``department``'s when
    given): charts never mix two departments' units, nor add up two years."""
    for name in [department] if department else departments(tables):
        mine = narrow(tables, name)
        years = list(dict.fromkeys(index(mine)["year"]))
        if len(years) <= 1:
            yield name, mine
            continue
        for year in years:
            yield f"{name}（{year}年）", {k: _of(df, name, year) if "year" in df.columns else df
                                          for k, df in mine.items()}


def largest(parts: list[tuple[str, dict[str, pd.DataFrame]]], keep: int) -> list[str]:
    """The names of the parts (``by_department``) beyond the ``keep`` largest by their printed 合计 (万元)."""
    if len(parts) <= keep:
        return []
    size = {name: spending(p)[0] for name, p in parts}
    ranked = sorted(size, key=lambda n: -float(size[n] or 0))
    return [name for name, _ in parts if name in set(ranked[keep:])]


def finding_departments(findings: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The department of each finding: its project's, else its unit's in the same file, else its file's."""
    by_project = tables["projects"].set_index("project_id")["department"]
    units = tables["units"].drop_duplicates(["source", "unit"]).set_index(["source", "unit"])["department"]
    by_source = index(tables).drop_duplicates("source").set_index("source")["department"]
    out = []
    for _, f in findings.iterrows():
        dept = by_project.get(f["project_id"]) if isinstance(f["project_id"], str) and f["project_id"] else None
        if dept is None or pd.isna(dept):
            dept = units.get((f["source"], f["unit"]), by_source.get(f["source"]))
        out.append(UNNAMED if dept is None or pd.isna(dept) else dept)
    return pd.Series(out, index=findings.index, dtype="string")


def _of(df: pd.DataFrame, department: str, year: object) -> pd.DataFrame:
    """The rows of ``df`` of one department and year (a missing year matches a missing year)."""
    years = df["year"].astype("Float64").fillna(-1)
    return df[(df["department"] == department) & (years == (-1 if pd.isna(year) else year))]


def spending(tables: dict[str, pd.DataFrame]) -> tuple[float, str]:
    """The tables' spending in 万元 and where it comes from: their printed 合计 where they print one, else the
    sum of their projects (forms and indicator lists print no 合计)."""
    units = in_wan(tables["units"]) if "units" in tables else pd.DataFrame(columns=["unit", "total"])
    totals = units[units["unit"] == "合计"]
    if not totals.empty:
        return float(totals["total"].sum()), "合计"
    projects = in_wan(tables["projects"]) if "projects" in tables else pd.DataFrame(columns=["total"])
    return float(projects["total"].sum()), "项目之和" if not projects.empty else ""


def overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One line per department and year: its city, the layouts its tables are printed in, its spending (万元:
    the printed 合计, else its projects' sum, and which), files, units, projects, indicators, department-level
    targets and findings of each severity."""
    findings = tables["findings"]
    years = index(tables).drop_duplicates("source").set_index("source")["year"]
    f = findings.assign(department=finding_departments(findings, tables), year=findings["source"].map(years))
    rows = []
    for dept, year in index(tables)[["department", "year"]].drop_duplicates().itertuples(index=False):
        mine = {k: _of(df, dept, year) for k, df in tables.items() if {"department", "year"} <= set(df.columns)}
        total, where = spending(mine)
        files = set().union(*(set(df["source"]) for df in mine.values() if "source" in df.columns))
        layouts = sorted(set(mine["projects"]["layout"].dropna()) if "layout" in mine.get("projects", {}) else set())
        if not mine.get("department_targets", pd.DataFrame()).empty:
            layouts.append("department")
        found = _of(f, dept, year)
        rows.append({"city": city_of(dept), "department": dept, "year": year, "layouts": "、".join(layouts),
                     "合计（万元）": total, "合计来自": where, "files": len(files),
                     "units": int((mine["units"]["unit"] != "合计").sum()) if "units" in mine else 0,
                     "projects": len(mine.get("projects", ())), "indicators": len(mine.get("indicators", ())),
                     "department_targets": len(mine.get("department_targets", ())),
                     **{s: int((found["severity"] == s).sum()) for s in SEVERITIES}})
    columns = ["city", "department", "year", "layouts", "合计（万元）", "合计来自", "files", "units", "projects",
               "indicators", "department_targets", *SEVERITIES]
    return pd.DataFrame(rows, columns=columns).sort_values(["city", "department", "year"]).reset_index(drop=True)


def findings_by_department(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings per department and check."""
    f = tables["findings"]
    if f.empty:
        return pd.DataFrame(columns=["department", "check", "severity", "count"])
    return (f.assign(department=finding_departments(f, tables)).groupby(["department", "check", "severity"])
            .size().rename("count").reset_index().sort_values(["department", "count"], ascending=[True, False])
            .reset_index(drop=True))


def year_pairs(tables: dict[str, pd.DataFrame]) -> list[tuple[str, int, int]]:
    """(department, year, next year) for every department with tables of two or more years."""
    u = index(tables).dropna(subset=["year"])
    out = []
    for dept, g in u.groupby("department"):
        years = sorted(int(y) for y in g["year"].unique())
        out += [(dept, a, b) for a, b in itertools.pairwise(years)]
    return out


def year_over_year(tables: dict[str, pd.DataFrame], department: str, old: int, new: int) -> pd.DataFrame:
    """``diff.changes`` between two years of one department within the corpus.  Amounts of a table that
    prints no unit are not compared with those of one that does (its ``amount_unit_unknown`` finding says
    why); every other change is listed."""
    from .diff import changes

    mine = narrow(tables, department)

    def year(y: int) -> dict[str, pd.DataFrame]:
        return {k: df[df["year"] == y] if "year" in df.columns else df for k, df in mine.items()}

    return changes(year(old), year(new), unknown_units="skip")


__all__ = [
    "UNNAMED",
    "by_department",
    "city_of",
    "departments",
    "finding_departments",
    "findings_by_department",
    "index",
    "largest",
    "narrow",
    "overview",
    "spending",
    "year_over_year",
    "year_pairs",
]
