"""The decision policy: label probabilities in, domains / kind / confidence out."""

from __future__ import annotations

import pytest

from agents.routing import DecisionPolicy, RoutingDecision, decide


def test_one_dominant_domain_is_a_single_route() -> None:
    decision = decide({"production": 0.90, "quality": 0.05, "maintenance": 0.05})
    assert decision.domains == ["production"]
    assert decision.kind == "single"
    assert decision.confidence == pytest.approx(0.90)
    assert decision.primary == "production"


def test_domains_close_to_the_top_join_it_primary_first() -> None:
    # 0.25 >= 0.45 * 0.40 and >= 0.12: joins; 0.15 >= 0.18? no: stays out.
    decision = decide({"maintenance": 0.25, "production": 0.40, "quality": 0.15, "equipment": 0.20})
    assert decision.domains == ["production", "maintenance", "equipment"]
    assert decision.kind == "multi"
    assert decision.confidence == pytest.approx(0.85)


def test_at_most_three_domains() -> None:
    scores = {"production": 0.24, "quality": 0.23, "maintenance": 0.22, "equipment": 0.21, "knowledge": 0.10}
    assert decide(scores).domains == ["production", "quality", "maintenance"]


def test_out_of_scope_and_clarify_route_to_no_domain() -> None:
    oos = decide({"out_of_scope": 0.7, "knowledge": 0.3})
    assert (oos.domains, oos.kind, oos.confidence, oos.primary) == ([], "out_of_scope", 0.7, "out_of_scope")
    vague = decide({"clarify": 0.5, "maintenance": 0.4, "out_of_scope": 0.1})
    assert (vague.domains, vague.kind, vague.confidence) == ([], "clarify", 0.5)


def test_a_weak_best_domain_is_out_of_scope_when_the_policy_says_so() -> None:
    policy = DecisionPolicy(min_in_scope=0.3)
    decision = decide({"production": 0.25, "quality": 0.2, "out_of_scope": 0.2, "clarify": 0.2}, policy)
    assert decision.kind == "out_of_scope"
    assert decision.confidence == pytest.approx(0.2)


def test_scores_list_every_label() -> None:
    decision = decide({"equipment": 1.0})
    assert set(decision.scores) == {
        "production",
        "quality",
        "maintenance",
        "equipment",
        "supply_chain",
        "knowledge",
        "out_of_scope",
        "clarify",
    }
    assert decision.scores["equipment"] == 1.0


def test_decisions_serialise_to_the_cli_json_shape() -> None:
    decision = RoutingDecision(domains=["quality"], confidence=0.8, kind="single", scores={"quality": 0.8})
    assert decision.model_dump() == {
        "domains": ["quality"],
        "confidence": 0.8,
        "kind": "single",
        "scores": {"quality": 0.8},
    }
