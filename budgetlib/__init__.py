"""budgetlib: read 项目支出绩效目标表（含转移支付项目）from Chinese budget PDFs, exactly.

>>> import budgetlib
>>> doc = budgetlib.read_pdf("data/raw/jinhua_performance_targets.pdf")
>>> result = budgetlib.extract(["data/raw"])          # many files, tidy tables
>>> result.tables()["projects"].head()
>>> tables = budgetlib.load_processed()              # what `budgetlib extract` wrote
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .exceptions import (
    BudgetlibError,
    DamagedPDFError,
    EmptyFileError,
    EncryptedPDFError,
    InputError,
    NotAPDFError,
    NoTextLayerError,
    OutputError,
    SettingsError,
    TableNotFoundError,
)
from .settings import ExtractSettings

if TYPE_CHECKING:
    import pandas as pd

    from .batch import Extraction, extract
    from .indicators import Indicator, parse_indicators
    from .model import Document, Finding, Row
    from .pool import Failure
    from .read import read_pdf
    from .values import Value, parse_value

__version__ = "0.1.0"

# the rest of the API loads on first use (PEP 562): ``budgetlib extract`` starts its workers before
# pandas and camelot are imported, and each worker imports the reader in parallel with the others
_LAZY = {"Extraction": "batch", "extract": "batch", "Failure": "pool", "read_pdf": "read",
         "Indicator": "indicators", "parse_indicators": "indicators", "Document": "model", "Finding": "model",
         "Row": "model", "Value": "values", "parse_value": "values"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'budgetlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def load_processed(folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The tables ``budgetlib extract`` wrote (default ``data/processed``), by name: projects, units,
    indicators, findings, department_targets, and the reviewer's review_indicators and review_projects."""
    from .output import read_table

    folder = Path(folder) if folder else config.PROCESSED_DIR
    names = ["projects", "units", "indicators", "findings"]
    names += [n for n in ("department_targets", "review_indicators", "review_projects") if any(folder.glob(f"{n}.*"))]
    return {name: read_table(folder, name) for name in names}


__all__ = [
    "BudgetlibError",
    "DamagedPDFError",
    "Document",
    "EmptyFileError",
    "EncryptedPDFError",
    "ExtractSettings",
    "Extraction",
    "Failure",
    "Finding",
    "Indicator",
    "InputError",
    "NoTextLayerError",
    "NotAPDFError",
    "OutputError",
    "Row",
    "SettingsError",
    "TableNotFoundError",
    "Value",
    "config",
    "extract",
    "load_processed",
    "parse_indicators",
    "parse_value",
    "read_pdf",
]
