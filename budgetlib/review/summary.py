"""What the review notebook shows: measurable share by unit and department, projects missing a type, the
vague targets, the largest projects with the weakest targets, and charts of them."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ..amounts import in_wan
from ..charts import COLORS, _figure, stacked_shares

CLASS_LABELS = {"measurable": "可衡量", "graded": "等级", "vague": "模糊", "unreadable": "无法识别",
                "unclassified": "未归类"}


def share_by(reviewed: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Indicators of each class per group (``["department"]``, ``["department", "unit"]``), with the
    measurable share."""
    counts = reviewed.pivot_table(index=by, columns="class", values="seq", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=[c for c in CLASS_LABELS if c in counts.columns])
    out = counts.assign(indicators=counts.sum(axis=1))
    out["measurable_share"] = (out.get("measurable", 0) / out["indicators"]).round(4)
    return out.reset_index().rename(columns=CLASS_LABELS)


def missing_types(review_projects: pd.DataFrame) -> pd.DataFrame:
    """Projects without a 产出, 效益 or 满意度 indicator."""
    rp = review_projects
    gaps = rp[~(rp["has_output"] & rp["has_benefit"] & rp["has_satisfaction"]).fillna(False)]
    out = gaps[["department", "unit", "project", "total", "has_output", "has_benefit", "has_satisfaction"]]
    return out.rename(columns={"has_output": "产出", "has_benefit": "效益", "has_satisfaction": "满意度"}
                      ).reset_index(drop=True)


def vague_targets(reviewed: pd.DataFrame) -> pd.DataFrame:
    """Every target classed vague, unreadable or unclassified, with its reason."""
    weak = reviewed[reviewed["class"].isin(["vague", "unreadable", "unclassified"])]
    return weak[["unit", "project", "seq", "indicator", "annual_value", "class", "reason"]].replace(
        {"class": CLASS_LABELS}).reset_index(drop=True)


def weakest_largest(review_projects: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Of the ``top`` largest projects, those with the most review points and the lowest measurable share
    first: where the most money buys the least measurable targets."""
    rp = in_wan(review_projects).sort_values("total", ascending=False).head(top)
    rp = rp.sort_values(["measurable_share", "points", "total"], ascending=[True, False, False])
    return rp[["unit", "project", "total", "indicators", "measurable_share", "points", "review_points"]
              ].reset_index(drop=True)


def share_chart(reviewed: pd.DataFrame, by: str = "unit") -> Figure:
    """Per unit (or ``by="department"``): how its targets split into measurable, graded, vague … (stacked
    shares).  Units are only compared within one department: give a department's rows, or by department."""
    counts = reviewed.pivot_table(index=by, columns="class", values="seq", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=[c for c in CLASS_LABELS if c in counts.columns])
    counts = counts.loc[(counts.iloc[:, 0] / counts.sum(axis=1)).sort_values().index]
    return stacked_shares(counts, f"各{'部门' if by == 'department' else '单位'}年度指标值：可衡量、等级与模糊的占比",
                          legend=CLASS_LABELS, ncols=5)


def families_chart(reviewed: pd.DataFrame, top: int = 15) -> Figure:
    """The most frequent indicator families."""
    counts = reviewed["family"].value_counts().head(top).iloc[::-1]
    fig = _figure(0.35 * len(counts) + 1.2)
    ax = fig.subplots()
    ax.barh(list(counts.index), counts.to_numpy(), color=COLORS[0])
    for y, v in enumerate(counts.to_numpy()):
        ax.text(v, y, f" {v}", va="center", fontsize=8)
    ax.set_title(f"指标族（共 {len(reviewed)} 个指标）")
    return fig


__all__ = ["CLASS_LABELS", "families_chart", "missing_types", "share_by", "share_chart", "vague_targets",
           "weakest_largest"]
