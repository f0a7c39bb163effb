"""The LLM path end to end: real openai client -> scripted server on 127.0.0.1 -> create_agent -> tools.invoke."""

from __future__ import annotations

from typing import Any

from agents.events import Error, Event, FinalAnswer, Routed, Token, ToolFinished, ToolStarted
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model
from agents.routing import LLMRouter
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from agents.testing import ScriptedServer, call_tool, reply


def _final(events: list[Event]) -> FinalAnswer:
    finals = [e for e in events if isinstance(e, FinalAnswer)]
    assert len(finals) == 1, events
    return finals[0]


def test_streamed_tool_call_runs_the_tool_and_the_answer_is_grounded(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    scripted.extend(
        [call_tool("line_oee", line="L2", period="yesterday"), reply("OEE of line 2 yesterday was 71.3 %.")]
    )
    events = list(llm_assistant.ask("What was the OEE of L2 yesterday?", session_id="s1", user="ann", role="operator"))

    assert events[0] == Routed(domains=["production"], confidence=0.9, kind="single", tier="small_model")
    started = [e for e in events if isinstance(e, ToolStarted)]
    assert [(e.name, e.args) for e in started] == [("line_oee", {"line": "L2", "period": "yesterday"})]
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert finished[0].status == "ok"
    assert finished[0].provenance == {
        "tables": ["production_count", "downtime_event"],
        "filters": {"line": "L2"},
        "row_count": 48,
    }
    reading = "Reading: OEE of a line over a period · all (within your scope) · as of 2026-11-21 06:00"
    final = _final(events)
    # The runtime opens the answer with what its figures are for, from the tool result, before the model's words.
    assert final.text == f"{reading}\n\nOEE of line 2 yesterday was 71.3 %."
    assert "".join(e.text for e in events if isinstance(e, Token)) == final.text
    assert final.ungrounded_numbers == []
    assert final.tool_calls[0].result is not None
    assert final.tool_calls[0].result["oee"] == 0.713
    assert final.usage.model_calls == 2
    assert final.usage.total_tokens > 0
    # The model saw only the production agent's tools and a system prompt with the rules.
    first = scripted.chat_requests[0]
    assert first.tool_names == ["line_oee"]
    assert first.messages[0]["role"] == "system"
    assert "Use the tools for every number" in first.messages[0]["content"]


def test_an_invented_figure_is_flagged_and_reported(llm_assistant: Assistant, scripted: ScriptedServer) -> None:
    scripted.extend([call_tool("line_oee", line="L2", period="yesterday"), reply("OEE was 71.3 % with 12 stops.")])
    final = _final(list(llm_assistant.ask("OEE of L2 yesterday?", session_id="s1", user="ann", role="operator")))
    assert final.ungrounded_numbers == ["12"]
    assert final.text.endswith("do not rely on them): 12")


def test_follow_up_turn_remembers_the_conversation(llm_assistant: Assistant, scripted: ScriptedServer) -> None:
    scripted.extend([call_tool("line_oee", line="L2", period="yesterday"), reply("71.3 %.")])
    list(llm_assistant.ask("OEE of L2 yesterday?", session_id="s7", user="ann", role="operator"))
    scripted.extend(
        [call_tool("line_oee", line="L2", period="the day before yesterday"), reply("The day before: 68.4 %.")]
    )
    events = list(llm_assistant.ask("and the day before?", session_id="s7", user="ann", role="operator"))

    # The router alone cannot place "and the day before?"; the session's previous domain can.
    assert events[0] == Routed(domains=["production"], confidence=0.4, kind="single", tier="session")
    final = _final(events)
    assert final.text.startswith("Reading: OEE of a line over a period")
    assert final.text.endswith("\n\nThe day before: 68.4 %.")
    assert final.ungrounded_numbers == []
    # The model saw the whole conversation, read back from the SQLite checkpointer.
    contents = [m.get("content") for m in scripted.chat_requests[2].messages if m["role"] == "user"]
    assert contents == ["OEE of L2 yesterday?", "and the day before?"]


def test_missing_data_reaches_the_model_as_data_unavailable(llm_assistant: Assistant, scripted: ScriptedServer) -> None:
    scripted.extend([call_tool("line_oee", line="L2", period="last year"), reply("No data for line 2 last year.")])
    events = list(llm_assistant.ask("OEE of L2 last year?", session_id="s2", user="ann", role="operator"))
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert finished[0].status == "data_unavailable"
    assert '"data_unavailable":true' in scripted.chat_requests[1].messages[-1]["content"]


def test_out_of_scope_and_clarify_answer_without_tools_or_model(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    out = list(llm_assistant.ask("What's the weather tomorrow?", session_id="s3", user="ann", role="operator"))
    assert out[0] == Routed(domains=[], confidence=0.9, kind="out_of_scope", tier="small_model")
    assert _final(out).text.startswith("That is outside what I can answer.")
    unclear = list(llm_assistant.ask("这个怎么样?", session_id="s4", user="ann", role="operator"))
    assert _final(unclear).text.startswith("请再具体一些")
    assert scripted.chat_requests == []


def test_an_unsure_tier1_decision_is_escalated_to_the_llm_router(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any, scripted: ScriptedServer
) -> None:
    model = make_openai_chat_model(LLMConfig(base_url=scripted.base_url, model="scripted", max_retries=0))
    assistant = Assistant(
        model=model,
        backend=backend,
        memory=memory,
        router=rule_router,
        model_kind="openai",
        llm_router=LLMRouter(model, fallback=rule_router),
    )
    scripted.extend(
        [
            reply('{"domains": ["production"], "kind": "single", "confidence": 0.9}'),
            call_tool("line_oee", line="L2", period="yesterday"),
            reply("71.3 %."),
        ]
    )
    events = list(assistant.ask("how did L2 do yesterday?", session_id="r1", user="ann", role="operator"))
    assert events[0] == Routed(domains=["production"], confidence=0.9, kind="single", tier="llm")
    assert _final(events).text.endswith("\n\n71.3 %.")
    routing_request = scripted.chat_requests[0]
    assert routing_request.tool_names == []
    assert routing_request.messages[-1]["content"] == "how did L2 do yesterday?"


def test_an_unreadable_llm_routing_reply_keeps_the_tier1_decision(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any, scripted: ScriptedServer
) -> None:
    model = make_openai_chat_model(LLMConfig(base_url=scripted.base_url, model="scripted", max_retries=0))
    assistant = Assistant(
        model=model,
        backend=backend,
        memory=memory,
        router=rule_router,
        model_kind="openai",
        llm_router=LLMRouter(model, fallback=rule_router),
    )
    scripted.extend([reply("I think production, maybe?")])
    events = list(assistant.ask("how are things?", session_id="r2", user="ann", role="operator"))
    assert events[0] == Routed(domains=[], confidence=0.4, kind="clarify", tier="small_model")
    assert _final(events).text.startswith("Could you be more specific")


def test_an_unreachable_llm_ends_the_turn_with_one_error_event(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any
) -> None:
    # Nothing listens on port 9 of 127.0.0.1 (discard): the connection is refused at once.
    model = make_openai_chat_model(LLMConfig(base_url="http://127.0.0.1:9/v1", model="x", max_retries=0, timeout_s=5))
    assistant = Assistant(model=model, backend=backend, memory=memory, router=rule_router, model_kind="openai")
    events = list(assistant.ask("OEE of L2 yesterday?", session_id="e1", user="ann", role="operator"))
    assert isinstance(events[-1], Error)
    assert events[-1].message.startswith("the LLM endpoint cannot be reached")
    assert not any(isinstance(e, FinalAnswer) for e in events)


def test_a_follow_up_of_a_turn_the_model_failed_still_follows_it(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    # Nothing scripted: the server answers the first turn's call with a 400, and the turn ends in an error.
    failed = list(llm_assistant.ask("OEE of L2 yesterday?", session_id="f1", user="ann", role="operator"))
    assert isinstance(failed[-1], Error)
    scripted.extend([call_tool("line_oee", line="L2", period="the day before yesterday"), reply("68.4 %.")])
    events = list(llm_assistant.ask("and the day before?", session_id="f1", user="ann", role="operator"))
    assert events[0] == Routed(domains=["production"], confidence=0.4, kind="single", tier="session")
    assert _final(events).text.endswith("\n\n68.4 %.")


def test_another_user_with_the_same_session_id_does_not_continue_the_conversation(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    scripted.extend([call_tool("line_oee", line="L2", period="yesterday"), reply("71.3 %.")])
    list(llm_assistant.ask("OEE of L2 yesterday?", session_id="shared", user="ann", role="operator"))
    scripted.extend([reply("68.4 %.")])
    events = list(llm_assistant.ask("OEE of L2, and the day before?", session_id="shared", user="bob", role="operator"))
    # Bob's turn starts a conversation of his own: the model sees only his message.
    users = [m["content"] for m in scripted.chat_requests[-1].messages if m["role"] == "user"]
    assert users == ["OEE of L2, and the day before?"]
    assert (
        _final(events).text
        == "68.4 %.\n\n⚠ Unverified figures (not found in this turn's tool results; do not rely on them): 68.4"
    )
