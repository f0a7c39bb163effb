"""Checking a request: the rule table first, then the learned layer; and the refusal an operator reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from agents.safety.matching import normalize
from agents.safety.rules import CATEGORIES, Category, SafetyCategory

if TYPE_CHECKING:
    from agents.safety.classifier import ClassifierConfig, ClassifierScore, SafetyClassifier

__all__ = [
    "SafetyGuard",
    "SafetyLayer",
    "SafetyVerdict",
    "check_request",
    "check_rules",
    "default_guard",
    "learned_verdict",
    "refusal_text",
]

SafetyLayer = Literal["rules", "classifier", "intent"]
_BY_NAME = {category.name: category for category in CATEGORIES}


@dataclass(frozen=True)
class SafetyVerdict:
    """Why a request is refused: the category, a reason in both languages, the words that matched (rules),
    which layer refused and how sure it was (1.0 for a rule)."""

    category: SafetyCategory
    reason_en: str
    reason_zh: str
    matched: str
    layer: SafetyLayer = "rules"
    confidence: float = 1.0

    def reason(self, lang: str) -> str:
        """The reason in the request's language."""
        return self.reason_zh if lang == "zh" else self.reason_en


def check_rules(text: str) -> SafetyVerdict | None:
    """The verdict of the rule table alone, or None when no rule matches."""
    normalized = normalize(text)
    for category in CATEGORIES:
        matched = _first_match(category, normalized)
        if matched is not None:
            return SafetyVerdict(category.name, category.reason_en, category.reason_zh, matched)
    return None


def _first_match(category: Category, text: str) -> str | None:
    for rule in category.rules:
        matched = rule.find(text)
        if matched is not None:
            return matched
    return None


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
    from agents.safety.classifier import SafetyClassifier

    return SafetyGuard(SafetyClassifier.train())


def check_request(text: str) -> SafetyVerdict | None:
    """The refusal verdict of the default guard (rules, then classifier), or None when the request may proceed."""
    return default_guard().check(text)


def refusal_text(verdict: SafetyVerdict, lang: str) -> str:
    """The refusal an operator reads, in their language."""
    prefix = "无法执行该请求。" if lang == "zh" else "I can't do that. "
    return prefix + verdict.reason(lang)
