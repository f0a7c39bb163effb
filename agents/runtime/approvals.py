"""Approval gate: a run that produced a proposal pauses (LangGraph `interrupt`) until a person decides.

A WRITE tool never acts: through `tools.invoke` it stores a pending proposal and returns its id.
The gate runs before the next model call, so the proposal exists exactly once (the tool node
already finished and was checkpointed) and the pause is side-effect free when LangGraph replays
the node on resume. The decision itself (role check, execution or rejection) is made by the tool
layer's proposal store outside the graph; the resume value only tells the model what happened,
by replacing the proposal's tool message with the outcome.
"""

from __future__ import annotations

import json
from typing import Any

from langchain.agents.middleware import AgentMiddleware, AgentState
from langchain_core.messages import BaseMessage, ToolMessage
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from tools.adapters.langchain import outcome_of
from tools.outcome import OutcomeRecord

__all__ = ["PROPOSAL_INTERRUPT", "ApprovalGate", "proposal_of", "resume_value"]

PROPOSAL_INTERRUPT = "andon_proposal"


def proposal_of(message: BaseMessage) -> OutcomeRecord | None:
    """The outcome of a tool message that announces a proposal still undecided, if it is one."""
    if not isinstance(message, ToolMessage):
        return None
    outcome = outcome_of(message)
    if outcome.proposal is None or outcome.call_status != "proposal":
        return None
    return outcome


def resume_value(proposal_id: int, status: str, summary: str, decided_by: str) -> dict[str, Any]:
    """What `Command(resume=...)` carries back into a paused run."""
    return {"proposal_id": proposal_id, "status": status, "summary": summary, "decided_by": decided_by}


def _turn_tool_messages(messages: list[BaseMessage]) -> list[ToolMessage]:
    # Only the trailing tool messages (answers to the latest model message) belong to this step; a
    # proposal left undecided before a new user message no longer pauses the conversation.
    found: list[ToolMessage] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        found.append(message)
    return list(reversed(found))


class ApprovalGate(AgentMiddleware):  # type: ignore[type-arg]
    """Pause before the model sees a fresh proposal; continue with the decision once it is made."""

    def before_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        replaced: list[ToolMessage] = []
        for message in _turn_tool_messages(list(state["messages"])):
            pending = proposal_of(message)
            if pending is None or pending.proposal is None:
                continue
            decision = interrupt(
                {
                    "type": PROPOSAL_INTERRUPT,
                    "proposal_id": pending.proposal.id,
                    "tool": message.name or "",
                    "title": pending.proposal.title,
                    "tool_call_id": message.tool_call_id,
                    "already_pending": pending.already_pending,
                }
            )
            status = str(decision.get("status", "rejected"))
            decided = pending.with_decision(
                status, str(decision.get("summary", "")), str(decision.get("decided_by", ""))
            )
            told = {
                "status": status,
                "proposal_id": pending.proposal.id,
                "title": pending.proposal.title,
                "decided_by": decision.get("decided_by", ""),
                "message": decision.get("summary", ""),
            }
            replaced.append(
                ToolMessage(
                    content=json.dumps(told, ensure_ascii=False),
                    artifact=decided.model_dump(mode="json"),
                    tool_call_id=message.tool_call_id,
                    name=message.name,
                    id=message.id,
                    status="success" if status == "executed" else "error",
                )
            )
        return {"messages": replaced} if replaced else None
