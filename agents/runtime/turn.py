"""Run one agent graph and translate LangGraph's stream into Andon events, recording the turn.

Tool calls are announced from the model node's update (name and arguments as the model wrote
them), results from the tools node's update (the `OutcomeRecord` each tool message carries as its
artifact), tokens from the "messages" stream, and a pause from the `__interrupt__` update of the
approval gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage

from agents.events import Event, Token, ToolCallRecord, ToolFinished, ToolStarted, Usage
from agents.runtime.approvals import PROPOSAL_INTERRUPT
from agents.runtime.guards import STEP_LIMIT_NAME
from tools.adapters.langchain import outcome_of
from tools.outcome import OutcomeRecord

__all__ = ["PendingProposal", "TurnRecord", "message_text", "stream_graph"]


@dataclass(frozen=True)
class PendingProposal:
    proposal_id: int
    tool: str
    title: str
    already_pending: bool = False  # the request repeated a proposal that was already open


@dataclass
class TurnRecord:
    """Everything one run of an agent graph produced."""

    agent: str
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    outcomes: list[OutcomeRecord] = field(default_factory=list)
    """Every tool outcome of the run in order, a decided proposal's record after its pending one."""
    answer: str = ""
    usage: Usage = field(default_factory=Usage)
    pending: list[PendingProposal] = field(default_factory=list)
    lead: str = ""
    """The reading line streamed before the answer (metric, scope, period of its figures), if any."""
    cut_off: bool = False  # the answer stopped at the output limit (finish_reason "length")
    stopped: bool = False  # the turn guard ended the run at its step limit: there is no answer to read
    _args: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


def message_text(message: BaseMessage) -> str:
    """Plain text of a message whose content may be a string or a list of content blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [block if isinstance(block, str) else str(block.get("text", "")) for block in content]
    return "".join(parts)


def _usage_of(message: AIMessage) -> Usage:
    meta = message.usage_metadata
    if not meta:
        return Usage(model_calls=1)
    return Usage(
        input_tokens=meta.get("input_tokens", 0),
        output_tokens=meta.get("output_tokens", 0),
        total_tokens=meta.get("total_tokens", 0),
        model_calls=1,
    )


def _on_update(node: str, update: Any, record: TurnRecord) -> Iterator[Event]:
    if node == "__interrupt__":
        for item in update:
            value = getattr(item, "value", None)
            if isinstance(value, dict) and value.get("type") == PROPOSAL_INTERRUPT:
                record.pending.append(
                    PendingProposal(
                        int(value["proposal_id"]),
                        str(value.get("tool", "")),
                        str(value.get("title", "")),
                        already_pending=bool(value.get("already_pending")),
                    )
                )
        return
    if not isinstance(update, dict):
        return
    for message in update.get("messages", []) or []:
        if isinstance(message, AIMessage) and node == "model":
            record.usage = record.usage + _usage_of(message)
            for call in message.tool_calls:
                call_id = call.get("id") or ""
                record._args[call_id] = (call["name"], dict(call["args"]))
                yield ToolStarted(name=call["name"], args=dict(call["args"]), call_id=call_id, agent=record.agent)
            for invalid in message.invalid_tool_calls:  # answered by the turn guard with a tool error
                call_id = invalid.get("id") or ""
                record._args[call_id] = (invalid.get("name") or "", {})
                yield ToolStarted(name=invalid.get("name") or "", args={}, call_id=call_id, agent=record.agent)
            if not message.tool_calls:
                record.answer = message_text(message)
                record.cut_off = message.response_metadata.get("finish_reason") == "length"
        elif isinstance(message, AIMessage) and message.name == STEP_LIMIT_NAME:
            record.answer, record.cut_off, record.stopped = message_text(message), False, True
        elif isinstance(message, ToolMessage):
            yield from _on_tool_message(message, record)


def _answer_texts(update: Any) -> list[str]:
    """The answer text of a model node's update (a message without tool calls), if it has one."""
    if not isinstance(update, dict):
        return []
    return [
        text
        for message in update.get("messages", []) or []
        if isinstance(message, AIMessage) and not message.tool_calls and (text := message_text(message))
    ]


def _on_tool_message(message: ToolMessage, record: TurnRecord) -> Iterator[Event]:
    outcome = outcome_of(message)
    name, args = record._args.get(message.tool_call_id, (message.name or outcome.tool, {}))
    record.outcomes.append(outcome)
    # A decided proposal replaces its earlier record, so the turn lists each call once.
    record.tool_calls = [
        c for c in record.tool_calls if not (c.name == name and c.args == args and c.status == "proposal")
    ]
    record.tool_calls.append(ToolCallRecord(name=name, args=args, outcome=outcome, agent=record.agent))
    yield ToolFinished(
        name=name,
        summary=outcome.summary(),
        outcome=outcome,
        provenance=outcome.provenance,
        call_id=message.tool_call_id,
        agent=record.agent,
    )


Lead = Callable[[TurnRecord], str | None]


def stream_graph(
    graph: Any,
    graph_input: Any,
    config: dict[str, Any],
    record: TurnRecord,
    lead: Lead | None = None,
    *,
    live_tokens: bool = True,
    context: Any = None,
) -> Iterator[Event]:
    """Run `graph` on `graph_input`, yielding events and filling `record`.

    `context` is the run's LangChain runtime context: the caller's `ToolContext`, which the tools act for.

    `lead` writes the line that opens the answer once the tools have answered (the reading of the figures);
    it is streamed before the model's first answer token and put in front of `record.answer`.

    With `live_tokens`, tokens come from LangGraph's "messages" stream as the model produces them. That
    stream makes LangGraph run every node in a pool thread and hand each step over through a waiter; a
    model that writes its whole answer before the first token (the offline model) gains nothing from
    it, so with `live_tokens=False` the graph runs inline and the answer is sent as one token when the
    model node finishes: the same events, in the same order, without the thread hops."""
    # Checkpoints are written when the run ends or pauses, not after every step: the same memory and
    # resume points for fewer SQLite writes per turn.
    led = False

    def tokens(text: str) -> Iterator[Event]:
        nonlocal led
        if lead is not None and not led and record.tool_calls:
            led = True
            record.lead = lead(record) or ""
            if record.lead:
                yield Token(text=record.lead + "\n\n", agent=record.agent)
        yield Token(text=text, agent=record.agent)

    modes = ["messages", "updates"] if live_tokens else ["updates"]
    for mode, data in graph.stream(graph_input, config, stream_mode=modes, durability="exit", context=context):
        if mode == "messages":
            chunk, metadata = data
            if metadata.get("langgraph_node") == "model" and isinstance(chunk, AIMessageChunk | AIMessage):
                text = message_text(chunk)
                if text and not getattr(chunk, "tool_call_chunks", None):
                    yield from tokens(text)
        elif mode == "updates" and isinstance(data, dict):
            for node, update in data.items():
                yield from _on_update(node, update, record)
                if not live_tokens and node == "model":
                    for text in _answer_texts(update):
                        yield from tokens(text)
    if lead is not None and not led and record.tool_calls and record.answer and not record.stopped:
        record.lead = lead(record) or ""  # a model that did not stream its answer
    if record.lead and record.answer and not record.answer.startswith(record.lead):
        record.answer = f"{record.lead}\n\n{record.answer}"
