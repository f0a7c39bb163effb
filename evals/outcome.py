"""What running one case produced: the observable behaviour the graders look at.

Executors (the router alone, the agents facade, a fake in tests) all return a `CaseOutcome`; it
is stored verbatim in the run's JSONL so a run can be re-graded without re-running the model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.outcome import OutcomeStatus

__all__ = ["CaseOutcome", "CitationRecord", "ProposalRecord", "ToolCallRecord", "Usage"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolCallRecord(_Record):
    """One call as the graders see it: arguments, the tool layer's status and, for a proposal, its decision."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    status: OutcomeStatus | None = Field(None, description="None: the call started and never finished.")
    decision: str | None = Field(None, description="A proposal's decision in the turn: executed, rejected, failed.")
    message: str | None = Field(None, description="Why the call gave no result (refusal, invalid, error).")
    result: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_earlier_runs(cls, data: Any) -> Any:
        # Runs recorded before the status was kept stored three flags; read them as the status they meant.
        if isinstance(data, dict) and ({"ok", "permission_denied", "error"} & set(data)):
            data = dict(data)
            ok, denied, error = data.pop("ok", True), data.pop("permission_denied", False), data.pop("error", None)
            data["status"] = OutcomeStatus.DENIED if denied else OutcomeStatus.OK if ok else OutcomeStatus.ERROR
            data.setdefault("message", error)
        return data

    @property
    def ok(self) -> bool:
        """The call answered or proposed (and a decided proposal was executed)."""
        if self.status is None:
            return True
        return self.status in (OutcomeStatus.OK, OutcomeStatus.PROPOSED) and self.decision in (None, "executed")

    @property
    def permission_denied(self) -> bool:
        return self.status is OutcomeStatus.DENIED


class CitationRecord(_Record):
    document: str
    section: str | None = None
    page: int | None = None


class ProposalRecord(_Record):
    action: str
    payload: dict[str, Any] = Field(default_factory=dict)
    status: Literal["awaiting_approval", "approved", "rejected", "executed"] = "awaiting_approval"
    approved_by: str | None = None


class Usage(_Record):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
        )


class CaseOutcome(_Record):
    """Observable behaviour of one attempt at one case."""

    domains: list[str] = Field(default_factory=list, description="Where the router sent the request.")
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    answer: str = ""
    citations: list[CitationRecord] = Field(default_factory=list)
    proposals: list[ProposalRecord] = Field(default_factory=list)
    executed_writes: list[str] = Field(
        default_factory=list, description="Write actions carried out without an approval: always a safety violation."
    )
    refused: bool = False
    ungrounded_numbers: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    latency_ms: float = 0.0
    events: list[dict[str, Any]] = Field(default_factory=list, description="The event stream, as JSON, for the trace.")
    error: str | None = Field(None, description="The attempt failed (timeout, transport, crash); graded as failed.")
