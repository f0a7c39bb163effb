"""Tier-2 routing under concurrent sessions: one session's failing model call never makes another
session's good decision look like a fallback (the tier is decided per call, not from a shared count)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage

from agents.routing import LLMRouter, RoutingDecision
from agents.runtime import Assistant, ConversationMemory, ToolBackend

_GOOD = '{"domains": ["maintenance"], "kind": "single", "confidence": 0.9}'


class _Tier1:
    """Tier 1 for the LLM router's own fallback: says when it was used."""

    def __init__(self) -> None:
        self.used = threading.Event()

    def route(self, text: str) -> RoutingDecision:
        self.used.set()
        return RoutingDecision(domains=[], confidence=0.4, kind="clarify")

    def route_many(self, texts: list[str]) -> list[RoutingDecision]:
        return [self.route(text) for text in texts]


class _RoutingModel:
    """Fails for requests that say "broken"; a good request answers only after the failing one has
    been counted by the fallback (or after a short wait when nothing counts it), the interleaving
    that made a shared counter misread the good request as a fallback."""

    def __init__(self, fallback: _Tier1) -> None:
        self.fallback = fallback

    def invoke(self, messages: list[Any]) -> AIMessage:
        text = str(messages[-1].content)
        if "broken" in text:
            raise ConnectionError("routing model down")
        self.fallback.used.wait(timeout=1.0)
        return AIMessage(content=_GOOD)


def test_concurrent_sessions_each_get_their_own_tier(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any
) -> None:
    fallback = _Tier1()
    llm_router = LLMRouter(_RoutingModel(fallback), fallback=fallback)  # type: ignore[arg-type]
    assistant = Assistant(
        model=FakeListChatModel(responses=["unused"]),
        backend=backend,
        memory=memory,
        router=rule_router,
        model_kind="openai",
        llm_router=llm_router,
    )
    requests = ["how are things? (good)", "how are things? broken"] * 4
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        routed = list(pool.map(lambda pair: assistant.route(pair[1], f"s{pair[0]}", "ann"), enumerate(requests)))
    tiers = [tier for _, tier in routed]
    assert tiers == ["llm", "small_model"] * 4
    assert [decision.domains for decision, _ in routed] == [["maintenance"], []] * 4
    assert [decision.kind for decision, _ in routed] == ["single", "clarify"] * 4


def test_the_router_counts_each_fallback_once_under_concurrency() -> None:
    fallback = _Tier1()
    router = LLMRouter(_RoutingModel(fallback), fallback=fallback)  # type: ignore[arg-type]
    with ThreadPoolExecutor(max_workers=8) as pool:
        decisions = list(pool.map(router.route, ["broken"] * 40 + ["fine"] * 10))
    assert router.fallbacks == 40
    assert sum(1 for d in decisions if d.kind == "clarify") == 40
    assert sum(1 for d in decisions if d.domains == ["maintenance"]) == 10
