"""Many PDFs at once: each read in its own process (reading is a pure function of the file and the
settings), bad files reported and skipped, the good ones gathered into one ``Extraction``."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .exceptions import BudgetlibError, InputError
from .extract import read_pdf
from .model import Document
from .output import write_table
from .schema import SCHEMAS
from .settings import ExtractSettings
from .tables import (
    SOURCE_COLUMNS,
    findings_frame,
    indicators_frame,
    log_frame,
    projects_frame,
    units_frame,
)

log = logging.getLogger("budgetlib.extract")
TABLES = ("projects", "units", "indicators", "findings")


@dataclass
class Failure:
    source: str
    path: str
    reason: str  # one line naming the file and the reason


@dataclass
class Extraction:
    """What a batch yields: documents read, files that failed, and the tidy tables."""

    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Failure] = field(default_factory=list)  # the same file given twice
    _tables: dict[str, pd.DataFrame] | None = field(default=None, init=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.failures

    def tables(self) -> dict[str, pd.DataFrame]:
        """The four tables, checked against their schemas (built once)."""
        if self._tables is not None:
            return self._tables
        frames = {
            "projects": projects_frame(self.documents),
            "units": units_frame(self.documents),
            "indicators": indicators_frame(self.documents),
            "findings": findings_frame(self.documents),
        }
        self._tables = {name: SCHEMAS[name].validate(df) for name, df in frames.items()}
        return self._tables

    @property
    def projects(self) -> pd.DataFrame:
        return self.tables()["projects"]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables()["indicators"]

    @property
    def findings(self) -> pd.DataFrame:
        return self.tables()["findings"]

    def sources(self) -> pd.DataFrame:
        rows = [{"source": d.source, "status": "ok", "reason": "", "sha256": d.sha256, "department": d.department,
                 "amount_unit": d.amount_unit, "pages": ",".join(map(str, d.pages)),
                 "units": sum(r.kind == "unit" for r in d.rows), "projects": len(d.projects),
                 "indicators": sum(len(r.indicators) for r in d.projects), "findings": len(d.findings)}
                for d in self.documents]
        rows += [{"source": f.source, "status": "error", "reason": f.reason} for f in self.failures]
        rows += [{"source": f.source, "status": "skipped", "reason": f.reason} for f in self.skipped]
        counts = {c: "Int64" for c in ("units", "projects", "indicators", "findings")}
        return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS).astype(counts)

    def write(self, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "parquet")) -> list[Path]:
        """Write every table to ``out_dir`` atomically; returns the files written."""
        out_dir = Path(out_dir)
        written: list[Path] = []
        for name, df in self.tables().items():
            written += write_table(df, out_dir, name, formats)
        written += write_table(self.sources(), out_dir, "sources", ("csv",))
        written += write_table(log_frame(self.documents), out_dir, "log", ("csv",))
        return written


def _read_one(args: tuple[str, ExtractSettings]) -> Document | Failure:
    path, settings = args
    try:
        return read_pdf(path, settings)
    except InputError as exc:
        return Failure(Path(path).name, path, str(exc))
    except BudgetlibError as exc:
        return Failure(Path(path).name, path, f"{path}: {exc}")
    except Exception as exc:  # a bug must not stop the batch: report it in one line, keep going
        log.debug("unexpected error reading %s", path, exc_info=True)
        return Failure(Path(path).name, path, f"{path}: unexpected error ({type(exc).__name__}: {exc}); "
                                              "please report it with the file")


def _results(paths: list[str], settings: ExtractSettings, progress: bool) -> Iterator[Document | Failure]:
    jobs = [(p, settings) for p in paths]
    workers = min(settings.processes, len(paths))
    bar = tqdm(total=len(paths), desc="budgetlib extract", unit="pdf", disable=not progress, leave=False)
    with bar:
        if workers <= 1:
            for job in jobs:
                yield _read_one(job)
                bar.update()
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_read_one, jobs):
                yield result
                bar.update()


def extract(paths: Iterable[str | os.PathLike[str]], settings: ExtractSettings | None = None, *,
            progress: bool = False) -> Extraction:
    """Read every PDF in ``paths`` (files, or folders searched for ``*.pdf``)."""
    settings = settings or ExtractSettings()
    files: list[str] = []
    for p in map(Path, paths):
        files += [str(f) for f in sorted(p.glob("*.pdf"))] if p.is_dir() else [str(p)]
    result = Extraction()
    seen: dict[str, str] = {}
    for item in _results(files, settings, progress):
        if isinstance(item, Failure):
            result.failures.append(item)
        elif item.sha256 in seen:
            result.skipped.append(Failure(item.source, item.source,
                                          f"{item.source}: same content as {seen[item.sha256]}: skipped"))
        else:
            seen[item.sha256] = item.source
            result.documents.append(item)
    return result


__all__ = ["TABLES", "Extraction", "Failure", "extract"]
