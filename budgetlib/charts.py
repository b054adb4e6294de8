"""Charts for the report: matplotlib Figures (not pyplot state), Chinese labels, amounts in 万元.

Every function takes the tidy tables and returns a ``matplotlib.figure.Figure``; titles name the
department.  ``use_cjk_font()`` runs on import so labels render without missing glyphs.  Labels are PDF
text, drawn as it is: mathtext is off (``text.parse_math``), so ``$…$`` in a name is neither typeset
nor an error.  A chart is a PNG in the report: no label reaches the HTML as text.
"""

from __future__ import annotations

import os

import pandas as pd
from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .amounts import in_wan
from .fonts import use_cjk_font

use_cjk_font()
rcParams["text.parse_math"] = False  # names are text: "$x$" in a project name is drawn as printed

SOURCES = {"fiscal": "财政拨款", "special_account": "财政专户拨款", "other": "其他资金"}
COLORS = ["#2f6ea5", "#e08a2c", "#5a9e4b", "#b5443c", "#7d5ba6", "#8c6d31", "#d16ba5", "#6f6f6f"]
_THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def _department(df: pd.DataFrame) -> str:
    names = [d for d in df["department"].dropna().unique() if d] if "department" in df else []
    years = sorted(int(y) for y in df["year"].dropna().unique()) if "year" in df else []
    name = "、".join(names[:2]) + ("等" if len(names) > 2 else "") if names else "（未注明部门）"
    return name + (f"（{years[0]}年）" if len(years) == 1 else f"（{years[0]}–{years[-1]}年）" if years else "")


def short_names(names: list[str]) -> dict[str, str]:
    """Unit names without the prefix they all share (广州市荔湾区…), when something readable is left."""
    names = [n for n in names if n]
    prefix = os.path.commonprefix(names) if len(names) > 1 else ""  # noqa: RUF071 (characters are meant)
    return {n: n[len(prefix):] if len(n) - len(prefix) >= 4 else n for n in names}


def _figure(height: float, width: float = 10.0) -> Figure:
    return Figure(figsize=(width, max(2.5, height)), layout="constrained")


def spending_by_unit(units: pd.DataFrame, projects: pd.DataFrame | None = None) -> Figure:
    """Each unit's 总计, split by source of funds, largest first (tables in 元 converted to 万元; tables
    whose amount unit is not printed are left out rather than mixed in).  Tables that print no unit rows
    (per-project forms, indicator lists) are drawn from their projects, summed by 实施单位."""
    u = in_wan(units[units["unit"] != "合计"])
    summed = u.empty and projects is not None and not projects.empty
    if summed:
        u = in_wan(projects).assign(unit=lambda p: p["unit"].fillna("").replace("", "（未注明实施单位）"))
        units = projects
    u = u.groupby("unit", sort=False)[["total", *SOURCES]].sum(min_count=1).fillna(0).sort_values("total")
    labels = short_names(list(u.index))
    fig = _figure(0.55 * len(u) + 1.5)
    ax = fig.subplots()
    left = pd.Series(0.0, index=u.index)
    for (col, label), color in zip(SOURCES.items(), COLORS):
        if u[col].any():
            ax.barh([labels[i] for i in u.index], u[col], left=left, color=color, label=label)
            left += u[col]
    for y, (_, row) in enumerate(u.iterrows()):
        ax.text(row["total"], y, f" {row['total']:,.2f}", va="center", fontsize=9)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel("万元")
    ax.set_xlim(0, u["total"].max() * 1.18 if len(u) else 1)
    ax.legend(loc="lower right", frameon=False)
    what = "各实施单位项目支出之和" if summed else "各资金使用单位项目支出"
    ax.set_title(f"{_department(units)}：{what}（万元）")
    return fig


