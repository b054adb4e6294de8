"""A corpus whose every name field is hostile: PDFs drawn by the project's own renderer (tools/render_pdf.py,
the reader's STSong-Light font) from the second department's truth, with department, unit, project, goal
and indicator names replaced by markup, a script, a Markdown link, a template and mathtext, in files whose
names are markup too.  What the report must show as text and never run."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from budgetlib.config import PROJ_ROOT

sys.path.insert(0, str(PROJ_ROOT / "tools"))

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
LINK = "[x](javascript:alert(3))"
TEMPLATE = "{{7*7}}"
MATH = "$x$"
# what is replaced (everywhere in the truth: names, the indicator cells' text) by what, per file
_REPLACE = {
    "广州市荔湾区疾病预防控制中心": f"{SCRIPT}疾控中心",
    "广州市荔湾区妇幼保健院": f"{TEMPLATE}妇幼保健院{MATH}",
    "免费产前筛查与诊断项目工作经费": f"{LINK}产前筛查经费",
    "通过产前筛查和诊断": f"{IMG}通过产前筛查和诊断",
    "出生缺陷综合防治知识社区宣传覆盖率": f"{SCRIPT}宣传覆盖率",
    "建档、随访管理标准": f"{IMG}随访管理标准",
}
FILES = {  # path under the input folder (the year from the path) → the department's name
    f"2023/{IMG}.pdf": f"{IMG}卫生健康局",
    f"2024/{LINK}.pdf": f"{LINK}民政局{TEMPLATE}",
}


def make_corpus(folder: Path) -> dict[str, str]:
    """Draw the hostile PDFs into ``folder``; returns path → department."""
    from render_pdf import Style, render

    text = (PROJ_ROOT / "tests" / "data" / "other_truth.json").read_text(encoding="utf-8")
    for old, new in _REPLACE.items():
        text = text.replace(json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1])
    for path, department in FILES.items():
        truth = json.loads(text.replace("广州市荔湾区卫生健康局", json.dumps(department, ensure_ascii=False)[1:-1]))
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        render(truth, target, Style(font="STSong-Light", col_widths=[190, 50, 50, 56, 50, 170, 220]))
    return dict(FILES)


class Elements(HTMLParser):
    """What in an HTML page could run or fetch: event-handler attributes, images, frames and links that are
    not the page's own, scripts that are the payload's, and every text node (to see what is shown as text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}={value!r}>")
            if name in ("src", "href", "action", "formaction", "data", "poster") and value:
                v = value.strip().lower()
                if v.startswith("javascript:"):
                    self.live.append(f"<{tag} {name}={value!r}>")
                elif v.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:")):
                    self.external.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and not (values.get("src") or "").startswith("data:"):
            self.live.append(f"<img src={values.get('src')!r}>")
        if tag in ("iframe", "object", "embed", "frame", "base", "form"):
            self.live.append(f"<{tag}>")
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            code = "".join(self._script)
            if re.fullmatch(r"\s*alert\(\d\)\s*", code):  # the payload's own script (a raw </script> in a
                # script's data would end it there, and what follows be parsed as elements: caught above)
                self.live.append(f"<script>{code[:80]}")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)


def elements(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser
