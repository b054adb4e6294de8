"""Reading files in worker processes (pebble): each file under its own timeout and memory limit, so one
bad file fails alone.  This module imports nothing heavy: the command line forks the workers before it
loads pandas and the table writers, and each worker loads the reader (camelot) itself, in parallel.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.context
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pebble import ProcessExpired, ProcessPool
from tqdm import tqdm

from .exceptions import BudgetlibError, InputError
from .settings import ExtractSettings

if TYPE_CHECKING:
    from .model import Document

log = logging.getLogger("budgetlib.extract")


@dataclass
class Failure:
    source: str
    path: str
    reason: str  # one line naming the file and the reason


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while a large library loads (its many new objects would trigger it again
    and again, for nothing to free): about a tenth of the import time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_pdf(*args: object, **kwargs: object) -> Document:
    """``budgetlib.read.read_pdf``, imported in the worker that calls it (not before the pool forks)."""
    with quiet_gc():
        from .read import read_pdf as read

    return read(*args, **kwargs)


def _read_one(path: str, settings: ExtractSettings, source: str, data: bytes | None = None) -> Document | Failure:
    """One file read, or one line on why not; ``data``: its bytes (a Dask worker may not see the path)."""
    try:
        return read_pdf(data if data is not None else path, settings, source=source, where=path)
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


def _worker_start(max_mb: int) -> None:
    """In each worker: cap its address space, so a file that needs too much fails alone; and keep camelot from
    loading matplotlib (its plotting helpers, which a reader never calls, import pyplot: about 0.4 s of
    the 0.7 s camelot takes to import; camelot runs without matplotlib and says so only if asked to plot).
    A worker that inherited matplotlib from its parent keeps it."""
    if "matplotlib" not in sys.modules:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # its import raises ImportError
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
        limit = settings.time_limit(page_count(path)) or 0
        return Failure(source, path, f"{path}: took longer than {limit:g} s (its time limit: --timeout "
                                     f"{settings.timeout:g} s and --timeout-per-page {settings.timeout_per_page:g} s "
                                     "for each page); stopped, not read")
    except ProcessExpired as exc:
        how = f"signal {-exc.exitcode}" if exc.exitcode and exc.exitcode < 0 else f"exit code {exc.exitcode}"
        return Failure(source, path, f"{path}: the reader crashed ({how}; out of memory or a fault in the PDF "
                                     "library); not read")
    except Exception as exc:  # the pool itself failed for this file
        return Failure(source, path, f"{path}: could not be read ({type(exc).__name__}: {exc})")


def page_count(path: str) -> int:
    """The file's number of pages, read from its page tree (milliseconds; 0 when it cannot be opened: the
    worker says why)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except Exception:
        return 0
    try:
        return len(doc)
    finally:
        doc.close()


STOP_WAIT = 20  # seconds the workers are given to stop once the command ends or is interrupted


class Readers:
    """Each file in a worker process of its own pool (pebble), scheduled at once: a file that crashes its
    worker, runs past ``timeout`` or needs more than ``max_memory_mb`` is reported as failed, and the others
    go on.  Iterate for the outcomes, in the order of ``jobs``; the caller may do other work (load pandas)
    in between, while the workers read."""

    def __init__(self, jobs: list[tuple[str, str]], settings: ExtractSettings, progress: bool = False) -> None:
        self.jobs, self.settings = jobs, settings
        workers = max(1, min(settings.processes, len(jobs)))
        self.bar = tqdm(total=len(jobs), desc="budgetlib extract", unit="pdf", disable=not progress, leave=False)
        self.pool = ProcessPool(max_workers=workers, initializer=_worker_start,
                                initargs=(settings.max_memory_mb,), context=_context())
        try:
            self.futures = [self.pool.schedule(_read_one, args=(path, settings, source),
                                               timeout=settings.time_limit(page_count(path)))
                            for path, source in jobs]
        except BaseException:  # Ctrl-C while the files are handed out: the workers stop with us
            self.close()
            raise

    def __iter__(self) -> Iterator[Document | Failure]:
        try:
            for i, (path, source) in enumerate(self.jobs):
                future, self.futures[i] = self.futures[i], None  # its document is the caller's now, not ours
                yield _outcome(future, path, source, self.settings)
                self.bar.update()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers: every outcome is in (or the caller gave up), so nothing is lost, and a worker
        need not unload camelot and pandas before the command can finish."""
        # pebble's stop and join wait for its own threads without a limit (a signal that came inside them can
        # leave one waiting): done in a thread of its own, waited for a bounded time; then no worker outlives us
        def stop() -> None:
            self.pool.stop()
            self.pool.join()

        joining = threading.Thread(target=stop, daemon=True)
        joining.start()
        joining.join(STOP_WAIT)
        if joining.is_alive():
            log.warning("the workers did not stop within %s s: killed", STOP_WAIT)
        for child in multiprocessing.active_children():
            child.kill()
        self.bar.close()


class DaskReaders:
    """The same work on a Dask distributed cluster (``dask scheduler`` / ``dask worker``, or a
    ``LocalCluster``): each file's bytes are sent to a worker, which reads them with the same function in a
    child process of its own (``budgetlib.isolate``); a few files per worker thread are in flight at a time,
    so that the cluster holds their bytes, not the corpus's.  The worker enforces ``timeout`` from when a
    file's reading starts (a file waiting behind others is not failed for it) and kills a reading past it,
    so the worker is free again; ``max_memory_mb`` caps each child as it does a local worker.  Outcomes come
    back as JSON data.  The workers need budgetlib installed."""

    PER_THREAD, MIN_IN_FLIGHT = 4, 8  # files in flight: this many per worker thread, at least the minimum

    def __init__(self, jobs: list[tuple[str, str]], settings: ExtractSettings, address: str,
                 progress: bool = False) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise BudgetlibError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
        self.jobs, self.settings = jobs, settings
        self.bar = tqdm(total=len(jobs), desc="budgetlib extract (dask)", unit="pdf", disable=not progress,
                        leave=False)
        try:
            self.client = Client(address, timeout=30)
        except OSError as exc:
            raise BudgetlibError(f"no Dask scheduler at {address}: {exc}") from None
        self.window = max(self.MIN_IN_FLIGHT, self.PER_THREAD * sum(self.client.nthreads().values()))
        self.futures: collections.deque = collections.deque()  # of distributed.Future, in the order of jobs
        self.submitted = 0
        self._submit(self.window)

    def _submit(self, n: int) -> None:
        from . import isolate

        for path, source in self.jobs[self.submitted:self.submitted + n]:
            self.futures.append(self.client.submit(isolate.read, path, self.settings, source,
                                                   Path(path).read_bytes(), pure=False))
            self.submitted += 1

    def __iter__(self) -> Iterator[Document | Failure]:
        from .isolate import outcome

        try:
            for path, source in self.jobs:
                future = self.futures.popleft()  # its document is the caller's once handed on, not ours
                self._submit(1)
                try:  # no time limit here: the file may wait behind others; the worker times its reading
                    item = outcome(future.result())
                except Exception as exc:  # the worker died or the cluster failed for this file
                    item = Failure(source, path, f"{path}: could not be read on the cluster "
                                                 f"({type(exc).__name__}: {exc})")
                del future
                yield item
                del item
                self.bar.update()
        finally:
            self.close()

    def close(self) -> None:
        self.client.close()
        self.bar.close()


class Batch:
    """The outcomes of every job in order: from the cache (``budgetlib.cache``) where the same bytes were
    read before with the same library and settings, else from the readers (local processes, or Dask with
    ``scheduler``), whose documents go into the cache.  A cached document is loaded when its turn comes, so
    a batch holds one document at a time, not the corpus."""

    def __init__(self, jobs: list[tuple[str, str]], settings: ExtractSettings, progress: bool = False,
                 scheduler: str | None = None) -> None:
        from . import cache

        self.jobs, self.settings, self.progress, self.scheduler = jobs, settings, progress, scheduler
        self.keys: list[str | None] = [
            cache.key(cache.file_digest(path), path, settings) if settings.cache and Path(path).is_file() else None
            for path, _ in jobs]
        self.key_of = {source: k for (_, source), k in zip(jobs, self.keys)}
        self.hits = {i for i, k in enumerate(self.keys) if k and cache.has(k)}
        misses = [job for i, job in enumerate(jobs) if i not in self.hits]
        self.readers: Readers | DaskReaders | None = None
        if misses:
            self.readers = self._readers(misses)

    def _readers(self, jobs: list[tuple[str, str]]) -> Readers | DaskReaders:
        return (DaskReaders(jobs, self.settings, self.scheduler, self.progress) if self.scheduler
                else Readers(jobs, self.settings, self.progress))

    @property
    def cached(self) -> int:
        return len(self.hits)

    def close(self) -> None:
        """Stop the readers (their workers), whether or not every outcome was taken."""
        if self.readers is not None:
            self.readers.close()

    def __iter__(self) -> Iterator[Document | Failure]:
        from . import cache

        fresh = iter(self.readers or ())
        for i, k in enumerate(self.keys):
            if i in self.hits:
                if (doc := cache.get(k, self.jobs[i][1])) is not None:  # type: ignore[arg-type]
                    yield doc
                    continue
                self.hits.discard(i)  # the entry went bad since: read the file after all
                [item] = list(self._readers([self.jobs[i]]))
            else:
                item = next(fresh)
            if k and not isinstance(item, Failure):
                try:
                    cache.put(k, item)
                except (OSError, ValueError) as exc:  # a read-only cache folder (or a bug) must not fail the batch
                    log.warning("cache: could not store %s: %s", item.source, exc)
            yield item


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


def sized(jobs: list[tuple[str, str]], settings: ExtractSettings) -> tuple[list[tuple[str, str]], list[Failure]]:
    """The jobs whose file is within ``max_file_mb``, and a failure for each that is not."""
    limit = settings.max_file_mb * 1024 * 1024
    readable, too_big = [], []
    for path, source in jobs:
        size = Path(path).stat().st_size if Path(path).exists() else 0
        if settings.max_file_mb and size > limit:
            too_big.append(Failure(source, path, f"{path}: {size / 1048576:.0f} MB is larger than the limit of "
                                                 f"{settings.max_file_mb:g} MB (max_file_mb); not read"))
        else:
            readable.append((path, source))
    return readable, too_big


def start(paths: Iterable[str | os.PathLike[str]], settings: ExtractSettings, progress: bool = False,
          scheduler: str | None = None) -> tuple[Batch, list[Failure]]:
    """Find the PDFs in ``paths`` and set workers reading those not in the cache (on the Dask cluster at
    ``scheduler`` if given); the failures known before reading."""
    jobs, problems = find_pdfs(paths)
    readable, too_big = sized(jobs, settings)
    return Batch(readable, settings, progress, scheduler), problems + too_big


__all__ = ["Batch", "DaskReaders", "Failure", "Readers", "find_pdfs", "quiet_gc", "read_pdf", "sized", "start"]
