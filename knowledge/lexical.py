"""The BM25 side of hybrid retrieval, kept consistent with Chroma.

Tokens are cached per chunk generation in a JSON file in the data home. Before a search the
cache is compared with the catalogue's active generations: generations that are no longer
active are dropped, missing ones are re-read from Chroma and tokenised. So the BM25 index is
always built from exactly the chunks readers can see, whoever wrote them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from knowledge.terms import tokenize

__all__ = ["LexicalIndex", "contextual_text"]


def contextual_text(title: str, section: str, text: str) -> str:
    """What is embedded and tokenised for a chunk: its title and section path give it context."""
    head = f"{title} | {section}" if section else title
    return f"{head}\n{text}"


def _bm25(corpus: list[list[str]]) -> Any:
    """BM25 (k1 1.5, b 0.75) with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)).

    rank_bm25's Okapi idf is zero for a term in half the documents and negative above that, so a
    small collection (one manual, two chunks) would find nothing; Lucene's idf is always positive.
    """
    from rank_bm25 import BM25Okapi

    class LuceneIdfBM25(BM25Okapi):  # type: ignore[misc]
        def _calc_idf(self, nd: dict[str, int]) -> None:
            for word, freq in nd.items():
                self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))

    return LuceneIdfBM25(corpus)


class LexicalIndex:
    """BM25 over the active chunks, with a persistent token cache."""

    def __init__(self, cache_file: Path) -> None:
        self.cache_file = cache_file
        self._generations: dict[str, dict[str, Any]] = {}
        self._loaded = False
        self._fingerprint: str | None = None
        self._bm25: Any = None
        self._ids: list[str] = []
        self._chunk_generation: list[str] = []
        # The console serves several sessions from threads; the index is rebuilt under this lock.
        self._lock = threading.RLock()

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
            self._generations = dict(data.get("generations", {}))
        except (OSError, ValueError):
            self._generations = {}

    def _save(self) -> None:
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_file.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"generations": self._generations}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.cache_file)

    def add_generation(self, generation: str, ids: list[str], tokens: list[list[str]]) -> None:
        """Cache the tokens of a freshly written generation (saves re-reading it from Chroma)."""
        with self._lock:
            self._add_generation(generation, ids, tokens)

    def _add_generation(self, generation: str, ids: list[str], tokens: list[list[str]]) -> None:
        self._load()
        self._generations[generation] = {"ids": ids, "tokens": tokens}
        self._save()

    def sync(self, active: Iterable[str], fetch: Callable[[str], tuple[list[str], list[str]]]) -> None:
        """Make the index cover exactly the `active` generations; `fetch(gen)` returns (ids, contextual texts)."""
        with self._lock:
            self._sync(list(active), fetch)

    def _sync(self, active: list[str], fetch: Callable[[str], tuple[list[str], list[str]]]) -> None:
        self._load()
        wanted = sorted(set(active))
        fingerprint = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
        if fingerprint == self._fingerprint:
            return
        changed = False
        for generation in list(self._generations):
            if generation not in wanted:
                del self._generations[generation]
                changed = True
        for generation in wanted:
            if generation not in self._generations:
                ids, texts = fetch(generation)
                self._generations[generation] = {"ids": ids, "tokens": [tokenize(t) for t in texts]}
                changed = True
        if changed:
            self._save()
        self._rebuild(wanted)
        self._fingerprint = fingerprint

    def _rebuild(self, generations: list[str]) -> None:
        self._ids, self._chunk_generation, corpus = [], [], []
        for generation in generations:
            entry = self._generations[generation]
            self._ids.extend(entry["ids"])
            self._chunk_generation.extend([generation] * len(entry["ids"]))
            corpus.extend(entry["tokens"])
        # BM25Okapi divides by the corpus size; an empty corpus has nothing to rank.
        self._bm25 = _bm25(corpus) if corpus else None

    def search(self, query: str, allowed: set[str], n: int) -> list[tuple[str, float]]:
        """Top `n` chunk ids with positive BM25 score, among chunks of the `allowed` generations only."""
        terms = tokenize(query)
        with self._lock:
            if self._bm25 is None or not terms:
                return []
            scores = self._bm25.get_scores(terms)
            # Only chunks sharing a term have a positive score: look at those, not the whole index.
            ranked = [
                (self._ids[i], float(scores[i]))
                for i in scores.nonzero()[0].tolist()
                if scores[i] > 0 and self._chunk_generation[i] in allowed
            ]
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked[:n]
