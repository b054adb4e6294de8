"""Charts return Figures whose Chinese renders; segmentation keeps domain terms whole."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from budgetlib import charts, extract, segment
from budgetlib.fonts import use_cjk_font


@pytest.fixture(scope="module")
def tables(sample_pdf):
    return extract([sample_pdf]).tables()


def _render(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=60)
    return [str(w.message) for w in caught]


def test_cjk_font_has_the_glyphs():
    family = use_cjk_font()
    font = FT2Font(font_manager.findfont(family, fallback_to_default=False))
    assert all(font.get_char_index(ord(ch)) for ch in "金花街道办事处项目支出绩效万元")


def test_every_chart_renders_without_missing_glyphs(tables):
    figs = [
        charts.spending_by_unit(tables["units"]),
        charts.largest_projects(tables["projects"]),
        charts.indicator_levels(tables["indicators"]),
        charts.indicator_levels_by_unit(tables["indicators"]),
        charts.indicator_levels_by_unit(tables["indicators"], level="level1"),
        charts.value_kinds(tables["indicators"]),
        charts.top_keywords(pd.DataFrame({"word": ["社区两委", "党群中心"], "count": [5, 3]}), "金花街道办事处"),
    ]
    for fig in figs:
        assert isinstance(fig, Figure)
        assert not [m for m in _render(fig) if "Glyph" in m or "missing" in m]
        title = fig.axes[0].get_title() or fig.get_suptitle()
        assert "金花街道办事处" in title or "金花街道办事处" in fig.get_suptitle()


def test_amount_labels_have_thousands_separators(tables):
    fig = charts.spending_by_unit(tables["units"])
    labels = [t.get_text().strip() for t in fig.axes[0].texts]
    assert "3,119.63" in labels


def test_largest_projects_stays_readable_with_many_projects(tables):
    many = pd.concat([tables["projects"]] * 2, ignore_index=True)  # 108 projects
    fig = charts.largest_projects(many, top=20)
    assert len(fig.axes[0].get_yticklabels()) == 20
    assert "共 108 个" in fig.axes[0].get_title()


def test_domain_terms_stay_whole():
    words = segment.segment("社区两委干部补贴，两新组织党员活动，党群中心建设，家综服务，来穗人员登记，专职网格员配置")
    for term in ("社区两委", "两新组织", "党群中心", "家综", "来穗人员"):
        assert term in words
    assert any("网格员" in w for w in words)
    assert "加强" not in segment.segment("加强党组织建设")


def test_keywords_per_unit(tables):
    texts = segment.project_texts(tables["projects"], tables["indicators"])
    kw = segment.keywords_by(texts, ["unit"], top=5)
    assert set(kw["unit"]) == set(tables["projects"]["unit"])
    assert kw.groupby("unit").size().max() <= 5
    veterans = kw[kw["unit"].str.contains("退役军人")]
    assert "退役军人" in set(veterans["keyword"])


def test_font_that_the_install_brings_is_used_without_system_fonts(monkeypatch):
    """A fresh machine without CJK fonts (and no root to install them): mplfonts' Noto Sans CJK SC."""
    from budgetlib import fonts

    monkeypatch.setattr(fonts, "_known", lambda: None)
    monkeypatch.setattr(fonts, "_system_file", lambda: None)
    fonts.use_cjk_font.cache_clear()
    try:
        family = fonts.use_cjk_font()
        assert "CJK" in family or family == "SimHei"
        fig = Figure()
        fig.subplots().set_title("金花街道办事处：各资金使用单位项目支出")
        assert not [m for m in _render(fig) if "Glyph" in m]
    finally:
        fonts.use_cjk_font.cache_clear()
        fonts.use_cjk_font()


def test_overview(tables):
    from budgetlib.analysis import overview

    row = overview(tables["projects"], tables["units"], tables["indicators"], tables["findings"]).iloc[0]
    assert (row["合计"], row["amount_unit"], row["units"], row["projects"], row["indicators"]) == \
        (Decimal("4125.06"), "万元", 4, 54, 213)
    assert (row["error"], row["warning"], row["info"]) == (4, 5, 1)
