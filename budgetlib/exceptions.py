"""The errors budgetlib raises.  Each message says what was wrong and what to do about it."""

from __future__ import annotations

from pathlib import Path


class BudgetlibError(Exception):
    """Base class of every error budgetlib raises on purpose."""


class SettingsError(BudgetlibError, ValueError):
    """A setting has a value budgetlib cannot use."""


class OutputError(BudgetlibError):
    """An output folder that must not be written to (the notebooks, the read-only input)."""


class InputError(BudgetlibError):
    """One input file cannot be read as a 项目支出绩效目标表; ``reason`` says why, in one line."""

    reason = "cannot be read"

    def __init__(self, path: str | Path, detail: str | None = None) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(f"{self.path}: {self.reason}" + (f" ({detail})" if detail else ""))


class EmptyFileError(InputError):
    reason = "the file is empty (0 bytes); download it again"


class NotAPDFError(InputError):
    reason = "not a PDF (no %PDF- header); check that the file is the PDF and not a web page or spreadsheet"


class EncryptedPDFError(InputError):
    reason = "the PDF is encrypted with a password; decrypt it first (e.g. qpdf --decrypt)"


class DamagedPDFError(InputError):
    reason = "the PDF is damaged or truncated; download it again"


class NoTextLayerError(InputError):
    reason = "no text layer (a scanned, image-only PDF) and OCR is off (--ocr never); read it with --ocr auto"


class TableNotFoundError(InputError):
    reason = "no 绩效目标表 of a known layout found"


__all__ = [
    "BudgetlibError",
    "DamagedPDFError",
    "EmptyFileError",
    "EncryptedPDFError",
    "InputError",
    "NoTextLayerError",
    "NotAPDFError",
    "OutputError",
    "SettingsError",
    "TableNotFoundError",
]
