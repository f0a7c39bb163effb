"""Idempotent, crash-safe ingestion of files into the index.

Per document: a content hash (file + sidecar + chunker version) decides whether anything changed.
A changed or new document gets a new chunk generation: the catalogue marks it pending, its chunks
are written in batches (upsert, so a re-run after a crash overwrites instead of duplicating), its
BM25 tokens are stored, the catalogue switches to it in one write, and the old generation is deleted.

Embedding is nearly all of the work (the bundled model spends about 0.2 CPU-seconds on a 120-token
chunk), so a chunk whose text did not change keeps the vector it had in the previous generation
instead of being embedded again: editing one step of a long manual re-embeds that step's chunk only.
"""

from __future__ import annotations

import errno
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.catalogue import DocumentRecord
from knowledge.chunking import Chunk, ChunkSizes, chunk_blocks
from knowledge.errors import KnowledgeError
from knowledge.lexical import contextual_text
from knowledge.loaders import SIDECAR_SUFFIX, is_supported, load_document, sidecar_path
from knowledge.metadata import access_rank, detect_language, parse_meta
from knowledge.records import IngestFailure, IngestProgress, IngestReport
from knowledge.terms import tokenize

if TYPE_CHECKING:
    from knowledge.index import DocumentIndex

__all__ = ["CHUNKER_VERSION", "ProgressCallback", "collect_files", "ingest_paths"]

# Part of every content hash: bump it when loaders or chunking change so documents are re-chunked.
CHUNKER_VERSION = "2"

ProgressCallback = Callable[[IngestProgress], None]


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


def _batches(chunks: Iterator[Chunk], size: int) -> Iterator[list[Chunk]]:
    batch: list[Chunk] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _DocumentWriter:
    """Writes one document's new generation of chunks."""

    def __init__(self, index: DocumentIndex, record: DocumentRecord, reuse: dict[str, Any]) -> None:
        self.index = index
        self.record = record
        self.reuse = reuse
        self.ids: list[str] = []
        self.tokens: list[list[str]] = []
        self.pages: set[int] = set()
        self.embedded = 0

    def metadata(self, chunk: Chunk, generation: str) -> dict[str, Any]:
        record = self.record
        meta: dict[str, Any] = {
            "doc_id": record.id,
            "generation": generation,
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

    def embed(self, texts: list[str]) -> list[Any]:
        """Vectors of `texts`: kept from the previous generation where the text is the same, else one model call."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.reuse]
        if missing:
            self.reuse.update(zip(missing, self.index.embedding_function(missing), strict=True))
            self.embedded += len(missing)
        return [self.reuse[t] for t in texts]

    def write(self, batch: list[Chunk], generation: str) -> None:
        ids = [f"{generation}-{chunk.index:05d}" for chunk in batch]
        contextual = [contextual_text(self.record.title, c.section_path, c.text) for c in batch]
        self.index.chunks.upsert(
            ids=ids,
            documents=[c.text for c in batch],
            embeddings=self.embed(contextual),
            metadatas=[self.metadata(c, generation) for c in batch],
        )
        self.ids.extend(ids)
        self.tokens.extend(tokenize(text) for text in contextual)
        self.pages.update(c.page for c in batch if c.page is not None)


def _ingest_one(
    index: DocumentIndex,
    path: Path,
    position: tuple[int, int],
    seen: dict[str, Path],
    report: IngestReport,
    progress: ProgressCallback | None,
) -> None:
    if not is_supported(path):
        raise KnowledgeError(f"unsupported file type {path.suffix or '(none)'}")
    source = load_document(path)
    meta = parse_meta(source.meta, path.name)
    doc_id = meta.id or _slug(path.stem)
    if doc_id in seen:
        raise KnowledgeError(f"document id {doc_id} is already used by {seen[doc_id].name}")
    seen[doc_id] = path
    content_hash = _content_hash(path)
    existing = index.catalogue.get(doc_id)
    if existing and existing.generation and existing.content_hash == content_hash and not existing.pending:
        report.unchanged.append(doc_id)
        return

    generation = f"{_slug(doc_id)}@{content_hash[:12]}"
    record = (existing or DocumentRecord(id=doc_id, title="")).model_copy()
    record.pending = generation
    index.catalogue.put(record)  # from here on a crash leaves a trace that the next run cleans up

    new = DocumentRecord(
        id=doc_id,
        title=meta.title or source.title_hint or path.stem,
        doc_type=meta.doc_type,
        language=meta.language or "en",
        version=meta.version,
        lines=meta.lines,
        equipment=meta.equipment,
        access_level=meta.access_level,
        source=path.name,
        content_hash=content_hash,
    )
    previous = existing.generation if existing else None
    writer = _DocumentWriter(index, new, index.generation_vectors(previous) if previous else {})
    language_sample: list[str] = []
    done, total = position
    for batch in _batches(chunk_blocks(source.blocks, ChunkSizes()), index.config.batch_size):
        if not meta.language and len(language_sample) < 8:
            language_sample.extend(c.text for c in batch[:8])
        writer.write(batch, generation)
        if progress:
            progress(
                IngestProgress(document=doc_id, documents_done=done, documents_total=total, chunks_done=len(writer.ids))
            )
    if not writer.ids:
        index.discard_generation(doc_id, generation, existing)
        raise KnowledgeError("no text found (a scanned PDF needs OCR first)")
    if not meta.language:
        new.language = detect_language("\n".join(language_sample))
    new.chunks = len(writer.ids)
    new.pages = source.page_count or (max(writer.pages) if writer.pages else None)
    new.generation = generation
    index.lexical.add_generation(generation, writer.ids, writer.tokens)
    index.catalogue.put(new)  # the switch: readers move to the new generation here
    if previous:
        index.delete_chunks_except(doc_id, generation)
    report.chunks_written += new.chunks
    report.chunks_embedded += writer.embedded
    (report.updated if existing and existing.generation else report.added).append(doc_id)
    if progress:
        progress(
            IngestProgress(
                document=doc_id, documents_done=done + 1, documents_total=total, chunks_done=new.chunks, finished=True
            )
        )


_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _os_failure(exc: OSError) -> str:
    if exc.errno in _DISK_FULL or exc.errno == errno.EROFS:
        # The store was being written: the half-written generation is cleaned up on the next run, and readers
        # never left the previous one.
        why = exc.strerror or str(exc)
        return f"cannot be written ({why}); the previous version is kept / 写入失败（磁盘空间不足或只读），保留原版本"
    return f"cannot be read ({exc})"


def ingest_paths(index: DocumentIndex, paths: Iterable[Path], progress: ProgressCallback | None = None) -> IngestReport:
    """Ingest files and folders; each bad file becomes one failure line and the rest go on."""
    index.recover()
    files, failures = collect_files(paths)
    report = IngestReport(failed=failures)
    seen: dict[str, Path] = {}
    for number, path in enumerate(files):
        try:
            _ingest_one(index, path, (number, len(files)), seen, report, progress)
        except KnowledgeError as exc:
            message = str(exc)
            prefix = f"{path.name}: "
            report.failed.append(IngestFailure(path=str(path), message=message.removeprefix(prefix)))
        except OSError as exc:
            report.failed.append(IngestFailure(path=str(path), message=_os_failure(exc)))
        except UnicodeDecodeError as exc:
            report.failed.append(IngestFailure(path=str(path), message=f"cannot be read ({exc})"))
    return report
