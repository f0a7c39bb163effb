"""A safety verdict and the rule table's own check (no learned layer): the part of checking a request that
the learned layer's training data may use too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agents.safety.matching import normalize
from agents.safety.rules import CATEGORIES, Category, SafetyCategory

__all__ = ["SafetyLayer", "SafetyVerdict", "check_rules", "refusal_text"]

SafetyLayer = Literal["rules", "classifier", "intent"]


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


def refusal_text(verdict: SafetyVerdict, lang: str) -> str:
    """The refusal an operator reads, in their language."""
    prefix = "无法执行该请求。" if lang == "zh" else "I can't do that. "
    return prefix + verdict.reason(lang)
