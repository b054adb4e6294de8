"""The errors budgetlib raises.  Each message says what was wrong and what to do about it."""

from __future__ import annotations

from pathlib import Path


class BudgetlibError(Exception):
    """Base class of every error budgetlib raises on purpose."""


class SettingsError(BudgetlibError, ValueError):
    """A setting has a value budgetlib cannot use."""


class OutputError(BudgetlibError):
    """An output folder that must not be written to (the notebooks, the read-only input)."""


class OutputWriteError(BudgetlibError, OSError):
    """The outputs could not be written into their folder: ``folder`` and ``reason`` say where and why (a file
    in the way, no permission, a read-only file system, a full disk, another run writing there).  Nothing
    there was changed: every output is put in place only once all of them are written.  An ``OSError`` too,
    so that code catching that still catches it."""

    def __init__(self, folder: str | Path, reason: str, code: int | None = None) -> None:
        self.folder, self.reason = Path(folder), reason
        super().__init__(code, f"{folder}: cannot write the outputs there: {reason}")

    def __str__(self) -> str:
        return f"{self.folder}: cannot write the outputs there: {self.reason}"


class OutputBusyError(OutputWriteError):
    """Another run is writing into the same output folder (it holds the folder's lock)."""

    def __init__(self, folder: str | Path, holder: str = "") -> None:
        held = f" ({holder})" if holder else ""
        super().__init__(folder, f"another budgetlib run is writing there{held}; run again when it has ended, or "
                                 "choose another --out")


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
    "OutputBusyError",
    "OutputError",
    "OutputWriteError",
    "SettingsError",
    "TableNotFoundError",
]
