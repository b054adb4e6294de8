"""Many departments and years: the overview by department and year, findings per department, tables
narrowed to one department, and the year-over-year changes within the corpus."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pandas as pd

from .amounts import in_wan

SEVERITIES = ("error", "warning", "info")


def departments(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The departments of the tables, in the order they come."""
    seen = list(dict.fromkeys(tables["units"]["department"].fillna("（未注明部门）")))
    return seen


def narrow(tables: dict[str, pd.DataFrame], department: str | None) -> dict[str, pd.DataFrame]:
    """The tables of one department (all when ``department`` is None); findings by their project or unit."""
    if not department:
        return tables
    out = {}
    for name, df in tables.items():
        if "department" in df.columns:
            out[name] = df[df["department"].fillna("（未注明部门）") == department]
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
        years = list(dict.fromkeys(mine["units"]["year"]))
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
    size = {name: in_wan(p["units"]).loc[lambda u: u["unit"] == "合计", "total"].sum() for name, p in parts}
    ranked = sorted(size, key=lambda n: -float(size[n] or 0))
    return [name for name, _ in parts if name in set(ranked[keep:])]


def finding_departments(findings: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The department of each finding: its project's, else its unit's in the same file, else its file's."""
    by_project = tables["projects"].set_index("project_id")["department"]
    units = tables["units"].drop_duplicates(["source", "unit"]).set_index(["source", "unit"])["department"]
    by_source = tables["units"].drop_duplicates("source").set_index("source")["department"]
    out = []
    for _, f in findings.iterrows():
        dept = by_project.get(f["project_id"]) if isinstance(f["project_id"], str) and f["project_id"] else None
        if dept is None or pd.isna(dept):
            dept = units.get((f["source"], f["unit"]), by_source.get(f["source"]))
        out.append("（未注明部门）" if dept is None or pd.isna(dept) else dept)
    return pd.Series(out, index=findings.index, dtype="string")


def _of(df: pd.DataFrame, department: str, year: object) -> pd.DataFrame:
    """The rows of ``df`` of one department and year (a missing year matches a missing year)."""
    years = df["year"].astype("Float64").fillna(-1)
    return df[(df["department"] == department) & (years == (-1 if pd.isna(year) else year))]


def overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One line per department and year: the printed 合计 (万元), files, units, projects, indicators and
    findings of each severity."""
    units, findings = in_wan(tables["units"]), tables["findings"]
    years = units.drop_duplicates("source").set_index("source")["year"]
    f = findings.assign(department=finding_departments(findings, tables), year=findings["source"].map(years))
    rows = []
    for dept, year in units[["department", "year"]].drop_duplicates().itertuples(index=False):
        u, found = _of(units, dept, year), _of(f, dept, year)
        rows.append({"department": dept, "year": year, "合计（万元）": u.loc[u["unit"] == "合计", "total"].sum(),
                     "files": u["source"].nunique(), "units": int((u["unit"] != "合计").sum()),
                     "projects": len(_of(tables["projects"], dept, year)),
                     "indicators": len(_of(tables["indicators"], dept, year)),
                     **{s: int((found["severity"] == s).sum()) for s in SEVERITIES}})
    return pd.DataFrame(rows).sort_values(["department", "year"]).reset_index(drop=True)


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
    u = tables["units"].dropna(subset=["year"])
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
    "by_department",
    "departments",
    "finding_departments",
    "findings_by_department",
    "largest",
    "narrow",
    "overview",
    "year_over_year",
    "year_pairs",
]
