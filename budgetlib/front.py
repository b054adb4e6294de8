"""The front page of ``report.html``: what the tables hold and what is wrong with them, in one screen.

Per department and year: the pages in doubt (first, and red when there are any), the printed 合计, units,
projects, indicators, the measurable share of the targets, findings by severity and the files; above it
the files that could not be read and the pages in doubt; then a table of contents of the notebooks'
sections and, for several departments or years (up to ``MAX_CHARTED``), charts.  Built from whatever
tables the processed folder holds: a table or column missing (an older folder, another layout) leaves its
column out, it does not fail.  Every text from a PDF is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

UNKNOWN_DEPARTMENT = "（未注明部门）"
DOUBT_CHECKS = ("extraction_doubt", "ocr_doubt")
SEVERITIES = ("error", "warning", "info")
# tables the columns below come from; any other table with a department column is counted in a column of its own
_KNOWN = {"projects", "units", "indicators", "findings", "review_indicators", "review_projects", "sources", "log"}
TABLE_LABELS = {"department_targets": "部门整体目标"}
COLUMNS = {"doubt": "存疑页", "department": "部门", "year": "年度", "total": "合计", "amount_unit": "金额单位",
           "units": "单位", "projects": "项目", "indicators": "指标", "measurable": "可衡量", "error": "错误",
           "warning": "警告", "info": "提示", "files": "文件", "layout": "版式"}


@dataclass(frozen=True)
class Section:
    """A heading of a notebook, and the anchor the combined report puts before it."""

    anchor: str
    title: str
    level: int  # 1: the notebook's title, 2: a section of it
    notebook: str


def _layout_name(name: str) -> str:
    """A layout's short name in words (its id when the registry does not know it)."""
    from .layouts import LAYOUTS

    layout = LAYOUTS.get(name)
    return getattr(layout, "short", name) if layout is not None else name


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _years_by_source(tables: dict[str, pd.DataFrame]) -> dict[str, object]:
    years: dict[str, object] = {}
    for df in tables.values():
        if {"source", "year"} <= set(df.columns):
            for source, year in df[["source", "year"]].drop_duplicates("source").itertuples(index=False):
                years.setdefault(source, year)
    return years


