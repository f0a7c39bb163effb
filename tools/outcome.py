"""The typed outcome of one tool call, as it travels beyond `invoke`: in tool messages, events and traces.

`ToolOutcome` (see `tools.invoke`) holds the live result model and proposal; `OutcomeRecord` is its
JSON-ready form: the same status (all six values), the result as JSON, the proposal snapshot and
any decision on it, and the one-line message. It is what a LangChain tool message carries as its
artifact and what the turn record, the events, grounding, the offline model and the eval graders
read, so nothing downstream parses the text a model reads.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from tools.proposals import Proposal, ProposalStatus

__all__ = ["CallStatus", "OutcomeRecord", "OutcomeStatus"]


class OutcomeStatus(StrEnum):
    OK = "ok"
    DENIED = "denied"
    INVALID = "invalid"
    ERROR = "error"
    NOT_FOUND_ENTITY = "not_found_entity"
    PROPOSED = "proposed"


#: How a call reads for a person: it answered, answered that there is no data, proposed a change,
#: was refused for the caller's role or scopes, or failed.
CallStatus = Literal["ok", "data_unavailable", "error", "proposal", "denied"]


class OutcomeRecord(BaseModel):
    """One tool call's outcome: status, result (as JSON), proposal (with its decision), or why not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: str
    status: OutcomeStatus
    result: dict[str, Any] | None = None
    proposal: Proposal | None = None
    message: str = ""
    suggestions: tuple[str, ...] = ()
    withheld_sentences: int = 0
    already_pending: bool = False
    internal: bool = False
    decision: str | None = None
    """Set once a person decided the proposal after the call: executed, rejected or failed."""
    decided_by: str = ""

    @classmethod
    def failure(cls, tool: str, message: str) -> OutcomeRecord:
        """A call that never reached `invoke` (a tool the agent does not have, arguments a model garbled)."""
        return cls(tool=tool, status=OutcomeStatus.ERROR, message=message)

    @property
    def answered(self) -> bool:
        """The tool ran and returned a result (not a proposal, refusal or failure)."""
        return self.status is OutcomeStatus.OK and self.result is not None

    @property
    def call_status(self) -> CallStatus:
        if self.status is OutcomeStatus.PROPOSED:
            if self.decision is not None:
                return "ok" if self.decision == ProposalStatus.EXECUTED.value else "error"
            return "proposal"
        if self.status is OutcomeStatus.DENIED:
            return "denied"
        if self.status is not OutcomeStatus.OK:
            return "error"
        if self.result is not None and self.result.get("data_unavailable"):
            return "data_unavailable"
        return "ok"

    @property
    def provenance(self) -> dict[str, Any] | None:
        found = (self.result or {}).get("provenance")
        return dict(found) if isinstance(found, dict) else None

    @property
    def period(self) -> dict[str, Any] | None:
        found = (self.result or {}).get("period") if self.answered else None
        return dict(found) if isinstance(found, dict) else None

    def summary(self) -> str:
        """One line for a trace or a progress view."""
        if self.proposal is not None:
            if self.decision is not None:
                return f"proposal {self.proposal.id} {self.decision}: {self.message}"[:300]
            repeated = " (already pending / 已有待审批)" if self.already_pending else ""
            return f"proposal {self.proposal.id}{repeated}: {self.proposal.title}"[:300]
        if self.status is OutcomeStatus.OK and self.result is not None:
            return str(self.result.get("summary", ""))[:300]
        return f"{self.status.value}: {self.message}"[:300]

    def with_decision(self, status: str, summary: str, decided_by: str) -> OutcomeRecord:
        """This proposal's record once a person decided it (`status`: executed, rejected or failed)."""
        return self.model_copy(update={"decision": status, "message": summary, "decided_by": decided_by})

    def facts(self) -> dict[str, Any] | str:
        """What grounding may take figures from: the proposal's id and title, the result, or the message."""
        if self.proposal is not None:
            return {"proposal_id": self.proposal.id, "title": self.proposal.title, "note": self.message}
        if self.result is not None:
            return self.result
        return self.message
