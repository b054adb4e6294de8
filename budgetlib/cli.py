"""The command line: ``budgetlib extract PDF... --out DIR``, ``budgetlib report``, ``budgetlib notebooks DIR``
and ``budgetlib diff``.

Exit statuses (the README's table): 0 done; 1 a file could not be read (``extract``), the sides cannot be
compared (``diff``) or a notebook failed (``report``); 2 the output folder is refused (``OutputError``); 3 every
file read but some pages in doubt; 4 the outputs could not be written (``OutputWriteError``: a file in the way,
no permission, a read-only or full disk, another run writing to the same folder) — the files there are left
as they were; 130 interrupted (Ctrl-C, ``kill -INT``), 143 stopped (``kill``, SIGTERM): the files there are
left as they were.  Each with one line on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import config
from .exceptions import BudgetlibError, OutputError, OutputWriteError
from .messages import LANGS
from .settings import ENGINES, OCR_MODES, ExtractSettings

if TYPE_CHECKING:
    from .pool import Batch, Failure

EXIT_OK, EXIT_UNREAD, EXIT_REFUSED, EXIT_DOUBT, EXIT_UNWRITABLE = 0, 1, 2, 3, 4


class _Stopped(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so that it stops as Ctrl-C does (outputs left as they were)."""


def _on_term(signum: int, frame: object) -> None:
    if os.getpid() != _on_term.pid:  # type: ignore[attr-defined]  # a worker forked from us: die as it would
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise _Stopped


def _leave(code: int) -> None:
    """Exit with ``code`` after an interruption (the outputs are as they were, the lock is released): at once
    when a worker pool's thread was left waiting by the signal, which the interpreter would wait for at its
    exit without end (only in the process's main thread: a command run from a thread raises ``SystemExit``)."""
    stuck = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if stuck and threading.current_thread() is threading.main_thread():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


@contextlib.contextmanager
def _command(name: str, out_dir: Path | None) -> Iterator[None]:
    """One line and the command's exit status for an interruption (130, SIGTERM 143) or outputs that could
    not be written (4), instead of a traceback."""
    _on_term.pid = os.getpid()  # type: ignore[attr-defined]
    with contextlib.suppress(ValueError):  # not in the main thread (tests calling ``main`` from a thread)
        signal.signal(signal.SIGTERM, _on_term)
    left = f"; the files in {out_dir} are as they were" if out_dir is not None else ""
    try:
        yield
    except OutputWriteError as exc:
        click.echo(f"budgetlib {name}: {exc}", err=True)
        sys.exit(EXIT_UNWRITABLE)
    except _Stopped:
        click.echo(f"budgetlib {name}: stopped (SIGTERM){left}", err=True)
        _leave(128 + signal.SIGTERM)
    except KeyboardInterrupt:
        click.echo(f"budgetlib {name}: interrupted{left}", err=True)
        _leave(128 + signal.SIGINT)
    except Exception as exc:  # a bug: one line (the traceback with -v, or BUDGETLIB_DEBUG=1), never a wall of text
        logging.getLogger("budgetlib").debug("unexpected error", exc_info=True)
        if os.environ.get("BUDGETLIB_DEBUG"):
            raise
        click.echo(f"budgetlib {name}: unexpected error ({type(exc).__name__}: {str(exc)[:300]}); please report it "
                   "(BUDGETLIB_DEBUG=1 shows the traceback)", err=True)
        sys.exit(EXIT_UNREAD)


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="budgetlib")
def main() -> None:
    """Read 项目支出绩效目标表 from Chinese budget PDFs into tidy, validated tables."""


@main.command()
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=config.PROCESSED_DIR,
              show_default=True, help="Folder for projects/units/indicators/findings .csv and .parquet.")
@click.option("--engine", type=click.Choice(ENGINES), default="vector", show_default=True,
              help="camelot lattice engine: vector reads the PDF's own ruling lines (fast).")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes for a batch; 0 = one per core (up to 4).")
@click.option("--format", "formats", type=click.Choice(["csv", "parquet", "xlsx"]), multiple=True,
              default=("csv", "parquet"), show_default=True,
              help="Repeatable. xlsx: budgetlib.xlsx besides the tables (csv and parquet unless one is given).")
