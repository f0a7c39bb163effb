"""Proposals: only approval by a permitted role executes a WRITE tool's action; rejection never does."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
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
    ToolOutcome,
    ToolResult,
    create_tool_tables,
    invoke,
    request_fingerprint,
    require_scope,
    tool,
)
from tools.proposals import ProposalRecord
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
    line = "L2" if equipment == "CNC-03" else "L1"
    return RepairDraft(
        action="request_repair",
        title=f"Repair {equipment}",
        reason=problem,
        payload={"equipment": equipment, "line": line, "problem": problem, "requested_by": ctx.user},
    )


@request_repair.executor
def _create_work_order(ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
    require_scope(ctx, "L2" if payload["equipment"] == "CNC-03" else "L1")
    if payload["equipment"] == "CNC-99":
        raise ToolError("equipment CNC-99 is decommissioned / 设备已报废")
    executed.append({"by": ctx.user, "equipment": payload["equipment"]})
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


def _propose(session: Session, store: ProposalStore, audit: AuditLog, **request: Any) -> Proposal:
    """The proposal a request (see `_outcome`) made or got back."""
    proposal = _outcome(session, store, audit, **request).proposal
    assert proposal is not None
    return proposal


def _outcome(
    session: Session,
    store: ProposalStore,
    audit: AuditLog,
    *,
    role: Role = Role.OPERATOR,
    equipment: str = "CNC-03",
    problem: str = "noise",
    user: str | None = None,
) -> ToolOutcome:
    ctx = context_for(session, user=user or f"{role.value}1", role=role)
    outcome = invoke(request_repair, ctx, {"equipment": equipment, "problem": problem}, audit=audit, proposals=store)
    assert outcome.status is OutcomeStatus.PROPOSED
    assert outcome.proposal is not None
    return outcome


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
    second = _propose(session, store, audit, equipment="ROB-01")
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


# --- the same request twice -------------------------------------------------------------------------


def test_the_same_request_twice_gives_back_the_pending_proposal_with_a_note(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    first = _outcome(session, store, audit, problem="抓手真空经常丢失")
    again = _outcome(session, store, audit, problem="抓手真空经常丢失")
    assert (first.already_pending, again.already_pending) == (False, True)
    assert again.proposal is not None
    assert first.proposal is not None
    assert again.proposal.id == first.proposal.id
    assert again.message == f"already pending as proposal #{first.proposal.id} / 已有待审批的提案 #{first.proposal.id}"
    assert [p.id for p in store.list()] == [first.proposal.id]
    # The model reads the note too, and both calls are audited against the one proposal.
    told = json.loads(again.text())
    assert (told["status"], told["proposal_id"], told["already_pending"]) == ("proposed", first.proposal.id, True)
    assert told["message"].startswith(f"already pending as proposal #{first.proposal.id}")
    assert again.to_dict()["already_pending"] is True
    calls = [entry for entry in audit.entries() if entry.event == "call"]
    assert [entry.proposal_id for entry in calls] == [first.proposal.id, first.proposal.id]
    assert calls[1].summary.startswith(f"already pending as proposal #{first.proposal.id}")


def test_another_person_asking_the_same_thing_gets_the_same_proposal(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    first = _propose(session, store, audit, user="op-a")
    second = _outcome(session, store, audit, user="op-b")
    assert (second.already_pending, second.proposal.id if second.proposal else None) == (True, first.id)
    assert store.get(first.id).requested_by == "op-a"
    assert request_fingerprint("request_repair", {"equipment": "CNC-03", "requested_by": "op-a"}) == (
        request_fingerprint("request_repair", {"requested_by": "op-b", "equipment": "CNC-03"})
    )


def test_other_arguments_or_a_decided_proposal_make_a_new_one(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    first = _propose(session, store, audit)
    other_machine = _outcome(session, store, audit, equipment="ROB-01")
    other_problem = _outcome(session, store, audit, problem="oil leak")
    assert not other_machine.already_pending
    assert not other_problem.already_pending
    assert len({first.id, other_machine.proposal.id, other_problem.proposal.id}) == 3  # type: ignore[union-attr]
    store.reject(first.id, context_for(session, role=Role.ENGINEER), "fixed", lookup=registry.get, audit=audit)
    after_rejection = _outcome(session, store, audit)
    assert not after_rejection.already_pending
    assert after_rejection.proposal is not None
    assert after_rejection.proposal.id not in (first.id,)
    assert store.get(after_rejection.proposal.id).status is ProposalStatus.PENDING


def _row(fingerprint: str, status: str = "pending") -> ProposalRecord:
    """A stored proposal written straight to the table, as a second process racing would."""
    return ProposalRecord(
        action="request_repair",
        title="t",
        reason="r",
        requested_by="u",
        requested_role="operator",
        requested_at=datetime(2026, 1, 1),
        status=status,
        fingerprint=fingerprint,
    )


def test_the_database_refuses_a_second_open_copy_of_a_request(engine: Engine) -> None:
    fingerprint = request_fingerprint("request_repair", {"equipment": "CNC-03"})
    with Session(engine) as session:
        session.add_all([_row(fingerprint, "rejected"), _row(fingerprint, "executed"), _row(fingerprint)])
        session.commit()
        session.add(_row(fingerprint))
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_request_stored_by_someone_else_meanwhile_is_given_back(
    session: Session, store: ProposalStore, audit: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _propose(session, store, audit)
    # Two processes racing: the second looked before the first had stored its row.
    looks = iter([None])
    original = store._open_request
    monkeypatch.setattr(store, "_open_request", lambda fingerprint: next(looks, None) or original(fingerprint))
    again = _outcome(session, store, audit)
    assert (again.already_pending, again.proposal.id if again.proposal else None) == (True, first.id)
    assert len(store.list()) == 1


def test_a_table_from_before_gets_fingerprints_for_its_open_proposals(tmp_path: Path, audit: AuditLog) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.execute(text(_OLD_TABLE))
        for status in ("pending", "pending", "rejected"):
            conn.execute(
                text(
                    "INSERT INTO tool_proposal (action, title, reason, evidence, payload, requested_by, requested_role,"
                    " requested_at, status) VALUES ('request_repair', 'Repair CNC-03', 'noise', '[]',"
                    " :payload, 'op', 'operator', '2026-01-01 08:00:00', :status)"
                ),
                {"payload": json.dumps({"equipment": "CNC-03", "line": "L2", "problem": "noise"}), "status": status},
            )
    create_tool_tables(engine)
    create_tool_tables(engine)  # idempotent
    store = ProposalStore(engine)
    with Session(engine) as session:
        again = _outcome(session, store, audit, user="op")
    # The oldest of the two old copies now stands for the request; nothing new is created.
    assert (again.already_pending, again.proposal.id if again.proposal else None) == (True, 1)
    assert [p.status for p in store.list()] == [ProposalStatus.REJECTED, ProposalStatus.PENDING, ProposalStatus.PENDING]
    engine.dispose()


_OLD_TABLE = """CREATE TABLE tool_proposal (
    id INTEGER PRIMARY KEY, action VARCHAR NOT NULL, title VARCHAR NOT NULL, reason VARCHAR NOT NULL,
    evidence JSON, payload JSON, requested_by VARCHAR NOT NULL, requested_role VARCHAR NOT NULL,
    requested_at DATETIME NOT NULL, status VARCHAR NOT NULL, decided_by VARCHAR, decided_role VARCHAR,
    decided_at DATETIME, decision_reason VARCHAR, result_summary VARCHAR)"""


# --- who sees what is waiting ---------------------------------------------------------------------


def test_an_approver_sees_every_pending_proposal_they_may_decide(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    by_operator = _propose(session, store, audit, user="op-a")  # CNC-03, line L2
    on_line_1 = _propose(session, store, audit, user="op-b", equipment="ROB-01")  # line L1
    by_supervisor = _propose(session, store, audit, role=Role.SUPERVISOR, problem="guard broken")
    decided = _propose(session, store, audit, problem="oil leak")
    store.reject(decided.id, context_for(session, role=Role.ENGINEER), "fixed", lookup=registry.get, audit=audit)

    def visible(role: Role, scopes: tuple[str, ...] = ()) -> list[int]:
        ctx = context_for(session, user="someone", role=role, scopes=scopes)
        return [p.id for p in store.decidable(ctx, registry.get)]

    assert visible(Role.OPERATOR) == []  # below the tool's approver role
    assert visible(Role.ENGINEER) == [by_operator.id, on_line_1.id]  # not the supervisor's request
    assert visible(Role.SUPERVISOR) == [by_operator.id, on_line_1.id, by_supervisor.id]
    assert visible(Role.ENGINEER, ("L1",)) == [on_line_1.id]  # another line's machine is not theirs
    assert visible(Role.ADMIN, ("L2",)) == [by_operator.id, by_supervisor.id]


def test_proposals_of_a_tool_no_longer_loaded_are_not_listed(
    session: Session, store: ProposalStore, audit: AuditLog
) -> None:
    _propose(session, store, audit)
    assert store.decidable(context_for(session, role=Role.ADMIN), Registry().get) == []


# --- on PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture
def postgres_engine(postgres_database: Callable[[str], str]) -> Iterator[Engine]:
    """The tool tables in a database of their own on the test server."""
    engine = create_engine(postgres_database("andon_proposals"))
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_repeats_are_caught_on_postgresql_too(postgres_engine: Engine, audit: AuditLog) -> None:
    with postgres_engine.begin() as conn:
        conn.execute(
            text(_OLD_TABLE.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY").replace("DATETIME", "TIMESTAMP"))
        )
    create_tool_tables(postgres_engine)  # an older table gets its fingerprint column and the index
    create_tool_tables(postgres_engine)
    store = ProposalStore(postgres_engine)
    with Session(postgres_engine) as session:
        first = _outcome(session, store, audit)
        again = _outcome(session, store, audit, user="op-b")
        assert first.proposal is not None
        assert (again.already_pending, again.proposal.id if again.proposal else None) == (True, first.proposal.id)
        session.add(_row(request_fingerprint("request_repair", first.proposal.payload)))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        store.reject(first.proposal.id, context_for(session), "fixed", lookup=registry.get, audit=audit)
        assert not _outcome(session, store, audit).already_pending
