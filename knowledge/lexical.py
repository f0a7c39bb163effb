"""The BM25 side of hybrid retrieval: a sparse index (bm25s) kept in step with the catalogue.

Tokens are stored once per chunk generation, one file per generation in the data home, written
when the generation is ingested (before the catalogue switches to it). A generation never
changes, so its file never goes stale; a generation written by another process or another host
is read back from Chroma and tokenised the first time it is needed.

The index covers exactly the catalogue's active generations. It is rebuilt in memory when that
set changes (the catalogue's state token tells a reader when to look) and otherwise kept, so a
search scores only the postings of its query terms. Filters and access levels arrive as the
set of admitted generations, whose chunks occupy contiguous rows of the index: everything else
is masked out before ranking.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.terms import tokenize

__all__ = ["BM25_B", "BM25_K1", "LexicalIndex", "TokenStore", "contextual_text"]

BM25_K1 = 1.5
BM25_B = 0.75

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,150}$")
# Token files of generations that are no longer active are removed once they are this old
# (younger ones may belong to a generation another process is about to switch to).
_STALE_AFTER_S = 3600.0


def contextual_text(title: str, section: str, text: str) -> str:
    """What is embedded and tokenised for a chunk: its title and section path give it context."""
    head = f"{title} | {section}" if section else title
    return f"{head}\n{text}"


class TokenStore:
    """BM25 tokens of each chunk generation, one JSON file per generation."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, generation: str) -> Path:
        name = generation if _SAFE_NAME.match(generation) else hashlib.sha256(generation.encode()).hexdigest()
        return self.folder / f"{name}.json"

    def write(self, generation: str, ids: list[str], tokens: list[list[str]]) -> None:
        """Store a generation's tokens atomically (a crash leaves the old file or none, never half)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(generation)
        tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        payload = {"generation": generation, "ids": ids, "tokens": tokens}
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def read(self, generation: str) -> tuple[list[str], list[list[str]]] | None:
        try:
            data = json.loads(self._path(generation).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("generation") != generation or len(data.get("ids", ())) != len(data.get("tokens", ())):
            return None
        return list(data["ids"]), [list(t) for t in data["tokens"]]

    def prune(self, keep: Iterable[str]) -> None:
        """Remove old files of generations not in `keep`."""
        wanted = {self._path(g).name for g in keep}
        cutoff = time.time() - _STALE_AFTER_S
        try:
            files = list(self.folder.glob("*.json"))
        except OSError:
            return
        for path in files:
            try:
                if path.name not in wanted and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue


@dataclass(frozen=True)
class _Built:
    """An immutable BM25 index over a fixed set of generations (searches read it without a lock)."""

    generations: tuple[str, ...] = ()
    retriever: Any = None
    ids: tuple[str, ...] = ()
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


def _build(generations: tuple[str, ...], entries: dict[str, tuple[list[str], list[list[str]]]]) -> _Built:
    import bm25s

    ids: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    vocabulary: dict[str, int] = {}
    corpus: list[list[int]] = []
    for generation in generations:
        chunk_ids, tokens = entries[generation]
        spans[generation] = (len(ids), len(ids) + len(chunk_ids))
        ids.extend(chunk_ids)
        for chunk_tokens in tokens:
            corpus.append([vocabulary.setdefault(t, len(vocabulary)) for t in chunk_tokens])
    if not corpus or not vocabulary:
        return _Built(generations=generations, ids=tuple(ids), spans=spans)
    # Lucene's BM25: idf log(1 + (N - n + 0.5) / (n + 0.5)) is positive for every term, so a
    # small collection (one manual, two chunks) still finds its words.
    retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene", dtype="float64")
    retriever.index((corpus, vocabulary), create_empty_token=False, show_progress=False)
    return _Built(generations=generations, retriever=retriever, ids=tuple(ids), spans=spans)


class LexicalIndex:
    """BM25 over the active chunks: a persistent token store and an in-memory sparse index."""

    def __init__(self, folder: Path) -> None:
        self.store = TokenStore(folder)
        self._built = _Built()
        self._entries: dict[str, tuple[list[str], list[list[str]]]] = {}
        self._masks: OrderedDict[frozenset[str], Any] = OrderedDict()
        # The console serves several sessions from threads; the index is rebuilt under this lock.
        self._lock = threading.Lock()

    def add_generation(self, generation: str, ids: list[str], tokens: list[list[str]]) -> None:
        """Store the tokens of a freshly written generation (saves re-reading it from Chroma)."""
        self.store.write(generation, ids, tokens)
        with self._lock:
            self._entries[generation] = (ids, tokens)

    def sync(self, active: Iterable[str], fetch: Callable[[str], tuple[list[str], list[str]]]) -> None:
        """Make the index cover exactly the `active` generations; `fetch(gen)` returns (ids, contextual texts)."""
        wanted = tuple(sorted(set(active)))
        if wanted == self._built.generations:
            return
        with self._lock:
            if wanted == self._built.generations:
                return
            for generation in wanted:
                if generation in self._entries:
                    continue
                entry = self.store.read(generation)
                if entry is None:
                    ids, texts = fetch(generation)
                    entry = (ids, [tokenize(t) for t in texts])
                    self.store.write(generation, *entry)
                self._entries[generation] = entry
            for generation in set(self._entries) - set(wanted):
                del self._entries[generation]
            self._built = _build(wanted, self._entries)
            self._masks.clear()
            self.store.prune(wanted)

    def _mask(self, built: _Built, allowed: frozenset[str]) -> Any:
        """1.0 for rows of admitted generations, 0.0 elsewhere (None: every row is admitted)."""
        if all(g in allowed for g in built.generations):
            return None
        mask = self._masks.get(allowed)
        if mask is None:
            import numpy as np

            mask = np.zeros(len(built.ids), dtype=np.float64)
            for generation in allowed:
                span = built.spans.get(generation)
                if span:
                    mask[span[0] : span[1]] = 1.0
            self._masks[allowed] = mask
            while len(self._masks) > 64:
                self._masks.popitem(last=False)
        return mask

    def search(self, query: str, allowed: Iterable[str], n: int) -> list[tuple[str, float]]:
        """Top `n` chunk ids with positive BM25 score, among chunks of the `allowed` generations only."""
        import numpy as np

        built = self._built
        if built.retriever is None:
            return []
        term_ids = built.retriever.get_tokens_ids(tokenize(query))
        if not term_ids:
            return []
        scores = built.retriever.get_scores_from_ids(term_ids, weight_mask=self._mask(built, frozenset(allowed)))
        # bm25s leaves out Okapi's constant (k1 + 1) factor; restored so scores read as classic BM25.
        scores = scores * (BM25_K1 + 1)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > 4 * n:
            # Keep everything tied with the n-th best so the tie-break below stays exact.
            threshold = np.partition(scores[candidates], len(candidates) - n)[len(candidates) - n]
            candidates = candidates[scores[candidates] >= threshold]
        ranked = [(built.ids[i], float(scores[i])) for i in candidates.tolist()]
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked[:n]

    def covers(self) -> tuple[str, ...]:
        """The generations the index was last built over."""
        return self._built.generations
