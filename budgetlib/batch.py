"""Many PDFs at once: each read in its own process (reading is a pure function of the file and the
settings, see ``pool.py``), bad files reported and skipped, the good ones gathered into one
``Extraction`` whose tables are built, validated and written here.  pandas and the table writers load
while the workers read (they are not needed before).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import check_output_dir
from .model import Document
from .outdir import lock, writing
from .pool import Batch, Failure, find_pdfs, log, quiet_gc, start
from .settings import ExtractSettings

if TYPE_CHECKING:
    import pandas as pd

    from .spool import Spool

TABLES = ("projects", "units", "indicators", "findings", "department_targets")
REVIEW_TABLES = ("review_indicators", "review_projects")


def _writers() -> None:
    """Load pandas, the schemas and the writers (about a second) — while the workers read."""
    with quiet_gc():
        from . import output, schema, tables  # noqa: F401


@dataclass
class Extraction:
    """What a batch yields: documents read, files that failed, and the tidy tables."""

    documents: Sequence[Document] = field(default_factory=list)  # a list, or a ``Spool`` (kept on disk)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Failure] = field(default_factory=list)  # the same file given twice
    lang: str = "zh"  # of the review points (finding messages are written by the readers, in the same)
    keys: list[str | None] | None = None  # each document's cache key, when the batch computed them
    _tables: dict[str, pd.DataFrame] | None = field(default=None, init=False, repr=False)
    _review: dict[str, pd.DataFrame] | None = field(default=None, init=False, repr=False)
    _summaries: list[dict] | None = field(default=None, init=False, repr=False)
    _streamed: tuple[tuple[Path, tuple[str, ...]], list[Path]] | None = field(default=None, init=False, repr=False)
    # documents read whose tables could not be built (a bug, reported as a failure of that file): left out
    _excluded: set[str] = field(default_factory=set, init=False, repr=False)

    def _live(self) -> Iterable[Document]:
        """The documents whose tables are written (every one read, but those left out)."""
        return (d for d in self.documents if d.source not in self._excluded) if self._excluded else self.documents

    def _exclude(self, failed: list[Failure]) -> None:
        """Report documents whose tables could not be built as failures of their files, and leave them out."""
        if not failed:
            return
        self.failures.extend(failed)
        self._excluded |= {f.source for f in failed}
        if self._summaries is not None:
            keep = [i for i, s in enumerate(self._summaries) if s["source"] not in self._excluded]
            self._summaries = [self._summaries[i] for i in keep]
            if self.keys is not None:
                self.keys = [self.keys[i] for i in keep]
        self._tables = self._review = None

    @property
    def ok(self) -> bool:
        return not self.failures

    def tables(self) -> dict[str, pd.DataFrame]:
        """The four tables, checked against their schemas (built once)."""
        if self._tables is not None:
            return self._tables
        self._tables = _tables(list(self._live()))
        return self._tables

    def review(self) -> dict[str, pd.DataFrame]:
        """The reviewer's tables (``budgetlib.review``): ``review_indicators`` and ``review_projects``."""
        if self._review is None:
            from .review import review

            self._review = review(self.projects, self.indicators, self.lang)
        return self._review

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
        import pandas as pd

        from .tables import SOURCE_COLUMNS

        rows = [{k: v for k, v in s.items() if k in SOURCE_COLUMNS} for s in self.summaries()]
        rows += [{"source": f.source, "status": "error", "reason": f.reason} for f in self.failures]
        rows += [{"source": f.source, "status": "skipped", "reason": f.reason} for f in self.skipped]
        counts = {c: "Int64" for c in ("year", "units", "projects", "indicators", "findings", "targets")}
        return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS).astype(counts)

    def summaries(self) -> list[dict]:
        """Per document read: its ``sources.csv`` row, and the pages in doubt (``doubt_pages``, ``ocr_pages``)."""
        if self._summaries is None or len(self._summaries) != len(self.documents) - len(self._excluded):
            self._summaries = [summary(d) for d in self._live()]
        return self._summaries

    def write(self, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "parquet"),
              inputs: tuple[str | os.PathLike[str], ...] = ()) -> list[Path]:
        """Write every table to ``out_dir`` atomically; returns the files written.  A table's file in a
        format not written this time (Parquet of an earlier run) is removed, so that ``load_processed``
        never reads a stale one.  Refuses the notebooks, ``data/raw`` and the ``inputs`` folders
        (``OutputError``); ``OutputWriteError`` when the folder cannot be written (a file in the way, no
        permission, a full disk, another run writing there: its lock), and then the files there are as they
        were.

        The tables are built and written a chunk of documents at a time (``CHUNK_INDICATORS``): the memory
        this takes does not grow with the corpus."""
        out_dir = check_output_dir(out_dir, inputs)
        with lock(out_dir), writing(out_dir):
            stamp = self._stamp(formats)
            if self._streamed is not None and self._streamed[0] == (out_dir, formats):
                written = self._streamed[1]  # written by ``gather`` while the documents came
            elif stamp and (current := _up_to_date(out_dir, stamp)):
                return current  # the same documents, library and formats as the files there: nothing to write
            else:
                writer = _Writer(out_dir, formats, self.lang)
                try:
                    for doc in self._live():
                        writer.add(doc)
                    written = writer.finish(self)
                except BaseException:
                    writer.abort()
                    raise
            for name in (*TABLES, *REVIEW_TABLES):
                for stale in {"csv", "parquet"} - set(formats):
                    (out_dir / f"{name}.{stale}").unlink(missing_ok=True)
            if stamp:
                _save_stamp(out_dir, stamp, written)
            return written

    def _stamp(self, formats: tuple[str, ...]) -> dict | None:
        """What the outputs are a function of: every document's cache key (None when a document has none),
        the failures and skips, the language, the formats and all of budgetlib's code and data."""
        if self.keys is None or any(k is None for k in self.keys):
            return None
        from .cache import library_digest

        return {"documents": [[d["source"], k] for d, k in zip(self.summaries(), self.keys)],
                "failures": [f.reason for f in self.failures],
                "skipped": [f.reason for f in self.skipped], "lang": self.lang, "formats": sorted(formats),
                "library": library_digest(everything=True)}


