"""The dense side of hybrid retrieval: query embeddings (one call per search, cached) and Chroma queries.

Chroma evaluates a metadata filter by collecting every matching record before the vector search;
at 10,000 chunks a filter that admits most of them ("these 130 active generations, access rank
at most 3") costs 60-80 ms of CPU, against 2 ms for a plain HNSW query. So when most chunks are
admitted, the HNSW index is asked for more neighbours than needed and the ones the caller may not
see (another access level, a filtered-out document, a generation not yet or no longer active) are
dropped before fusion; the admitted neighbours keep their order, which is the order the filtered
query would give. If too few admitted neighbours come back, or only a small part of the index is
admitted, the query runs with the filter in Chroma, as before.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from typing import Any

__all__ = ["QueryVectors", "dense_rankings"]

# Neighbours asked for beyond the admitted share, for chunks of pending or stale generations.
_SLACK = 16
# Below this share of admitted chunks the filter is left to Chroma.
_MIN_SHARE = 0.25

Hit = tuple[str, float]


class QueryVectors:
    """Query embeddings with a small LRU cache: the texts of one search are embedded in one call."""

    def __init__(self, embedding_function: Any, size: int = 512) -> None:
        self.embedding_function = embedding_function
        self.size = size
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every cached vector."""
        with self._lock:
            self._cache.clear()

    def __call__(self, texts: Sequence[str]) -> list[Any]:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self.embedding_function.embed_query(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            out = []
            for text in texts:
                self._cache.move_to_end(text)
                out.append(self._cache[text])
            return out


def _admitted(got: dict[str, Any], row: int, allowed: Collection[str], max_rank: int, n: int) -> list[Hit]:
    hits: list[Hit] = []
    for chunk_id, meta, distance in zip(got["ids"][row], got["metadatas"][row], got["distances"][row], strict=True):
        if str(meta.get("generation")) not in allowed or int(meta.get("access_rank", 99)) > max_rank:
            continue
        hits.append((chunk_id, round(1.0 - float(distance), 6)))  # cosine distance -> similarity
        if len(hits) == n:
            break
    return hits


def dense_rankings(
    chunks: Any,
    vectors: list[Any],
    allowed: Collection[str],
    max_rank: int,
    n: int,
    share: tuple[int, int],
) -> list[list[Hit]]:
    """The `n` nearest admitted chunks for each query vector, in one Chroma call when possible.

    `share` is (admitted chunks, active chunks) from the catalogue.
    """
    admitted, total = share
    rankings: list[list[Hit] | None] = [None] * len(vectors)
    if total and admitted >= _MIN_SHARE * total:
        fetch = min(total, math.ceil(n * total / max(admitted, 1))) + _SLACK
        got = chunks.query(query_embeddings=vectors, n_results=fetch, include=["metadatas", "distances"])
        for row in range(len(vectors)):
            hits = _admitted(got, row, allowed, max_rank, n)
            # Fewer than n admitted among a full answer: more may lie further out; ask Chroma to filter.
            if len(hits) == n or len(got["ids"][row]) < fetch:
                rankings[row] = hits
    redo = [row for row, hits in enumerate(rankings) if hits is None]
    if redo:
        # The access rank is checked twice on purpose: by generation and by the chunk's own level.
        where = {"$and": [{"generation": {"$in": sorted(allowed)}}, {"access_rank": {"$lte": max_rank}}]}
        got = chunks.query(
            query_embeddings=[vectors[row] for row in redo],
            n_results=n,
            where=where,
            include=["metadatas", "distances"],
        )
        for position, row in enumerate(redo):
            rankings[row] = _admitted(got, position, allowed, max_rank, n)
    return [hits or [] for hits in rankings]
