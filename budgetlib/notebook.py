"""Thin helpers for the notebooks: their folders, display settings, notes and captioned tables.

Every text that comes from a PDF is untrusted (a department may be named ``<img src=x onerror=…>``): tables
escape every cell, header and caption; ``note`` fills its Markdown template with escaped values.  Tables
longer than ``interactive_rows`` are interactive (DataTables through itables, searchable, sortable and
filterable by column), with the library inside the HTML (``setup`` loads it once per notebook): the report
makes no request to any other machine.  Shorter tables stay plain.
"""

from __future__ import annotations

import html
import json
import re
import string
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import config
from .amounts import AMOUNT_FIELDS
from .exceptions import SettingsError

INTERACTIVE_ROWS = 30  # tables longer than this are interactive; shorter ones stay plain
_state = {"interactive_rows": INTERACTIVE_ROWS}
# text columns left, numbers right (JupyterLab's HTML style puts every cell right), the caption above, left
_TABLE_CSS = (".jp-RenderedHTMLCommon table.dataTable { table-layout: auto; }\n"  # not JupyterLab's fixed layout
              ".jp-RenderedHTMLCommon table.dataTable td, .jp-RenderedHTMLCommon table.dataTable th "
              "{ text-align: left; vertical-align: top; }\n"
              ".jp-RenderedHTMLCommon table.dataTable td.dt-type-numeric, "
              ".jp-RenderedHTMLCommon table.dataTable th.dt-type-numeric { text-align: right; }\n"
              "table.dataTable caption { text-align: left; font-weight: bold; caption-side: top; }\n"
              # the filters under the columns as wide as their column, not the columns as wide as a text box
              "table.dataTable tfoot input { width: 6em; max-width: 100%; box-sizing: border-box; }")
# itables' loading message and static preview link to its web site; a report links nowhere outside itself
_OFFSITE_LINK = re.compile(r"<a href=[\"']?https?://[^\s>\"']*[\"']?[^>]*>(.*?)</a>", re.S)


@dataclass(frozen=True)
class Paths:
    raw: Path
    processed: Path


def paths(input_dir: str | None = None, processed_dir: str | None = None) -> Paths:
    """The notebook parameters as folders (``None`` → ``budgetlib.config``); never the working directory."""
    return Paths(Path(input_dir) if input_dir else config.RAW_DIR,
                 Path(processed_dir) if processed_dir else config.PROCESSED_DIR)


def setup(interactive_rows: int = INTERACTIVE_ROWS) -> None:
    """pandas display settings for wide Chinese tables, a CJK font for charts, and (in a kernel) the
    interactive tables' library, inlined in this notebook's output: tables longer than
    ``interactive_rows`` are interactive."""
    from .fonts import use_cjk_font

    if not isinstance(interactive_rows, int) or isinstance(interactive_rows, bool) or interactive_rows < 0:
        raise SettingsError(f"interactive_rows must be a whole number ≥ 0, got {interactive_rows!r}")
    _state["interactive_rows"] = interactive_rows
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
        import itables

        itables.options.display_logo_when_loading = False  # its logo links to itables.org
        itables.init_notebook_mode(all_interactive=False, connected=False)  # the library in the output


def markdown_text(value: object) -> str:
    """``value`` as Markdown that shows it literally: HTML's special characters as entities, every other
    ASCII punctuation mark backslash-escaped (no link, emphasis, code, math or heading can start), line
    breaks as spaces."""
    out = []
    for ch in "" if value is None or value is pd.NA else str(value):
        if ch in "&<>\"'":
            out.append(html.escape(ch))
        elif ch in string.punctuation:
            out.append("\\" + ch)
        elif ch in "\r\n\t\v\f":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def note(template: str, /, **values: object):
    """A line of Markdown in a notebook's output: ``template`` is the notebook's own Markdown, each
    ``{name}`` in it is filled with ``values[name]`` escaped (``markdown_text``): PDF text never becomes
    markup."""
    from IPython.display import Markdown

    return Markdown(template.format(**{k: markdown_text(v) for k, v in values.items()}))


def _amount_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns
            if c in (*AMOUNT_FIELDS, "合计", "printed", "sum_of_parts", "difference") or "万元" in str(c)]