@click.option("--timeout", type=click.FloatRange(min=0), default=ExtractSettings.timeout, show_default=True,
              help="Seconds one file may take, over --timeout-per-page for each of its pages; a file past its "
                   "limit is reported as failed (0: no limit).")
@click.option("--timeout-per-page", type=click.FloatRange(min=0), default=ExtractSettings.timeout_per_page,
              show_default=True, help="Seconds added to a file's time limit for each of its pages.")
@click.option("--max-memory-mb", type=click.IntRange(min=0), default=ExtractSettings.max_memory_mb,
              show_default=True, help="Memory one worker may use; a file that needs more fails alone (0: no limit).")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True,
              help="Language of finding messages and review points.")
@click.option("--year", type=click.IntRange(1990, 2100), default=None,
              help="Budget year of files that print none and whose path holds none.")
@click.option("--ocr", type=click.Choice(OCR_MODES), default="auto", show_default=True,
              help="Read scanned pages by OCR: auto (pages without text), always, never.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Reuse documents read before (same bytes, library, readers and settings; kept as JSON in the "
                   "user's cache folder, BUDGETLIB_CACHE_DIR moves it).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Read on a Dask cluster (tcp://host:8786) instead of local processes.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
@click.option("-v", "--verbose", count=True, help="-v: per-page decisions; -vv: debug.")
def extract(pdfs: tuple[Path, ...], out_dir: Path, engine: str, workers: int, formats: tuple[str, ...],
            timeout: float, timeout_per_page: float, max_memory_mb: int, lang: str, year: int | None, ocr: str,
            cache: bool, scheduler: str | None, progress: bool | None, verbose: int) -> None:
    """Read PDFS (files or folders) and write the tables to --out.

    Exit status 0 when every file was read, 1 when any could not be (the others are still written),
    3 when all were read but some pages may be cut into rows wrongly (``extraction_doubt`` findings; the
    rows are written, each doubted page named on stderr), 2 when --out is refused, 4 when the outputs cannot
    be written there (a file in the way, no permission, a full disk, another run writing there), 130 when
    interrupted (the files in --out are then as they were).
    """
    with _command("extract", out_dir):
        _extract(pdfs, out_dir, engine, workers, formats, timeout, timeout_per_page, max_memory_mb, lang, year, ocr,
                 cache, scheduler, progress, verbose)


def _extract(pdfs: tuple[Path, ...], out_dir: Path, engine: str, workers: int, formats: tuple[str, ...],
             timeout: float, timeout_per_page: float, max_memory_mb: int, lang: str, year: int | None, ocr: str,
             cache: bool, scheduler: str | None, progress: bool | None, verbose: int) -> None:
    from .outdir import lock
    from .pool import start  # light: the workers fork before pandas and camelot load

    _setup_logging(verbose)
    workbook, formats = "xlsx" in formats, _table_formats(formats)
    settings = ExtractSettings(engine=engine, workers=workers, timeout=timeout, timeout_per_page=timeout_per_page,
                               max_memory_mb=max_memory_mb, lang=lang, year=year, cache=cache, ocr=ocr)
    try:
        target = config.check_output_dir(out_dir, pdfs)
    except OutputError as exc:
        click.echo(f"budgetlib extract: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    with lock(target):  # made, writable, and ours until the end: before a single file is read
        missing = [p for p in pdfs if not p.exists()]
        for p in missing:
            click.echo(f"{p}: no such file or folder", err=True)
        try:
            readers, failures = start([p for p in pdfs if p.exists()], settings,
                                      progress=sys.stderr.isatty() if progress is None else progress,
                                      scheduler=scheduler)
        except BudgetlibError as exc:
            click.echo(f"budgetlib extract: {exc}", err=True)
            sys.exit(EXIT_UNREAD)
        try:
            status = _gather_and_write(readers, failures, missing, target, out_dir, formats, lang, pdfs, workbook)
        finally:
            readers.close()  # the workers stopped, whatever happened
    sys.exit(status)


def _gather_and_write(readers: Batch, failures: list[Failure], missing: list[Path], target: Path, out_dir: Path,
                      formats: tuple[str, ...], lang: str, pdfs: tuple[Path, ...], workbook: bool) -> int:
    """The documents gathered and the tables written; the exit status."""
    from .batch import gather  # loads pandas and the writers while the workers read

    # documents on disk, so that memory does not grow with them; the tables built while the workers read (when
    # every file comes from the cache they are written, if they must be, by ``write`` below)
    out = (target, formats) if readers.readers is not None else None
    result = gather(readers, failures, lang, spool=True, out=out)
    for failure in result.failures:
        click.echo(failure.reason, err=True)
    for skipped in result.skipped:
        click.echo(skipped.reason, err=True)
    read = result.summaries()
    if result.documents:
        result.write(out_dir, formats, inputs=pdfs)
        cached = f" ({readers.cached} of them from the cache)" if readers.cached else ""
        targets = sum(s.get("targets") or 0 for s in read)
        click.echo(f"{len(read)} file(s){cached}: {sum(s['projects'] for s in read)} projects, "
                   f"{sum(s['indicators'] for s in read)} indicators, "
                   + (f"{targets} department targets, " if targets else "")
                   + f"{sum(s['findings'] for s in read)} findings → {out_dir}", err=True)
        if workbook:
            _write_workbook(target)
    for s in read:
        if s["doubt_pages"]:
            click.echo(f"{s['source']}: extraction doubt on page(s) {', '.join(map(str, s['doubt_pages']))}: rows "
                       "there may be cut wrongly (see the extraction_doubt findings)", err=True)
    for s in read:
        if s["ocr_pages"]:
            click.echo(f"{s['source']}: OCR doubt on page(s) {', '.join(map(str, s['ocr_pages']))}: fields there "
                       "may be misread (see the ocr_doubt findings)", err=True)
    if missing or result.failures or not result.documents:
        return EXIT_UNREAD
    if any(s["doubt_pages"] or s["ocr_pages"] for s in read):
        return EXIT_DOUBT
    return EXIT_OK


def _table_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of the tables themselves: those given other than xlsx, or csv and parquet when only xlsx is
    (the notebooks and ``load_processed`` read them)."""
    return tuple(f for f in formats if f != "xlsx") or ("csv", "parquet")


def _write_workbook(folder: Path) -> None:
    """``budgetlib.xlsx`` of the tables in ``folder``, unless it is newer than every one of them."""
    from .workbook import SHEETS, WORKBOOK, WorkbookError, write_folder_workbook

    target = folder / WORKBOOK
    tables = [p for name in SHEETS for p in (folder / f"{name}.parquet", folder / f"{name}.csv") if p.exists()]
    if target.exists() and all(p.stat().st_mtime_ns <= target.stat().st_mtime_ns for p in tables):
        return
    try:
        write_folder_workbook(folder, target)
    except WorkbookError as exc:
        click.echo(f"budgetlib extract: {exc}", err=True)
        sys.exit(EXIT_UNREAD)


def _param(value: str) -> object:
    """-p values as papermill's CLI reads them: numbers, true/false, none, else text."""
    low = value.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


@main.command()
@click.option("--input", "input_dir", type=click.Path(file_okay=False, path_type=Path), default=config.RAW_DIR,
              show_default=True, help="Folder of PDFs to read.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=config.REPORTS_DIR,
              show_default=True, help="Folder for the executed notebooks, the HTML and budgetlib.xlsx.")
@click.option("--processed", "processed_dir", type=click.Path(path_type=Path),
              default=config.PROCESSED_DIR, show_default=True, help="Folder for the extracted tables.")
@click.option("-p", "--parameter", "parameters", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="A notebook parameter (repeatable), e.g. -p top_projects 20.")
@click.option("--notebooks", "notebooks_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Run these NN_name.ipynb instead of budgetlib's (see: budgetlib notebooks DIR).")
@click.option("--archive", is_flag=True,
              help="Write into OUT/YYYY-MM-DD (a later run the same day: OUT/YYYY-MM-DD_HHMMSS), then point "
                   "OUT/latest at it; a failed run leaves OUT/latest as it was.")
@click.option("--force", is_flag=True, help="Run even when the inputs, notebooks and parameters are those of the "
                                            "last run (which is otherwise kept as it is).")
@click.option("--show-code", is_flag=True, help="Keep the code cells in the HTML.")
@click.option("--progress/--no-progress", default=None, help="Notebook and cell progress (default: on a terminal).")
def report(input_dir: Path, out_dir: Path, processed_dir: Path, parameters: tuple[tuple[str, str], ...],
           notebooks_dir: Path | None, archive: bool, force: bool, show_code: bool, progress: bool | None) -> None:
    """Run the notebooks in order with papermill and write the HTML report and budgetlib.xlsx to --out.

    Prints one line: files, projects, indicators, errors and pages in doubt.  Exit status 0 when every
    file was read and no page is in doubt, 3 when pages are in doubt (each file named on stderr), 1 when
    a file could not be read or a notebook failed (or a folder is refused), 4 when the report cannot be
    written (a file in the way, no permission, a full disk, another run writing there).
    """
    from .outdir import lock, prepare
    from .report import ReportError, run_report

    with _command("report", out_dir):
        try:  # the folders refused before any is made (run_report checks them again)
            for folder in (out_dir, processed_dir):
                config.check_output_dir(folder, (input_dir,))
        except OutputError as exc:
            click.echo(f"budgetlib report: {exc}", err=True)
            sys.exit(EXIT_UNREAD)
        prepare(processed_dir)  # written by the first notebook's kernel (which takes its lock itself)
        shown = sys.stderr.isatty() if progress is None else progress
        with lock(out_dir):
            try:
                result = run_report(input_dir, out_dir, processed_dir, {k: _param(v) for k, v in parameters},
                                    show_code=show_code, progress=shown, notebooks_dir=notebooks_dir,
                                    archive=archive, force=force,
                                    echo=(lambda line: click.echo(line, err=True)) if shown else lambda _: None)
            except ReportError as exc:
                click.echo(f"budgetlib report: {exc}", err=True)
                sys.exit(EXIT_UNREAD)
        summary = result.summary
        for reason in summary.failures:
            click.echo(reason, err=True)
        for source, pages in summary.doubts:
            click.echo(f"{source}: page(s) in doubt: {', '.join(map(str, pages))} (see report.html)", err=True)
        where = result.html[0] if result.html else result.folder
        if result.unchanged:
            click.echo(f"report: unchanged since the last run (same PDFs, notebooks, parameters and code): "
                       f"{summary.line()} → {where}", err=True)
        else:
            timing = ", ".join(f"{k.removesuffix('.ipynb')} {v:.1f}s" for k, v in result.seconds.items())
            click.echo(f"report: {summary.line()} → {where} ({timing})", err=True)
        sys.exit(summary.exit_status)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite notebooks of the same name there.")
def notebooks(folder: Path, force: bool) -> None:
    """Copy the report's notebooks (NN_name.ipynb) to FOLDER, to edit them and run them with
    budgetlib report --notebooks FOLDER."""
    from .report import ReportError, copy_notebooks

    try:
        written = copy_notebooks(folder, force=force)
    except (ReportError, OSError) as exc:
        click.echo(f"budgetlib notebooks: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{len(written)} notebook(s) → {folder}; run them with: budgetlib report --notebooks {folder}",
               err=True)


@main.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder for changes.csv.")
def diff(old: Path, new: Path, out_dir: Path) -> None:
    """What changed from OLD to NEW (PDFs, or folders extract wrote) of the same department, OLD the earlier
    year: changes.csv with change, unit, project, old_project, indicator, field, old, new, amount_unit.
    Exit status 1 when the two cannot be compared (other departments, OLD later than NEW …), 2 when --out is
    refused, 4 when it cannot be written."""
    from .diff import DiffError
    from .diff import diff as compare
    from .outdir import lock

    with _command("diff", out_dir):
        try:
            config.check_output_dir(out_dir, (old, new))
        except OutputError as exc:
            click.echo(f"budgetlib diff: {exc}", err=True)
            sys.exit(EXIT_REFUSED)
        with lock(out_dir):
            try:
                changes = compare(old, new)
            except DiffError as exc:
                click.echo(f"budgetlib diff: {exc}", err=True)
                sys.exit(EXIT_UNREAD)
            from .output import write_table

            write_table(changes, out_dir, "changes", ("csv",))
        counts = changes["change"].value_counts()
        click.echo(f"{len(changes)} change(s) ({', '.join(f'{k} {v}' for k, v in counts.items()) or 'none'}) → "
                   f"{out_dir / 'changes.csv'}", err=True)


if __name__ == "__main__":
    main()