# tables are built and written for about this many indicators at a time: the command line's peak memory is
# about 155 MB at any corpus size (2000: 165–178 MB; each chunk costs its validation, about 0.1 s)
CHUNK_INDICATORS = 1000


def _tables(docs: list[Document]) -> dict[str, pd.DataFrame]:
    """The four tables of ``docs``, checked against their schemas."""
    from .schema import SCHEMAS
    from .tables import department_targets_frame, findings_frame, indicators_frame, projects_frame, units_frame

    frames = {"projects": projects_frame(docs), "units": units_frame(docs), "indicators": indicators_frame(docs),
              "findings": findings_frame(docs), "department_targets": department_targets_frame(docs)}
    return {name: SCHEMAS[name].validate(df) for name, df in frames.items()}


def _frames(docs: list[Document], lang: str) -> dict[str, pd.DataFrame]:
    """Every table ``write`` writes but ``sources``, of ``docs``."""
    from .review import review
    from .tables import log_frame

    tables = _tables(docs)
    return {**tables, **review(tables["projects"], tables["indicators"], lang), "log": log_frame(docs)}


class _Writer:
    """The tables of documents given one at a time, built and written (``output.TableSink``) for about
    ``CHUNK_INDICATORS`` indicators' documents at a time, so that memory does not grow with the corpus;
    ``finish`` puts the files in place, ``abort`` leaves the folder as it was."""

    def __init__(self, out_dir: Path, formats: tuple[str, ...], lang: str) -> None:
        from .output import TableSink

        self.sink, self.lang = TableSink(out_dir, formats), lang
        self.chunk: list[Document] = []
        self.size = self.runs = 0
        self.failed: list[Failure] = []  # documents whose tables could not be built

    def add(self, doc: Document) -> None:
        self.chunk.append(doc)
        self.size += sum(len(r.indicators) + 1 for r in doc.rows)
        if self.size >= CHUNK_INDICATORS:
            self._flush()

    def _flush(self) -> None:
        for name, df in self._built().items():
            self.sink.add(name, df, ("csv",) if name == "log" else None)
        self.chunk, self.size, self.runs = [], 0, self.runs + 1

    def _built(self) -> dict[str, pd.DataFrame]:
        """The chunk's tables; where they cannot be built, those of every document that can be, and a failure
        (one line naming the file) for each that cannot: one document never costs the others their tables."""
        try:
            return _frames(self.chunk, self.lang)
        except Exception:  # a bug: find the document(s) it is in
            good = []
            for doc in self.chunk:
                try:
                    _frames([doc], self.lang)
                    good.append(doc)
                except Exception as exc:
                    log.debug("tables of %s could not be built", doc.source, exc_info=True)
                    self.failed.append(Failure(doc.source, doc.source, f"{doc.source}: read, but its tables could "
                                               f"not be built ({type(exc).__name__}: {str(exc)[:200]}); not written "
                                               "— please report it with the file"))
            return _frames(good, self.lang)

    def finish(self, result: Extraction) -> list[Path]:
        """Put the files in place, with ``sources.csv`` of ``result`` (documents whose tables could not be built
        reported as failures of their files)."""
        try:
            if self.chunk or not self.runs:  # every table has its file, if only its header
                self._flush()
            result._exclude(self.failed)
            self.sink.add("sources", result.sources(), ("csv",))
            return self.sink.close()
        except BaseException:
            self.abort()  # a full disk while the last chunk was written: no part file left
            raise

    def abort(self) -> None:
        self.sink.abort()