def largest_projects(projects: pd.DataFrame, top: int = 15) -> Figure:
    """The ``top`` largest projects (in 万元); the note says how many there are and what they add up to."""
    projects = in_wan(projects)
    p = projects.sort_values("total", ascending=False).head(top).iloc[::-1]
    units = short_names(list(projects["unit"].dropna().unique()))
    labels = [f"{r.project}（{units.get(r.unit, r.unit)}）" for r in p.itertuples()]
    fig = _figure(0.38 * len(p) + 1.6, 11)
    ax = fig.subplots()
    ax.barh(range(len(p)), p["total"], color=COLORS[0])
    ax.set_yticks(range(len(p)), labels, fontsize=9)
    for y, v in enumerate(p["total"]):
        ax.text(v, y, f" {v:,.2f}", va="center", fontsize=8)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlim(0, (p["total"].max() if len(p) else 1) * 1.15)
    ax.set_xlabel("万元")
    share = p["total"].sum() / projects["total"].sum() if projects["total"].sum() else 0
    ax.set_title(f"{_department(projects)}：金额最大的 {len(p)} 个项目（共 {len(projects)} 个，"
                 f"占项目支出 {share:.0%}）")
    return fig


def _code_label(df: pd.DataFrame, level: str) -> pd.Series:
    return df[f"{level}_code"].astype("string").fillna("?") + "-" + df[level].fillna("未能解析")


def indicator_levels(indicators: pd.DataFrame) -> Figure:
    """How many indicators of each level-1 and level-2 type, overall."""
    fig = _figure(4.2, 11)
    axes = fig.subplots(1, 2, width_ratios=[1, 1.6])
    for ax, level, title in ((axes[0], "level1", "一级指标"), (axes[1], "level2", "二级指标")):
        counts = _code_label(indicators, level).value_counts().sort_index(ascending=False)
        ax.barh(counts.index, counts.values, color=COLORS[1] if level == "level1" else COLORS[2])
        for y, v in enumerate(counts.values):
            ax.text(v, y, f" {v}", va="center", fontsize=9)
        ax.set_xlim(0, counts.max() * 1.15 if len(counts) else 1)
        ax.set_title(title)
        ax.set_xlabel("指标个数")
    fig.suptitle(f"{_department(indicators)}：绩效指标类型分布（共 {len(indicators)} 个指标）")
    return fig


def stacked_shares(counts: pd.DataFrame, title: str, legend: dict[str, str] | None = None,
                   ncols: int = 4) -> Figure:
    """One bar per row of ``counts`` (a crosstab), split into the shares of its columns (100 %), the row's
    total in brackets after its label; ``legend`` renames the columns."""
    share = counts.div(counts.sum(axis=1), axis=0)
    labels = short_names(list(share.index))
    fig = _figure(0.6 * len(share) + 2.2, 11)
    ax = fig.subplots()
    left = pd.Series(0.0, index=share.index)
    for i, col in enumerate(share.columns):
        ax.barh([f"{labels[u]}（{counts.loc[u].sum()}）" for u in share.index], share[col], left=left,
                color=COLORS[i % len(COLORS)], label=(legend or {}).get(col, col),
                hatch="//" if i >= len(COLORS) else None)
        left += share[col]
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlim(0, 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=ncols, frameon=False, fontsize=8)
    ax.set_title(title)
    return fig


def indicator_levels_by_unit(indicators: pd.DataFrame, level: str = "level2") -> Figure:
    """Share of each indicator type within each unit (stacked, 100%)."""
    df = indicators.assign(type=_code_label(indicators, level))
    which = "二级" if level == "level2" else "一级"
    return stacked_shares(pd.crosstab(df["unit"], df["type"]),
                          f"{_department(indicators)}：各单位{which}指标构成（括号内为指标个数）")


KIND_LABELS = {"percent": "百分比", "quantity": "数量", "money": "金额", "duration": "时长",
               "qualitative": "定性描述", "unparsed": "未能解析"}


def value_kinds(indicators: pd.DataFrame) -> Figure:
    """Kinds of 年度指标值: percent, quantity, qualitative …"""
    counts = indicators["kind"].map(KIND_LABELS).value_counts()
    fig = _figure(3.6, 9)
    ax = fig.subplots()
    ax.bar(counts.index, counts.values, color=COLORS[: len(counts)])
    for x, v in enumerate(counts.values):
        ax.text(x, v, f"{v}（{v / counts.sum():.0%}）", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, counts.max() * 1.18 if len(counts) else 1)
    ax.set_ylabel("指标个数")
    ax.set_title(f"{_department(indicators)}：年度指标值的类型")
    return fig


def top_keywords(counts: pd.DataFrame, department: str, top: int = 25) -> Figure:
    """The most frequent words of goals and indicator names (``counts``: columns word, count)."""
    c = counts.sort_values("count", ascending=False).head(top).iloc[::-1]
    fig = _figure(0.3 * len(c) + 1.4, 8)
    ax = fig.subplots()
    ax.barh(c["word"], c["count"], color=COLORS[4])
    ax.set_xlabel("出现次数")
    ax.set_title(f"{department}：绩效目标与指标名称高频词（前 {len(c)} 个）")
    return fig


