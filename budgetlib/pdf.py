"""Opening a PDF: refuse what cannot be read (with a reason) and get each page's text.

pypdfium2 reads the text of every page in milliseconds; the table's pages are then located from
that text so camelot only parses the pages that hold the table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .exceptions import DamagedPDFError, EmptyFileError, EncryptedPDFError, NotAPDFError


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
    if b"%%EOF" not in data[-2048:]:
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
            texts.append(textpage.get_text_bounded())
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


__all__ = ["PdfText", "check_bytes", "read_text"]
