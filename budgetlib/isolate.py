"""Reading a file in a child process of its own, for a Dask worker: the file's time limit counted from when
its reading starts, and a file past it really stopped.

A Dask task runs in a worker's thread, which cannot be stopped, and the client cannot tell when a task it
waits for has started (it may wait behind others).  So the task itself enforces ``settings.timeout``: each
worker thread keeps one child process (``python -m budgetlib.isolate``: the reader imported once, its
address space capped at ``settings.max_memory_mb`` as the local workers' are), hands it one file at a time
through a pipe and waits for the outcome at most ``timeout`` seconds from when the child has the file.  A
child past the limit is killed (and the next file gets a new one), so the worker is free again at once; a
child that dies (a fault in a PDF library, out of memory) fails its file alone.

What goes through the pipes is data: a JSON line, the file's bytes, and the outcome as JSON
(``budgetlib.codec``: the ``Document`` or the ``Failure``), which is also what the task hands back to the
client (``outcome`` reads it there).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from typing import IO, TYPE_CHECKING

from . import codec
from .pool import Failure
from .settings import ExtractSettings

if TYPE_CHECKING:
    from .model import Document

CHILD = [sys.executable, "-m", "budgetlib.isolate"]  # the child: this module's ``main``
_READY = b"ready\n"


class _Died(Exception):
    """The child ended without an outcome (killed by a signal, or it exited)."""


class _Late(Exception):
    """The child did not give an outcome within the time limit."""


def encode(item: Document | Failure) -> bytes:
    """A reading's outcome as JSON data."""
    from .model import Document

    return codec.dumps(item, Document if isinstance(item, Document) else Failure)


def outcome(data: bytes) -> Document | Failure:
    """The outcome ``encode`` wrote (a ``Document`` or a ``Failure``); ``codec.CodecError`` for anything
    else."""
    from .model import Document

    try:
        kind = json.loads(data).get("type")
    except (ValueError, AttributeError):
        raise codec.CodecError("not an outcome of a reading") from None
    return codec.loads(data, Document if kind == "Document" else Failure)


class _Child:
    """One child process serving one worker thread, one file at a time."""

    def __init__(self, max_memory_mb: int) -> None:
        self.max_memory_mb = max_memory_mb
        self.proc = subprocess.Popen([*CHILD, str(max_memory_mb)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     close_fds=True)
        _children.add(self)
        self._buffer = b""
        if self._line(None) != _READY:  # importing the reader is not part of any file's time
            raise _Died(self._how())

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def read(self, path: str, source: str, settings: ExtractSettings, data: bytes) -> bytes:
        """The outcome of reading ``data``, within ``settings.timeout`` seconds of handing it over."""
        job = json.dumps({"path": path, "source": source, "settings": settings.to_dict(), "size": len(data)})
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(job.encode() + b"\n")
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:
            raise _Died(self._how()) from None
        limit = settings.time_limit(_pages(data))
        deadline = time.monotonic() + limit if limit else None
        size = json.loads(self._line(deadline))["size"]
        return self._exactly(size, deadline)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]
        _children.discard(self)

    def _how(self) -> str:
        code = self.proc.wait()
        return f"signal {-code}" if code < 0 else f"exit code {code}"

    def _fill(self, deadline: float | None) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise _Late
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise _Late
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            raise _Died(self._how())
        self._buffer += chunk

    def _line(self, deadline: float | None) -> bytes:
        while b"\n" not in self._buffer:
            self._fill(deadline)
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"

    def _exactly(self, n: int, deadline: float | None) -> bytes:
        while len(self._buffer) < n:
            self._fill(deadline)
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


_children: weakref.WeakSet[_Child] = weakref.WeakSet()
_local = threading.local()


@atexit.register
def _stop_children() -> None:
    for child in list(_children):
        child.kill()


def _pages(data: bytes) -> int:
    """The number of pages of a PDF's bytes (0 when they cannot be opened: the reader says why)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except Exception:
        return 0
    try:
        return len(doc)
    finally:
        doc.close()


def read(path: str, settings: ExtractSettings, source: str, data: bytes) -> bytes:
    """Read one file's bytes in this thread's child process, under ``settings.timeout`` counted from when
    the child has them; the outcome as JSON (``outcome``).  What a Dask task runs."""
    child: _Child | None = getattr(_local, "child", None)
    if child is None or not child.alive or child.max_memory_mb != settings.max_memory_mb:
        if child is not None:
            child.kill()
        try:
            child = _local.child = _Child(settings.max_memory_mb)
        except (_Died, OSError) as exc:
            _local.child = None
            return encode(Failure(source, path, f"{path}: the reader could not start on the worker ({exc}); not "
                                                "read"))
    try:
        return child.read(path, source, settings, data)
    except _Late:
        child.kill()  # really stopped: the worker's thread is free for the next file
        _local.child = None
        limit = settings.time_limit(_pages(data)) or 0
        return encode(Failure(source, path, f"{path}: took longer than {limit:g} s (its time limit: --timeout "
                                            f"{settings.timeout:g} s and --timeout-per-page "
                                            f"{settings.timeout_per_page:g} s for each page); stopped, not read"))
    except _Died as exc:
        child.kill()
        _local.child = None
        return encode(Failure(source, path, f"{path}: the reader crashed ({exc}; out of memory or a fault in the "
                                            "PDF library); not read"))


def _die_with_parent() -> None:
    """Linux: be killed when the worker that started us ends, whatever it was doing."""
    parent = os.getppid()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def main() -> None:
    """The child: read files handed over on stdin, one at a time, and write their outcomes."""
    from .pool import _read_one, _worker_start, quiet_gc

    _die_with_parent()
    answers: IO[bytes] = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the readers print goes to stderr, never into the answers
    sys.stdout = sys.stderr
    _worker_start(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    with quiet_gc():
        importlib.import_module("budgetlib.read")  # the reader loaded before the first file, not in its time
    answers.write(_READY)
    answers.flush()
    jobs = sys.stdin.buffer
    while header := jobs.readline():
        job = json.loads(header)
        data = jobs.read(job["size"])
        item = _read_one(job["path"], ExtractSettings(**job["settings"]), job["source"], data)
        body = encode(item)
        answers.write(json.dumps({"size": len(body)}).encode() + b"\n")
        answers.write(body)
        answers.flush()


if __name__ == "__main__":
    main()


__all__ = ["CHILD", "encode", "main", "outcome", "read"]
