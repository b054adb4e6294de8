"""Indicator names normalised into families (``resources/review/families.toml``): 服务对象满意度, 群众满意度 …
→ 满意度; 完成率, 覆盖率, 及时率 … kept apart; names that describe an activity are a family of their own."""

from __future__ import annotations

import functools
import re
import tomllib

import pandas as pd

from ..config import RESOURCES_DIR

FAMILIES_FILE = RESOURCES_DIR / "review" / "families.toml"
UNMAPPED = "未归类"
ACTIVITY = "活动描述"
_TRIM = re.compile(r"[\s“”\"'‘’「」]|[（(]\s*(?:%|是\s*[/／]\s*否|否\s*[/／]\s*是)\s*[）)]$")


@functools.cache
def families() -> tuple[tuple[str, re.Pattern[str]], ...]:
    with open(FAMILIES_FILE, "rb") as fh:
        return tuple((f["name"], re.compile(f["pattern"])) for f in tomllib.load(fh)["family"])


def normalise(name: str | None) -> str:
    """The name without white space, quotes and a trailing （%）, （是/否） or 指标."""
    s = _TRIM.sub("", name or "")
    return s[:-2] if s.endswith("指标") and len(s) > 4 else s


@functools.lru_cache(maxsize=8192)
def family(name: str | None) -> str:
    """The family of an indicator name; ``未归类`` when no pattern finds it."""
    s = normalise(name)
    for fam, pattern in families():
        if s and pattern.search(s):
            return fam
    return UNMAPPED


def coverage(names: pd.Series) -> pd.DataFrame:
    """Per family: indicators and distinct names, with the share of all indicators (``未归类`` last)."""
    fam = names.map(family)
    out = (pd.DataFrame({"family": fam, "name": names.map(normalise)})
           .groupby("family").agg(indicators=("name", "size"), names=("name", "nunique")).reset_index())
    out["share"] = (out["indicators"] / max(len(names), 1)).round(4)
    out["order"] = out["family"].eq(UNMAPPED)
    return out.sort_values(["order", "indicators"], ascending=[True, False]).drop(columns="order").reset_index(
        drop=True)


__all__ = ["ACTIVITY", "UNMAPPED", "coverage", "families", "family", "normalise"]