def summary(doc: Document) -> dict:
    """A read document's row of ``sources.csv``, and its pages in doubt (``doubt_pages``, ``ocr_pages``)."""
    return {"source": doc.source, "status": "doubt" if _doubted(doc) else "ok", "reason": _doubted(doc),
            "sha256": doc.sha256, "department": "；".join(doc.departments), "year": doc.year,
            "year_from": doc.year_from, "amount_unit": doc.amount_unit, "framework": doc.framework,
            "pages": ",".join(map(str, doc.pages)), "units": sum(r.kind == "unit" for r in doc.rows),
            "projects": len(doc.projects), "indicators": sum(len(r.indicators) for r in doc.projects),
            "findings": len(doc.findings), "layout": doc.layout, "targets": len(doc.targets),
            "doubt_pages": sorted({f.page for f in doc.findings if f.check == "extraction_doubt"}),
            "ocr_pages": sorted({f.page for f in doc.findings if f.check == "ocr_doubt"})}


STAMP = ".budgetlib-outputs.json"


def _files(written: list[Path]) -> dict[str, list[int]]:
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in written}


def _up_to_date(out_dir: Path, stamp: dict) -> list[Path] | None:
    """The output files, when the stamp left by the last write says they were made from the same inputs and
    none of them has been touched since; else None."""
    import json

    try:
        saved = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
        paths = [out_dir / name for name in saved["files"]]
        if saved["stamp"] == stamp and _files(paths) == saved["files"]:
            return paths
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _save_stamp(out_dir: Path, stamp: dict, written: list[Path]) -> None:
    import json

    from .output import atomic_path

    with atomic_path(out_dir / STAMP) as tmp:
        tmp.write_text(json.dumps({"stamp": stamp, "files": _files(written)}), encoding="utf-8")


def _doubted(doc: Document) -> str:
    """The reason a read document's rows are in doubt ("" when they are not)."""
    pages = sorted({f.page for f in doc.findings if f.check == "extraction_doubt"})
    scanned = sorted({f.page for f in doc.findings if f.check == "ocr_doubt"})
    why = [f"extraction doubt on page(s) {', '.join(map(str, pages))}"] if pages else []
    why += [f"OCR doubt on page(s) {', '.join(map(str, scanned))}"] if scanned else []
    return "; ".join(why)


def extract(paths: Iterable[str | os.PathLike[str]], settings: ExtractSettings | None = None, *,
            progress: bool = False, scheduler: str | None = None) -> Extraction:
    """Read every PDF in ``paths`` (files, or folders walked for ``*.pdf`` in any case).

    Each file is read in a worker process under ``settings.timeout`` and ``settings.max_memory_mb``; a
    file that fails (unreadable, stuck, crashed) is listed in ``failures`` and the batch goes on.
    Documents read before (same bytes, library and settings) come from the cache unless
    ``settings.cache`` is False; ``scheduler``: the address of a Dask scheduler to read on instead.
    """
    settings = settings or ExtractSettings()
    readers, failures = start(paths, settings, progress, scheduler)
    return gather(readers, failures, settings.lang)


