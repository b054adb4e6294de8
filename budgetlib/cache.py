"""The extraction cache: a document read once is not read again while its bytes, the library and the
settings that shape the result stay the same.

Keyed by the file's SHA-256, a digest of budgetlib's own code and data files (any change to the reader
is a new library), the settings that change what is read (engine, tolerances, language, the fallback
year) and the year a path may give; a document found under another name takes that name.  Entries are
pickled ``Document`` objects under ``config.CACHE_DIR / "extract"`` (``BUDGETLIB_CACHE_DIR`` moves it),
written atomically.  Files that could not be read are not cached: they are read again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import pickle
import re
from pathlib import Path

from . import config
from .model import Document
from .settings import ExtractSettings

# settings that change how a file is run, not what is read from it
_RUN_ONLY = {"workers", "timeout", "timeout_per_page", "max_memory_mb", "max_file_mb", "cache"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


# what only uses a Document once read (tables, review, charts, report …): a change there keeps the cache
_AFTER_READING = {"review", "analysis.py", "batch.py", "cache.py", "charts.py", "cli.py", "corpus.py", "diff.py",
                  "fonts.py", "notebook.py", "output.py", "pool.py", "report.py", "schema.py", "segment.py", "spool.py",
                  "tables.py", "__main__.py", "userdict.txt", "stopwords.txt", "words.toml"}


@functools.cache
def library_digest(everything: bool = False) -> str:
    """A digest of budgetlib's Python and data files that shape a Document (the reader, the checks, their
    rules and messages): the version of the reader, commit or not.  ``everything``: of all of them (what
    the written tables are a function of)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".txt", ".json")
                    and (everything or not _AFTER_READING & {*p.relative_to(root).parts})):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def file_digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def key(sha256: str, where: str, settings: ExtractSettings) -> str:
    shaping = {k: v for k, v in settings.to_dict().items() if k not in _RUN_ONLY}
    years = _YEAR.findall(where)
    payload = json.dumps([sha256, library_digest(), shaping, years[-1] if years else None], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def folder() -> Path:
    return config.CACHE_DIR / "extract"


def path(k: str) -> Path:
    """Where the document of key ``k`` is (or would be) kept."""
    return folder() / k[:2] / f"{k}.pkl"


def has(k: str) -> bool:
    return path(k).is_file()


def get(k: str, source: str) -> Document | None:
    """The cached document of key ``k``, named ``source``; None when there is none (or it is unreadable)."""
    try:
        with open(path(k), "rb") as fh:
            doc = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(doc, Document):
        return None
    if doc.source != source:
        doc.findings = [dataclasses.replace(f, source=source) for f in doc.findings]
        doc.source = source
    return doc


def put(k: str, doc: Document) -> None:
    from .output import atomic_path

    with atomic_path(path(k)) as tmp, open(tmp, "wb") as fh:
        pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)


__all__ = ["file_digest", "folder", "get", "has", "key", "library_digest", "path", "put"]
