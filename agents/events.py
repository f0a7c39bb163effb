"""The one event stream every front end consumes: CLI, operator console and eval harness.

A turn yields `Routed` first, then any number of `ToolStarted` / `ToolFinished` / `Token`
events, and ends with exactly one of `FinalAnswer`, `ProposalAwaitingApproval` (the run is
paused until `resume`) or `Error`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.outcome import CallStatus, OutcomeRecord

__all__ = [
    "Citation",
    "Error",
    "Event",
    "FinalAnswer",
    "ProposalAwaitingApproval",
    "Routed",
    "Token",
    "ToolCallRecord",
    "ToolFinished",
    "ToolStarted",
    "Usage",
]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Routed(_Event):
    """Where the request went: one domain, several (supervisor), out_of_scope, clarify or refused."""

    type: Literal["routed"] = "routed"
    domains: list[str]
    confidence: float
    kind: str
    tier: Literal["small_model", "llm", "session", "safety"] = Field(
        "small_model",
        description="Who decided: tier-1 model, tier-2 LLM, the session (a follow-up) or the safety rules.",
    )


class _CallOutcome(_Event):
    """An event or record of one tool call: its status and result are read from its typed outcome."""

    outcome: OutcomeRecord = Field(description="What the call produced: status, result, proposal, or why not.")

    @property
    def status(self) -> CallStatus:
        return self.outcome.call_status

    @property
    def result(self) -> dict[str, Any] | None:
        """The tool's result as JSON, when it answered."""
        return self.outcome.result if self.outcome.answered else None


class ToolStarted(_Event):
    type: Literal["tool_started"] = "tool_started"
    name: str
    args: dict[str, Any]
    call_id: str = ""
    agent: str = ""


class ToolFinished(_CallOutcome):
    type: Literal["tool_finished"] = "tool_finished"
    name: str
    summary: str
    provenance: dict[str, Any] | None = None
    call_id: str = ""
    agent: str = ""


class Token(_Event):
    type: Literal["token"] = "token"
    text: str
    agent: str = ""


class ProposalAwaitingApproval(_Event):
    """A WRITE tool created a proposal; the run is paused until someone approves or rejects it."""

    type: Literal["proposal"] = "proposal"
    proposal_id: str
    tool: str
    title: str
    reason: str
    evidence: list[str] = Field(default_factory=list)
    payload: dict[str, Any] = Field(default_factory=dict)
    approver_role: str = ""
    session_id: str = ""
    already_pending: bool = Field(
        False, description="The request repeated a proposal that was already open; nothing new was created."
    )
    requested_by: str = ""


class Citation(_Event):
    """A document passage an answer relies on."""

    document: str
    section: str = ""
    page: int | None = None
    version: str = ""
    chunk_id: str = ""


class ToolCallRecord(_CallOutcome):
    """One call of the turn: the arguments as the model wrote them and the call's typed outcome."""

    name: str
    args: dict[str, Any]
    agent: str = ""


class Usage(_Event):
    """Token usage summed over every model call of the turn (zero for the offline model)."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    model_calls: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            model_calls=self.model_calls + other.model_calls,
        )


class FinalAnswer(_Event):
    type: Literal["final"] = "final"
    text: str
    domains: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    provenance: list[dict[str, Any]] = Field(default_factory=list)
    ungrounded_numbers: list[str] = Field(default_factory=list)
    mismatches: list[str] = Field(
        default_factory=list, description="Where the figures are not for the metric or period the request named."
    )
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    proposals: list[dict[str, Any]] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    latency_ms: float = 0.0
    refused: bool = False


class Error(_Event):
    type: Literal["error"] = "error"
    message: str


Event = Routed | ToolStarted | ToolFinished | Token | ProposalAwaitingApproval | FinalAnswer | Error
