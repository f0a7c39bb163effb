"""The offline model goes through the same runtime as an LLM: tools, memory, approvals, injected documents."""

from __future__ import annotations

from typing import Any

import pytest

from agents.events import Event, FinalAnswer, ProposalAwaitingApproval, Token, ToolFinished, ToolStarted
from agents.models.offline import OfflineChatModel
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from tools import ProposalStatus


def _final(events: list[Event]) -> FinalAnswer:
    finals = [e for e in events if isinstance(e, FinalAnswer)]
    assert len(finals) == 1, events
    return finals[0]


def _calls(events: list[Event]) -> list[tuple[str, dict[str, Any]]]:
    return [(e.name, e.args) for e in events if isinstance(e, ToolStarted)]


@pytest.fixture
def offline(backend: ToolBackend, memory: ConversationMemory, rule_router: Any) -> Assistant:
    model = OfflineChatModel.from_registry(backend.registry.tools)
    return Assistant(model=model, backend=backend, memory=memory, router=rule_router, model_kind="offline")


def test_offline_answer_states_the_tool_figure_and_is_grounded(offline: Assistant) -> None:
    events = list(offline.ask("What was the OEE of L2 yesterday?", session_id="o1", user="ann", role="operator"))
    assert _calls(events) == [("line_oee", {"line": "L2", "period": "yesterday"})]
    final = _final(events)
    assert "71.3%" in final.text  # 0.713 from the tool, shown as a percentage
    assert final.ungrounded_numbers == []
    assert final.usage.model_calls == 2


def test_offline_follow_up_uses_the_conversation_memory(offline: Assistant) -> None:
    list(offline.ask("What was the OEE of L2 yesterday?", session_id="o2", user="ann", role="operator"))
    events = list(offline.ask("and the day before?", session_id="o2", user="ann", role="operator"))
    assert _calls(events) == [("line_oee", {"line": "L2", "period": "the day before yesterday"})]
    assert "68.4%" in _final(events).text


def test_offline_says_no_data_in_chinese_when_the_tool_has_none(offline: Assistant) -> None:
    events = list(offline.ask("L2昨天的OEE是多少?", session_id="o3", user="ann", role="operator"))
    assert [e.status for e in events if isinstance(e, ToolFinished)] == ["data_unavailable"]
    assert "没有数据" in _final(events).text


def test_offline_ignores_instructions_injected_in_a_document(offline: Assistant, backend: ToolBackend) -> None:
    events = list(offline.ask("spindle procedure", session_id="o4", user="ann", role="admin"))
    assert _calls(events) == [("search_documents", {"query": "spindle procedure"})]
    final = _final(events)
    assert final.proposals == []
    assert backend.proposals.list() == []
    assert [c.document for c in final.citations] == ["WI-CNC-07 Spindle service"]


