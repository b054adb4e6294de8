"""budgetlib: read 项目支出绩效目标表（含转移支付项目）from Chinese budget PDFs, exactly.

>>> import budgetlib
>>> doc = budgetlib.read_pdf("data/raw/jinhua_performance_targets.pdf")
>>> result = budgetlib.extract(["data/raw"])          # many files, tidy tables
>>> result.tables()["projects"].head()
>>> tables = budgetlib.load_processed()              # what `budgetlib extract` wrote
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import config
from .batch import Extraction, Failure, extract
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
from .extract import read_pdf
from .indicators import Indicator, parse_indicators
from .model import Document, Finding, Row
from .settings import ExtractSettings
from .values import Value, parse_value

__version__ = "0.1.0"


def load_processed(folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The tables ``budgetlib extract`` wrote (default ``data/processed``), by name."""
    from .output import read_table

    folder = Path(folder) if folder else config.PROCESSED_DIR
    return {name: read_table(folder, name) for name in ("projects", "units", "indicators", "findings")}


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
