"""Every path the project uses, in one place (cookiecutter-data-science style).

Notebooks and the command line import these instead of relying on the working directory.
``BUDGETLIB_DATA_DIR`` / ``BUDGETLIB_REPORTS_DIR`` move the data and reports elsewhere
(for example a scheduled run writing to a shared folder); ``BUDGETLIB_CACHE_DIR`` the cache (by default
the user's cache folder).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT: Path = Path(__file__).resolve().parents[1]
# A checkout (pyproject.toml beside the package) keeps data/, reports/ and notebooks/ in it.  An installed
# package (site-packages) has none of them: its notebooks are package data (budgetlib/notebooks), and data and
# reports default to the working directory the command starts in (``BUDGETLIB_HOME`` names another).
CHECKOUT: bool = (PROJ_ROOT / "pyproject.toml").is_file() and (PROJ_ROOT / "notebooks").is_dir()
HOME: Path = PROJ_ROOT if CHECKOUT else Path(os.environ.get("BUDGETLIB_HOME") or Path.cwd()).resolve()
DATA_DIR: Path = Path(os.environ.get("BUDGETLIB_DATA_DIR", HOME / "data"))
RAW_DIR: Path = DATA_DIR / "raw"  # read-only input: the published PDFs
PROCESSED_DIR: Path = DATA_DIR / "processed"
REPORTS_DIR: Path = Path(os.environ.get("BUDGETLIB_REPORTS_DIR", HOME / "reports"))
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks" if CHECKOUT else Path(__file__).resolve().parent / "notebooks"
RESOURCES_DIR: Path = Path(__file__).resolve().parent / "resources"  # jieba dictionary, stop words


def _cache_dir() -> Path:
    """Where budgetlib keeps what it can make again (documents read, jieba's dictionary, the report's
    kernelspec): ``BUDGETLIB_CACHE_DIR``, else the user's cache folder (platformdirs: ``~/.cache/budgetlib``
    on Linux, ``~/Library/Caches/budgetlib`` on macOS, ``%LOCALAPPDATA%\\budgetlib\\Cache`` on Windows) —
    never the package's own folder, which an installed package cannot write."""
    if os.environ.get("BUDGETLIB_CACHE_DIR"):
        return Path(os.environ["BUDGETLIB_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("budgetlib", appauthor=False))


CACHE_DIR: Path = _cache_dir()


def check_output_dir(out_dir: str | os.PathLike[str], inputs: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """``out_dir`` resolved, or ``OutputError`` when writing there would overwrite what must stay: the
    notebooks (``report --out notebooks`` would replace them), ``data/raw`` (read-only input) or an input
    folder itself, or a folder inside one of those."""
    from .exceptions import OutputError

    out = Path(out_dir).resolve()
    protected = [("the notebooks", NOTEBOOKS_DIR), ("the read-only input data/raw", RAW_DIR),
                 *(("an input folder", Path(p)) for p in inputs if Path(p).is_dir())]
    for what, folder in protected:
        folder = folder.resolve()
        if out == folder or (folder in out.parents and what != "an input folder"):
            raise OutputError(f"{out_dir}: refusing to write outputs into {what} ({folder}); choose another --out")
    return out


__all__ = [
    "CACHE_DIR",
    "CHECKOUT",
    "DATA_DIR",
    "HOME",
    "NOTEBOOKS_DIR",
    "PROCESSED_DIR",
    "PROJ_ROOT",
    "RAW_DIR",
    "REPORTS_DIR",
    "RESOURCES_DIR",
    "check_output_dir",
]
