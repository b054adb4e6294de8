"""Many PDFs at once: each read in its own process (reading is a pure function of the file and the
settings), bad files reported and skipped, the good ones gathered into one ``Extraction``."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pebble import ProcessExpired, ProcessPool
from tqdm import tqdm

from .config import check_output_dir
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
        rows = [{"source": d.source, "status": "doubt" if _doubted(d) else "ok", "reason": _doubted(d),
                 "sha256": d.sha256, "department": d.department,
                 "amount_unit": d.amount_unit, "pages": ",".join(map(str, d.pages)),
                 "units": sum(r.kind == "unit" for r in d.rows), "projects": len(d.projects),
                 "indicators": sum(len(r.indicators) for r in d.projects), "findings": len(d.findings)}
                for d in self.documents]
        rows += [{"source": f.source, "status": "error", "reason": f.reason} for f in self.failures]
        rows += [{"source": f.source, "status": "skipped", "reason": f.reason} for f in self.skipped]
        counts = {c: "Int64" for c in ("units", "projects", "indicators", "findings")}
        return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS).astype(counts)

    def write(self, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "parquet"),
              inputs: tuple[str | os.PathLike[str], ...] = ()) -> list[Path]:
        """Write every table to ``out_dir`` atomically; returns the files written.  A table's file in a
        format not written this time (Parquet of an earlier run) is removed, so that ``load_processed``
        never reads a stale one.  Refuses the notebooks, ``data/raw`` and the ``inputs`` folders."""
        out_dir = check_output_dir(out_dir, inputs)
        written: list[Path] = []
        for name, df in self.tables().items():
            written += write_table(df, out_dir, name, formats)
            for stale in {"csv", "parquet"} - set(formats):
                (out_dir / f"{name}.{stale}").unlink(missing_ok=True)
        written += write_table(self.sources(), out_dir, "sources", ("csv",))
        written += write_table(log_frame(self.documents), out_dir, "log", ("csv",))
        return written


def _doubted(doc: Document) -> str:
    """The reason a read document's rows are in doubt ("" when they are not)."""
    pages = sorted({f.page for f in doc.findings if f.check == "extraction_doubt"})
    return f"extraction doubt on page(s) {', '.join(map(str, pages))}" if pages else ""


def _read_one(path: str, settings: ExtractSettings, source: str) -> Document | Failure:
    try:
        return read_pdf(path, settings, source=source)
    except InputError as exc:
        return Failure(source, path, str(exc))
    except BudgetlibError as exc:
        return Failure(source, path, f"{path}: {exc}")
    except MemoryError:
        return Failure(source, path, f"{path}: needs more memory than the limit of {settings.max_memory_mb} MB "
                                     "(max_memory_mb); not read")
    except Exception as exc:  # a bug must not stop the batch: report it in one line, keep going
        log.debug("unexpected error reading %s", path, exc_info=True)
        return Failure(source, path, f"{path}: unexpected error ({type(exc).__name__}: {exc}); "
                                     "please report it with the file")


def _limit_memory(max_mb: int) -> None:
    """In each worker: cap its address space, so a file that needs too much fails alone."""
    if max_mb:
        import resource

        limit = max_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard if hard != resource.RLIM_INFINITY and hard < limit
                                                     else limit))


def _outcome(future: Future, path: str, source: str, settings: ExtractSettings) -> Document | Failure:
    """A worker's result, or one line on why it has none (stuck, crashed, killed for memory)."""
    try:
        return future.result()
    except FutureTimeout:
        return Failure(source, path, f"{path}: took longer than {settings.timeout:g} s (timeout); stopped, not read")
    except ProcessExpired as exc:
        how = f"signal {-exc.exitcode}" if exc.exitcode and exc.exitcode < 0 else f"exit code {exc.exitcode}"
        return Failure(source, path, f"{path}: the reader crashed ({how}; out of memory or a fault in the PDF "
                                     "library); not read")
    except Exception as exc:  # the pool itself failed for this file
        return Failure(source, path, f"{path}: could not be read ({type(exc).__name__}: {exc})")


