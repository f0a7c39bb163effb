"""What a weak or broken model may emit, played exactly by the scripted server, and how Andon stays honest.

Each case scripts one pathological output of a real model (a tiny local model does all of these):
no tool call with invented figures, an unknown tool, malformed JSON arguments, arguments cut off
at the output limit, an endless loop of tool calls, a huge reply, an empty reply, a write request.
"""

from __future__ import annotations

from typing import Any

from agents.events import Error, Event, FinalAnswer, ProposalAwaitingApproval, ToolFinished, ToolStarted
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from agents.runtime.domain_agents import MAX_MODEL_CALLS
from agents.testing import ScriptedRequest, ScriptedServer, ScriptedToolCall, ScriptedTurn, call_tool, reply
from tools import OutcomeStatus, ProposalStatus


def _ask(assistant: Assistant, text: str, session: str = "s1") -> list[Event]:
    return list(assistant.ask(text, session_id=session, user="ann", role="operator"))


def _final(events: list[Event]) -> FinalAnswer:
    assert not [e for e in events if isinstance(e, Error)], events
    finals = [e for e in events if isinstance(e, FinalAnswer)]
    assert len(finals) == 1, events
    return finals[0]


def _broken_call(name: str, raw: str, **turn: Any) -> ScriptedTurn:
    return ScriptedTurn(tool_calls=(ScriptedToolCall(name=name, args={}, raw_arguments=raw),), **turn)


