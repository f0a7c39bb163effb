"""The WRITE tool `propose_maintenance_request`: drafts a maintenance request that a person approves.

The tool itself changes nothing. It gathers evidence (recent alarms and unplanned downtime of the
machine) and returns a `ProposalDraft`; only after approval does the executor insert a requested
maintenance work order.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import func, select, text

from connectors.schema import Alarm, AlarmCode, DowntimeEvent, FailureMode, MaintenanceWorkOrder
from tools.contract import Permission, ProposalDraft, Provenance, Role, ToolContext, ToolResult, tool
from tools.errors import InvalidArgumentsError
from tools.queries import columns
from tools.resolvers import resolve_entity, resolve_equipment

__all__ = ["MaintenanceRequestCreated", "propose_maintenance_request"]

ALARM = columns(Alarm)
ALARM_CODE = columns(AlarmCode)
DOWN = columns(DowntimeEvent)
WO = columns(MaintenanceWorkOrder)

Priority = Literal["urgent", "high", "normal", "low"]
PRIORITY_NUMBER: dict[str, int] = {"urgent": 1, "high": 2, "normal": 3, "low": 4}
EVIDENCE_WINDOW = timedelta(days=7)


def _evidence(ctx: ToolContext, equipment_id: int, code: str) -> list[str]:
    """What the data says about the machine over the last 7 days, in words a reviewer can check."""
    since = ctx.clock - EVIDENCE_WINDOW
    alarms = ctx.session.execute(
        select(ALARM_CODE.code, ALARM_CODE.text_en, func.count())
        .select_from(Alarm)
        .join(AlarmCode, ALARM_CODE.id == ALARM.alarm_code_id)
        .where(ALARM.equipment_id == equipment_id, ALARM.raised_at >= since, ALARM.raised_at < ctx.clock)
        .group_by(ALARM_CODE.code, ALARM_CODE.text_en)
        .order_by(func.count().desc())
        .limit(3)
    ).all()
    minutes, stops = ctx.session.execute(
        select(func.coalesce(func.sum(DOWN.duration_minutes), 0.0), func.count()).where(
            DOWN.equipment_id == equipment_id,
            DOWN.start >= since,
            DOWN.start < ctx.clock,
            DOWN.category.in_(["breakdown", "minor_stop"]),
        )
    ).one()
    lines = [f"{code}: alarm {a} ({text}) raised {n} time(s) in the last 7 days" for a, text, n in alarms]
    lines.append(f"{code}: {int(stops)} breakdown / minor stop(s), {float(minutes):.0f} min, in the last 7 days")
    return lines


@tool(
    domain="maintenance",
    permission=Permission.WRITE,
    description_zh="提交维修申请（需要有权限的人员审批后才会创建维修工单）",
    examples=[
        "Request maintenance for CNC-03: spindle vibration is rising",
        "Open a maintenance request for the leak tester, it keeps failing",
        "Please ask maintenance to check the washer pump on line 2, urgent",
        "Raise a work request for CNC 3 bearing noise",
        "给3号数控机床报修：主轴振动越来越大",
        "气密检测机老是故障，申请维修",
        "请维修部门紧急检查2号线清洗机的泵",
        "3号CNC轴承有异响，提交维修申请",
    ],
    sample_args={"equipment": "CNC-03", "problem": "Spindle vibration rising"},
    min_role=Role.OPERATOR,
    approver_role=Role.ENGINEER,
)
def propose_maintenance_request(
    ctx: ToolContext,
    equipment: str,
    problem: Annotated[str, Field(min_length=3, max_length=500)],
    priority: Priority = "normal",
    failure_mode: str | None = None,
) -> ProposalDraft:
    """Propose a maintenance request (a new corrective work order) for a machine. Nothing is created until a
    permitted person approves it; the proposal carries the problem, the priority and evidence from the data.

    Args:
        equipment: Equipment code or name, e.g. "CNC-03", "3号数控机床".
        problem: What is wrong, in the operator's words (3-500 characters).
        priority: urgent, high, normal or low.
        failure_mode: Suspected failure mode code or name, e.g. "FM-SPB", "spindle bearing", "主轴轴承".
    """
    machine = resolve_equipment(ctx, equipment)
    mode = resolve_entity(ctx, "failure_mode", failure_mode) if failure_mode else None
    text = " ".join(problem.split())
    evidence = _evidence(ctx, machine.id, machine.code)
    return ProposalDraft(
        action="propose_maintenance_request",
        title=f"Maintenance request for {machine.code} ({priority}) / {machine.name_zh} 维修申请",
        reason=text,
        evidence=evidence,
        payload={
            "equipment": machine.code,
            "equipment_id": machine.id,
            "line": machine.line_code,
            "line_id": machine.line_id,
            "problem": text,
            "priority": priority,
            "failure_mode": mode.code if mode else None,
            "failure_mode_id": mode.id if mode else None,
            "requested_by": ctx.user,
        },
    )


class MaintenanceRequestCreated(ToolResult):
    """The work order an approved maintenance request created."""

    work_order: str
    equipment: str
    priority: int
    status: str


_NUMBER = re.compile(r"^WO-(\d+)$")


#: Advisory lock of work order numbering: approvers on several workers never take the same next number.
_NUMBERING_LOCK = 0x616E646F6E03


def _lock_numbering(ctx: ToolContext) -> None:
    """Hold the numbering lock until the approver's transaction ends: an advisory lock on PostgreSQL, the
    database's write lock on SQLite (an UPDATE that matches nothing still takes it)."""
    if ctx.session.get_bind().dialect.name == "postgresql":
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _NUMBERING_LOCK})
    else:
        ctx.session.execute(text("UPDATE maintenance_work_order SET code = code WHERE 1 = 0"))


