"""Thin helpers for the notebooks: their folders, display settings and captioned tables."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .amounts import AMOUNT_FIELDS


@dataclass(frozen=True)
class Paths:
    raw: Path
    processed: Path


def paths(input_dir: str | None = None, processed_dir: str | None = None) -> Paths:
    """The notebook parameters as folders (``None`` → ``budgetlib.config``); never the working directory."""
    return Paths(Path(input_dir) if input_dir else config.RAW_DIR,
                 Path(processed_dir) if processed_dir else config.PROCESSED_DIR)


def setup() -> None:
    """pandas display settings for wide Chinese tables, and a CJK font for charts."""
    from .fonts import use_cjk_font

    pd.set_option("display.max_colwidth", 80)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.unicode.east_asian_width", True)
    use_cjk_font()
    try:  # show the Figures the chart functions return as PNG (they are not pyplot figures)
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png", dpi=110)


def table(df: pd.DataFrame, caption: str, highlight: str | None = None):
    """A captioned, formatted table (amounts with thousands separators); rows where ``highlight`` is
    true are shaded.

    Every cell, header and the caption are HTML-escaped: the text comes from untrusted PDFs, and a
    Styler writes its cells into the HTML as they are (``<img onerror=…>`` in a project name would run
    in the reader's browser).
    """
    fmt = {c: "{:,.2f}" for c in df.columns
           if c in (*AMOUNT_FIELDS, "合计", "printed", "sum_of_parts", "difference") or "万元" in str(c)}
    text = [c for c in df.columns if c not in fmt and not pd.api.types.is_numeric_dtype(df[c])]
    styler = (df.style.format(fmt, na_rep="", escape="html").format_index(escape="html", axis=1)
              .set_caption(html.escape(caption)).hide(axis="index")
              .set_properties(subset=text, **{"text-align": "left"})
              .set_table_styles([{"selector": "th", "props": [("text-align", "left")]},
                                 {"selector": "caption", "props": [("text-align", "left"), ("font-weight", "bold")]}]))
    if highlight and highlight in df.columns:
        styler = styler.apply(lambda r: ["background-color: #fde2e1" if r[highlight] else "" for _ in r], axis=1)
    return styler


def doubts(findings: pd.DataFrame):
    """The pages whose rows may be cut wrongly (``extraction_doubt``), per file and page, or a line saying
    there are none: shown before anything built on those rows."""
    from IPython.display import Markdown

    rows = findings[findings["check"] == "extraction_doubt"] if len(findings) else findings
    if not len(rows):
        return Markdown("**抽取存疑：无。** 每一页的行划分都经表内勾稽（合计＝各单位之和、单位＝各项目之和、"
                        "指标序号）核对。")
    out = rows[["source", "page", "message"]].sort_values(["source", "page"])
    return table(out.rename(columns={"source": "文件", "page": "页", "message": "原因与尝试过的读法"}),
                 f"抽取存疑：{out['source'].nunique()} 个文件的 {len(out)} 页，这些页上的行可能被切错，"
                 "其金额与图表须核对原件", highlight="页")


def note(text: str):
    """A line of Markdown in a notebook's output."""
    from IPython.display import Markdown

    return Markdown(text)


def show(obj: object) -> None:
    """Display ``obj`` now (in a loop, where only the last expression would show)."""
    from IPython.display import display

    display(obj)


__all__ = ["Paths", "doubts", "note", "paths", "setup", "show", "table"]
