"""Table layouts, chosen by a text marker (the title), like camelot's ``PARSERS``.

To support another table, write a class with the ``Layout`` protocol's members and add it to
``LAYOUTS``.
"""

from __future__ import annotations

import re

from .base import Column, Layout, header_fields, join_parts, squash
from .performance_targets import PerformanceTargets

LAYOUTS: dict[str, Layout] = {PerformanceTargets.name: PerformanceTargets()}


def detect_layout(texts: list[str]) -> Layout | None:
    """The first layout whose title appears in the document, else one whose pages match."""
    flat = [re.sub(r"\s+", "", t) for t in texts]
    for layout in LAYOUTS.values():
        if any(layout.title in t for t in flat):
            return layout
    for layout in LAYOUTS.values():
        if any(layout.page_may_hold(t) for t in texts):
            return layout
    return None


__all__ = ["LAYOUTS", "Column", "Layout", "detect_layout", "header_fields", "join_parts", "squash"]
