"""Messages of findings and review points from ``resources/messages.toml``: Chinese by default (the readers
are Chinese budget analysts), English with ``lang="en"`` (``--lang en``).  Keys name the rule
(``sum_mismatch.units``), so code never reads a message's words."""

from __future__ import annotations

import functools
import tomllib
from typing import Any

from .config import RESOURCES_DIR

LANGS = ("zh", "en")


@functools.cache
def templates() -> dict[str, dict[str, str]]:
    """Every message key (``section.name``) → ``{"zh": …, "en": …}``."""
    with open(RESOURCES_DIR / "messages.toml", "rb") as fh:
        data = tomllib.load(fh)
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        if set(LANGS) <= set(node):
            out[prefix] = {lang: node[lang] for lang in LANGS}
        for name, child in node.items():
            if isinstance(child, dict):
                walk(f"{prefix}.{name}" if prefix else name, child)

    walk("", data)
    return out


def say(key: str, lang: str = "zh", /, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return templates()[key][lang].format(**params)


__all__ = ["LANGS", "say", "templates"]
