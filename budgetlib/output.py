"""Writing the tables: CSV in UTF-8 with a BOM (Excel opens it) and Parquet, each written atomically
(to a temporary file in the same folder, then renamed), so a crash never leaves a half-written file.  An
``OSError`` while writing them (a full disk …) is an ``OutputWriteError`` naming the folder and the reason
(``budgetlib.outdir``), and leaves the files there as they were."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .amounts import AMOUNT_DTYPE, AMOUNT_FIELDS, format_amount
from .outdir import writing


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path next to ``target``; it replaces ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600: readable like any other file instead
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


# OWASP "CSV injection": a cell that starts with one of these is a formula to Excel and LibreOffice
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def excel_safe(value: object) -> object:
    """A text cell as Excel must show it: prefixed with ``'`` when Excel would evaluate it as a formula
    (``=HYPERLINK(…)``, ``@SUM(…)``, ``-2+3``); plain numbers such as ``-5`` stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def excel_unsafe(value: object) -> object:
    """Undo ``excel_safe`` (reading a CSV this library wrote)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col in AMOUNT_FIELDS:
            out[col] = out[col].map(format_amount)
        elif not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            text = out[col].astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False)  # only these cells need a look
            if risky.any():
                out[col] = text.mask(risky, text[risky].map(excel_safe))
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
        with writing(out_dir), atomic_path(target) as tmp:
            writers[fmt](tmp)
        written.append(target)
    return written


class TableSink:
    """Tables written in chunks (a corpus need not be in memory at once): ``add`` appends a chunk of each
    table, ``close`` puts every file in place; files written so far are lost if the block fails.  Every file
    is finished (flushed and closed: where a full disk shows) before any is put in place, so the folder
    gets all of them or none.  A table's chunks must have the same columns and dtypes (``tables.typed``
    makes them so); the files are the same as those ``write_table`` writes from the whole table at once
    (Parquet: in row groups)."""

    def __init__(self, out_dir: Path, formats: tuple[str, ...] = ("csv", "parquet")) -> None:
        self.out_dir, self.formats = out_dir, formats
        self._open: dict[tuple[str, str], tuple[Path, Path, object]] = {}  # (temporary file, target, writer)
        self.written: list[Path] = []

    def __enter__(self) -> TableSink:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def add(self, name: str, df: pd.DataFrame, formats: tuple[str, ...] | None = None) -> None:
        with writing(self.out_dir):
            for fmt in formats or self.formats:
                if (name, fmt) not in self._open:
                    self._start(name, fmt, df)
                _, _, out = self._open[name, fmt]
                if fmt == "csv":
                    _csv_ready(df).to_csv(out, index=False, header=False)
                else:
                    import pyarrow as pa

                    out.write_table(pa.Table.from_pandas(df, schema=out.schema, preserve_index=False))  # type: ignore[attr-defined]

    def _start(self, name: str, fmt: str, df: pd.DataFrame) -> None:
        target = self.out_dir / f"{name}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        self._open[name, fmt] = (tmp, target, None)  # removed by abort() should what follows fail
        if fmt == "csv":
            out: object = open(tmp, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115  # closed by close()
            self._open[name, fmt] = (tmp, target, out)
            df.iloc[:0].to_csv(out, index=False)  # the header
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = pa.Schema.from_pandas(df.iloc[:0], preserve_index=False)
            out = pq.ParquetWriter(tmp, schema)
            self._open[name, fmt] = (tmp, target, out)

    def close(self) -> list[Path]:
        """Finish every file, then put them all in place; the files written."""
        try:
            with writing(self.out_dir):
                for _, _, out in self._open.values():
                    out.close()  # type: ignore[attr-defined]
                mode = 0o666 & ~_umask()  # mkstemp makes 0600: readable like any other file instead
                for tmp, _, _ in self._open.values():
                    os.chmod(tmp, mode)
                for tmp, target, _ in self._open.values():
                    os.replace(tmp, target)
                    self.written.append(target)
        except BaseException:
            self.abort()
            raise
        self._open.clear()
        return self.written

    def abort(self) -> None:
        for tmp, _, out in self._open.values():
            if out is not None:
                _closed(out)
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._open.clear()


def _closed(out: object) -> None:
    """Close a writer that is being given up, quietly: a ParquetWriter whose close failed (a full disk) would
    try again, noisily, when it is collected."""
    try:
        out.close()  # type: ignore[attr-defined]
    except Exception:  # the file is removed next: what it failed to write does not matter
        pass
    finally:
        if hasattr(out, "is_open"):
            out.is_open = False  # type: ignore[attr-defined]


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """A table written by ``write_table`` (Parquet keeps the types)."""
    parquet = out_dir / f"{name}.parquet"
    if parquet.exists():
        df = pd.read_parquet(parquet)
    else:
        from .tables import NON_TEXT, typed

        df = pd.read_csv(out_dir / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for col in df.columns:
            df[col] = df[col].map(excel_unsafe)
            if col in NON_TEXT:  # CSV has no "empty" but "": blank numbers are missing
                df[col] = df[col].replace("", None)
        order = list(df.columns)
        amounts = {c: df.pop(c) for c in AMOUNT_FIELDS if c in df.columns}  # converted below, exactly
        df = typed(df).assign(**amounts)[order]
    for col in AMOUNT_FIELDS:  # exact decimals again (Parquet gives Decimal objects, CSV text)
        if col in df.columns:
            df[col] = df[col].map(lambda v: None if v in ("", None) or v is pd.NA else Decimal(str(v)),
                                  na_action="ignore").astype(AMOUNT_DTYPE)
    return df


__all__ = ["TableSink", "atomic_path", "read_table", "write_table"]
