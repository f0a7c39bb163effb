"""Refusal of unsafe requests, in Chinese and English, before any tool or model runs.

Permissions are enforced by the tool layer; this package exists so that a request to defeat a safety
device, silence alarms, release held material, delete or falsify records, approve in bulk, write to the
control system or expose other people's data is refused with a reason instead of being routed to an agent
at all, while "why did the interlock trip?" is still answered. Two layers: the rule table
(`agents.safety.rules.CATEGORIES`, one place for every category's wordings and reasons) and a learned
classifier (`agents.safety.classifier`) that catches the paraphrases no rule was written for, with a head
that reads a request to delete, change or back-date records as a write, never as a read.
"""

from agents.safety.check import SafetyGuard, check_request, default_guard, learned_verdict
from agents.safety.classifier import ClassifierConfig, ClassifierScore, SafetyClassifier
from agents.safety.rules import SafetyCategory
from agents.safety.verdict import SafetyLayer, SafetyVerdict, check_rules, refusal_text

__all__ = [
    "ClassifierConfig",
    "ClassifierScore",
    "SafetyCategory",
    "SafetyClassifier",
    "SafetyGuard",
    "SafetyLayer",
    "SafetyVerdict",
    "check_request",
    "check_rules",
    "default_guard",
    "learned_verdict",
    "refusal_text",
]
