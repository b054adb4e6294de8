"""Writing the tables: CSV in UTF-8 with a BOM (Excel opens it) and Parquet, each written atomically
(to a temporary file in the same folder, then renamed), so a crash never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .amounts import AMOUNT_FIELDS


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path next to ``target``; it replaces ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in AMOUNT_FIELDS:
        if col in out.columns:
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    return out


def write_table(
    df: pd.DataFrame, out_dir: Path, name: str, formats: tuple[str, ...] = ("csv", "parquet")
) -> list[Path]:
    written = []
    writers: dict[str, Callable[[Path], None]] = {
        "csv": lambda p: _csv_ready(df).to_csv(p, index=False, encoding="utf-8-sig"),
        "parquet": lambda p: df.to_parquet(p, index=False),
    }
    for fmt in formats:
        target = out_dir / f"{name}.{fmt}"
        with atomic_path(target) as tmp:
            writers[fmt](tmp)
        written.append(target)
    return written


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """A table written by ``write_table`` (Parquet keeps the types)."""
    parquet = out_dir / f"{name}.parquet"
    if parquet.exists():
        return pd.read_parquet(parquet)
    return pd.read_csv(out_dir / f"{name}.csv", encoding="utf-8-sig")


__all__ = ["atomic_path", "read_table", "write_table"]
