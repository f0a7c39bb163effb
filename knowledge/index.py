"""The document index: Chroma chunks + catalogue + BM25, searched with hybrid, access-filtered retrieval."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.catalogue import Catalogue, DocumentRecord
from knowledge.config import KnowledgeConfig
from knowledge.dense import QueryVectors, dense_rankings
from knowledge.errors import KnowledgeError
from knowledge.glossary import bundled_glossary
from knowledge.ingest import ProgressCallback, ingest_paths
from knowledge.known_vectors import KnownVectors
from knowledge.lexical import LexicalIndex, contextual_text
from knowledge.locks import DocumentLocks, FileDocumentLocks
from knowledge.metadata import access_rank
from knowledge.records import Citation, DocumentInfo, IngestReport, Scores, SearchResult
from knowledge.retrieval import SearchMode, parse_filters, reciprocal_rank_fusion
from knowledge.store import open_catalogue_collection, open_chroma, open_chunk_collection

__all__ = ["DocumentIndex", "open_document_index"]

# How many candidates each retriever contributes to the fusion.
_CANDIDATES = 50
# Fusion weights of (dense, BM25, dense on the glossary translation, BM25 on the translation),
# chosen on the labelled demo queries (benchmarks/retrieval.py). BM25 at half weight still puts an
# exact code first (dense rarely ranks it below 60th) without letting shared words outvote meaning.
_WEIGHTS = (1.0, 0.5, 0.7, 0.3)


def _best(chunk_id: str, rankings: Sequence[Sequence[tuple[str, float]]]) -> float | None:
    """The best score `chunk_id` got in any of `rankings` (None: not retrieved that way)."""
    scores = [score for ranking in rankings for i, score in ranking if i == chunk_id]
    return max(scores) if scores else None


@dataclass(frozen=True)
class _CatalogueView:
    """The readable documents as of one catalogue state token."""

    version: str
    records: tuple[DocumentRecord, ...]
    chunks: int


class DocumentIndex:
    """Process documents searchable by meaning and by exact terms, with citations.

    Satisfies `tools.contract.DocumentSearch`: `search(query, *, k, role, filters)`.
    """

    def __init__(
        self,
        config: KnowledgeConfig,
        client: Any,
        embedding_function: Any,
        locks: DocumentLocks | None = None,
        known_vectors: KnownVectors | None = None,
    ) -> None:
        self.config = config
        self.locks: DocumentLocks = locks if locks is not None else FileDocumentLocks(config.persist_dir / "locks")
        self.client = client
        self.embedding_function = embedding_function
        if known_vectors is None:
            known = KnownVectors.shipped if config.shipped_vectors else KnownVectors.none
            known_vectors = known(embedding_function)
        self.known_vectors = known_vectors
        self.chunks = open_chunk_collection(client, config, embedding_function)
        self.catalogue = Catalogue(open_catalogue_collection(client, config))
        where = "embedded" if config.chroma_url is None else hashlib.sha256(config.chroma_url.encode()).hexdigest()[:10]
        self.lexical = LexicalIndex(config.persist_dir / "bm25" / f"{config.collection}-{where}")
        self.query_vectors = QueryVectors(embedding_function)
        self._view: _CatalogueView | None = None

    # -- reading -------------------------------------------------------------------------------

    def list_documents(self) -> list[DocumentInfo]:
        """The documents readers can see, sorted by id."""
        return [record.info() for record in self.catalogue.all() if record.generation]

    def catalogue_view(self) -> _CatalogueView:
        """The active documents; re-read only when the catalogue's state token has changed."""
        version = self.catalogue.version()
        view = self._view
        if view is not None and version is not None and view.version == version:
            return view
        if version is None:  # a store written before state tokens: start them
            self.catalogue.touch()
            version = self.catalogue.version() or ""
        records = tuple(r for r in self.catalogue.all() if r.generation)
        view = _CatalogueView(version=version, records=records, chunks=sum(r.chunks for r in records))
        self._view = view
        return view

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        role: str = "operator",
        filters: Mapping[str, Any] | None = None,
        mode: SearchMode = "hybrid",
        expand: bool = True,
    ) -> list[SearchResult]:
        """The `k` best passages for `query` that `role` may read, best first.

        Filters (`doc_type`, `line`, `equipment`, `language`, `document`) and the access level are
        applied before ranking: both retrievers only ever rank admitted chunks. With `expand`, the
        plant glossary gives the query's terms in the other language, searched as a second (dense
        and BM25) query at lower weight, so a Chinese question finds an English manual and vice
        versa. The query and its translation are embedded in one call and sent to Chroma in one query.
        """
        if not query.strip():
            raise KnowledgeError("empty search query")
        if k < 1:
            raise KnowledgeError(f"k must be at least 1, got {k}")
        max_rank = access_rank(role)
        parsed = parse_filters(filters)
        view = self.catalogue_view()
        admitted = [r for r in view.records if parsed.admits(r, max_rank)]
        if not admitted:
            return []
        allowed = frozenset(str(r.generation) for r in admitted)
        translation = bundled_glossary().translate(query) if expand else ""
        texts = [query, translation] if translation else [query]
        n = max(_CANDIDATES, 2 * k)
        dense: list[list[tuple[str, float]]] = [[], []]
        bm25: list[list[tuple[str, float]]] = [[], []]
        if mode in ("hybrid", "dense"):
            share = (sum(r.chunks for r in admitted), view.chunks)
            rankings = dense_rankings(self.chunks, self.query_vectors(texts), allowed, max_rank, n, share)
            dense[: len(rankings)] = rankings
        if mode in ("hybrid", "bm25"):
            self.lexical.sync((str(r.generation) for r in view.records), self._fetch_generation)
            for position, text in enumerate(texts):
                bm25[position] = self.lexical.search(text, allowed, n)
        fusion = (dense[0], bm25[0], dense[1], bm25[1])
        fused = reciprocal_rank_fusion([[i for i, _ in ranking] for ranking in fusion], weights=_WEIGHTS)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        if not best:
            return []
        got = self.chunks.get(ids=best, include=["documents", "metadatas"])
        texts_by_id = {
            chunk_id: (text, dict(meta))
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        return [
            self._result(i, *texts_by_id[i], Scores(dense=_best(i, dense), bm25=_best(i, bm25), fused=fused[i]))
            for i in best
            if i in texts_by_id
        ]

    def _read_generation(self, generation: str, *, embeddings: bool = False) -> Iterable[tuple[str, str, Any]]:
        """(chunk id, contextual text, vector or None) of every chunk of `generation`, read page by page."""
        include = ["documents", "metadatas", *(["embeddings"] if embeddings else [])]
        offset, page = 0, 500
        while True:
            got = self.chunks.get(where={"generation": generation}, include=include, limit=page, offset=offset)
            vectors = got["embeddings"] if embeddings else [None] * len(got["ids"])
            for chunk_id, text, meta, vector in zip(
                got["ids"], got["documents"], got["metadatas"], vectors, strict=True
            ):
                yield chunk_id, contextual_text(str(meta["title"]), str(meta.get("section", "")), text), vector
            if len(got["ids"]) < page:
                return
            offset += page

    def _fetch_generation(self, generation: str) -> tuple[list[str], list[str]]:
        rows = list(self._read_generation(generation))
        return [chunk_id for chunk_id, _, _ in rows], [text for _, text, _ in rows]

    @staticmethod
    def _result(chunk_id: str, text: str, meta: dict[str, Any], scores: Scores) -> SearchResult:
        page = meta.get("page")
        return SearchResult(
            text=text,
            citation=Citation(
                document=str(meta["doc_id"]),
                title=str(meta["title"]),
                section=str(meta.get("section", "")),
                page=int(page) if page is not None else None,
                version=str(meta["version"]) if meta.get("version") is not None else None,
            ),
            scores=scores,
            doc_type=str(meta.get("doc_type")) or None,
            language=str(meta.get("language", "")) or None,
            chunk_id=chunk_id,
        )

    # -- writing -------------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path | str], progress: ProgressCallback | None = None) -> IngestReport:
        """Ingest files and folders idempotently; see `knowledge.ingest`."""
        return ingest_paths(self, [Path(p) for p in paths], progress)

    def remove(self, doc_id: str) -> DocumentInfo:
        """Delete a document and all its chunks; returns what was removed."""
        record = self.catalogue.get(doc_id)
        if record is None:
            raise KnowledgeError(f"no document {doc_id!r} in the index (see `andon knowledge list`)")
        self.chunks.delete(where={"doc_id": doc_id})
        self.catalogue.delete(doc_id)
        return record.info()

    def recover(self) -> None:
        """Clean up after a crashed ingest: drop chunks of generations that never became active.

        A generation another process is still writing is not a crash: its lock is held, so this waits,
        and finds it finished."""
        for record in self.catalogue.all():
            if record.pending:
                with self.locks.hold(record.id):
                    current = self.catalogue.get(record.id)
                    if current is not None and current.pending:
                        self.discard_generation(current.id, current.pending, current)

    def discard_generation(self, doc_id: str, generation: str, previous: DocumentRecord | None) -> None:
        """Delete a pending generation's chunks and restore the record as it was before."""
        if previous is None or generation != previous.generation:
            self.chunks.delete(where={"generation": generation})
        if previous is None or not previous.generation:
            self.catalogue.delete(doc_id)
        else:
            restored = previous.model_copy()
            restored.pending = None
            self.catalogue.put(restored)

    def generation_vectors(self, generation: str) -> dict[str, Any]:
        """Contextual text -> stored vector of every chunk of `generation` (for reuse by its successor)."""
        return {text: vector for _, text, vector in self._read_generation(generation, embeddings=True)}

    def delete_chunks_except(self, doc_id: str, generation: str) -> None:
        """Delete every chunk of `doc_id` that is not of `generation`."""
        self.chunks.delete(where={"$and": [{"doc_id": doc_id}, {"generation": {"$ne": generation}}]})

    def count_chunks(self) -> int:
        """Chunks stored, all generations included (equal to the listed total unless a write is under way)."""
        return int(self.chunks.count())


def open_document_index(config: KnowledgeConfig, locks: DocumentLocks | None = None) -> DocumentIndex:
    """Open (or create) the document index described by `config`; `locks` default to files in its folder."""
    from knowledge.embeddings import make_embedding_function

    embedding_function = make_embedding_function(config.embedding)
    return DocumentIndex(config, open_chroma(config), embedding_function, locks)
