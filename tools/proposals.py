"""Proposals: what WRITE tools produce instead of acting. A person with the right role approves
(the tool's executor then runs) or rejects (nothing runs). Stored in the plant database.

The table is created empty by `create_tool_tables`; times are plant-clock times from the
context, so a seeded plant database stays deterministic until someone proposes something.

The same request made twice (same action, same payload, apart from who asked) while the first is
still open gives back the open proposal instead of a second one. A partial unique index on the
request's fingerprint enforces this in the database, so two processes racing cannot both insert.
A WRITE tool names the line its action touches with the payload key `line` (and `site`); the
pending list an approver sees leaves out other lines' proposals (execution checks scopes anyway).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, DateTime, Index, String, inspect, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from tools.audit import AuditTrail
from tools.contract import ProposalDraft, Role, Tool, ToolContext
from tools.errors import PermissionDeniedError, ProposalError, ToolError
from tools.permissions import can_approve, in_scope

__all__ = [
    "Proposal",
    "ProposalRecord",
    "ProposalStatus",
    "ProposalStore",
    "Submission",
    "ToolLookup",
    "already_pending_note",
    "create_tool_tables",
    "request_fingerprint",
]

#: Finds a WRITE tool by name when its proposal is decided (usually `registry.get`).
ToolLookup = Callable[[str], Tool]


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"
    FAILED = "failed"


#: Statuses of a proposal that is still open: a second identical request gets it back.
_OPEN = (ProposalStatus.PENDING.value, ProposalStatus.APPROVED.value)
_OPEN_SQL = "status IN ('pending', 'approved')"
_OPEN_INDEX = "ux_tool_proposal_open_request"
#: Payload keys that say who asked, not what is asked: two people asking the same thing ask once.
_REQUESTER_KEYS = frozenset({"requested_by"})


class ProposalRecord(SQLModel, table=True):
    """Table `tool_proposal`: one row per proposal."""

    __tablename__ = "tool_proposal"
    __table_args__ = (
        Index(
            _OPEN_INDEX,
            "fingerprint",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(index=True, description="Name of the WRITE tool whose executor runs on approval.")
    title: str
    reason: str
    evidence: list[str] = Field(default_factory=list, sa_type=JSON)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    requested_by: str
    requested_role: str
    requested_at: datetime = Field(sa_type=DateTime)  # naive plant-local time, like the plant data
    status: str = Field(default=ProposalStatus.PENDING.value, index=True)
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=DateTime)
    decision_reason: str | None = None
    result_summary: str | None = None
    fingerprint: str | None = Field(default=None, sa_type=String(64), description="See `request_fingerprint`.")


class Proposal(BaseModel):
    """A proposal as callers see it (a snapshot; the store holds the truth)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    action: str
    title: str
    reason: str
    evidence: list[str]
    payload: dict[str, Any]
    requested_by: str
    requested_role: Role
    requested_at: datetime
    status: ProposalStatus
    decided_by: str | None = None
    decided_role: Role | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    result_summary: str | None = None


class Submission(NamedTuple):
    """What proposing gave: the proposal, and whether it was already open before this request."""

    proposal: Proposal
    already_pending: bool