def gather(readers: Batch | None, failures: list[Failure], lang: str = "zh", spool: bool = False,
           out: tuple[Path, tuple[str, ...]] | None = None) -> Extraction:
    """The outcome of ``pool.start``: documents and failures.  A table given twice is read once: the same
    bytes, or other bytes with the same department, year and rows (a re-export, a copy with another cover
    page); ``sources.csv`` names the file it duplicates.  The table writers load while the workers read
    (with every file from the cache there are none: they load when a table is built, if one is).

    ``spool``: keep the documents on disk (a ``Spool``), not in memory — what a corpus needs, as the
    command line does; the tables are then built as they are written.  ``out``: (a folder that
    ``config.check_output_dir`` accepted, formats): write the tables there while the documents come (the
    parent builds them while the workers read); ``write`` to the same folder and formats then only finishes."""
    from .spool import Spool

    if not (isinstance(readers, Batch) and readers.readers is None):
        _writers()
    kept: list[Document] | Spool = Spool() if spool else []
    result = Extraction(documents=kept, failures=list(failures), lang=lang)
    key_of = readers.key_of if isinstance(readers, Batch) else {}
    summaries, keys = [], []
    seen: dict[str, str] = {}
    writer: _Writer | None = None
    with lock(out[0]) if out is not None else contextlib.nullcontext():
        try:
            for item in readers or ():
                if _take(item, result, kept, seen, summaries, keys, key_of) and out is not None:
                    writer = writer or _Writer(*out, lang)
                    writer.add(item)  # type: ignore[arg-type]
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        result._summaries = summaries
        if isinstance(readers, Batch):
            result.keys = keys
        if writer is not None and out is not None:
            stamp = result._stamp(out[1])
            if stamp and (current := _up_to_date(out[0], stamp)):
                writer.abort()  # the same outputs as those there (only a file that fails again was read): untouched
                result._streamed = (out, current)
            else:
                result._streamed = (out, writer.finish(result))
    return result


def _take(item: Document | Failure, result: Extraction, kept: list[Document] | Spool, seen: dict[str, str],
          summaries: list[dict], keys: list[str | None], key_of: dict[str, str | None]) -> bool:
    """One outcome into ``result``: a failure, a duplicate skipped, or a document kept (True)."""
    if isinstance(item, Failure):
        result.failures.append(item)
    elif item.sha256 in seen:
        result.skipped.append(Failure(item.source, item.source,
                                      f"{item.source}: same content as {seen[item.sha256]}: skipped"))
    elif (key := table_key(item)) in seen:
        result.skipped.append(Failure(item.source, item.source,
                                      f"{item.source}: same table as {seen[key]} (department, year and every row "
                                      "the same): skipped"))
    else:
        seen[item.sha256] = seen[key] = item.source
        keys.append(key_of.get(item.source))
        summaries.append(summary(item))
        if isinstance(kept, list):
            kept.append(item)
        else:
            kept.append(item, keys[-1])
        return True
    return False


def table_key(doc: Document) -> str:
    """What makes two documents the same table whatever their bytes: departments, year, the unit of the
    amounts (the same digits in 元 and in 万元 are two tables) and every row's kind, name, unit, amounts (and
    their unit, where a row has its own), goal and indicators (white space aside)."""
    import hashlib
    import json

    def flat(text: str) -> str:
        return "".join(text.split())

    rows = [[r.kind, flat(r.name), flat(r.unit), [str(v) for v in r.amounts.values()],
             str(getattr(r, "amount_unit", "")), flat(r.goal), flat(r.indicators_text)] for r in doc.rows]
    payload = json.dumps([doc.departments, doc.year, str(doc.amount_unit), rows], ensure_ascii=False)
    return "table:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


__all__ = ["REVIEW_TABLES", "TABLES", "Extraction", "Failure", "extract", "find_pdfs", "gather", "table_key"]
