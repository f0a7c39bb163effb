"""Tier 2: the LLM router asks a chat model for a JSON decision and falls back to tier 1."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from agents.routing import LLMRouter, RoutingDecision, parse_llm_decision

_TIER1 = RoutingDecision(domains=["equipment"], confidence=0.6, kind="single", scores={"equipment": 0.6})


class _Tier1:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def route(self, text: str) -> RoutingDecision:
        self.seen.append(text)
        return _TIER1

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        return [self.route(t) for t in texts]


def test_the_models_json_decision_is_used() -> None:
    reply = '{"domains": ["production", "maintenance"], "kind": "multi", "confidence": 0.9}'
    model = FakeListChatModel(responses=[reply])
    tier1 = _Tier1()
    router = LLMRouter(model, fallback=tier1)
    decision = router.route("why did line 2 miss its target yesterday?")
    assert decision.domains == ["production", "maintenance"]
    assert decision.kind == "multi"
    assert decision.confidence == 0.9
    assert decision.scores["production"] == 0.45
    assert (tier1.seen, router.fallbacks) == ([], 0)


def test_json_inside_a_chatty_or_fenced_reply_is_found() -> None:
    reply = 'Sure!\n```json\n{"domains": [], "kind": "out_of_scope", "confidence": 0.95}\n```'
    decision = parse_llm_decision(reply)
    assert decision is not None
    assert (decision.domains, decision.kind, decision.confidence) == ([], "out_of_scope", 0.95)


@pytest.mark.parametrize(
    "reply",
    [
        "production",  # no JSON
        '{"domains": ["hr"], "kind": "single"}',  # unknown domain
        '{"domains": [], "kind": "single"}',  # a domain route without a domain
        '["production"]',  # not an object
    ],
)
def test_unusable_replies_fall_back_to_tier_1(reply: str) -> None:
    tier1 = _Tier1()
    router = LLMRouter(FakeListChatModel(responses=[reply]), fallback=tier1)
    assert router.route("vibration of P-101") == _TIER1
    assert (tier1.seen, router.fallbacks) == (["vibration of P-101"], 1)


def test_a_failing_model_falls_back_to_tier_1() -> None:
    class Broken(FakeListChatModel):
        def invoke(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            raise TimeoutError("LLM did not answer")

    tier1 = _Tier1()
    router = LLMRouter(Broken(responses=["unused"]), fallback=tier1)
    assert router.route_many(["a", "b"]) == [_TIER1, _TIER1]
    assert router.fallbacks == 2
