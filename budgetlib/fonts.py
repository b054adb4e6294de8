"""A CJK font for matplotlib, so Chinese labels render with no missing glyphs on a fresh machine.

Order: a CJK family matplotlib already knows; else a CJK font file found in the system font folders
(registered directly, which also gets past a stale ``fontlist-*.json`` cache that predates the
font's installation); else the Noto Sans CJK SC font that the ``mplfonts`` package installs with
budgetlib (no root needed).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from matplotlib import font_manager, rcParams

log = logging.getLogger("budgetlib.fonts")

FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP", "AR PL UMing CN",
)
_FILE_PATTERNS = ("NotoSansCJK*", "NotoSansSC*", "SourceHanSans*", "wqy-microhei*", "wqy-zenhei*", "msyh*",
                  "simhei*", "PingFang*", "uming*")
_HEAVY = re.compile(r"bold|black|heavy|light|thin|medium|semi|demi|extra", re.I)  # regular weights only
_SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts")


def _known() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist if f.weight in (400, "normal", "regular", "book")}
    return next((f for f in FAMILIES if f in names), None)


def _register(path: Path) -> str | None:
    try:
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    except (OSError, RuntimeError, ValueError) as exc:  # an unreadable font file: try the next
        log.debug("cannot use %s: %s", path, exc)
        return None


def _system_file() -> str | None:
    for folder in map(Path, _SYSTEM_DIRS):
        folder = folder.expanduser()
        if not folder.is_dir():
            continue
        for pattern in _FILE_PATTERNS:
            for path in sorted(folder.rglob(pattern)):
                if path.suffix.lower() not in (".ttf", ".otf", ".ttc") or _HEAVY.search(path.stem):
                    continue
                if name := _register(path):
                    return name
    return None


def _bundled() -> str | None:
    try:
        import mplfonts
    except ImportError:
        return None
    folder = Path(mplfonts.__file__).parent / "fonts"
    for name in ("NotoSansCJKsc-Regular.otf", "SimHei.ttf"):
        if (folder / name).exists() and (family := _register(folder / name)):
            return family
    return None


@functools.cache
def use_cjk_font() -> str:
    """Make a CJK font matplotlib's sans-serif default; return its family name."""
    family = _known() or _system_file() or _bundled()
    if family is None:
        raise RuntimeError("no CJK font found: install fonts-noto-cjk (Debian) or the mplfonts package")
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [family, *[f for f in rcParams["font.sans-serif"] if f != family]]
    rcParams["axes.unicode_minus"] = False
    log.info("CJK font: %s", family)
    return family


__all__ = ["FAMILIES", "use_cjk_font"]
