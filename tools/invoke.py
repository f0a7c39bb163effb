"""Calling a tool: validate arguments, check the role, run, audit, and turn WRITE drafts into proposals.

`invoke` is the only way agents, the CLI and the UI call tools. It never raises for anything a
caller or a model can get wrong: the outcome says what happened, in a form a model can read.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from tools.audit import AuditTrail
from tools.contract import Permission, ProposalDraft, Tool, ToolContext, ToolResult
from tools.errors import InvalidArgumentsError, PermissionDeniedError, ToolError, UnknownEntityError
from tools.outcome import OutcomeRecord, OutcomeStatus
from tools.permissions import check_role
from tools.proposals import Proposal, ProposalStore, already_pending_note
from tools.screening import screen_result

__all__ = ["OutcomeStatus", "ToolOutcome", "describe_validation_error", "invoke"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolOutcome:
    """What a call produced: a result, a proposal, or a one-line message saying why not."""

    tool: str
    status: OutcomeStatus
    result: BaseModel | None = None
    proposal: Proposal | None = None
    message: str = ""
    suggestions: tuple[str, ...] = ()
    duration_ms: float = 0.0
    internal: bool = False  # True when the tool itself failed unexpectedly (a bug, not the caller's fault)
    already_pending: bool = False  # PROPOSED: the same request was already open; `proposal` is that one
    withheld_sentences: int = 0  # OK: sentences of the result's texts replaced by the withheld marker

    @property
    def ok(self) -> bool:
        return self.status in (OutcomeStatus.OK, OutcomeStatus.PROPOSED)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the CLI, the UI and eval logs."""
        data: dict[str, Any] = {"tool": self.tool, "status": self.status.value, "duration_ms": self.duration_ms}
        if self.result is not None:
            data["result"] = self.result.model_dump(mode="json")
        if self.proposal is not None:
            data["proposal"] = self.proposal.model_dump(mode="json")
            if self.already_pending:
                data["already_pending"] = True
        if self.message:
            data["message"] = self.message
        if self.withheld_sentences:
            data["withheld_sentences"] = self.withheld_sentences
        if self.suggestions:
            data["suggestions"] = list(self.suggestions)
        return data

    def record(self) -> OutcomeRecord:
        """The JSON-ready record of this outcome that travels in tool messages, events and traces."""
        return OutcomeRecord(
            tool=self.tool,
            status=self.status,
            result=self.result.model_dump(mode="json") if self.result is not None else None,
            proposal=self.proposal,
            message=self.message,
            suggestions=self.suggestions,
            withheld_sentences=self.withheld_sentences,
            already_pending=self.already_pending,
            internal=self.internal,
        )

    def text(self) -> str:
        """What a model reads: the result as JSON, or the message."""
        if self.status is OutcomeStatus.OK and self.result is not None:
            return self.result.model_dump_json()
        if self.status is OutcomeStatus.PROPOSED and self.proposal is not None:
            data: dict[str, Any] = {
                "status": "proposed",
                "proposal_id": self.proposal.id,
                "title": self.proposal.title,
                "message": "awaiting approval by a permitted person / 等待有权限的人员审批",
            }
            if self.already_pending:
                data.update(already_pending=True, message=f"{self.message}; nothing new was created / 未重复创建")
            return json.dumps(data, ensure_ascii=False)
        return f"{self.status.value}: {self.message}"


def describe_validation_error(tool: Tool, exc: ValidationError) -> str:
    """One line naming each bad field and, where the schema knows them, the allowed values."""
    fields = tool.args_model.model_fields
    parts: list[str] = []
    for error in exc.errors()[:3]:
        name = ".".join(str(part) for part in error["loc"]) or "arguments"
        if error["type"] == "extra_forbidden":
            parts.append(f"unknown argument {name!r} (arguments: {', '.join(fields) or 'none'})")
        elif error["type"] == "missing":
            parts.append(f"{name}: required")
        else:
            # pydantic's messages already list the choices of literal / enum fields and the bounds of numbers.
            parts.append(f"{name}: {error['msg']}")
    return f"invalid arguments for {tool.name} / 参数无效: " + "; ".join(parts)


