"""Tier 2: an LLM routes the request when one is configured, through the same `Router` protocol.

The chat model (any LangChain `BaseChatModel`) is asked for one JSON object; anything it gets
wrong (an exception, no JSON, an unknown label) falls back to the tier-1 decision, so routing never
fails because a model misbehaved.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agents.routing.decision import CLARIFY, DOMAIN_LABELS, LABELS, OUT_OF_SCOPE, Router, RoutingDecision

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["ROUTING_PROMPT", "LLMRouter", "parse_llm_decision"]

ROUTING_PROMPT = """You route requests of factory staff to the agents of a plant assistant.
Domains:
- production: production orders (work orders for production: quantity, due date, completion), output, OEE,
  downtime, schedule
- quality: defects, first pass yield, scrap, rework, SPC, inspections
- maintenance: maintenance work orders (repair, breakdown, PM), MTBF/MTTR, failure modes, maintenance requests
- equipment: sensors, tags, alarms, anomalies, IoT assets, sensor time series, forecasting, vibration
- supply_chain: stock, reorder, purchase orders, suppliers, BOM availability, sales orders and deliveries
- knowledge: how-to, procedures, SOPs, manuals, meaning of alarm codes, specifications
Other outcomes: "out_of_scope" (nothing to do with the plant: weather, jokes, HR, stock market, coding help)
and "clarify" (too vague to act on). Unsafe plant requests still go to their domain (the agent refuses them).
The request may be Chinese or English. Answer with one JSON object and nothing else:
{"domains": [primary domain first, up to 3], "kind": "single" | "multi" | "out_of_scope" | "clarify",
 "confidence": 0..1}
Use an empty domain list for out_of_scope and clarify."""

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_llm_decision(content: str) -> RoutingDecision | None:
    """The decision in a model's reply, or None when the reply is not a valid decision."""
    match = _JSON_OBJECT.search(content)
    if not match:
        return None
    try:
        raw = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    if not isinstance(raw, dict):
        return None
    domains = raw.get("domains") or []
    kind = raw.get("kind")
    if not isinstance(domains, list) or any(d not in DOMAIN_LABELS for d in domains):
        return None
    domains = list(dict.fromkeys(str(d) for d in domains))[:3]
    if kind in (OUT_OF_SCOPE, CLARIFY):
        domains = []
    elif domains:
        kind = "multi" if len(domains) > 1 else "single"
    else:
        return None
    try:
        confidence = min(1.0, max(0.0, float(raw.get("confidence", 0.8))))
    except (TypeError, ValueError):
        confidence = 0.8
    chosen = domains or [str(kind)]
    scores = {label: (round(confidence / len(chosen), 4) if label in chosen else 0.0) for label in LABELS}
    return RoutingDecision(domains=domains, confidence=confidence, kind=kind, scores=scores)


class LLMRouter:
    """Routes with a chat model; falls back to `fallback` (the small model) on any failure."""

    def __init__(self, model: BaseChatModel, fallback: Router, *, system_prompt: str = ROUTING_PROMPT) -> None:
        self.model = model
        self.fallback = fallback
        self.system_prompt = system_prompt
        self._fallbacks = 0
        self._lock = threading.Lock()

    @property
    def fallbacks(self) -> int:
        """How many requests the fallback had to route (shown by benchmarks and tests)."""
        with self._lock:
            return self._fallbacks

    def model_decision(self, text: str) -> RoutingDecision | None:
        """The model's own decision, or None when it failed or replied with no usable decision.

        Each call answers for its own request, so concurrent sessions can tell whether the model
        decided without reading a shared counter.
        """
        from langchain_core.messages import HumanMessage, SystemMessage

        try:
            reply: Any = self.model.invoke([SystemMessage(self.system_prompt), HumanMessage(text)])
            return parse_llm_decision(_text_of(reply.content))
        except Exception:
            # A model outage or a malformed reply must not stop routing: tier 1 always answers.
            return None

    def route(self, text: str) -> RoutingDecision:
        """Ask the model; on an error or an unusable reply, the fallback's decision."""
        decision = self.model_decision(text)
        if decision is None:
            with self._lock:
                self._fallbacks += 1
            return self.fallback.route(text)
        return decision

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        """One model call per request, in input order."""
        return [self.route(text) for text in texts]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
    return str(content)
