"""The extraction cache: a document read once is not read again while its bytes, the library and the
settings that shape the result stay the same.

Keyed by the file's SHA-256, a digest of budgetlib's own code and data files (any change to the reader
is a new library), the versions of the libraries that read a PDF for it (camelot, pdfplumber, pdfminer,
pypdfium2, RapidOCR, onnxruntime, OpenCV, numpy: ``READERS``, from their installed metadata, without
importing them) and Python's, the encoding of the entries, the settings that change what is read (engine,
tolerances, language, the fallback year) and the year a path may give; a document found under another
name takes that name.

Entries are data, never code: each document is JSON (``budgetlib.codec``, every field of the model's
dataclasses by its type, amounts as exact decimal text) in ``<key>.json`` under ``config.CACHE_DIR /
"extract"`` (the user's cache folder, ``BUDGETLIB_CACHE_DIR`` moves it), written atomically.  An entry
that is not such JSON — damaged, or replaced by anything else, a pickle included — is no entry: the file
is read again and the entry rewritten.  Files that could not be read are not cached: they are read again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import sys
from pathlib import Path

from . import codec, config
from .model import Document
from .settings import ExtractSettings

# the distributions that read a PDF for budgetlib: another version may read another document
READERS = ("camelot-py", "pdfplumber", "pdfminer.six", "playa-pdf", "pypdfium2", "rapidocr-onnxruntime",
           "onnxruntime", "opencv-python-headless", "opencv-python", "numpy")

# settings that change how a file is run, not what is read from it
_RUN_ONLY = {"workers", "timeout", "timeout_per_page", "max_memory_mb", "max_file_mb", "cache"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


# what only uses a Document once read (tables, review, charts, report …): a change there keeps the cache
_AFTER_READING = {"review", "analysis.py", "batch.py", "cache.py", "charts.py", "cli.py", "corpus.py", "diff.py",
                  "fonts.py", "notebook.py", "output.py", "pool.py", "report.py", "schema.py", "segment.py", "spool.py",
                  "tables.py", "outdir.py", "isolate.py", "front.py", "workbook.py", "report", "__main__.py",
                  "userdict.txt", "stopwords.txt", "words.toml"}


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


@functools.cache
def reader_versions() -> dict[str, str | None]:
    """The installed version of each of ``READERS`` (None when it is not installed), and Python's: read
    from the packages' metadata, without importing them (a cached run loads none of them)."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": f"{sys.version_info[0]}.{sys.version_info[1]}"}
    for name in READERS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def file_digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def key(sha256: str, where: str, settings: ExtractSettings) -> str:
    shaping = {k: v for k, v in settings.to_dict().items() if k not in _RUN_ONLY}
    years = _YEAR.findall(where)
    payload = json.dumps([sha256, library_digest(), reader_versions(), codec.VERSION, shaping,
                          years[-1] if years else None], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def folder() -> Path:
    return config.CACHE_DIR / "extract"


def path(k: str) -> Path:
    """Where the document of key ``k`` is (or would be) kept."""
    return folder() / k[:2] / f"{k}.json"


def has(k: str) -> bool:
    return path(k).is_file()


def get(k: str, source: str) -> Document | None:
    """The cached document of key ``k``, named ``source``; None when there is none, or when the entry is not
    a document budgetlib wrote (it is only ever parsed as JSON data, never executed)."""
    try:
        doc = load(path(k).read_bytes())
    except (OSError, codec.CodecError):
        return None
    if doc.source != source:
        doc.findings = [dataclasses.replace(f, source=source) for f in doc.findings]
        doc.source = source
    return doc


def dump(doc: Document) -> bytes:
    """A document as the cache and the spool keep it: JSON (``budgetlib.codec``)."""
    return codec.dumps(doc, Document)


def load(data: bytes) -> Document:
    """The document ``dump`` wrote; ``codec.CodecError`` when ``data`` is not one."""
    return codec.loads(data, Document)


def put(k: str, doc: Document) -> None:
    from .output import atomic_path

    data = dump(doc)
    with atomic_path(path(k)) as tmp:
        tmp.write_bytes(data)


__all__ = ["READERS", "dump", "file_digest", "folder", "get", "has", "key", "library_digest", "load", "path", "put",
           "reader_versions"]
