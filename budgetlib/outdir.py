"""The output folder: made and found writable before any work, locked for the run, and any failure to
write it said in one line (``OutputWriteError``), never a traceback.

- ``prepare(folder)`` makes the folder (and its parents) and writes and removes a probe file in it, so that
  a folder under a regular file, a read-only folder or file system, or a full disk is said before a single
  PDF is read.
- ``lock(folder)`` holds ``.budgetlib.lock`` in the folder (a POSIX record lock, ``fcntl.lockf``: released
  by the system when the process ends, however it ends, and not inherited by the reader processes) for as
  long as the run writes there; a second run on the same folder is refused at once, in one line.  The
  file is never written (a run that changes nothing leaves the folder untouched); a folder the lock made
  and nothing was written into is removed again.  Re-entrant within a process.
- ``writing(folder)`` turns an ``OSError`` raised while the outputs are written (no space left, a quota, an
  I/O error) into ``OutputWriteError`` naming the folder and the reason.

Light on purpose (no pandas): the command line calls it before the workers fork.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .exceptions import OutputBusyError, OutputWriteError

LOCK = ".budgetlib.lock"

_REASONS = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EIO: "input/output error (a failing disk or a lost network share)",
    errno.ENAMETOOLONG: "the path is too long",
    errno.EMFILE: "too many open files",
}


def reason(exc: OSError, folder: Path) -> str:
    """An ``OSError`` met while writing into ``folder``, in words."""
    code = exc.errno
    if code is None:  # pyarrow and others give the errno only in the text
        m = re.search(r"\[Errno (\d+)\]", str(exc))
        code = int(m.group(1)) if m else None
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = _file_in_the_way(folder)
        if blocker is not None:
            return ("it is a file, not a folder" if blocker == folder
                    else f"{blocker} is a file, not a folder")
    if code in _REASONS:
        return _REASONS[code]
    return exc.strerror or str(exc)


def _file_in_the_way(folder: Path) -> Path | None:
    """The first path from the root down to ``folder`` that exists and is not a folder."""
    for p in [*reversed(folder.parents), folder]:
        if p.exists() and not p.is_dir():
            return p
    return None


def _error(folder: Path, exc: OSError) -> OutputWriteError:
    return OutputWriteError(folder, reason(exc, folder), exc.errno)


@contextlib.contextmanager
def writing(folder: str | os.PathLike[str]) -> Iterator[None]:
    """Turn an ``OSError`` met while writing the outputs into ``OutputWriteError`` naming ``folder``."""
    try:
        yield
    except OutputWriteError:
        raise
    except OSError as exc:
        raise _error(Path(folder), exc) from None


def prepare(folder: str | os.PathLike[str]) -> Path:
    """Make ``folder`` (and its parents) and check that a file can be written and removed there;
    ``OutputWriteError`` saying why not."""
    folder = Path(folder)
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".budgetlib-probe-", dir=folder)
        try:
            os.write(fd, b"budgetlib")  # an empty file needs no block: a full disk shows only when written
        finally:
            os.close(fd)
            os.unlink(probe)
    return folder


_held: dict[Path, list[int]] = {}  # folder → [fd, depth]: the locks this process holds


@contextlib.contextmanager
def lock(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the folder's lock for the block (made if need be); ``OutputBusyError`` when another process
    holds it, ``OutputWriteError`` when it cannot be made."""
    import fcntl

    folder = Path(folder)
    key = folder.resolve()
    if key in _held:  # this process holds it already (checked and made then)
        _held[key][1] += 1
        try:
            yield folder
        finally:
            _held[key][1] -= 1
        return
    made = list(itertools.takewhile(lambda p: not p.exists(), [folder, *folder.parents]))  # deepest first
    folder = prepare(folder)
    path = folder / LOCK
    with writing(folder):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            raise OutputBusyError(folder, f"it holds {path}") from None
        raise _error(folder, exc) from None
    _held[key] = [fd, 1]  # the file itself is never written: a run that changes nothing leaves it untouched
    try:
        yield folder
    finally:
        _held.pop(key, None)
        if made:  # a run that wrote nothing leaves no folder behind (a file that could not be read, Ctrl-C)
            with contextlib.suppress(OSError):
                if [p.name for p in folder.iterdir()] == [LOCK]:
                    path.unlink()
                for p in made:
                    p.rmdir()
        with contextlib.suppress(OSError):
            fcntl.lockf(fd, fcntl.LOCK_UN)
        os.close(fd)


__all__ = ["LOCK", "lock", "prepare", "reason", "writing"]
