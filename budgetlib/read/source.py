"""What every layout reads a document from (``Source``), and what it hands back (``LayoutReading``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import DepartmentTarget, Document, Finding, Row
from ..settings import ExtractSettings

if TYPE_CHECKING:
    from .cells import Grid
    from .ocr import OcrPage


@dataclass
class Source:
    """One PDF as the layouts see it: its path, each page's text, the settings, the pages read by OCR, and
    its ruled tables as printed cells (``cells.grids``, read once per page whichever layout asks)."""

    path: Path
    texts: list[str]
    settings: ExtractSettings
    ocr: dict[int, OcrPage] = field(default_factory=dict)
    _grids: dict[int, list[Grid]] = field(default_factory=dict, repr=False)

    def grids(self, pages: list[int]) -> dict[int, list[Grid]]:
        from .cells import grids

        missing = [p for p in pages if p not in self._grids]
        if missing:
            self._grids.update(grids(self.path, missing, self.settings))
        return {p: self._grids.get(p, []) for p in pages}

    def text(self, page: int) -> str:
        return self.texts[page - 1] if 1 <= page <= len(self.texts) else ""


@dataclass
class LayoutReading:
    """What one layout read of a document: its rows (projects, and the seed's units and 合计), department
    targets, findings of its own (a form that cannot be joined across a page break: ``extraction_doubt``),
    the pages it read, and ``settle``: what it has to say once every finding of the document is known (the
    seed's pages whose cut stays in doubt)."""

    layout: str
    rows: list[Row]
    targets: list[DepartmentTarget] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    settle: Callable[[Document], list[Finding]] | None = None
    department: str = ""  # the department the layout's tables name first (部门名称, 主管部门)
    amount_unit: str = ""  # the amount unit they print first
    empty: str = ""  # why the layout's pages gave nothing, when they did not


__all__ = ["LayoutReading", "Source"]
