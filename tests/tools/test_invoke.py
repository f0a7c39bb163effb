"""`invoke`: validate, check the role, run, audit; never raise for what a caller or a model gets wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tools import (
    AuditLog,
    InvalidArgumentsError,
    OutcomeStatus,
    Permission,
    ProposalDraft,
    ProposalStatus,
    ProposalStore,
    Provenance,
    Role,
    ToolContext,
    ToolError,
    ToolResult,
    UnknownEntityError,
    create_tool_tables,
    invoke,
    require_scope,
    tool,
)
from tools.testing import context_for, memory_engine

_meta = MetaData()
machines = Table(
    "machine", _meta, Column("id", Integer, primary_key=True), Column("code", String), Column("line", String)
)
calls: list[str] = []


class MachineList(ToolResult):
    codes: list[str]


@tool(domain="equipment", description_zh="产线设备", examples=["machines of L2", "2号线的设备"])
def line_machines(ctx: ToolContext, line: str, kind: Literal["cnc", "washer"] = "cnc") -> MachineList:
    """Machines of a line.

    Args:
        line: Line code.
        kind: Machine type.
    """
    calls.append(line)
    if line not in {"L1", "L2"}:
        raise UnknownEntityError(f"unknown line {line!r} / 未知产线", ["L1", "L2"] if line.startswith("L") else [])
    require_scope(ctx, line)
    rows = ctx.session.execute(select(machines.c.code).where(machines.c.line == line)).scalars().all()
    return MachineList(
        summary=f"{len(rows)} machines on {line}",
        provenance=Provenance(tables=["machine"], filters={"line": line}, row_count=len(rows)),
        codes=list(rows),
    )


@tool(domain="equipment", description_zh="按编码查设备", examples=["find CNC-03", "查找CNC-03"])
def find_machine(ctx: ToolContext, code: str) -> MachineList:
    """Find a machine by code.

    Args:
        code: Machine code.
    """
    rows = ctx.session.execute(select(machines.c.code).where(machines.c.code == code)).scalars().all()
    return MachineList(summary=f"{len(rows)} found", provenance=Provenance(tables=["machine"]), codes=list(rows))


@tool(domain="equipment", description_zh="坏工具", examples=["broken", "坏"], min_role=Role.ENGINEER)
def buggy(ctx: ToolContext, mode: str) -> ToolResult:
    """A tool with a bug, for engineers.

    Args:
        mode: How to fail.
    """
    calls.append("buggy")
    if mode == "tool_error":
        raise ToolError("the historian is offline / 历史数据库离线")
    if mode == "invalid":
        raise InvalidArgumentsError("mode: use 'a' or 'b'", field="mode", allowed=["a", "b"])
    ctx.session.execute(select(func.nonexistent_function()))  # a failing query: the session must be usable after
    raise AssertionError("unreachable")


class RepairDraft(ProposalDraft):
    pass


@tool(
    domain="maintenance",
    permission=Permission.WRITE,
    description_zh="报修",
    examples=["request repair of CNC-03", "给CNC-03报修"],
)
def request_repair(ctx: ToolContext, equipment: str, problem: str) -> RepairDraft:
    """Propose a maintenance request.

    Args:
        equipment: Equipment code.
        problem: What is wrong.
    """
    calls.append("request_repair")
    return RepairDraft(
        action="request_repair",
        title=f"Repair {equipment}",
        reason=problem,
        evidence=["vibration 7.9 mm/s above 6.0 alarm limit"],
        payload={"equipment": equipment, "problem": problem},
    )


@pytest.fixture
def engine() -> Engine:
    engine = memory_engine()
    _meta.create_all(engine)
    create_tool_tables(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(machines),
            [{"code": "CNC-01", "line": "L1"}, {"code": "CNC-03", "line": "L2"}, {"code": "CNC-04", "line": "L2"}],
        )
    return engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    calls.clear()
    with Session(engine) as session:
        yield session


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


def test_a_read_call_returns_the_result_and_is_audited(session: Session, audit: AuditLog) -> None:
    ctx = context_for(session, user="op1", role=Role.OPERATOR)
    outcome = invoke(line_machines, ctx, {"line": "L2"}, audit=audit)
    assert outcome.status is OutcomeStatus.OK
    assert isinstance(outcome.result, MachineList)
    assert outcome.result.codes == ["CNC-03", "CNC-04"]
    assert outcome.result.provenance.row_count == 2
    [entry] = audit.entries()
    assert (entry.event, entry.user, entry.role, entry.tool, entry.outcome) == (
        "call",
        "op1",
        "operator",
        "line_machines",
        "ok",
    )
    assert entry.arguments == {"line": "L2"}
    assert entry.summary == "2 machines on L2"
    assert entry.duration_ms == pytest.approx(outcome.duration_ms, abs=0.01)


def test_outcome_text_is_the_result_json(session: Session, audit: AuditLog) -> None:
    outcome = invoke(line_machines, context_for(session), {"line": "L1"}, audit=audit)
    assert json.loads(outcome.text())["codes"] == ["CNC-01"]
    assert outcome.to_dict()["result"]["summary"] == "1 machines on L1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"line": "L2", "user": "admin"}, "unknown argument 'user' (arguments: line, kind)"),
        ({"line": "L2", "kind": "robot"}, "kind: Input should be 'cnc' or 'washer'"),
        ({}, "line: required"),
        ({"line": ["L2"]}, "line: Input should be a valid string"),
    ],
)
def test_invalid_arguments_name_the_field_and_allowed_values(
    session: Session, audit: AuditLog, args: dict[str, object], message: str
) -> None:
    outcome = invoke(line_machines, context_for(session), args, audit=audit)
    assert outcome.status is OutcomeStatus.INVALID
    assert outcome.message == f"invalid arguments for line_machines / 参数无效: {message}"
    assert calls == []
    assert audit.entries()[0].outcome == "invalid"


def test_arguments_that_are_not_an_object_are_invalid(session: Session, audit: AuditLog) -> None:
    outcome = invoke(line_machines, context_for(session), ["L2"], audit=audit)  # type: ignore[arg-type]
    assert (outcome.status, outcome.message) == (
        OutcomeStatus.INVALID,
        "arguments for line_machines must be a JSON object",
    )


def test_a_role_below_the_minimum_is_denied_audited_and_the_tool_never_runs(session: Session, audit: AuditLog) -> None:
    outcome = invoke(buggy, context_for(session, user="op1", role=Role.OPERATOR), {"mode": "x"}, audit=audit)
    assert outcome.status is OutcomeStatus.DENIED
    assert outcome.message == (
        "not permitted / 无权限: buggy needs role engineer or above (需要engineer或以上角色); op1 is operator"
    )
    assert outcome.result is None
    assert calls == []
    assert (audit.entries()[0].outcome, audit.entries()[0].summary) == ("denied", outcome.message)


def test_a_line_outside_the_callers_scopes_is_denied(session: Session, audit: AuditLog) -> None:
    ctx = context_for(session, user="op-l1", role=Role.OPERATOR, scopes=["L1"])
    outcome = invoke(line_machines, ctx, {"line": "L2"}, audit=audit)
    assert outcome.status is OutcomeStatus.DENIED
    assert outcome.result is None
    assert "op-l1 may only see L1" in outcome.message


def test_an_unknown_entity_comes_back_with_suggestions(session: Session, audit: AuditLog) -> None:
    outcome = invoke(line_machines, context_for(session), {"line": "L7"}, audit=audit)
    assert outcome.status is OutcomeStatus.NOT_FOUND_ENTITY
    assert outcome.suggestions == ("L1", "L2")
    assert outcome.message == "unknown line 'L7' / 未知产线; did you mean L1, L2? / 您是否指 L1, L2?"


@pytest.mark.parametrize(
    ("mode", "status", "message"),
    [
        ("tool_error", OutcomeStatus.ERROR, "the historian is offline / 历史数据库离线"),
        ("invalid", OutcomeStatus.INVALID, "mode: use 'a' or 'b'"),
    ],
)
def test_tool_errors_become_outcomes(
    session: Session, audit: AuditLog, mode: str, status: OutcomeStatus, message: str
) -> None:
    outcome = invoke(buggy, context_for(session, role=Role.ENGINEER), {"mode": mode}, audit=audit)
    assert (outcome.status, outcome.message, outcome.internal) == (status, message, False)


def test_a_bug_in_a_tool_is_an_internal_error_and_the_session_stays_usable(session: Session, audit: AuditLog) -> None:
    ctx = context_for(session, role=Role.ENGINEER)
    outcome = invoke(buggy, ctx, {"mode": "crash"}, audit=audit)
    assert (outcome.status, outcome.internal) == (OutcomeStatus.ERROR, True)
    assert outcome.message.startswith("internal error in buggy: OperationalError:")
    assert "\n" not in outcome.message
    assert "SELECT" not in outcome.message
    assert invoke(line_machines, ctx, {"line": "L1"}, audit=audit).status is OutcomeStatus.OK


def test_a_write_tool_creates_a_pending_proposal(session: Session, engine: Engine, audit: AuditLog) -> None:
    store = ProposalStore(engine)
    ctx = context_for(session, user="op1", role=Role.OPERATOR)
    outcome = invoke(
        request_repair, ctx, {"equipment": "CNC-03", "problem": "spindle noise"}, audit=audit, proposals=store
    )
    assert outcome.status is OutcomeStatus.PROPOSED
    assert outcome.proposal is not None
    stored = store.get(outcome.proposal.id)
    assert (stored.status, stored.action, stored.requested_by, stored.requested_role) == (
        ProposalStatus.PENDING,
        "request_repair",
        "op1",
        Role.OPERATOR,
    )
    assert stored.payload == {"equipment": "CNC-03", "problem": "spindle noise"}
    assert stored.evidence == ["vibration 7.9 mm/s above 6.0 alarm limit"]
    assert json.loads(outcome.text())["proposal_id"] == stored.id
    assert (audit.entries()[0].outcome, audit.entries()[0].proposal_id) == ("proposed", stored.id)


def test_a_write_tool_without_a_proposal_store_does_not_run(session: Session, audit: AuditLog) -> None:
    outcome = invoke(request_repair, context_for(session), {"equipment": "CNC-03", "problem": "x"}, audit=audit)
    assert outcome.status is OutcomeStatus.ERROR
    assert calls == []


@pytest.mark.parametrize(
    "text",
    [
        "CNC-03' OR '1'='1",
        "'; DROP TABLE machine; --",
        'CNC-03"; DELETE FROM machine WHERE 1=1; --',
        "1 UNION SELECT sql FROM sqlite_master",
    ],
)
def test_text_that_looks_like_sql_injection_is_inert(
    session: Session, engine: Engine, audit: AuditLog, text: str
) -> None:
    outcome = invoke(find_machine, context_for(session), {"code": text}, audit=audit)
    assert outcome.status is OutcomeStatus.OK
    assert isinstance(outcome.result, MachineList)
    assert outcome.result.codes == []
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(machines)).scalar_one() == 3
    assert audit.entries()[0].arguments == {"code": text}
