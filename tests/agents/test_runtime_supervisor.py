"""A request that touches several domains goes to a supervisor that calls each domain agent and combines them."""

from __future__ import annotations

from typing import Any

from agents.events import Event, FinalAnswer, Routed, Token, ToolStarted
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from agents.testing import ScriptedRequest, ScriptedServer, ScriptedTurn, call_tool, reply


def _final(events: list[Event]) -> FinalAnswer:
    finals = [e for e in events if isinstance(e, FinalAnswer)]
    assert len(finals) == 1, events
    return finals[0]


def _by_agent(request: ScriptedRequest) -> ScriptedTurn:
    """Each agent calls its own tool once, then answers from the result; the supervisor combines."""
    tools = request.tool_names
    last = request.messages[-1]
    if not tools:
        return reply("Line 2 missed its target: OEE was 71.3 % and CNC-03 had 3 breakdowns.")
    if last["role"] == "tool":
        return reply("OEE was 71.3 %." if tools == ["line_oee"] else "CNC-03 had 3 breakdowns.")
    if tools == ["line_oee"]:
        return call_tool("line_oee", line="L2", period="yesterday")
    return call_tool("failure_count", equipment="CNC-03")


def test_multi_domain_request_calls_each_agent_and_combines_with_the_llm(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any
) -> None:
    from agents.models.openai_compatible import LLMConfig, make_openai_chat_model

    with ScriptedServer(_by_agent) as server:
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted", max_retries=0))
        assistant = Assistant(model=model, backend=backend, memory=memory, router=rule_router, model_kind="openai")
        events = list(
            assistant.ask(
                "Why did L2 miss its target yesterday, OEE and breakdowns?",
                session_id="m1",
                user="ann",
                role="engineer",
            )
        )
        requests = server.chat_requests

    assert events[0] == Routed(domains=["production", "maintenance"], confidence=0.9, kind="multi", tier="small_model")
    assert [(e.agent, e.name) for e in events if isinstance(e, ToolStarted)] == [
        ("production", "line_oee"),
        ("maintenance", "failure_count"),
    ]
    final = _final(events)
    opening, combined = final.text.split("\n\n", 1)
    assert opening.startswith("Reading: OEE of a line over a period; ")
    assert combined == "Line 2 missed its target: OEE was 71.3 % and CNC-03 had 3 breakdowns."
    assert final.ungrounded_numbers == []
    assert final.domains == ["production", "maintenance"]
    assert [c.name for c in final.tool_calls] == ["line_oee", "failure_count"]
    assert [p["tool"] for p in final.provenance] == ["line_oee", "failure_count"]
    assert final.usage.model_calls == 5
    # The combining call quotes both agents' findings as data.
    combine = requests[-1].messages[-1]["content"]
    # Each finding opens with its own reading line (what its figures are for), then the agent's words.
    assert '<data agent="production">\nReading: OEE of a line over a period' in combine
    assert "\n\nOEE was 71.3 %.\n</data>" in combine
    assert '<data agent="maintenance">\nReading: ' in combine
    assert "\n\nCNC-03 had 3 breakdowns.\n</data>" in combine
    assert any(isinstance(e, Token) and e.agent == "supervisor" for e in events)


def test_multi_domain_request_with_the_offline_model_lists_each_agents_answer(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any
) -> None:
    from agents.models.offline import OfflineChatModel

    model = OfflineChatModel.from_registry(backend.registry.tools)
    assistant = Assistant(model=model, backend=backend, memory=memory, router=rule_router, model_kind="offline")
    events = list(
        assistant.ask("OEE of L2 yesterday and failures of CNC-03", session_id="m2", user="ann", role="engineer")
    )
    assert events[0] == Routed(domains=["production", "maintenance"], confidence=0.9, kind="multi", tier="small_model")
    final = _final(events)
    production, maintenance = final.text.split("\n\nMaintenance: ", 1)
    maintenance = "Maintenance: " + maintenance
    assert production.startswith("Production: Reading: ")
    assert "71.3%" in production
    assert maintenance.startswith("Maintenance: ")
    assert "3" in maintenance
    assert final.ungrounded_numbers == []
