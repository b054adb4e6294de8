"""Tables an analyst reads: reconciliation of the totals and the findings, grouped."""

from __future__ import annotations

import pandas as pd

from .amounts import AMOUNT_FIELDS, AMOUNT_LABELS

_ORDER = {"error": 0, "warning": 1, "info": 2}


def reconcile(units: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Per source, department and unit: printed 总计 vs the sum of its projects (合计 vs the sum of the
    units); a compilation's departments are reconciled apart."""
    rows = []
    for (source, dept), u in units.groupby(["source", "department"], sort=False, dropna=False):
        p = projects[(projects["source"] == source)
                     & (projects["department"].isna() if pd.isna(dept) else projects["department"] == dept)]
        real_units = u[u["unit"] != "合计"]
        for _, unit in u.iterrows():
            if unit["unit"] == "合计":
                parts, what = (real_units, "units") if len(real_units) else (p, "projects")
            else:
                parts, what = p[p["unit"] == unit["unit"]], "projects"
            for f in AMOUNT_FIELDS:
                printed = unit[f]
                added = parts[f].sum(min_count=1)
                if pd.isna(printed) and pd.isna(added):
                    continue
                diff = round((0 if pd.isna(printed) else printed) - (0 if pd.isna(added) else added), 2)
                rows.append({"source": source, "department": dept, "unit": unit["unit"], "column": AMOUNT_LABELS[f],
                             "printed": printed,
                             "sum_of_parts": round(added, 2) if pd.notna(added) else added,
                             "parts": f"{len(parts)} {what}", "difference": diff, "agrees": diff == 0})
    return pd.DataFrame(rows, columns=["source", "department", "unit", "column", "printed", "sum_of_parts", "parts",
                                       "difference", "agrees"])


def overview(projects: pd.DataFrame, units: pd.DataFrame, indicators: pd.DataFrame,
             findings: pd.DataFrame) -> pd.DataFrame:
    """One line per source and department (a compilation has several): the year, the printed 合计, how
    many units, projects, indicators and findings of each severity."""
    from .corpus import finding_departments

    tables = {"projects": projects, "units": units, "indicators": indicators, "findings": findings}
    f = findings.assign(department=finding_departments(findings, tables))
    rows = []
    for (source, dept), p in projects.groupby(["source", "department"], sort=False, dropna=False):
        def mine(df: pd.DataFrame, source: str = source, dept: object = dept) -> pd.DataFrame:
            same = df["department"].isna() if pd.isna(dept) else df["department"] == dept
            return df[(df["source"] == source) & same]

        u, ff = mine(units), mine(f)
        total = u.loc[u["unit"] == "合计", "total"]
        rows.append({
            "source": source, "department": dept, "year": p["year"].iloc[0] if "year" in p.columns else None,
            "合计": total.iloc[0] if len(total) else p["total"].sum(),
            "amount_unit": p["amount_unit"].iloc[0] if "amount_unit" in p.columns else "",
            "units": int((u["unit"] != "合计").sum()), "projects": len(p), "indicators": len(mine(indicators)),
            **{severity: int((ff["severity"] == severity).sum()) for severity in ("error", "warning", "info")},
        })
    return pd.DataFrame(rows)


def findings_summary(findings: pd.DataFrame) -> pd.DataFrame:
    """How many findings of each check and severity, worst first."""
    if findings.empty:
        return pd.DataFrame(columns=["check", "severity", "count"])
    out = findings.groupby(["check", "severity"]).size().rename("count").reset_index()
    return out.sort_values(["severity", "count"], key=lambda s: s.map(_ORDER) if s.name == "severity" else -s
                           ).reset_index(drop=True)


def findings_of(findings: pd.DataFrame, check: str) -> pd.DataFrame:
    cols = ["source", "page", "unit", "project", "seq", "field", "expected", "actual", "message"]
    return findings.loc[findings["check"] == check, cols].reset_index(drop=True)


def taxonomy_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators per (level-1, level-2) pair as printed, with counts."""
    return (indicators.assign(level1=indicators["level1_code"].astype("string") + "-" + indicators["level1"],
                              level2=indicators["level2_code"].astype("string") + "-" + indicators["level2"])
            .groupby(["level1", "level2"]).size().rename("indicators").reset_index())


__all__ = ["findings_of", "findings_summary", "overview", "reconcile", "taxonomy_table"]