def test_no_tool_call_with_invented_figures_is_flagged_as_unverified(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    scripted.extend([reply("The OEE of line 2 yesterday was 83.5 % with 4 stops.")])
    final = _final(_ask(llm_assistant, "What was the OEE of L2 yesterday?"))
    assert final.tool_calls == []
    assert final.ungrounded_numbers == ["83.5", "4"]
    assert final.text == (
        "The OEE of line 2 yesterday was 83.5 % with 4 stops.\n\n"
        "⚠ Unverified figures (not found in this turn's tool results; do not rely on them): 83.5, 4"
    )


def test_an_unknown_tool_is_answered_with_the_tools_there_are(
    llm_assistant: Assistant, scripted: ScriptedServer, executed: list[dict[str, Any]]
) -> None:
    scripted.extend([call_tool("plant_oee", line="L2"), reply("I could not find that tool.")])
    events = _ask(llm_assistant, "OEE of L2 yesterday?")
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert [(e.name, e.status) for e in finished] == [("plant_oee", "error")]
    told = scripted.chat_requests[1].messages[-1]
    assert told["role"] == "tool"
    assert "plant_oee is not a valid tool, try one of [line_oee]" in told["content"]
    final = _final(events)
    assert final.text == "I could not find that tool."
    assert [(c.name, c.status) for c in final.tool_calls] == [("plant_oee", "error")]
    assert executed == []


def test_malformed_json_arguments_are_not_run_and_the_model_is_told(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    scripted.extend(
        [_broken_call("line_oee", '{"line": L2, period: yesterday}'), reply("Sorry, I could not read the arguments.")]
    )
    events = _ask(llm_assistant, "OEE of L2 yesterday?")
    assert [(e.name, e.args) for e in events if isinstance(e, ToolStarted)] == [("line_oee", {})]
    assert [e.status for e in events if isinstance(e, ToolFinished)] == ["error"]
    # The model got a second call, with the broken call answered by a tool error it can act on.
    assert len(scripted.chat_requests) == 2
    sent = scripted.chat_requests[1].messages
    assert sent[-2]["role"] == "assistant"
    assert sent[-2]["tool_calls"][0]["function"]["arguments"] == '{"line": L2, period: yesterday}'
    assert sent[-1]["role"] == "tool"
    assert sent[-1]["tool_call_id"] == sent[-2]["tool_calls"][0]["id"]
    told = "invalid: the call to line_oee was not run: its arguments are not valid JSON"
    assert sent[-1]["content"].startswith(f"<data>\n{told}")  # tool results reach an LLM quoted as data
    final = _final(events)
    assert final.text == "Sorry, I could not read the arguments."
    assert final.tool_calls[0].status == "error"
    assert final.tool_calls[0].outcome.status is OutcomeStatus.INVALID
    assert final.tool_calls[0].result is None
    assert f"invalid: {final.tool_calls[0].outcome.message}".startswith(told)


def test_arguments_cut_off_at_the_output_limit_are_not_run_as_guessed(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend
) -> None:
    # Streamed, '{"line": "L2", "period": ' is "repaired" by the client to {"line": "L2"}; running that
    # would answer for the default period instead of the one the model was writing.
    scripted.extend(
        [_broken_call("line_oee", '{"line": "L2", "period": ', finish_reason="length"), reply("No answer.")]
    )
    events = _ask(llm_assistant, "OEE of L2 the day before yesterday?")
    assert [e.status for e in events if isinstance(e, ToolFinished)] == ["error"]
    told = scripted.chat_requests[1].messages[-1]
    assert "cut off at the output limit" in told["content"]
    assert not backend.audit.path.exists()  # the tool never ran: nothing was audited
    assert _final(events).text == "No answer."


def test_an_endless_loop_of_tool_calls_stops_at_the_step_limit_with_a_clear_answer(
    backend: ToolBackend, memory: ConversationMemory, rule_router: Any
) -> None:
    def always_the_tool(request: ScriptedRequest) -> ScriptedTurn:
        return call_tool("line_oee", line="L2", period="yesterday")

    with ScriptedServer(always_the_tool) as looping:
        model = make_openai_chat_model(LLMConfig(base_url=looping.base_url, model="scripted", max_retries=0))
        assistant = Assistant(model=model, backend=backend, memory=memory, router=rule_router, model_kind="openai")
        final = _final(_ask(assistant, "OEE of L2 yesterday?"))
        assert len(looping.chat_requests) == MAX_MODEL_CALLS
        zh = _final(_ask(assistant, "L2昨天的OEE是多少?", session="s2"))
    assert final.text.startswith("No answer: the model kept calling tools without answering")
    assert "nothing was written" in final.text
    assert final.ungrounded_numbers == []
    assert len(final.tool_calls) == MAX_MODEL_CALLS
    assert zh.text.startswith("未能得出答案：模型多次调用工具仍未给出回答")


def test_a_huge_reply_is_bounded_by_max_tokens_and_flagged_as_cut_off(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    scripted.extend([call_tool("line_oee", line="L2", period="yesterday")])
    scripted.extend([ScriptedTurn(text="OEE was 71.3 %. " + "And 42 more. " * 3000, finish_reason="length")])
    final = _final(_ask(llm_assistant, "OEE of L2 yesterday?"))
    assert scripted.chat_requests[0].body["max_tokens"] == 2048
    assert "\n\n⚠ The answer was cut off at the output limit and may be incomplete.\n\n⚠ Unverified" in final.text
    assert final.ungrounded_numbers == ["42"]


def test_an_empty_reply_is_said_plainly(llm_assistant: Assistant, scripted: ScriptedServer) -> None:
    scripted.extend([reply("")])
    final = _final(_ask(llm_assistant, "2号线昨天的OEE是多少? (L2 oee)"))
    assert final.text.startswith("模型没有给出回答（回复为空）")


def test_a_write_is_only_ever_one_pending_proposal(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    # The model asks for the same write twice in one reply and would then claim it was done.
    call = ScriptedToolCall("create_maintenance_request", {"equipment": "ROB-01", "problem": "抓手真空经常丢失"})
    scripted.extend([ScriptedTurn(tool_calls=(call, call)), reply("Done, the robot is repaired.")])
    events = _ask(llm_assistant, "给ROB-01报修：抓手真空经常丢失 (维修 request)")
    waiting = [e for e in events if isinstance(e, ProposalAwaitingApproval)]
    assert [e.tool for e in waiting] == ["create_maintenance_request"]
    assert sorted(e.status for e in events if isinstance(e, ToolFinished)) == ["error", "proposal"]
    assert not [e for e in events if isinstance(e, FinalAnswer)]
    assert len(scripted.chat_requests) == 1  # paused before the model could claim anything
    assert [p.status for p in backend.proposals.list()] == [ProposalStatus.PENDING]
    assert executed == []
