"""Documents kept on disk while a batch gathers them, so that a corpus costs the memory of one document
(and of one chunk of tables while they are written), not of all of them.

A document that is in the extraction cache is loaded from there again when needed; any other (``--no-cache``,
a cache that could not be written) is appended to one temporary file, in the cache's own form (JSON data,
``cache.dump``; never pickle).  A ``Spool`` is a read-only sequence: ``spool[i]`` and iteration load
documents one at a time; changing a loaded document does not change the spool.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, overload

from . import cache
from .model import Document


class Spool(Sequence[Document]):
    def __init__(self) -> None:
        # (source, cache key) or (source, (offset, length) in the file)
        self._where: list[tuple[str, str | tuple[int, int]]] = []
        self._file: IO[bytes] | None = None

    def append(self, doc: Document, key: str | None = None) -> None:
        """Keep ``doc``; ``key``: its cache key, if the cache holds it."""
        if key is not None and cache.has(key):
            self._where.append((doc.source, key))
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="budgetlib-spool-")  # noqa: SIM115  # closed by close()
        data = cache.dump(doc)
        self._file.seek(0, 2)
        self._where.append((doc.source, (self._file.tell(), len(data))))
        self._file.write(data)

    def _load(self, source: str, where: str | tuple[int, int]) -> Document:
        if isinstance(where, str):
            doc = cache.get(where, source)
            if doc is None:
                raise OSError(f"{source}: its cached reading went missing while the batch ran (cache folder "
                              f"{cache.folder()} cleared?); run again")
            return doc
        assert self._file is not None
        offset, length = where
        self._file.seek(offset)
        return cache.load(self._file.read(length))

    def __len__(self) -> int:
        return len(self._where)

    @overload
    def __getitem__(self, i: int) -> Document: ...

    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...

    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        if isinstance(i, slice):
            return [self._load(*w) for w in self._where[i]]
        return self._load(*self._where[i])

    def __iter__(self) -> Iterator[Document]:
        for w in self._where:
            yield self._load(*w)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


__all__ = ["Spool"]
