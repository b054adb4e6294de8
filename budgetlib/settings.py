"""Extraction settings as a validated dataclass (like pdfplumber's ``TableSettings``)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields

from .exceptions import SettingsError
from .messages import LANGS

ENGINES = ("vector", "combined", "raster")
OCR_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class ExtractSettings:
    """How a document is read.

    engine: camelot's lattice line-detection engine.  ``vector`` reads the PDF's own ruling
        lines (fast, no rendering); ``combined``/``raster`` render the page first.
    workers: processes for a batch (files are read in parallel); 1 reads in this process.
    line_tol, joint_tol: camelot lattice tolerances (points) for merging lines and joints.
    row_gap: in a table without rules between its rows, white space (points) taken as a row boundary
        when the gaps between lines do not separate into "inside a cell" and "between rows" by
        themselves (they usually do, and then this is not used).
    word_margin: pdfminer's word margin; a gap between characters wider than this many character
        widths is read as a space.  0.35 keeps the small gap that Word and LibreOffice Writer put
        between Chinese and Latin text from turning into a space that the document does not have.
    amount_tolerance: allowed difference (万元) before a sum is reported as not adding up;
        0 means exact to the cent.
    timeout: seconds one file may take in a batch before its worker is stopped and the file reported
        as failed, over and above ``timeout_per_page`` for each of its pages (0: no limit).
    timeout_per_page: seconds added to a file's limit for each of its pages: the limit grows with the
        document (a 140-page table, a 30-page scanned disclosure read by OCR), so that no well-formed
        document runs out of time with the defaults.
    max_memory_mb: address space one worker may use (a file that needs more fails alone; 0: no limit).
    max_file_mb: larger files are refused before any parser sees them (0: no limit).
    lang: language of finding and review messages: ``zh`` (default) or ``en``.
    year: the budget year of documents that print none and whose path holds none (None: unknown).
    cache: reuse documents read before (``budgetlib.cache``: same bytes, library and settings).
    ocr: read scanned pages by OCR: ``auto`` (pages without text that hold an image), ``always`` (every
        page, its text layer ignored) or ``never``.
    """

    engine: str = "vector"
    workers: int = 0
    line_tol: float = 2.0
    joint_tol: float = 2.0
    row_gap: float = 4.0
    word_margin: float = 0.35
    amount_tolerance: float = 0.0
    timeout: float = 300.0
    timeout_per_page: float = 10.0
    max_memory_mb: int = 6144
    max_file_mb: float = 200.0
    lang: str = "zh"
    year: int | None = None
    cache: bool = True
    ocr: str = "auto"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise SettingsError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.year is not None and not (isinstance(self.year, int) and 1990 <= self.year <= 2100):
            raise SettingsError(f"year must be a year such as 2024, got {self.year!r}")
        if self.ocr not in OCR_MODES:
            raise SettingsError(f"ocr must be one of {', '.join(OCR_MODES)}, got {self.ocr!r}")
        if self.lang not in LANGS:
            raise SettingsError(f"lang must be one of {', '.join(LANGS)}, got {self.lang!r}")
        if not isinstance(self.workers, int) or self.workers < 0:
            raise SettingsError(f"workers must be a whole number >= 0 (0 = one per core), got {self.workers!r}")
        for name in ("line_tol", "joint_tol", "row_gap", "word_margin", "amount_tolerance", "timeout",
                     "timeout_per_page", "max_memory_mb", "max_file_mb"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                raise SettingsError(f"{name} must be a number >= 0, got {value!r}")

    def time_limit(self, pages: int) -> float | None:
        """Seconds a file of ``pages`` pages may take (None: no limit)."""
        return self.timeout + self.timeout_per_page * pages if self.timeout else None

    @property
    def processes(self) -> int:
        return self.workers or min(os.cpu_count() or 1, 4)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


__all__ = ["ENGINES", "OCR_MODES", "ExtractSettings"]
