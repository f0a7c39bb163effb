"""Routing the clauses of a request that asks several things: a clause's confident domain joins the
request's decision; out-of-scope, clarify and one-clause requests are left as they are."""

from __future__ import annotations

from collections.abc import Sequence

from agents.routing import RoutingDecision
from agents.routing.clauses import join_clause_domains, request_clauses


def test_clauses_of_english_and_chinese_requests() -> None:
    assert request_clauses("how many good pieces did L2 make yesterday and what was the scrap") == [
        "how many good pieces did L2 make yesterday",
        "what was the scrap",
    ]
    assert request_clauses("3线昨晚停了2个小时 是设备坏了吗 有没有维修工单") == [
        "3线昨晚停了2个小时",
        "是设备坏了吗",
        "有没有维修工单",
    ]
    # A space next to a code is not a clause boundary; a one-clause request is itself.
    assert request_clauses("SUP-02 这个季度的准时交付率") == ["SUP-02 这个季度的准时交付率"]
    assert request_clauses("OEE of line 2 yesterday") == ["OEE of line 2 yesterday"]


def _single(domain: str, confidence: float) -> RoutingDecision:
    return RoutingDecision(domains=[domain], confidence=confidence, kind="single")


CLAUSES = {
    "how many good pieces did L2 make yesterday": _single("production", 0.81),
    "what was the scrap": _single("quality", 0.64),
    "是设备坏了吗": _single("maintenance", 0.45),
    "有没有维修工单": _single("maintenance", 0.9),
    "3线昨晚停了2个小时": _single("production", 0.7),
}


def _route_many(texts: Sequence[str]) -> list[RoutingDecision]:
    return [CLAUSES[text] for text in texts]


def test_a_confident_clause_brings_its_domain_and_the_primary_stays_first() -> None:
    texts = [
        "how many good pieces did L2 make yesterday and what was the scrap",
        "3线昨晚停了2个小时 是设备坏了吗 有没有维修工单",
    ]
    whole = [
        RoutingDecision(
            domains=["production"], confidence=0.6, kind="single", scores={"production": 0.6, "quality": 0.3}
        ),
        _single("maintenance", 0.55),
    ]
    joined = join_clause_domains(texts, whole, _route_many, min_confidence=0.5)
    assert [(d.domains, d.kind) for d in joined] == [
        (["production", "quality"], "multi"),
        (["maintenance", "production"], "multi"),
    ]
    assert joined[0].confidence == 0.9  # the label probability of both domains
    # Below the floor a clause adds nothing.
    assert [d.domains for d in join_clause_domains(texts, whole, _route_many, min_confidence=0.95)] == [
        ["production"],
        ["maintenance"],
    ]


def test_out_of_scope_clarify_and_one_clause_requests_are_not_split() -> None:
    asked: list[str] = []

    def route_many(texts: Sequence[str]) -> list[RoutingDecision]:
        asked.extend(texts)
        return _route_many(texts)

    texts = ["what's the weather, and any jokes?", "OEE of line 2 yesterday"]
    whole = [RoutingDecision(domains=[], confidence=0.9, kind="out_of_scope"), _single("production", 0.9)]
    assert join_clause_domains(texts, whole, route_many, min_confidence=0.5) == whole
    assert asked == []
