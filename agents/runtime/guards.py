"""Turn guard: what an LLM emits never crashes a turn, loops forever or runs a half-written call.

- A tool call whose arguments are not valid JSON, were cut off at the output limit
  (finish_reason "length"; a streamed call's broken JSON is silently "repaired" by the client, so
  the finish reason is what tells), or that repeats an earlier call of the same reply (a second,
  identical proposal for one request), is never run: the model gets an `invalid:` tool error
  naming the problem and may try again.
- A run that keeps calling tools stops after `max_model_calls` model calls with a clear answer in
  the turn's language instead of LangGraph's recursion error.

Calls to unknown tools are answered by LangChain's tool node ("... is not a valid tool, try one
of [...]"), so the model sees the tools it has.
"""

from __future__ import annotations

import json
from typing import Any

from langchain.agents.middleware import AgentMiddleware, AgentState, hook_config
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, InvalidToolCall, ToolCall, ToolMessage
from langgraph.runtime import Runtime

from agents.runtime.replies import step_limit_reply
from tools.outcome import OutcomeRecord, OutcomeStatus

__all__ = ["STEP_LIMIT_NAME", "TurnGuard"]

#: `name` of the assistant message that ends a run at its step limit (the event stream reads it as the answer).
STEP_LIMIT_NAME = "andon_step_limit"


def _calls_this_request(messages: list[BaseMessage]) -> int:
    """Model replies since the latest user message (a resumed, approved run keeps counting)."""
    count = 0
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and message.name != STEP_LIMIT_NAME:
            count += 1
    return count


def _invalid_arguments_text(name: str, raw: str, reason: str) -> str:
    shown = raw if len(raw) <= 200 else raw[:200] + "…"
    return (
        f"invalid: the call to {name} was not run: {reason}. Arguments received: {shown!r}. "
        "Call the tool again with one complete JSON object that matches its schema, or answer without it. "
        "/ 工具调用未执行：参数无效"
    )


class TurnGuard(AgentMiddleware):  # type: ignore[type-arg]
    """Bounds a run's model calls and answers unusable tool calls with a tool error instead of running them."""

    def __init__(self, lang: str, max_model_calls: int) -> None:
        super().__init__()
        self.lang = lang
        self.max_model_calls = max_model_calls

    @hook_config(can_jump_to=["end"])
    def before_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        if _calls_this_request(list(state["messages"])) < self.max_model_calls:
            return None
        reply = AIMessage(content=step_limit_reply(self.lang), name=STEP_LIMIT_NAME)
        return {"jump_to": "end", "messages": [reply]}

    @hook_config(can_jump_to=["model"])
    def after_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        message = state["messages"][-1]
        if not isinstance(message, AIMessage):
            return None
        keep, dropped = _usable_calls(message)
        unusable = [(call, "its arguments are not valid JSON") for call in message.invalid_tool_calls] + dropped
        if not unusable:
            return None
        replaced: list[BaseMessage] = []
        if dropped:
            invalid = [
                InvalidToolCall(
                    type="invalid_tool_call", id=c.get("id"), name=c["name"], args=json.dumps(c["args"]), error=why
                )
                for c, why in dropped
            ]
            changes = {"tool_calls": keep, "invalid_tool_calls": [*message.invalid_tool_calls, *invalid]}
            replaced.append(message.model_copy(update=changes))
        errors = [_invalid_call_message(call, reason) for call, reason in unusable]
        update: dict[str, Any] = {"messages": [*replaced, *errors]}
        if not keep:
            update["jump_to"] = "model"  # nothing left to run: the model reads the errors and tries again
        return update


def _invalid_call_message(call: Any, reason: str) -> ToolMessage:
    name = call.get("name") or ""
    text = _invalid_arguments_text(name or "?", _arguments_text(call), reason)
    record = OutcomeRecord(tool=name, status=OutcomeStatus.INVALID, message=text.removeprefix("invalid: "))
    return ToolMessage(
        content=text,
        artifact=record.model_dump(mode="json"),
        tool_call_id=call.get("id") or "",
        name=name,
        status="error",
    )


def _arguments_text(call: Any) -> str:
    args = call.get("args")
    return args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)


def _usable_calls(message: AIMessage) -> tuple[list[ToolCall], list[tuple[ToolCall, str]]]:
    """The tool calls to run, and those not to run with the reason: cut off, or repeated in the same reply."""
    if message.response_metadata.get("finish_reason") == "length":
        # Cut off mid-call: whatever the client parsed is a guess at the arguments, not the model's call.
        return [], [
            (call, "its arguments were cut off at the output limit (max_tokens)") for call in message.tool_calls
        ]
    keep: list[ToolCall] = []
    dropped: list[tuple[ToolCall, str]] = []
    for call in message.tool_calls:
        if any(call["name"] == seen["name"] and call["args"] == seen["args"] for seen in keep):
            dropped.append((call, "it repeats an earlier call of the same reply"))
        else:
            keep.append(call)
    return keep, dropped