def table(df: pd.DataFrame, caption: str, highlight: str | None = None):
    """A captioned table (amounts with thousands separators); rows where ``highlight`` is true are shaded.

    Longer than ``interactive_rows`` (``setup``): interactive (``interactive``); else a plain HTML table.
    Every cell, header and the caption are HTML-escaped: the text comes from untrusted PDFs, and a
    Styler writes its cells into the HTML as they are (``<img onerror=…>`` in a project name would run
    in the reader's browser).
    """
    if len(df) > _state["interactive_rows"]:
        return interactive(df, caption, highlight)
    fmt = {c: "{:,.2f}" for c in _amount_columns(df)}
    text = [c for c in df.columns if c not in fmt and not pd.api.types.is_numeric_dtype(df[c])]
    styler = (df.style.format(fmt, na_rep="", escape="html").format_index(escape="html", axis=1)
              .set_caption(html.escape(caption)).hide(axis="index")
              .set_properties(subset=text, **{"text-align": "left"})
              .set_table_styles([{"selector": "th", "props": [("text-align", "left")]},
                                 {"selector": "caption", "props": [("text-align", "left"), ("font-weight", "bold")]}]))
    if highlight and highlight in df.columns:
        styler = styler.apply(lambda r: ["background-color: #fde2e1" if r[highlight] else "" for _ in r], axis=1)
    return styler


def _cell(value: object, amount: bool) -> object:
    """A cell as the interactive table holds it: missing → None, an amount (a number in an amount column)
    as its exact digits with thousands separators (never through a float), other values as they are."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if amount and isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return f"{Decimal(str(value)):,.2f}"
    return value


def interactive_html(df: pd.DataFrame, caption: str, highlight: str | None = None, table_id: str | None = None) -> str:
    """The HTML of ``df`` as an interactive table (DataTables through itables): every row (no
    downsampling), a search box, sortable columns, a filter under each column, pages of 25 rows (or all);
    cells, headers and caption HTML-escaped; rows where ``highlight`` is true shaded.  It needs the
    library ``setup`` puts in the notebook (or ``itables_library_html``) on the same page."""
    from itables import to_html_datatable
    from itables.typing import JavascriptFunction

    amounts = set(_amount_columns(df))
    shown = pd.DataFrame({str(c): [_cell(v, c in amounts) for v in df[c]] for c in df.columns}, dtype=object)
    options: dict[str, object] = {
        "caption": html.escape(caption), "connected": False, "maxBytes": 0, "maxColumns": 0,
        "allow_html": False, "display_logo_when_loading": False, "column_filters": "footer",
        "classes": "display compact cell-border", "showIndex": False, "order": [],
        "style": "table-layout:auto;width:auto;margin:0;caption-side:top",
        "autoWidth": False, "pageLength": 25, "lengthMenu": [10, 25, 100, {"label": "全部", "value": -1}],
        "layout": {"topStart": "pageLength", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"},
        "language": datatables_language(), "warn_on_unexpected_option_type": False,
        "warn_on_undocumented_option": False,
        "css": _TABLE_CSS,
    }
    if table_id:
        options["table_id"] = table_id
    if highlight and highlight in df.columns:
        k = list(df.columns).index(highlight)
        options["createdRow"] = JavascriptFunction(
            f"function (row, data) {{ if (data[{k}]) {{ row.style.backgroundColor = '#fde2e1'; }} }}")
    out = to_html_datatable(shown, **options)
    return _OFFSITE_LINK.sub(r"\1", out)


def interactive(df: pd.DataFrame, caption: str, highlight: str | None = None):
    """``interactive_html`` as a notebook output."""
    from IPython.display import HTML

    return HTML(interactive_html(df, caption, highlight))


def itables_library_html() -> str:
    """The interactive tables' library (DataTables, as itables bundles it) as HTML to put once on a page:
    JavaScript and CSS inline, nothing fetched."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return _OFFSITE_LINK.sub(r"\1", generate_init_offline_itables_html(options.dt_bundle))


def datatables_language() -> dict[str, object]:
    """The interactive tables' words in Chinese (``resources/report/datatables_zh.json``)."""
    return json.loads((config.RESOURCES_DIR / "report" / "datatables_zh.json").read_text(encoding="utf-8"))


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


def show(obj: object) -> None:
    """Display ``obj`` now (in a loop, where only the last expression would show)."""
    from IPython.display import display

    display(obj)


__all__ = ["INTERACTIVE_ROWS", "Paths", "doubts", "interactive", "interactive_html", "itables_library_html",
           "markdown_text", "note", "paths", "setup", "show", "table"]
