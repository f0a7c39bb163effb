"""Per-document locks around ingestion, so writers in several processes never interleave on one document.

While one process writes a document's new generation, another that ingests the same file waits, then
finds it unchanged; a crash clean-up (`DocumentIndex.recover`) never removes a generation that another
process is still writing. The default locks are files next to the embedded store (one host); with a
Chroma server shared by several hosts, `ui` passes locks held in the plant's PostgreSQL database.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

__all__ = ["DocumentLocks", "FileDocumentLocks", "lock_key"]


class DocumentLocks(Protocol):
    """Exclusive, blocking, cross-process lock per document id."""

    def hold(self, doc_id: str) -> AbstractContextManager[None]: ...


def lock_key(doc_id: str) -> int:
    """A stable signed 64-bit number for `doc_id` (what database advisory locks are keyed by)."""
    return int.from_bytes(hashlib.sha256(f"andon-document:{doc_id}".encode()).digest()[:8], "big", signed=True)


class FileDocumentLocks:
    """`flock` on one file per document under `folder` (every process on this host)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @contextmanager
    def _held(self, doc_id: str) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{hashlib.sha256(doc_id.encode()).hexdigest()[:24]}.lock"
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def hold(self, doc_id: str) -> AbstractContextManager[None]:
        return self._held(doc_id)
