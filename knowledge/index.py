"""The document index: Chroma chunks + catalogue + BM25, searched with hybrid, access-filtered retrieval."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from knowledge.catalogue import Catalogue, DocumentRecord
from knowledge.config import KnowledgeConfig
from knowledge.errors import KnowledgeError
from knowledge.glossary import bundled_glossary
from knowledge.ingest import ProgressCallback, ingest_paths
from knowledge.lexical import LexicalIndex, contextual_text
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


class DocumentIndex:
    """Process documents searchable by meaning and by exact terms, with citations.

    Satisfies `tools.contract.DocumentSearch`: `search(query, *, k, role, filters)`.
    """

    def __init__(self, config: KnowledgeConfig, client: Any, embedding_function: Any) -> None:
        self.config = config
        self.client = client
        self.embedding_function = embedding_function
        self.chunks = open_chunk_collection(client, config, embedding_function)
        self.catalogue = Catalogue(open_catalogue_collection(client, config))
        where = "embedded" if config.chroma_url is None else hashlib.sha256(config.chroma_url.encode()).hexdigest()[:10]
        self.lexical = LexicalIndex(config.persist_dir / "bm25" / f"{config.collection}-{where}.json")

    # -- reading -------------------------------------------------------------------------------

    def list_documents(self) -> list[DocumentInfo]:
        """The documents readers can see, sorted by id."""
        return [record.info() for record in self.catalogue.all() if record.generation]

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
        applied before ranking: both retrievers only ever see admitted chunks. With `expand`, the
        plant glossary gives the query's terms in the other language, searched as a second (dense
        and BM25) query at half weight, so a Chinese question finds an English manual and vice versa.
        """
        if not query.strip():
            raise KnowledgeError("empty search query")
        if k < 1:
            raise KnowledgeError(f"k must be at least 1, got {k}")
        max_rank = access_rank(role)
        parsed = parse_filters(filters)
        records = [r for r in self.catalogue.all() if r.generation]
        allowed = {str(r.generation) for r in records if parsed.admits(r, max_rank)}
        if not allowed:
            return []
        translation = bundled_glossary().translate(query) if expand else ""
        dense: list[tuple[str, float]] = []
        dense_translated: list[tuple[str, float]] = []
        bm25: list[tuple[str, float]] = []
        bm25_translated: list[tuple[str, float]] = []
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        n = max(_CANDIDATES, 2 * k)
        if mode in ("hybrid", "dense"):
            dense = self._dense(query, allowed, max_rank, n, found)
            if translation:
                dense_translated = self._dense(translation, allowed, max_rank, n, found)
        if mode in ("hybrid", "bm25"):
            self.lexical.sync((str(r.generation) for r in records), self._fetch_generation)
            bm25 = self.lexical.search(query, allowed, n)
            if translation:
                bm25_translated = self.lexical.search(translation, allowed, n)
        rankings = (dense, bm25, dense_translated, bm25_translated)
        fused = reciprocal_rank_fusion([[i for i, _ in ranking] for ranking in rankings], weights=_WEIGHTS)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        missing = [i for i in best if i not in found]
        if missing:
            got = self.chunks.get(ids=missing, include=["documents", "metadatas"])
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                found[chunk_id] = (text, dict(meta))
        dense_scores: dict[str, float] = {}
        for chunk_id, similarity in [*dense, *dense_translated]:
            dense_scores[chunk_id] = max(similarity, dense_scores.get(chunk_id, similarity))
        bm25_scores: dict[str, float] = {}
        for chunk_id, score in [*bm25, *bm25_translated]:
            bm25_scores[chunk_id] = max(score, bm25_scores.get(chunk_id, score))
        return [
            self._result(i, *found[i], Scores(dense=dense_scores.get(i), bm25=bm25_scores.get(i), fused=fused[i]))
            for i in best
            if i in found
        ]

    def _dense(
        self, query: str, allowed: set[str], max_rank: int, n: int, found: dict[str, tuple[str, dict[str, Any]]]
    ) -> list[tuple[str, float]]:
        # The access rank is checked twice on purpose: by generation and by the chunk's own level.
        where = {"$and": [{"generation": {"$in": sorted(allowed)}}, {"access_rank": {"$lte": max_rank}}]}
        vector = self.embedding_function.embed_query([query])
        got = self.chunks.query(
            query_embeddings=vector, n_results=n, where=where, include=["documents", "metadatas", "distances"]
        )
        out: list[tuple[str, float]] = []
        for chunk_id, text, meta, distance in zip(
            got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
        ):
            found[chunk_id] = (text, dict(meta))
            out.append((chunk_id, round(1.0 - float(distance), 6)))  # cosine distance -> similarity
        return out

    def _fetch_generation(self, generation: str) -> tuple[list[str], list[str]]:
        ids: list[str] = []
        texts: list[str] = []
        offset, page = 0, 500
        while True:
            got = self.chunks.get(
                where={"generation": generation}, include=["documents", "metadatas"], limit=page, offset=offset
            )
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                ids.append(chunk_id)
                texts.append(contextual_text(str(meta["title"]), str(meta.get("section", "")), text))
            if len(got["ids"]) < page:
                return ids, texts
            offset += page

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
        """Clean up after a crashed ingest: drop chunks of generations that never became active."""
        for record in self.catalogue.all():
            if record.pending:
                self.discard_generation(record.id, record.pending, record)

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

    def delete_chunks_except(self, doc_id: str, generation: str) -> None:
        """Delete every chunk of `doc_id` that is not of `generation`."""
        self.chunks.delete(where={"$and": [{"doc_id": doc_id}, {"generation": {"$ne": generation}}]})

    def count_chunks(self) -> int:
        """Chunks stored, all generations included (equal to the listed total unless a write is under way)."""
        return int(self.chunks.count())


def open_document_index(config: KnowledgeConfig) -> DocumentIndex:
    """Open (or create) the document index described by `config`."""
    from knowledge.embeddings import make_embedding_function

    embedding_function = make_embedding_function(config.embedding)
    return DocumentIndex(config, open_chroma(config), embedding_function)
