"""Requests that ask several things: each clause is routed too, and a domain a clause is confidently
about joins the whole request's decision.

A cross-domain request is usually several questions in one ("how many good pieces did L2 make
yesterday and what was the scrap"); the whole request's probabilities favour one domain, while
each clause alone is plainly about its own. Clauses are the parts `split_clauses` finds, and in
Chinese also the parts written apart with spaces ("3线昨晚停了2个小时 是设备坏了吗 有没有维修工单").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from agents.extraction.request_shape import split_clauses
from agents.routing.decision import RoutingDecision

__all__ = ["join_clause_domains", "request_clauses"]

# Whitespace between two Chinese characters separates clauses (a space next to a code such as
# "SUP-02 这个季度" does not).
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_MIN_CLAUSE = 3  # characters; shorter parts ("呢", "ok") say nothing about a domain
# A subordinate clause sets the scene ("When the power input of chiller 6 drops, what failure ...",
# "如果主轴温度高，..."): it asks nothing, so it brings no domain of its own.
_SUBORDINATE = re.compile(
    r"^(?:when|whenever|if|once|after|before|since|given|assume|assuming|suppose|as soon as)\b"
    r"|^(?:当|如果|假如|假设|一旦)",
    re.IGNORECASE,
)


def request_clauses(text: str) -> list[str]:
    """The clauses of a request; one clause when it asks one thing."""
    parts: list[str] = []
    for clause in split_clauses(text):
        parts += [part.strip() for part in _CJK_GAP.split(clause) if len(part.strip()) >= _MIN_CLAUSE]
    return parts if len(parts) > 1 else [text]


def _asks(clause: str) -> bool:
    return not _SUBORDINATE.match(clause)


def join_clause_domains(
    texts: Sequence[str],
    decisions: Sequence[RoutingDecision],
    route_many: Callable[[Sequence[str]], list[RoutingDecision]],
    *,
    min_confidence: float,
    max_domains: int = 3,
) -> list[RoutingDecision]:
    """`decisions` for `texts`, each joined by the primary domain of any of its clauses routed with at
    least `min_confidence` (all clauses of all requests in one `route_many` pass). Out-of-scope and
    clarify decisions stay as they are; the whole request's primary domain stays first."""
    clauses = [
        request_clauses(text) if decision.domains else [text] for text, decision in zip(texts, decisions, strict=True)
    ]
    asked = [clause for parts in clauses if len(parts) > 1 for clause in parts]
    routed = iter(route_many(asked) if asked else [])
    joined: list[RoutingDecision] = []
    for parts, decision in zip(clauses, decisions, strict=True):
        if len(parts) == 1:
            joined.append(decision)
            continue
        domains = list(decision.domains)
        for clause, clause_decision in zip(parts, [next(routed) for _ in parts], strict=True):
            top = clause_decision.domains[0] if clause_decision.domains else None
            if top and top not in domains and clause_decision.confidence >= min_confidence and _asks(clause):
                domains.append(top)
        domains = domains[:max_domains]
        if domains == decision.domains:
            joined.append(decision)
            continue
        kind = "multi" if len(domains) > 1 else "single"
        confidence = min(1.0, sum(decision.scores.get(d, 0.0) for d in domains)) if decision.scores else None
        update = {"domains": domains, "kind": kind} | ({"confidence": round(confidence, 4)} if confidence else {})
        joined.append(decision.model_copy(update=update))
    return joined