def _keys(df: pd.DataFrame, tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """``df``'s department (its own, else its project's or unit's, else its file's) and year (its own, else
    its project's, else its file's)."""
    if name == "findings" and {"projects", "units"} <= set(tables) and len(df):
        from .corpus import finding_departments

        dept = finding_departments(df, tables)
    elif "department" in df.columns:
        dept = df["department"]
    else:
        by_source = {}
        for other in tables.values():
            if {"source", "department"} <= set(other.columns):
                for s, d in other[["source", "department"]].drop_duplicates("source").itertuples(index=False):
                    by_source.setdefault(s, d)
        dept = df["source"].map(by_source) if "source" in df.columns else pd.Series(None, index=df.index)
    if "year" in df.columns:
        year = df["year"]
    else:
        projects = tables.get("projects")
        by_project = (projects.drop_duplicates("project_id").set_index("project_id")["year"]
                      if projects is not None and {"project_id", "year"} <= set(projects.columns) else {})
        by_source = _years_by_source(tables)
        year = pd.Series([by_project.get(p) if isinstance(p, str) and p in by_project else by_source.get(s)
                          for p, s in zip(df.get("project_id", pd.Series(None, index=df.index)),
                                          df.get("source", pd.Series(None, index=df.index)))], index=df.index)
    dept = pd.Series([UNKNOWN_DEPARTMENT if not _text(d) else str(d) for d in dept], index=df.index, dtype=object)
    year = pd.Series([None if not _text(y) else int(y) for y in year], index=df.index, dtype=object)
    return pd.DataFrame({"department": dept, "year": year}, index=df.index)


def _groups(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each table (with rows) and its department and year."""
    out = {}
    for name, df in tables.items():
        if name in ("sources", "log") or not len(df):
            continue
        out[name] = pd.concat([df.reset_index(drop=True), _keys(df.reset_index(drop=True), tables, name)
                               .add_prefix("_")], axis=1)
    return out


def _total(units: pd.DataFrame | None, projects: pd.DataFrame | None) -> tuple[str, str]:
    """The printed 合计 of a department and year, exactly, per amount unit (the sum of its projects when
    its table prints no 合计 row), and the unit(s)."""
    rows, suffix = None, ""
    if units is not None and len(units) and "total" in units.columns:
        rows = units[units["unit"] == "合计"] if "unit" in units.columns else units.iloc[:0]
    if (rows is None or not len(rows)) and projects is not None and len(projects) and "total" in projects.columns:
        rows, suffix = projects, "（项目之和）"
    if rows is None or not len(rows):
        return "", ""
    sums: dict[str, Decimal] = {}
    unit_col = rows["amount_unit"] if "amount_unit" in rows.columns else pd.Series("", index=rows.index)
    for amount, unit in zip(rows["total"], unit_col):
        if _text(amount):
            sums[_text(unit)] = sums.get(_text(unit), Decimal(0)) + Decimal(str(amount))
    text = " + ".join(f"{v:,.2f}" + (f" {u}" if len(sums) > 1 else "") for u, v in sums.items())
    units_text = "、".join(u or "未印单位" for u in sums)
    return text + suffix, units_text


def _doubt_text(rows: pd.DataFrame) -> str:
    if not len(rows):
        return ""
    parts = []
    for source, g in rows.groupby("source", sort=True):
        pages = sorted({int(p) for p in g["page"] if _text(p)})
        parts.append(f"{source} 第 {'、'.join(map(str, pages))} 页" if pages else str(source))
    return "；".join(parts)


def summary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per department and year, in ``COLUMNS``' words; rows with pages in doubt first."""
    g = _groups(tables)
    # each table's rows per (department, year): -1 stands for a year not known
    parts = {name: dict(iter(df.assign(_year=df["_year"].map(lambda y: -1 if y is None else y))
                                .groupby(["_department", "_year"], sort=False)))
             for name, df in g.items()}
    keys = sorted({k for by in parts.values() for k in by})

    def of(name: str, key: tuple) -> pd.DataFrame | None:
        by = parts.get(name)
        if by is None:
            return None
        return by.get(key, g[name].iloc[:0])

    rows = []
    for key in keys:
        units, projects, indicators = of("units", key), of("projects", key), of("indicators", key)
        findings, reviewed = of("findings", key), of("review_indicators", key)
        total, amount_unit = _total(units, projects)
        row: dict[str, object] = {
            "doubt": _doubt_text(findings[findings["check"].isin(DOUBT_CHECKS)]) if findings is not None else "",
            "department": key[0], "year": None if key[1] == -1 else key[1], "total": total, "amount_unit": amount_unit,
        }
        if units is not None or "units" in tables:
            row["units"] = int((units["unit"] != "合计").sum()) if units is not None else 0
        row["projects"] = len(projects) if projects is not None else 0
        row["indicators"] = len(indicators) if indicators is not None else 0
        if "review_indicators" in tables:
            n = len(reviewed) if reviewed is not None else 0
            row["measurable"] = (f"{(reviewed['class'] == 'measurable').sum() / n:.0%}"
                                 if n and "class" in reviewed.columns else "")
        for severity in SEVERITIES:
            row[severity] = int((findings["severity"] == severity).sum()) if findings is not None else 0
        files = set()
        for part in (units, projects):
            if part is not None and "source" in part.columns:
                files |= set(part["source"].dropna())
        row["files"] = len(files)
        if "projects" in tables and "layout" in tables["projects"].columns:
            row["layout"] = "、".join(sorted({_layout_name(_text(v)) for v in projects["layout"]} - {""})) \
                if projects is not None else ""
        for name in tables:
            if name not in _KNOWN and name in g and "department" in tables[name].columns:
                part = of(name, key)
                row[name] = len(part) if part is not None else 0
        rows.append(row)
    out = pd.DataFrame(rows)
    if not len(out):
        return pd.DataFrame(columns=[COLUMNS[c] for c in ("doubt", "department", "year", "total", "projects")])
    out = out.sort_values("doubt", key=lambda s: s.eq(""), kind="stable").reset_index(drop=True)
    out["year"] = out["year"].map(lambda y: "" if y is None else str(y))
    return out.rename(columns={**COLUMNS, **TABLE_LABELS})


def doubts_and_failures(tables: dict[str, pd.DataFrame], sources: pd.DataFrame | None) -> tuple[list[str], list[str]]:
    """The pages in doubt (a line per file) and the files that could not be read (a line each)."""
    findings = tables.get("findings")
    doubts = []
    if findings is not None and len(findings):
        rows = findings[findings["check"].isin(DOUBT_CHECKS)]
        for source, g in rows.groupby("source", sort=True):
            kinds = "、".join(sorted({"抽取" if c == "extraction_doubt" else "OCR" for c in g["check"]}))
            pages = "、".join(str(p) for p in sorted({int(p) for p in g["page"] if _text(p)}))
            doubts.append(f"{source}：第 {pages} 页（{kinds}存疑）")
    failed = []
    if sources is not None and len(sources) and "status" in sources.columns:
        for r in sources[sources["status"] == "error"].itertuples():
            failed.append(f"{r.source}：{_text(getattr(r, 'reason', ''))}")
    return doubts, failed


def _static_table(df: pd.DataFrame, caption: str) -> str:
    doubt = COLUMNS["doubt"]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            value = _text(r[c])
            classes = ["text"] if c in (doubt, COLUMNS["department"], COLUMNS["layout"]) else []
            if c == doubt and value:
                classes.append("doubt")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{cls}>{html.escape(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table class="budgetlib-summary"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>")


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode("ascii")}">'


MAX_CHARTED = 40  # department-years: more are read faster in the (sortable) table than in a chart


def charts(tables: dict[str, pd.DataFrame], table: pd.DataFrame) -> list[str]:
    """For several departments or years (up to ``MAX_CHARTED``): their 合计, findings by severity and
    measurable share, as PNG ``<img>`` tags (nothing else)."""
    if not 2 <= len(table) <= MAX_CHARTED:
        return []
    with warnings.catch_warnings():  # matplotlib's layout remarks are not the reader's business
        warnings.simplefilter("ignore", UserWarning)
        return _charts(tables, table)


def _charts(tables: dict[str, pd.DataFrame], table: pd.DataFrame) -> list[str]:
    from . import charts as ch

    out = []
    if {"units", "projects", "findings"} <= set(tables):
        from . import corpus

        spending = corpus.overview(tables)
        if len(spending) > 1 and spending["合计（万元）"].any():
            out.append(_png(ch.spending_by_department(spending)))
    labels = [f"{d}（{y}年）" if y else str(d) for d, y in zip(table[COLUMNS["department"]], table[COLUMNS["year"]])]
    counts = pd.DataFrame({s: list(table[COLUMNS[s]]) for s in SEVERITIES}, index=labels)
    if counts.to_numpy().sum():
        out.append(_png(ch.findings_by_severity(counts)))
    if COLUMNS["measurable"] in table.columns:
        share = pd.Series([float(v.rstrip("%")) / 100 if v else float("nan") for v in table[COLUMNS["measurable"]]],
                          index=labels).dropna()
        if len(share):
            out.append(_png(ch.measurable_share(share)))
    return out


def toc(sections: Sequence[Section]) -> str:
    """The table of contents: each notebook, its sections under it."""
    items: list[str] = []
    open_sub = False
    for s in sections:
        link = f'<a href="#{html.escape(s.anchor)}">{html.escape(s.title)}</a>'
        if s.level == 1:
            if open_sub:
                items.append("</ol></li>")
            elif items:
                items.append("</li>")
            items.append(f"<li>{link}")
            open_sub = False
        else:
            if not open_sub:
                items.append("<ol>")
                open_sub = True
            items.append(f"<li>{link}</li>")
    if items:
        items.append("</ol></li>" if open_sub else "</li>")
    return f'<nav class="budgetlib-toc"><h2>目录</h2><ol>{"".join(items)}</ol></nav>'


def page(tables: dict[str, pd.DataFrame], sources: pd.DataFrame | None, sections: Sequence[Section], *,
         title: str = "预算绩效目标报告", generated: str = "", workbook: str | None = None,
         interactive_rows: int = 30) -> str:
    """The front page's HTML (escaped throughout); interactive tables need ``notebook.itables_library_html``
    on the same page."""
    from .notebook import interactive_html

    table = summary(tables)
    doubts, failed = doubts_and_failures(tables, sources)
    n_files = len(sources) if sources is not None else table[COLUMNS["files"]].sum() if len(table) else 0
    status = sources["status"].value_counts() if sources is not None and "status" in sources.columns else {}
    projects = len(tables["projects"]) if "projects" in tables else 0
    indicators = len(tables["indicators"]) if "indicators" in tables else 0
    meta = (f"{n_files} 个文件（读出 {int(status.get('ok', 0)) + int(status.get('doubt', 0))}，"
            f"未能读取 {int(status.get('error', 0))}，重复而跳过 {int(status.get('skipped', 0))}）· "
            f"{len(table)} 个部门（年度）· 项目 {projects} 个 · 指标 {indicators} 个")
    parts = ['<div class="budgetlib-front">', f"<h1>{html.escape(title)}</h1>",
             f"<p>{html.escape(meta)}" + (f" · 生成于 {html.escape(generated)}" if generated else "") + "</p>"]
    if doubts or failed:
        lines = [f'<p class="doubt">抽取存疑的页（其行可能被切错，金额与图表须核对原件）：{len(doubts)} 个文件</p>'
                 f"<ul>{''.join(f'<li>{html.escape(d)}</li>' for d in doubts)}</ul>" if doubts else "",
                 f'<p class="doubt">未能读取的文件：{len(failed)} 个</p>'
                 f"<ul>{''.join(f'<li>{html.escape(f)}</li>' for f in failed)}</ul>" if failed else ""]
        parts.append(f'<div class="alarm">{"".join(lines)}</div>')
    else:
        parts.append('<div class="fine">没有存疑的页，也没有未能读取的文件：每一页的行划分都经表内勾稽核对。</div>')
    caption = "各部门、各年度：存疑页、印刷的合计、单位/项目/指标个数、可衡量的目标值占比、各级别问题数"
    parts.append("<h2>各部门、各年度</h2>")
    if len(table) > interactive_rows:
        parts.append(interactive_html(table, caption, highlight=COLUMNS["doubt"], table_id="budgetlib_front"))
    else:
        parts.append(_static_table(table, caption))
    if workbook:
        parts.append(f'<p>全部表格的 Excel 工作簿：<a href="{html.escape(workbook)}">{html.escape(workbook)}</a>'
                     "（每张表一页，表头冻结，可筛选）</p>")
    parts.append(toc(sections))
    images = charts(tables, table)
    if images:
        parts.append("<h2>一图看各部门</h2>" + "".join(f"<div>{img}</div>" for img in images))
    parts.append("</div>")
    return "\n".join(parts)


__all__ = ["COLUMNS", "DOUBT_CHECKS", "Section", "charts", "doubts_and_failures", "page", "summary", "toc"]
