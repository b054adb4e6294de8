"""Opening a PDF: refuse what cannot be read (with a reason) and get each page's text.

pypdfium2 reads the text of every page in milliseconds; the table's pages are then located from
that text so camelot only parses the pages that hold the table.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..exceptions import DamagedPDFError, EmptyFileError, EncryptedPDFError, NotAPDFError


@dataclass(frozen=True)
class PdfText:
    path: Path
    sha256: str
    texts: list[str]  # one per page, page 1 first
    images: list[int]  # image objects per page (counted only when no page has text)

    @property
    def n_pages(self) -> int:
        return len(self.texts)


def check_bytes(path: Path, data: bytes) -> None:
    """Cheap checks before any parser sees the file."""
    if not data:
        raise EmptyFileError(path)
    if b"%PDF-" not in data[:1024]:
        raise NotAPDFError(path)
    if b"%%EOF" not in data[-2048:] and b"%%EOF" not in data:  # bytes after %%EOF are harmless (pdfium judges)
        raise DamagedPDFError(path, "truncated: no %%EOF end-of-file marker")


def read_text(path: str | Path, data: bytes | None = None) -> PdfText:
    """Validate ``path`` and return the text of each page."""
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    check_bytes(path, data)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPDFError(path) from None
        raise DamagedPDFError(path, str(exc).rstrip(".")) from None
    try:
        texts = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())  # all of it: bounds miss text on a /Rotate page
            textpage.close()
            page.close()
        # images matter only to tell a scanned PDF from an empty one
        images = [] if any(t.strip() for t in texts) else [_images(doc, i) for i in range(len(doc))]
    finally:
        doc.close()
    return PdfText(path, hashlib.sha256(data).hexdigest(), texts, images)


def _images(doc: pdfium.PdfDocument, index: int) -> int:
    page = doc[index]
    try:
        return sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    finally:
        page.close()


# excerpts of the documents being read: a parser that walks a whole document to reach a page (pdfminer's page
# tree behind pdfplumber, playa's object lookups behind camelot) costs the document's length on every call,
# so over a long document calls for a few pages each add up to its square; an excerpt costs its own pages
EXCERPT_OVER = 32  # pages: shorter documents are parsed whole
_excerpts: dict[tuple[str, tuple[int, ...]], Path] = {}
_excerpt_dir: list[tempfile.TemporaryDirectory] = []


def page_count(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def excerpt(path: Path, pages: list[int]) -> tuple[Path, dict[int, int]]:
    """``path`` itself, or — for a document of more than ``EXCERPT_OVER`` pages — a PDF of ``pages`` alone (a
    temporary file, made once while the document is read: ``forget`` removes it); with the page numbers of
    ``pages`` in the file returned."""
    if page_count(path) <= EXCERPT_OVER:
        return path, {p: p for p in pages}
    key = (str(path), tuple(pages))
    made = _excerpts.get(key)
    if made is None or not made.exists():
        if not _excerpt_dir:
            _excerpt_dir.append(tempfile.TemporaryDirectory(prefix="budgetlib-excerpts-"))
        made = Path(_excerpt_dir[0].name) / f"{len(_excerpts)}.pdf"
        src, out = pdfium.PdfDocument(str(path)), pdfium.PdfDocument.new()
        try:
            out.import_pages(src, [p - 1 for p in pages])
            out.save(str(made))
        finally:
            out.close()
            src.close()
        _excerpts[key] = made
    return made, {p: k for k, p in enumerate(pages, start=1)}


def forget(path: Path) -> None:
    """Remove the excerpts of ``path`` (its reading is done)."""
    for key in [k for k in _excerpts if k[0] == str(path)]:
        _excerpts.pop(key).unlink(missing_ok=True)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# what the PDF parsers under camelot (playa, pdfminer) say when content is lost, not merely repaired
_LOSS = ("STILL not found", "Invalid font dictionary", "Could not get stream", "Unexpected EOF")
_PARSER_LOGGERS = ("playa", "pdfminer")


@contextlib.contextmanager
def parser_damage(path: Path) -> Iterator[None]:
    """Keep the PDF parsers' warnings (with their tracebacks) off the terminal, and refuse the file
    when they report lost content: text read from a broken PDF cannot be trusted."""
    handler = _Collect()
    saved = []
    for name in _PARSER_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate, logger.level))
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, propagate, level in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate
            logger.setLevel(level)
    lost = [m for m in handler.messages if any(k in m for k in _LOSS)]
    if lost:
        raise DamagedPDFError(path, f"parts of it cannot be read: {lost[0].splitlines()[0][:120]}")


__all__ = ["EXCERPT_OVER", "PdfText", "check_bytes", "excerpt", "forget", "page_count", "parser_damage",
           "read_text"]
