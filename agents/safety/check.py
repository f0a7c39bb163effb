"""Checking a request: the rule table first, then the learned layer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from agents.safety.classifier import ClassifierConfig, ClassifierScore, SafetyClassifier
from agents.safety.rules import CATEGORIES, Category, SafetyCategory
from agents.safety.verdict import SafetyLayer, SafetyVerdict, check_rules

__all__ = ["SafetyGuard", "check_request", "default_guard", "learned_verdict"]

_BY_NAME = {category.name: category for category in CATEGORIES}


class SafetyGuard:
    """Rules, then the learned layer: a request is refused when a rule matches, when the classifier's
    P(unsafe) reaches its threshold, or when its intent head reads a request to change records (or to
    decide an approval outside the approval path) at the intent threshold, even if P(unsafe) is below
    the refusal threshold, so that such a request is never answered as a read. The verdict carries the
    category's reason and the layer that refused."""

    def __init__(self, classifier: SafetyClassifier | None) -> None:
        self.classifier = classifier

    def check(self, text: str) -> SafetyVerdict | None:
        """The refusal verdict for an unsafe request, or None when the request may proceed."""
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[SafetyVerdict | None]:
        """Verdicts for several requests, in input order (the classifier scores them in one batch)."""
        verdicts = [check_rules(text) for text in texts]
        pending = [i for i, verdict in enumerate(verdicts) if verdict is None]
        if self.classifier is None or not pending:
            return verdicts
        for i, score in zip(pending, self.classifier.scores([texts[i] for i in pending]), strict=True):
            verdicts[i] = learned_verdict(score, self.classifier.config)
        return verdicts


_CATEGORY_OF_INTENT: dict[str, SafetyCategory] = {
    "change_records": "record_tampering",
    "bypass_approval": "approval_bypass",
}


def learned_verdict(score: ClassifierScore, config: ClassifierConfig) -> SafetyVerdict | None:
    """The learned layer's verdict on one score at `config`'s thresholds (None: it may proceed)."""
    if score.unsafe >= config.threshold:
        return _verdict(_BY_NAME[score.category], "classifier", score.unsafe)
    if score.intent != "none" and score.intent_score >= config.intent_threshold:
        return _verdict(_BY_NAME[_CATEGORY_OF_INTENT[score.intent]], "intent", score.intent_score)
    return None


def _verdict(category: Category, layer: SafetyLayer, confidence: float) -> SafetyVerdict:
    return SafetyVerdict(category.name, category.reason_en, category.reason_zh, "", layer, confidence)


@cache
def default_guard() -> SafetyGuard:
    """The rules and the classifier trained on the shipped data (once per process, about a second)."""
    return SafetyGuard(SafetyClassifier.train())


def check_request(text: str) -> SafetyVerdict | None:
    """The refusal verdict of the default guard (rules, then classifier), or None when the request may proceed."""
    return default_guard().check(text)
