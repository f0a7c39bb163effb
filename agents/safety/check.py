"""Checking a request against the category table, and the refusal an operator reads."""

from __future__ import annotations

from dataclasses import dataclass

from agents.safety.matching import normalize
from agents.safety.rules import CATEGORIES, Category, SafetyCategory

__all__ = ["SafetyVerdict", "check_request", "refusal_text"]


@dataclass(frozen=True)
class SafetyVerdict:
    """Why a request is refused: the rule category, a reason in both languages and the words that matched."""

    category: SafetyCategory
    reason_en: str
    reason_zh: str
    matched: str

    def reason(self, lang: str) -> str:
        """The reason in the request's language."""
        return self.reason_zh if lang == "zh" else self.reason_en


def check_request(text: str) -> SafetyVerdict | None:
    """The refusal verdict for an unsafe request, or None when the request may proceed."""
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