def _results(jobs: list[tuple[str, str]], settings: ExtractSettings, progress: bool
             ) -> Iterator[Document | Failure]:
    """Each file in a worker process of its own pool (pebble): a file that crashes its worker, runs past
    ``timeout`` or needs more than ``max_memory_mb`` is reported as failed, and the others go on."""
    workers = max(1, min(settings.processes, len(jobs)))
    bar = tqdm(total=len(jobs), desc="budgetlib extract", unit="pdf", disable=not progress, leave=False)
    with bar, ProcessPool(max_workers=workers, initializer=_limit_memory, initargs=(settings.max_memory_mb,),
                          context=_context()) as pool:
        futures = [pool.schedule(_read_one, args=(path, settings, source), timeout=settings.timeout or None)
                   for path, source in jobs]
        for future, (path, source) in zip(futures, jobs):
            yield _outcome(future, path, source, settings)
            bar.update()


def _context() -> multiprocessing.context.BaseContext:
    """fork where there is one (workers start with budgetlib already imported), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def find_pdfs(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[tuple[str, str]], list[Failure]]:
    """The PDFs to read, as (path, source): folders are walked recursively, ``.pdf`` matched without
    case (``A.PDF``); ``source`` is the path relative to the folder given (the file name for a file
    given itself), made unique within the run.  A folder without PDFs is a failure of its own."""
    found: list[tuple[Path, str]] = []
    problems: list[Failure] = []
    for p in map(Path, paths):
        if p.is_dir():
            pdfs = sorted(f for f in p.rglob("*") if f.suffix.lower() == ".pdf" and f.is_file())
            if not pdfs:
                problems.append(Failure(str(p), str(p), f"{p}: the folder holds no PDF (searched its subfolders "
                                                        "too, for *.pdf in any case)"))
            found += [(f, f.relative_to(p).as_posix()) for f in pdfs]
        else:
            found.append((p, p.name))
    counts = Counter(source for _, source in found)
    jobs, taken = [], set()
    for path, source in found:
        if counts[source] > 1 or source in taken:  # the same name from two places: name it by more of its path
            parts = path.resolve().parts
            k = 2
            while "/".join(parts[-k:]) in taken and k < len(parts):
                k += 1
            source = "/".join(parts[-k:])
        taken.add(source)
        jobs.append((str(path), source))
    return jobs, problems


def extract(paths: Iterable[str | os.PathLike[str]], settings: ExtractSettings | None = None, *,
            progress: bool = False) -> Extraction:
    """Read every PDF in ``paths`` (files, or folders walked for ``*.pdf`` in any case).

    Each file is read in a worker process under ``settings.timeout`` and ``settings.max_memory_mb``; a
    file that fails (unreadable, stuck, crashed) is listed in ``failures`` and the batch goes on.
    """
    settings = settings or ExtractSettings()
    jobs, problems = find_pdfs(paths)
    result = Extraction(failures=problems)
    limit = settings.max_file_mb * 1024 * 1024
    readable = []
    for path, source in jobs:
        size = Path(path).stat().st_size if Path(path).exists() else 0
        if settings.max_file_mb and size > limit:
            result.failures.append(Failure(source, path, f"{path}: {size / 1048576:.0f} MB is larger than the "
                                                         f"limit of {settings.max_file_mb:g} MB (max_file_mb); "
                                                         "not read"))
        else:
            readable.append((path, source))
    seen: dict[str, str] = {}
    for item in _results(readable, settings, progress) if readable else ():
        if isinstance(item, Failure):
            result.failures.append(item)
        elif item.sha256 in seen:
            result.skipped.append(Failure(item.source, item.source,
                                          f"{item.source}: same content as {seen[item.sha256]}: skipped"))
        else:
            seen[item.sha256] = item.source
            result.documents.append(item)
    return result


__all__ = ["TABLES", "Extraction", "Failure", "extract", "find_pdfs"]