def spending_by_department(overview: pd.DataFrame) -> Figure:
    """Each department's spending (万元: its printed 合计, else its projects' sum; ``corpus.overview``), a bar
    per year: departments side by side, never their units."""
    u = overview.assign(year=overview["year"].astype("string").fillna("年份未知"),
                        total=overview["合计（万元）"].astype("float64"))
    table = u.pivot_table(index="department", columns="year", values="total", aggfunc="sum").fillna(0)
    table = table.loc[table.sum(axis=1).sort_values().index]
    labels = short_names(list(table.index))
    fig = _figure(0.5 * len(table) * max(1, len(table.columns)) ** 0.5 + 1.6)
    ax = fig.subplots()
    height = 0.8 / max(1, len(table.columns))
    for i, (year, color) in enumerate(zip(table.columns, COLORS * 4)):
        ys = [k + i * height for k in range(len(table))]
        ax.barh(ys, table[year], height=height, color=color, label=str(year))
        for y, v in zip(ys, table[year]):
            if v:
                ax.text(v, y, f" {v:,.0f}", va="center", fontsize=8)
    ax.set_yticks([k + height * (len(table.columns) - 1) / 2 for k in range(len(table))],
                  [labels[d] for d in table.index])
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlim(0, table.to_numpy().max() * 1.2 if table.size else 1)
    ax.set_xlabel("万元")
    ax.legend(loc="lower right", frameon=False)
    summed = "；项目之和代替未印合计的表" if (overview["合计来自"] == "项目之和").any() else ""
    ax.set_title(f"各部门项目支出合计（万元，{len(table)} 个部门{summed}）")
    return fig


def indicator_mix_by_department(indicators: pd.DataFrame) -> Figure:
    """Share of each level-1 indicator type within each department (stacked, 100%)."""
    from .taxonomy import norm

    df = indicators.assign(type=indicators["level1"].map(lambda v: norm(v) if isinstance(v, str) else "未能解析"))
    return stacked_shares(pd.crosstab(df["department"], df["type"]), "各部门一级指标构成（括号内为指标个数）", ncols=5)


SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_COLORS = {"error": "#b5443c", "warning": "#e08a2c", "info": "#2f6ea5"}


def findings_by_severity(counts: pd.DataFrame) -> Figure:
    """Findings of each severity (columns error, warning, info) per department and year (the index), as
    stacked bars, most first."""
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    fig = _figure(0.45 * len(counts) + 1.6)
    ax = fig.subplots()
    left = pd.Series(0, index=counts.index)
    labels = list(counts.index)
    for severity, label in SEVERITY_LABELS.items():
        if severity in counts.columns and counts[severity].any():
            ax.barh(labels, counts[severity], left=left, color=SEVERITY_COLORS[severity], label=label)
            left = left + counts[severity]
    for y, v in enumerate(left):
        ax.text(v, y, f" {v}", va="center", fontsize=8)
    ax.set_xlim(0, max(1, left.max()) * 1.15)
    ax.set_xlabel("问题条数")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(f"各部门（年度）的问题，按级别（{len(counts)} 个）")
    return fig


def measurable_share(share: pd.Series) -> Figure:
    """The share of measurable 年度指标值 per department and year (the index), lowest first."""
    share = share.sort_values(ascending=False)
    fig = _figure(0.45 * len(share) + 1.6)
    ax = fig.subplots()
    ax.barh(list(share.index), share.values, color=COLORS[2])
    for y, v in enumerate(share.values):
        ax.text(v, y, f" {v:.0%}", va="center", fontsize=8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlim(0, 1.12)
    ax.set_title("各部门（年度）年度指标值中可衡量的占比")
    return fig


__all__ = [
    "KIND_LABELS",
    "SEVERITY_LABELS",
    "findings_by_severity",
    "indicator_levels",
    "indicator_levels_by_unit",
    "indicator_mix_by_department",
    "largest_projects",
    "measurable_share",
    "short_names",
    "spending_by_department",
    "spending_by_unit",
    "stacked_shares",
    "top_keywords",
    "value_kinds",
]