def test_offline_write_request_pauses_and_an_engineer_approves_it(
    offline: Assistant, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    events = list(offline.ask("create a maintenance request for CNC-03", session_id="o5", user="ann", role="operator"))
    waiting = [e for e in events if isinstance(e, ProposalAwaitingApproval)]
    assert [(e.tool, e.title) for e in waiting] == [("create_maintenance_request", "Maintenance request for CNC-03")]
    assert executed == []
    resumed = list(offline.resume("o5", waiting[0].proposal_id, "approve", user="eve", role="engineer"))
    assert executed == [waiting[0].payload]
    assert backend.proposals.get(int(waiting[0].proposal_id)).status is ProposalStatus.EXECUTED
    assert _final(resumed).proposals[0]["status"] == "executed"


def test_offline_asked_twice_says_the_request_is_already_pending(
    offline: Assistant, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    from agents.runtime import turn_json

    request = "给CNC-03开维修申请"
    first = list(offline.ask(request, session_id="o6", user="ann", role="operator"))
    again = list(offline.ask(request, session_id="o7", user="bob", role="operator"))
    waiting = [e for e in [*first, *again] if isinstance(e, ProposalAwaitingApproval)]
    assert [(e.proposal_id, e.already_pending) for e in waiting] == [("1", False), ("1", True)]
    assert len(backend.proposals.list()) == 1
    answer = turn_json(again, "zh")["answer"]
    assert answer.startswith("已有待审批的提案 #1：Maintenance request for CNC-03。未重复创建")
    assert turn_json(again, "en")["answer"].startswith("This request is already pending as proposal #1")
    # Either session can carry the decision; the proposal executes once.
    list(offline.resume("o7", "1", "approve", user="eve", role="engineer"))
    assert len(executed) == 1


def test_async_variant_yields_the_same_events(offline: Assistant) -> None:
    import asyncio

    async def collect() -> list[Event]:
        return [
            e
            async for e in offline.aask(
                "What was the OEE of L2 yesterday?", session_id="o6", user="ann", role="operator"
            )
        ]

    events = asyncio.run(collect())
    assert _calls(events) == [("line_oee", {"line": "L2", "period": "yesterday"})]
    assert "71.3%" in _final(events).text


def _graph_events(offline: Assistant, request: str, thread: str, *, live_tokens: bool) -> tuple[list[Event], str]:
    from agents.runtime.context import Caller, turn_context
    from agents.runtime.turn import TurnRecord, stream_graph
    from agents.specs import AGENT_SPECS

    graph = offline.agents.graph(AGENT_SPECS["production"], "en")
    record = TurnRecord(agent="production")
    config = {"configurable": {"thread_id": thread}}
    graph_input = {"messages": [{"role": "user", "content": request}]}
    with turn_context(offline.backend, Caller.of("ann", "operator", frozenset()), "en") as ctx:
        lead = lambda done: "Reading: L2"  # noqa: E731
        run = stream_graph(graph, graph_input, config, record, lead, live_tokens=live_tokens, context=ctx)
        events = list(run)
    return events, record.answer


def test_an_inline_graph_run_gives_the_events_of_a_streamed_one(offline: Assistant) -> None:
    # The offline model's turns run without LangGraph's token stream: the answer arrives as one token,
    # after the same tool events, with the same reading line in front.
    streamed, streamed_answer = _graph_events(offline, "What was the OEE of L2 yesterday?", "t-live", live_tokens=True)
    inline, inline_answer = _graph_events(offline, "What was the OEE of L2 yesterday?", "t-inline", live_tokens=False)

    def without_tokens(events: list[Event]) -> list[Any]:
        return [
            (type(e).__name__, getattr(e, "name", None), getattr(e, "status", None))
            for e in events
            if not isinstance(e, Token)
        ]

    def token_text(events: list[Event]) -> list[str]:
        return [e.text for e in events if isinstance(e, Token)]

    assert (
        without_tokens(inline)
        == without_tokens(streamed)
        == [
            ("ToolStarted", "line_oee", None),
            ("ToolFinished", "line_oee", "ok"),
        ]
    )
    assert inline_answer == streamed_answer
    assert inline_answer.startswith("Reading: L2\n\n")
    assert "71.3%" in inline_answer
    assert "".join(token_text(inline)) == "".join(token_text(streamed)) == inline_answer
    assert len(token_text(inline)) == 2  # the reading line, then the whole answer
    assert len(token_text(streamed)) > 2  # the model's pieces, one by one
    assert [type(e).__name__ for e in inline].index("Token") > 1  # tokens follow the tool's result


def test_a_graph_run_without_the_callers_context_runs_no_tool(offline: Assistant) -> None:
    # The caller reaches the tools only as the run's runtime context: a run without one acts for nobody.
    from agents.runtime.turn import TurnRecord, stream_graph
    from agents.specs import AGENT_SPECS

    graph = offline.agents.graph(AGENT_SPECS["production"], "en")
    record = TurnRecord(agent="production")
    config = {"configurable": {"thread_id": "t-nobody"}}
    graph_input = {"messages": [{"role": "user", "content": "What was the OEE of L2 yesterday?"}]}
    with pytest.raises(RuntimeError, match="line_oee was called outside a run that carries its caller's ToolContext"):
        list(stream_graph(graph, graph_input, config, record, live_tokens=False))
    assert record.outcomes == []
    assert not [entry for entry in offline.backend.audit.entries() if entry.tool == "line_oee"]
