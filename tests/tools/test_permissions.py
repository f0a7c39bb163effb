"""Permissions: roles and scopes are checked in the tool layer for every registered tool.

The matrix runs every tool the `andon.tools` entry points load (plus a few local tools with higher
minimum roles) for every role against the tiny hand-built plant of `conftest.py`: no role below a
tool's minimum gets a result, and every denial is in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from connectors import plant_clock
from tools import (
    AuditLog,
    OutcomeStatus,
    Permission,
    PermissionDeniedError,
    ProposalDraft,
    ProposalStatus,
    ProposalStore,
    Provenance,
    Registry,
    Role,
    Tool,
    ToolContext,
    ToolResult,
    can_approve,
    check_role,
    create_tool_tables,
    in_scope,
    invoke,
    load_registry,
    parse_role,
    require_scope,
    tool,
)
from tools.testing import context_for, memory_engine, sample_arguments


@tool(
    domain="maintenance",
    description_zh="维修成本",
    examples=["repair cost of CNC-03", "3号机维修成本"],
    min_role=Role.ENGINEER,
)
def repair_costs(ctx: ToolContext) -> ToolResult:
    """Repair costs by machine (engineers and above)."""
    return ToolResult(summary="costs", provenance=Provenance(tables=["maintenance_work_order"]))


@tool(
    domain="production", description_zh="班组绩效", examples=["crew performance", "班组绩效"], min_role=Role.SUPERVISOR
)
def crew_performance(ctx: ToolContext) -> ToolResult:
    """Performance by crew (supervisors and above)."""
    return ToolResult(summary="crews", provenance=Provenance(tables=["production_count"]))


class _Draft(ProposalDraft):
    pass


@tool(
    domain="production",
    permission=Permission.WRITE,
    description_zh="修改计划",
    examples=["reschedule", "改计划"],
    min_role=Role.ENGINEER,
    approver_role=Role.ADMIN,
    sample_args={"order": "MO-260001"},
)
def reschedule_order(ctx: ToolContext, order: str) -> _Draft:
    """Propose moving a production order (engineers propose, admins approve).

    Args:
        order: Production order number.
    """
    return _Draft(action="reschedule_order", title=f"Reschedule {order}", reason="capacity", payload={"order": order})


@reschedule_order.executor
def _reschedule(ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
    return ToolResult(summary=f"rescheduled {payload['order']}", provenance=Provenance(tables=["production_order"]))


def _all_tools() -> Registry:
    registry = load_registry()
    registry.add_all([repair_costs, crew_performance, reschedule_order], source="tests")
    return registry


REGISTRY = _all_tools()
MATRIX = [(item.name, role) for item in REGISTRY for role in Role]


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def proposals() -> ProposalStore:
    engine = memory_engine()
    create_tool_tables(engine)
    return ProposalStore(engine)


@pytest.fixture
def plant(tiny_engine: Engine) -> Iterator[Session]:
    with Session(tiny_engine) as session:
        yield session
        session.rollback()


def _ctx(session: Session, role: Role, scopes: frozenset[str] = frozenset()) -> ToolContext:
    return ToolContext(user=f"{role.value}-user", role=role, session=session, clock=plant_clock(session), scopes=scopes)


def _args(item: Tool) -> dict[str, Any]:
    return sample_arguments(item) or {}


@pytest.mark.parametrize(("name", "role"), MATRIX, ids=[f"{n}-{r.value}" for n, r in MATRIX])
def test_role_matrix(name: str, role: Role, plant: Session, audit: AuditLog, proposals: ProposalStore) -> None:
    item = REGISTRY.get(name)
    outcome = invoke(item, _ctx(plant, role), _args(item), audit=audit, proposals=proposals)
    last = audit.entries()[-1]
    assert (last.tool, last.role, last.outcome) == (name, role.value, outcome.status.value)
    if role.at_least(item.min_role):
        assert outcome.status is not OutcomeStatus.DENIED, outcome.message
    else:
        assert outcome.status is OutcomeStatus.DENIED
        assert (outcome.result, outcome.proposal) == (None, None)
        assert outcome.message.startswith("not permitted / 无权限")
        assert proposals.list() == []


_L2_CODES = re.compile(r"\b(L2|CNC-03|LT-01)\b")
_SCOPED = [item.name for item in REGISTRY if item.domain != "knowledge"]  # documents are shared by role, not line


def _point_at_line_2(args: dict[str, Any]) -> dict[str, Any]:
    moved = dict(args)
    for key, value in args.items():
        if isinstance(value, str) and re.fullmatch(r"L\d+", value):
            moved[key] = "L2"
        elif isinstance(value, str) and re.fullmatch(r"[A-Z]{2,3}-\d{2}", value):
            moved[key] = "CNC-03"
    return moved


def _required_only(item: Tool, args: dict[str, Any]) -> dict[str, Any]:
    fields = item.args_model.model_fields
    return {key: value for key, value in args.items() if key in fields and fields[key].is_required()}


@pytest.mark.parametrize("name", _SCOPED)
def test_a_user_scoped_to_line_1_sees_nothing_of_line_2(
    name: str, plant: Session, audit: AuditLog, proposals: ProposalStore
) -> None:
    item = REGISTRY.get(name)
    ctx = _ctx(plant, Role.ADMIN, frozenset({"L1"}))  # the highest role: only the scope stands in the way
    # Once asking for line 2 by name, once leaving every optional filter out (the whole plant).
    for args in (_point_at_line_2(_args(item)), _required_only(item, _point_at_line_2(_args(item)))):
        outcome = invoke(item, ctx, args, audit=audit, proposals=proposals)
        if outcome.status is OutcomeStatus.DENIED:
            assert outcome.result is None
            continue
        shown = outcome.result.model_dump(mode="json", exclude={"provenance", "period"}) if outcome.result else {}
        assert not _L2_CODES.search(str(shown)), f"{name}({args}) returned line 2 data to a line 1 user: {shown}"


WRITE_TOOLS = [item.name for item in REGISTRY if item.permission is Permission.WRITE]
APPROVALS = [(name, role) for name in WRITE_TOOLS for role in Role]


@pytest.mark.parametrize(("name", "role"), APPROVALS, ids=[f"{n}-{r.value}" for n, r in APPROVALS])
def test_approval_matrix(name: str, role: Role, plant: Session, audit: AuditLog, proposals: ProposalStore) -> None:
    item = REGISTRY.get(name)
    requester = _ctx(plant, item.min_role)
    outcome = invoke(item, requester, _args(item), audit=audit, proposals=proposals)
    assert outcome.proposal is not None, outcome.message
    approver = _ctx(plant, role)
    if role.at_least(item.approver_role):
        decided = proposals.approve(outcome.proposal.id, approver, lookup=REGISTRY.get, audit=audit)
        assert decided.status in {ProposalStatus.EXECUTED, ProposalStatus.FAILED}
    else:
        with pytest.raises(PermissionDeniedError):
            proposals.approve(outcome.proposal.id, approver, lookup=REGISTRY.get, audit=audit)
        assert proposals.get(outcome.proposal.id).status is ProposalStatus.PENDING
        assert (audit.entries()[-1].event, audit.entries()[-1].outcome) == ("approve", "denied")


def test_there_is_a_write_tool_in_the_matrix() -> None:
    assert "reschedule_order" in WRITE_TOOLS


def test_check_role() -> None:
    with Session(memory_engine()) as session:
        check_role(repair_costs, context_for(session, role=Role.ENGINEER))
        with pytest.raises(PermissionDeniedError, match="repair_costs needs role engineer or above"):
            check_role(repair_costs, context_for(session, role=Role.OPERATOR))


def test_scopes() -> None:
    with Session(memory_engine()) as session:
        everyone = context_for(session, role=Role.OPERATOR)
        line_1 = context_for(session, user="op-l1", role=Role.OPERATOR, scopes=["L1"])
        site = context_for(session, role=Role.OPERATOR, scopes=["SZ1"])
        assert in_scope(everyone, "L2")
        assert in_scope(line_1, "l1")
        assert not in_scope(line_1, "L2")
        assert in_scope(site, "L2", site="SZ1")
        require_scope(line_1, "L1")
        with pytest.raises(PermissionDeniedError, match=r"op-l1 may only see L1 \(仅限 L1\), not L2"):
            require_scope(line_1, "L2")


def test_can_approve() -> None:
    with Session(memory_engine()) as session:
        engineer = context_for(session, user="eng1", role=Role.ENGINEER)
        admin = context_for(session, role=Role.ADMIN)
        assert can_approve(admin, reschedule_order, Role.ENGINEER) is None
        assert "needs role admin or above" in str(can_approve(engineer, reschedule_order, Role.ENGINEER))


def test_parse_role() -> None:
    assert parse_role("Supervisor") is Role.SUPERVISOR
    with pytest.raises(PermissionDeniedError, match="allowed: operator, engineer, supervisor, admin"):
        parse_role("root")