def invoke(
    tool: Tool,
    ctx: ToolContext,
    raw_args: Mapping[str, Any] | None,
    *,
    audit: AuditTrail,
    proposals: ProposalStore | None = None,
) -> ToolOutcome:
    """Call `tool` for the caller in `ctx` with unvalidated arguments; every call is audited."""
    started = time.perf_counter()
    arguments = dict(raw_args) if isinstance(raw_args, Mapping) else {}
    outcome = _run(tool, ctx, raw_args, proposals)
    duration_ms = (time.perf_counter() - started) * 1000
    outcome = replace(outcome, duration_ms=round(duration_ms, 3))
    summary = outcome.message
    if isinstance(outcome.result, ToolResult):
        summary = outcome.result.summary
    elif outcome.proposal is not None:
        summary = f"proposal {outcome.proposal.id}: {outcome.proposal.title}"
        if outcome.already_pending:
            summary = f"{outcome.message}: {outcome.proposal.title}"
    audit.append(
        event="call",
        user=ctx.user,
        role=ctx.role.value,
        tool=tool.name,
        outcome=outcome.status.value,
        arguments=arguments,
        summary=summary,
        duration_ms=duration_ms,
        proposal_id=outcome.proposal.id if outcome.proposal else None,
    )
    return outcome


def _run(
    tool: Tool, ctx: ToolContext, raw_args: Mapping[str, Any] | None, proposals: ProposalStore | None
) -> ToolOutcome:
    # Role first: a caller without the role learns nothing about the arguments the tool takes.
    try:
        check_role(tool, ctx)
    except PermissionDeniedError as exc:
        return ToolOutcome(tool.name, OutcomeStatus.DENIED, message=str(exc))
    if not isinstance(raw_args, Mapping):
        return ToolOutcome(tool.name, OutcomeStatus.INVALID, message=f"arguments for {tool.name} must be a JSON object")
    try:
        args = tool.validate_args(raw_args)
    except ValidationError as exc:
        return ToolOutcome(tool.name, OutcomeStatus.INVALID, message=describe_validation_error(tool, exc))
    if tool.permission is Permission.WRITE and proposals is None:
        message = f"{tool.name} proposes changes, but no proposal store is available here"
        return ToolOutcome(tool.name, OutcomeStatus.ERROR, message=message)
    try:
        result = tool.call(ctx, args)
    except ToolError as exc:
        _rollback(ctx)
        suggestions = tuple(getattr(exc, "suggestions", ()))
        return ToolOutcome(tool.name, _status_of(exc), message=str(exc), suggestions=suggestions)
    except Exception as exc:  # a bug in the tool: report it as such instead of crashing the agent
        _rollback(ctx)
        _log.exception("tool %s failed with arguments %r", tool.name, dict(raw_args))
        # One line, without the SQL a database error carries: the model and the user see this text.
        first_line = (str(exc).splitlines() or [""])[0][:200]
        message = f"internal error in {tool.name}: {type(exc).__name__}: {first_line}"
        return ToolOutcome(tool.name, OutcomeStatus.ERROR, message=message, internal=True)
    if not isinstance(result, tool.result_model):
        message = f"internal error in {tool.name}: returned {type(result).__name__}, not {tool.result_model.__name__}"
        return ToolOutcome(tool.name, OutcomeStatus.ERROR, message=message, internal=True)
    if isinstance(result, ProposalDraft):
        assert proposals is not None  # checked above, before running the tool
        proposal, repeated = proposals.submit(result, ctx)
        note = already_pending_note(proposal.id) if repeated else ""
        return ToolOutcome(
            tool.name, OutcomeStatus.PROPOSED, result=result, proposal=proposal, message=note, already_pending=repeated
        )
    screened, withheld = _screened(result)
    return ToolOutcome(tool.name, OutcomeStatus.OK, result=screened, withheld_sentences=withheld)


def _screened(result: BaseModel) -> tuple[BaseModel, int]:
    # Plant texts (work-order titles, comments, alarm texts, names) and plugin results are data: a sentence
    # in them written to an assistant is withheld before any model or person reads the result, as for
    # document passages. The count joins the summary, so a model and the audit both see it.
    screened, withheld = screen_result(result)
    if withheld and isinstance(screened, ToolResult):
        note = f"; {withheld} sentence(s) that read as instructions to the assistant withheld"
        screened = screened.model_copy(update={"summary": screened.summary + note})
    return screened, withheld


def _status_of(exc: ToolError) -> OutcomeStatus:
    if isinstance(exc, PermissionDeniedError):
        return OutcomeStatus.DENIED
    if isinstance(exc, UnknownEntityError):
        return OutcomeStatus.NOT_FOUND_ENTITY
    if isinstance(exc, InvalidArgumentsError):
        return OutcomeStatus.INVALID
    return OutcomeStatus.ERROR


def _rollback(ctx: ToolContext) -> None:
    # A failed query can leave the session in a failed transaction; the next call must still work.
    with contextlib.suppress(Exception):  # the session is the caller's; a broken one says so on next use
        ctx.session.rollback()
