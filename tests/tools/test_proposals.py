"""Proposals: only approval by a permitted role executes a WRITE tool's action; rejection never does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tools import (
    AuditLog,
    OutcomeStatus,
    Permission,
    PermissionDeniedError,
    Proposal,
    ProposalDraft,
    ProposalError,
    ProposalStatus,
    ProposalStore,
    Provenance,
    Registry,
    Role,
    ToolContext,
    ToolError,
    ToolResult,
    create_tool_tables,
    invoke,
    require_scope,
    tool,
)
from tools.testing import context_for, memory_engine

executed: list[dict[str, Any]] = []


class RepairDraft(ProposalDraft):
    pass


@tool(
    domain="maintenance",
    permission=Permission.WRITE,
    description_zh="报修",
    examples=["request repair of CNC-03", "给CNC-03报修"],
    approver_role=Role.ENGINEER,
)
def request_repair(ctx: ToolContext, equipment: str, problem: str) -> RepairDraft:
    """Propose a maintenance request.

    Args:
        equipment: Equipment code.
        problem: What is wrong.
    """
    return RepairDraft(
        action="request_repair", title=f"Repair {equipment}", reason=problem, payload={"equipment": equipment}
    )


@request_repair.executor
def _create_work_order(ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
    require_scope(ctx, "L2" if payload["equipment"] == "CNC-03" else "L1")
    if payload["equipment"] == "CNC-99":
        raise ToolError("equipment CNC-99 is decommissioned / 设备已报废")
    executed.append({"by": ctx.user, **payload})
    return ToolResult(
        summary=f"work order MWO-1 created for {payload['equipment']}", provenance=Provenance(tables=["mwo"])
    )


@pytest.fixture
def engine() -> Engine:
    engine = memory_engine()
    create_tool_tables(engine)
    return engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    executed.clear()
    with Session(engine) as session:
        yield session


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def store(engine: Engine) -> ProposalStore:
    return ProposalStore(engine)


registry = Registry.of(request_repair)


def _propose(
    session: Session, store: ProposalStore, audit: AuditLog, *, role: Role = Role.OPERATOR, equipment: str = "CNC-03"
) -> Proposal:
    ctx = context_for(session, user=f"{role.value}1", role=role)
    outcome = invoke(request_repair, ctx, {"equipment": equipment, "problem": "noise"}, audit=audit, proposals=store)
    assert outcome.status is OutcomeStatus.PROPOSED
    assert outcome.proposal is not None
    return outcome.proposal


def test_the_table_starts_empty(engine: Engine, store: ProposalStore) -> None:
    assert inspect(engine).has_table("tool_proposal")
    assert store.list() == []


def test_proposing_executes_nothing(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit)
    assert proposal.status is ProposalStatus.PENDING
    assert executed == []


def test_approval_by_a_permitted_role_executes_once(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit)
    approver = context_for(session, user="eng1", role=Role.ENGINEER)
    done = store.approve(proposal.id, approver, lookup=registry.get, audit=audit)
    assert (done.status, done.decided_by, done.decided_role) == (ProposalStatus.EXECUTED, "eng1", Role.ENGINEER)
    assert done.result_summary == "work order MWO-1 created for CNC-03"
    assert executed == [{"by": "eng1", "equipment": "CNC-03"}]
    last = audit.entries()[-1]
    assert (last.event, last.user, last.outcome, last.proposal_id) == ("approve", "eng1", "executed", proposal.id)


def test_double_approval_is_refused(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit)
    approver = context_for(session, user="eng1", role=Role.ENGINEER)
    store.approve(proposal.id, approver, lookup=registry.get, audit=audit)
    with pytest.raises(ProposalError, match=f"proposal {proposal.id} is already executed"):
        store.approve(proposal.id, approver, lookup=registry.get, audit=audit)
    assert len(executed) == 1
    assert [entry.outcome for entry in audit.entries()] == ["proposed", "executed", "refused"]


def test_an_unauthorised_approver_is_refused_and_audited(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    proposal = _propose(session, store, audit)
    operator = context_for(session, user="op2", role=Role.OPERATOR)
    with pytest.raises(PermissionDeniedError, match="approving request_repair needs role engineer or above"):
        store.approve(proposal.id, operator, lookup=registry.get, audit=audit)
    assert store.get(proposal.id).status is ProposalStatus.PENDING
    assert executed == []
    last = audit.entries()[-1]
    assert (last.event, last.user, last.outcome) == ("approve", "op2", "denied")


def test_nobody_approves_a_request_made_with_more_authority(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    proposal = _propose(session, store, audit, role=Role.SUPERVISOR)
    engineer = context_for(session, user="eng1", role=Role.ENGINEER)
    with pytest.raises(PermissionDeniedError, match="cannot approve above their role"):
        store.approve(proposal.id, engineer, lookup=registry.get, audit=audit)
    supervisor = context_for(session, user="sup2", role=Role.SUPERVISOR)
    assert store.approve(proposal.id, supervisor, lookup=registry.get, audit=audit).status is ProposalStatus.EXECUTED


def test_rejection_never_executes_and_records_the_reason(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    proposal = _propose(session, store, audit)
    engineer = context_for(session, user="eng1", role=Role.ENGINEER)
    rejected = store.reject(proposal.id, engineer, "already scheduled for Monday", lookup=registry.get, audit=audit)
    assert (rejected.status, rejected.decision_reason) == (ProposalStatus.REJECTED, "already scheduled for Monday")
    assert executed == []
    with pytest.raises(ProposalError, match="already rejected"):
        store.approve(proposal.id, engineer, lookup=registry.get, audit=audit)
    last = audit.entries()[-2]
    assert (last.event, last.outcome, last.summary) == ("reject", "rejected", "already scheduled for Monday")


def test_a_rejection_needs_a_reason(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit)
    with pytest.raises(ProposalError, match="needs a reason"):
        store.reject(proposal.id, context_for(session), "  ", lookup=registry.get, audit=audit)


def test_an_operator_cannot_reject_either(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit)
    with pytest.raises(PermissionDeniedError):
        store.reject(proposal.id, context_for(session, role=Role.OPERATOR), "no", lookup=registry.get, audit=audit)
    assert store.get(proposal.id).status is ProposalStatus.PENDING


def test_a_failed_execution_is_recorded_as_failed(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit, equipment="CNC-99")
    done = store.approve(proposal.id, context_for(session, role=Role.ADMIN), lookup=registry.get, audit=audit)
    assert (done.status, done.result_summary) == (
        ProposalStatus.FAILED,
        "equipment CNC-99 is decommissioned / 设备已报废",
    )
    assert audit.entries()[-1].outcome == "failed"


def test_an_approver_outside_the_machines_line_leaves_it_pending(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    proposal = _propose(session, store, audit)  # CNC-03 is on line L2
    line_1_engineer = context_for(session, user="eng-l1", role=Role.ENGINEER, scopes=["L1"])
    with pytest.raises(PermissionDeniedError, match="eng-l1 may only see L1"):
        store.approve(proposal.id, line_1_engineer, lookup=registry.get, audit=audit)
    again = store.get(proposal.id)
    assert (again.status, again.decided_by) == (ProposalStatus.PENDING, None)
    assert executed == []
    assert (audit.entries()[-1].user, audit.entries()[-1].outcome) == ("eng-l1", "denied")
    done = store.approve(proposal.id, context_for(session, role=Role.ENGINEER), lookup=registry.get, audit=audit)
    assert done.status is ProposalStatus.EXECUTED


def test_unknown_proposal(store: ProposalStore) -> None:
    with pytest.raises(ProposalError, match="no proposal 42"):
        store.get(42)


def test_list_is_newest_first_and_filters_by_status(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    first = _propose(session, store, audit)
    second = _propose(session, store, audit)
    store.reject(first.id, context_for(session), "duplicate", lookup=registry.get, audit=audit)
    assert [p.id for p in store.list()] == [second.id, first.id]
    assert [p.id for p in store.list(ProposalStatus.PENDING)] == [second.id]
    assert [p.id for p in store.list(ProposalStatus.REJECTED)] == [first.id]


def test_proposals_persist_across_stores(
    session: Session, engine: Engine, store: ProposalStore, audit: AuditLog
) -> None:
    proposal = _propose(session, store, audit)
    again = ProposalStore(engine).get(proposal.id)
    assert (again.title, again.requested_at) == ("Repair CNC-03", proposal.requested_at)


def test_every_decision_keeps_the_audit_chain_intact(session: Session, store: ProposalStore, audit: AuditLog) -> None:
    proposal = _propose(session, store, audit)
    store.approve(proposal.id, context_for(session, role=Role.ENGINEER), lookup=registry.get, audit=audit)
    report = audit.verify()
    assert (report.ok, report.entries) == (True, 2)
