"""Cross-domain questions offline on the small demo plant: each agent answers its part, and an agent that needs what
another found (the order, to check its material) gets the other agents' findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from agents.events import FinalAnswer, ToolStarted
from agents.extraction import vocabulary_from_session
from agents.models.offline import OfflineChatModel
from agents.routing.decision import RoutingDecision
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from connectors import plant_clock
from tools import AuditLog, ProposalStore, create_tool_tables, load_registry


class Fixed:
    """Routes every request to the same domains, in this order."""

    def __init__(self, *domains: str) -> None:
        self.domains = list(domains)

    def route(self, text: str) -> RoutingDecision:
        return RoutingDecision(domains=self.domains, confidence=0.9, kind="multi")

    def route_many(self, texts: list[str]) -> list[RoutingDecision]:
        return [self.route(text) for text in texts]


@pytest.fixture
def assistant(small_plant_engine: Engine, tmp_path: Path) -> Iterator[Any]:
    proposals = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    create_tool_tables(proposals)
    backend = ToolBackend(
        registry=load_registry(),
        engine=small_plant_engine,
        audit=AuditLog(tmp_path / "audit.jsonl"),
        proposals=ProposalStore(proposals),
        clock=plant_clock,
    )
    with Session(small_plant_engine) as session:
        vocabulary = vocabulary_from_session(session)
    memory = ConversationMemory(tmp_path / "memory.sqlite")
    model = OfflineChatModel.from_registry(backend.registry.tools, vocabulary=vocabulary)

    def make(*domains: str) -> Assistant:
        return Assistant(model=model, backend=backend, memory=memory, router=Fixed(*domains))

    yield make
    memory.close()


def test_the_agent_that_needs_the_order_gets_it_from_the_production_findings(assistant: Any) -> None:
    # Supply chain goes first and cannot know the order; it asks again once production has listed the orders.
    ask = assistant("supply_chain", "production")
    events = list(ask.ask("2号线下一个未完成的生产订单，物料够不够？", session_id="x", user="ann", role="engineer"))
    started = [(e.agent, e.name, e.args) for e in events if isinstance(e, ToolStarted)]
    assert [(agent, name) for agent, name, _ in started] == [
        ("production", "list_production_orders"),
        ("supply_chain", "material_availability"),
    ]
    final = next(e for e in events if isinstance(e, FinalAnswer))
    listed = next(call for call in final.tool_calls if call.name == "list_production_orders")
    first_order = listed.result["orders"][0]["code"]  # type: ignore[index]
    assert started[1][2] == {"order": first_order}
    assert final.ungrounded_numbers == []
    checked = next(call for call in final.tool_calls if call.name == "material_availability")
    assert checked.result["order"] == first_order  # type: ignore[index]
    assert re.search(rf"【供应链】.*{first_order}", final.text, re.DOTALL)
