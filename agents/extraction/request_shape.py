"""The shape of a request: does it ask "why", and which clauses does it ask for several things in?"""

from __future__ import annotations

import re

__all__ = ["WHY", "asks_why", "split_clauses"]

WHY = re.compile(
    r"\bwhy\b|\bwhat caused\b|\bwhat(?:'s| is) (?:causing|behind)\b|\broot[- ]?cause|\bhow come\b"
    r"|为什么|为何|为啥|根因|怎么回事|咋回事|什么导致|是什么造成|什么原因|原因是什么|原因何在"
    r"|(?:低|高|差|下降|上升|增加|减少|变差|波动|异常|偏多|偏少|多|少)的原因",
    re.IGNORECASE,
)

# Clause boundaries of a request that asks for several things.
CLAUSES = re.compile(
    r"[?？;；。]\s*|[,，]\s*(?:and\s+|以及|还有|另外|同时|并且|再)?|\s+and\s+(?=(?:what|how|which|who|when|is|are|"
    r"was|were|did|does|do|its|the|their|any|show|give|list|tell)\b)|(?:以及|还有|另外|同时|并且)",
    re.IGNORECASE,
)


def asks_why(text: str) -> bool:
    """The request asks for a cause ("why", "为什么", "root cause")."""
    return bool(WHY.search(text))


def split_clauses(text: str) -> list[str]:
    """The parts of a request that asks several things ("OEE of line 2, and how many work orders are open?");
    a one-part request gives one part. Parts shorter than four characters are dropped."""
    parts = [part.strip() for part in CLAUSES.split(text) if part and part.strip()]
    kept = [part for part in parts if len(part) >= 4]
    return kept or [text.strip()]