def _next_code(ctx: ToolContext) -> str:
    codes = ctx.session.execute(select(WO.code).where(WO.code.like("WO-%"))).scalars().all()
    numbers = [(len(m.group(1)), int(m.group(1))) for c in codes if (m := _NUMBER.match(c))]
    width = max((w for w, _ in numbers), default=6)
    return f"WO-{max((n for _, n in numbers), default=0) + 1:0{width}d}"


@propose_maintenance_request.executor
def _create_work_order(ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
    """Insert the requested corrective work order (status open) for the approved proposal."""
    machine = resolve_equipment(ctx, str(payload.get("equipment", "")))
    priority = payload.get("priority", "normal")
    if priority not in PRIORITY_NUMBER:
        raise InvalidArgumentsError(f"unknown priority {priority!r}", field="priority", allowed=list(PRIORITY_NUMBER))
    mode_id = payload.get("failure_mode_id")
    if mode_id is not None and ctx.session.get(FailureMode, mode_id) is None:
        mode_id = None
    problem = str(payload.get("problem", ""))
    _lock_numbering(ctx)
    code = _next_code(ctx)
    order = MaintenanceWorkOrder(
        code=code,
        equipment_id=machine.id,
        line_id=machine.line_id or 0,
        kind="corrective",
        failure_mode_id=mode_id,
        status="open",
        priority=PRIORITY_NUMBER[priority],
        title_en=f"Maintenance request: {problem}"[:200],
        title_zh=f"维修申请：{problem}"[:200],
        reported_at=ctx.clock,
        notes=f"requested by {payload.get('requested_by', '?')}, approved by {ctx.user}",
    )
    ctx.session.add(order)
    ctx.session.flush()
    return MaintenanceRequestCreated(
        summary=f"Created maintenance work order {code} for {machine.code}",
        scope={"equipment": machine.code, **({"line": machine.line_code} if machine.line_code else {})},
        provenance=Provenance(tables=["maintenance_work_order"], filters={"inserted": code}, row_count=1),
        work_order=code,
        equipment=machine.code,
        priority=PRIORITY_NUMBER[priority],
        status="open",
    )