def request_fingerprint(action: str, payload: Mapping[str, Any]) -> str:
    """64 hex digits naming what is asked (action and payload, not who asked), for finding repeats."""
    asked = {key: value for key, value in payload.items() if key not in _REQUESTER_KEYS}
    canonical = json.dumps([action, asked], sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def already_pending_note(proposal_id: int) -> str:
    """The one line every door shows when a request repeats an open proposal."""
    return f"already pending as proposal #{proposal_id} / 已有待审批的提案 #{proposal_id}"


def create_tool_tables(engine: Engine) -> None:
    """Create the tool layer's tables (empty) if they do not exist yet; bring older tables up to date."""
    SQLModel.metadata.create_all(engine, tables=[ProposalRecord.__table__])  # type: ignore[attr-defined]
    found = inspect(engine)
    if "fingerprint" not in {column["name"] for column in found.get_columns("tool_proposal")}:
        try:
            _add_fingerprints(engine)
        except DBAPIError:  # another process added it first
            if "fingerprint" not in {column["name"] for column in inspect(engine).get_columns("tool_proposal")}:
                raise
    if _OPEN_INDEX not in {index["name"] for index in inspect(engine).get_indexes("tool_proposal")}:
        ddl = f"CREATE UNIQUE INDEX IF NOT EXISTS {_OPEN_INDEX} ON tool_proposal (fingerprint) WHERE {_OPEN_SQL}"
        with engine.begin() as conn:
            conn.execute(text(ddl))


def _add_fingerprints(engine: Engine) -> None:
    """A table from before repeats were detected: add the column and fingerprint its open proposals
    (the oldest of any repeats keeps the fingerprint; the others stay as they are, decidable one by one)."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE tool_proposal ADD COLUMN fingerprint VARCHAR(64)"))
        rows = conn.execute(
            select(col(ProposalRecord.id), col(ProposalRecord.action), col(ProposalRecord.payload))
            .where(col(ProposalRecord.status).in_(_OPEN))
            .order_by(col(ProposalRecord.id))
        ).all()
        taken: set[str] = set()
        for proposal_id, action, payload in rows:
            fingerprint = request_fingerprint(action, payload or {})
            if fingerprint in taken:
                continue
            taken.add(fingerprint)
            conn.execute(
                update(ProposalRecord).where(col(ProposalRecord.id) == proposal_id).values(fingerprint=fingerprint)
            )


def reset_tool_tables(engine: Engine) -> None:
    """Empty the tool layer's tables: proposals about a plant that was replaced mean nothing."""
    tables = [ProposalRecord.__table__]  # type: ignore[attr-defined]
    SQLModel.metadata.drop_all(engine, tables=tables)
    SQLModel.metadata.create_all(engine, tables=tables)


class ProposalStore:
    """Proposals in the plant database reached through `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(self, draft: ProposalDraft, ctx: ToolContext) -> Submission:
        """Store a WRITE tool's draft as a pending proposal requested by the caller, unless the same
        request is already open: then that proposal comes back, marked `already_pending`."""
        fingerprint = request_fingerprint(draft.action, draft.payload)
        existing = self._open_request(fingerprint)
        if existing is not None:
            return Submission(existing, already_pending=True)
        row = ProposalRecord(
            action=draft.action,
            title=draft.title,
            reason=draft.reason,
            evidence=list(draft.evidence),
            payload=dict(draft.payload),
            requested_by=ctx.user,
            requested_role=ctx.role.value,
            requested_at=ctx.clock,
            fingerprint=fingerprint,
        )
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # the same request was stored by someone else a moment ago
                session.rollback()
                existing = self._open_request(fingerprint)
                if existing is None:
                    raise
                return Submission(existing, already_pending=True)
            return Submission(Proposal.model_validate(row), already_pending=False)

    def _open_request(self, fingerprint: str) -> Proposal | None:
        query = select(ProposalRecord).where(
            ProposalRecord.fingerprint == fingerprint, col(ProposalRecord.status).in_(_OPEN)
        )
        with Session(self.engine) as session:
            row = session.exec(query.order_by(col(ProposalRecord.id))).first()
            return Proposal.model_validate(row) if row is not None else None

    def get(self, proposal_id: int) -> Proposal:
        """The proposal with this id; raises ProposalError if there is none."""
        # An id no database integer can hold names no proposal (SQLite and PostgreSQL ids are 64-bit).
        if not 0 < proposal_id < 2**63:
            raise ProposalError(f"no proposal {proposal_id} / 没有编号为 {proposal_id} 的提议")
        with Session(self.engine) as session:
            row = session.get(ProposalRecord, proposal_id)
            if row is None:
                raise ProposalError(f"no proposal {proposal_id} / 没有编号为 {proposal_id} 的提议")
            return Proposal.model_validate(row)

    def decidable(self, ctx: ToolContext, lookup: ToolLookup, *, limit: int = 200) -> list[Proposal]:
        """Pending proposals, oldest first, that the caller in `ctx` may decide: their role is at least
        the tool's approver role and the requester's role, and the proposal's line is in their scopes.
        Proposals of tools no longer loaded are left out (nobody could execute them here)."""
        query = (
            select(ProposalRecord)
            .where(ProposalRecord.status == ProposalStatus.PENDING.value)
            .order_by(col(ProposalRecord.id))
            .limit(limit)
        )
        with Session(self.engine) as session:
            pending = [Proposal.model_validate(row) for row in session.exec(query)]
        found: list[Proposal] = []
        for proposal in pending:
            try:
                tool = lookup(proposal.action)
            except ToolError:
                continue
            if can_approve(ctx, tool, proposal.requested_role) is None and _in_scope_of(ctx, proposal.payload):
                found.append(proposal)
        return found

    def list(self, status: ProposalStatus | None = None, *, limit: int = 100) -> list[Proposal]:
        """Newest first, optionally only one status."""
        query = select(ProposalRecord).order_by(col(ProposalRecord.id).desc()).limit(limit)
        if status is not None:
            query = query.where(ProposalRecord.status == status.value)
        with Session(self.engine) as session:
            return [Proposal.model_validate(row) for row in session.exec(query)]

    def _transition(self, proposal_id: int, to: ProposalStatus, *, only_from: ProposalStatus, **values: Any) -> bool:
        # A compare-and-set in one UPDATE, so two approvers racing cannot both win.
        statement = (
            update(ProposalRecord)
            .where(col(ProposalRecord.id) == proposal_id, col(ProposalRecord.status) == only_from.value)
            .values(status=to.value, **values)
        )
        with self.engine.begin() as conn:
            return conn.execute(statement).rowcount == 1

    def _decidable(
        self, proposal_id: int, ctx: ToolContext, lookup: ToolLookup, audit: AuditTrail, event: str
    ) -> tuple[Proposal, Tool]:
        """The proposal and its tool, if `ctx` may decide it now; refusals are audited, then raised."""
        proposal = self.get(proposal_id)
        tool = lookup(proposal.action)
        refusal: ToolError | None = None
        denied = can_approve(ctx, tool, proposal.requested_role)
        if denied:
            refusal = PermissionDeniedError(denied)
        elif proposal.status is not ProposalStatus.PENDING:
            refusal = ProposalError(
                f"proposal {proposal_id} is already {proposal.status.value} (提议已{_ZH[proposal.status]}); "
                "only pending proposals can be decided"
            )
        if refusal is not None:
            audit.append(
                event=event,
                user=ctx.user,
                role=ctx.role.value,
                tool=tool.name,
                outcome="denied" if denied else "refused",
                arguments={"proposal_id": proposal_id},
                summary=str(refusal),
                proposal_id=proposal_id,
            )
            raise refusal
        return proposal, tool

    def approve(self, proposal_id: int, ctx: ToolContext, *, lookup: ToolLookup, audit: AuditTrail) -> Proposal:
        """Approve and execute a pending proposal; the outcome (executed / failed) is stored and audited.

        `lookup` finds the WRITE tool by name (usually `registry.get`). The executor runs with the
        approver's context; the approver's session is committed after success, rolled back after failure.
        """
        started = time.perf_counter()
        _, tool = self._decidable(proposal_id, ctx, lookup, audit, "approve")
        decided = {"decided_by": ctx.user, "decided_role": ctx.role.value, "decided_at": ctx.clock}
        if not self._transition(proposal_id, ProposalStatus.APPROVED, only_from=ProposalStatus.PENDING, **decided):
            raise ProposalError(f"proposal {proposal_id} was decided by someone else meanwhile / 提议已被他人处理")
        proposal = self.get(proposal_id)
        try:
            result = tool.execute(ctx, dict(proposal.payload))
            ctx.session.commit()
            status, summary = ProposalStatus.EXECUTED, result.summary
        except PermissionDeniedError as exc:
            # Outside the approver's scopes (e.g. another line's machine): not theirs to decide, so
            # the proposal goes back to pending for someone who may.
            ctx.session.rollback()
            undecided = {"decided_by": None, "decided_role": None, "decided_at": None}
            self._transition(proposal_id, ProposalStatus.PENDING, only_from=ProposalStatus.APPROVED, **undecided)
            audit.append(
                event="approve",
                user=ctx.user,
                role=ctx.role.value,
                tool=tool.name,
                outcome="denied",
                arguments={"proposal_id": proposal_id},
                summary=str(exc),
                proposal_id=proposal_id,
            )
            raise
        except Exception as exc:  # the failure is the proposal's outcome, recorded for the approver
            ctx.session.rollback()
            status = ProposalStatus.FAILED
            summary = str(exc) if isinstance(exc, ToolError) else f"{type(exc).__name__}: {exc}"
        self._transition(proposal_id, status, only_from=ProposalStatus.APPROVED, result_summary=summary)
        audit.append(
            event="approve",
            user=ctx.user,
            role=ctx.role.value,
            tool=tool.name,
            outcome=status.value,
            arguments={"proposal_id": proposal_id, **proposal.payload},
            summary=summary,
            duration_ms=(time.perf_counter() - started) * 1000,
            proposal_id=proposal_id,
        )
        return self.get(proposal_id)

    def reject(
        self, proposal_id: int, ctx: ToolContext, reason: str, *, lookup: ToolLookup, audit: AuditTrail
    ) -> Proposal:
        """Reject a pending proposal with a reason; nothing is executed."""
        if not reason.strip():
            raise ProposalError("a rejection needs a reason (--reason) / 驳回需要说明理由")
        _, tool = self._decidable(proposal_id, ctx, lookup, audit, "reject")
        decided = {"decided_by": ctx.user, "decided_role": ctx.role.value, "decided_at": ctx.clock}
        if not self._transition(
            proposal_id,
            ProposalStatus.REJECTED,
            only_from=ProposalStatus.PENDING,
            decision_reason=reason.strip(),
            **decided,
        ):
            raise ProposalError(f"proposal {proposal_id} was decided by someone else meanwhile / 提议已被他人处理")
        audit.append(
            event="reject",
            user=ctx.user,
            role=ctx.role.value,
            tool=tool.name,
            outcome="rejected",
            arguments={"proposal_id": proposal_id},
            summary=reason.strip(),
            proposal_id=proposal_id,
        )
        return self.get(proposal_id)


def _in_scope_of(ctx: ToolContext, payload: Mapping[str, Any]) -> bool:
    line, site = payload.get("line"), payload.get("site")
    if not line and not site:
        return True
    return in_scope(ctx, str(line or ""), site=str(site) if site else None)


_ZH = {
    ProposalStatus.PENDING: "待审批",
    ProposalStatus.APPROVED: "批准",
    ProposalStatus.REJECTED: "驳回",
    ProposalStatus.EXECUTED: "执行",
    ProposalStatus.FAILED: "执行失败",
}
