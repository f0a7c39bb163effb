"""Maintenance tools: work orders (open / history), MTBF and MTTR, failure-mode history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func, select

from connectors.schema import Equipment, FailureMode, MaintenanceWorkOrder, ProductionCount
from tools.builtin.common import Limit, Part, period_of, provenance, r, scope_of, total, truncation, visible_line_ids
from tools.contract import ToolContext, ToolResult, tool
from tools.kpi import reliability
from tools.queries import columns, within
from tools.resolvers import Entity, resolve_line_or_equipment

__all__ = [
    "FailureModeRow",
    "FailureModesResult",
    "ReliabilityResult",
    "ReliabilityRow",
    "WorkOrderRow",
    "WorkOrdersResult",
    "failure_mode_history",
    "maintenance_work_orders",
    "mtbf_mttr",
]

WO = columns(MaintenanceWorkOrder)
FM = columns(FailureMode)
EQ = columns(Equipment)
PC = columns(ProductionCount)


def _target_filter(entity: Entity | None, ctx: ToolContext) -> list[Any]:
    if entity is not None:
        return [WO.line_id == entity.id if entity.kind == "line" else WO.equipment_id == entity.id]
    lines = visible_line_ids(ctx)
    return [] if lines is None else [WO.line_id.in_(lines)]


class WorkOrderRow(Part):
    """A maintenance work order."""

    code: str
    equipment: str
    kind: str
    status: str
    priority: int
    title_en: str
    title_zh: str
    failure_mode: str | None = None
    reported_at: datetime
    planned_start: datetime | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    repair_minutes: float | None = None
    technician: str = ""


class WorkOrdersResult(ToolResult):
    """Maintenance work orders, newest first."""

    work_orders: list[WorkOrderRow]


WorkOrderStatus = Literal["open", "overdue", "history", "all"]


@tool(
    domain="maintenance",
    description_zh="维修工单列表：未完成工单或维修历史，可按产线、设备、类型（故障维修/预防性保养）筛选",
    examples=[
        "Open maintenance work orders on line 2",
        "Maintenance history of CNC-03 this month",
        "Which preventive maintenance jobs are still open?",
        "Show corrective work orders for L1 last week",
        "2号线有哪些未完成的维修工单？",
        "3号数控机床本月的维修记录",
        "还有哪些预防性保养没做？",
        "1号线上周的故障维修工单",
        "Which maintenance work orders are overdue?",
        "哪些维修工单超期了？",
    ],
    sample_args={"target": "L2", "status": "open"},
)
def maintenance_work_orders(
    ctx: ToolContext,
    target: str | None = None,
    status: WorkOrderStatus = "open",
    kind: Literal["corrective", "preventive"] | None = None,
    period: str | None = None,
    limit: Limit = 20,
) -> WorkOrdersResult:
    """Maintenance work orders of a line or machine: open ones (open / in progress), overdue ones (open past their
    planned start), or the history (completed).

    Args:
        target: Line or equipment code or name, e.g. "L2", "CNC-03", "3号数控机床"; all lines in scope when omitted.
        status: open (not completed), overdue (open and past the planned start), history (completed) or all.
        kind: Only corrective (breakdown) or preventive (planned) work orders.
        period: Only work orders reported in this period, e.g. "this month", "上周".
        limit: How many work orders to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target) if target else None
    span = period_of(ctx, period) if period else None
    statement = (
        select(
            WO.code,
            EQ.code,
            WO.kind,
            WO.status,
            WO.priority,
            WO.title_en,
            WO.title_zh,
            FM.code,
            WO.reported_at,
            WO.planned_start,
            WO.actual_start,
            WO.actual_end,
            WO.repair_minutes,
            WO.technician,
        )
        .select_from(MaintenanceWorkOrder)
        .join(Equipment, EQ.id == WO.equipment_id)
        .outerjoin(FailureMode, FM.id == WO.failure_mode_id)
        .where(*_target_filter(entity, ctx))
    )
    if status in ("open", "overdue"):
        statement = statement.where(WO.status != "completed")
    if status == "overdue":
        statement = statement.where(WO.planned_start.is_not(None), WO.planned_start < ctx.clock)
    elif status == "history":
        statement = statement.where(WO.status == "completed")
    if kind is not None:
        statement = statement.where(WO.kind == kind)
    if span is not None:
        statement = statement.where(within(WO.reported_at, span))
    statement = statement.order_by(WO.reported_at.desc(), WO.code)
    count = total(statement, ctx.session)
    names = list(WorkOrderRow.model_fields)
    orders = [
        WorkOrderRow(**{**dict(zip(names, row, strict=True)), "technician": row[-1] or ""})
        for row in ctx.session.execute(statement.limit(limit))
    ]
    where = entity.code if entity else "all lines"
    return WorkOrdersResult(
        summary=f"{count} {status} maintenance work order(s) on {where}" + (f" for {span.label}" if span else ""),
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["maintenance_work_order", "equipment", "failure_mode"],
            count,
            span,
            **({entity.kind: entity.code} if entity else {}),
            status=status,
            kind=kind,
        ),
        **truncation(count, limit),
        data_unavailable=count == 0,
        work_orders=orders,
    )


class ReliabilityRow(Part):
    """MTBF and MTTR of one machine; `mtbf_h` is None with a note when it had no failure."""

    equipment: str
    operating_h: float = Field(description="Actual production time (APT) in the period.")
    failures: int = Field(description="Corrective work orders reported in the period.")
    repair_h: float
    mtbf_h: float | None
    mttr_h: float | None
    note: str | None = None


class ReliabilityResult(ToolResult):
    """MTBF = operating time / failures, MTTR = repair time / failures, per machine and for the whole target."""

    target: str
    operating_h: float
    failures: int
    repair_h: float
    mtbf_h: float | None
    mttr_h: float | None
    note: str | None = None
    by_equipment: list[ReliabilityRow]


@tool(
    domain="maintenance",
    description_zh="设备的平均故障间隔时间（MTBF）和平均修复时间（MTTR），无故障时明确说明",
    examples=[
        "What is the MTBF of CNC-03 over the last 90 days?",
        "MTTR of line 2 machines this month",
        "How reliable is the leak tester?",
        "Mean time between failures for L1 last month",
        "3号数控机床最近90天的MTBF是多少？",
        "2号线本月各设备的平均修复时间",
        "气密检测机可靠性怎么样？",
        "1号线上个月的平均故障间隔时间",
    ],
    sample_args={"target": "CNC-03", "period": "past 90 days"},
    metrics={"mtbf": "mtbf_h", "mttr": "mttr_h", "failure_count": "failures"},
)
def mtbf_mttr(ctx: ToolContext, target: str, period: str = "past 90 days") -> ReliabilityResult:
    """MTBF (operating time / failures) and MTTR (repair time / failures) of a machine, or of each machine of a line.
    Failures are corrective work orders; operating time is the actual production time from production counts.

    Args:
        target: Equipment or line code or name, e.g. "CNC-03", "3号数控机床", "L2".
        period: Time expression, e.g. "past 90 days", "this month", "上个月".
    """
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    machine_filter = EQ.line_id == entity.id if entity.kind == "line" else EQ.id == entity.id
    machines = ctx.session.execute(select(EQ.id, EQ.code).where(machine_filter).order_by(EQ.position)).all()
    run = dict(
        ctx.session.execute(
            select(PC.equipment_id, func.sum(PC.run_minutes))
            .where(within(PC.hour_start, span), PC.equipment_id.in_([m[0] for m in machines]))
            .group_by(PC.equipment_id)
        ).all()
    )
    repairs: dict[int, list[float]] = {m[0]: [] for m in machines}
    failures = ctx.session.execute(
        select(WO.equipment_id, WO.repair_minutes, WO.actual_start, WO.actual_end).where(
            WO.kind == "corrective", within(WO.reported_at, span), WO.equipment_id.in_(list(repairs))
        )
    ).all()
    for equipment_id, minutes, start, end in failures:
        if minutes is None and start is not None and end is not None:
            minutes = (end - start).total_seconds() / 60
        repairs[equipment_id].append(float(minutes or 0.0) / 60)
    rows = []
    for equipment_id, code in machines:
        figures = reliability(float(run.get(equipment_id) or 0.0) / 60, repairs[equipment_id])
        rows.append(
            ReliabilityRow(
                equipment=code,
                operating_h=round(figures.operating_time_h, 4),
                failures=figures.failures,
                repair_h=round(figures.repair_time_h, 4),
                mtbf_h=r(figures.mtbf_h, 4),
                mttr_h=r(figures.mttr_h, 4),
                note=figures.note,
            )
        )
    overall = reliability(sum(float(v or 0.0) for v in run.values()) / 60, [h for v in repairs.values() for h in v])
    mtbf = "no failures" if overall.mtbf_h is None else f"MTBF {overall.mtbf_h:.1f} h, MTTR {overall.mttr_h or 0:.2f} h"
    return ReliabilityResult(
        summary=f"{entity.code} for {span.label}: {overall.failures} failure(s), {mtbf}",
        unit="h",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["maintenance_work_order", "production_count", "equipment"],
            len(failures),
            span,
            **{entity.kind: entity.code},
            failures="kind = corrective",
        ),
        data_unavailable=not run and not failures,
        target=entity.code,
        operating_h=round(overall.operating_time_h, 4),
        failures=overall.failures,
        repair_h=round(overall.repair_time_h, 4),
        mtbf_h=r(overall.mtbf_h, 4),
        mttr_h=r(overall.mttr_h, 4),
        note=overall.note,
        by_equipment=rows,
    )


class FailureModeRow(Part):
    """How often one failure mode occurred, how long repairs took, where and when last."""

    code: str
    name_en: str
    name_zh: str
    failures: int
    repair_h: float
    last_reported: datetime
    equipment: list[str]


class FailureModesResult(ToolResult):
    """Corrective work orders grouped by failure mode, most frequent first."""

    target: str
    failures: int = Field(description="Failures (corrective work orders) in the period, all modes together.")
    failure_modes: list[FailureModeRow]


@tool(
    domain="maintenance",
    description_zh="故障模式历史：按故障模式统计故障次数、维修时长、涉及设备和最近一次发生时间",
    examples=[
        "Failure mode history of CNC-03",
        "How often has the spindle bearing failed on line 2 this year?",
        "What keeps breaking on L3 in the last 180 days?",
        "Most common failure modes on the CNC machines last month",
        "3号数控机床的故障模式历史",
        "2号线主轴轴承坏过几次？",
        "装配线最近半年最常见的故障是什么？",
        "上个月1号线的故障类型统计",
    ],
    sample_args={"target": "CNC-03", "period": "past 180 days"},
    metrics={"failure_count": "failures"},
    explains=["mtbf", "failure_count", "mttr"],
)
def failure_mode_history(
    ctx: ToolContext, target: str, period: str = "past 180 days", limit: Limit = 10
) -> FailureModesResult:
    """Failures (corrective work orders) of a line or machine grouped by failure mode: count, repair hours, machines
    and last occurrence, most frequent first.

    Args:
        target: Line or equipment code or name, e.g. "CNC-03", "L2", "2号线".
        period: Time expression, e.g. "past 180 days", "this month", "上个月".
        limit: How many failure modes to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    rows = ctx.session.execute(
        select(FM.code, FM.name_en, FM.name_zh, EQ.code, WO.reported_at, WO.repair_minutes)
        .select_from(MaintenanceWorkOrder)
        .join(FailureMode, FM.id == WO.failure_mode_id)
        .join(Equipment, EQ.id == WO.equipment_id)
        .where(WO.kind == "corrective", within(WO.reported_at, span), *_target_filter(entity, ctx))
    ).all()
    modes: dict[str, dict[str, Any]] = {}
    for code, en, zh, machine, reported, minutes in rows:
        mode = modes.setdefault(code, {"name_en": en, "name_zh": zh, "n": 0, "min": 0.0, "last": reported, "eq": set()})
        mode["n"] += 1
        mode["min"] += float(minutes or 0.0)
        mode["last"] = max(mode["last"], reported)
        mode["eq"].add(machine)
    ranked = sorted(modes.items(), key=lambda item: (-item[1]["n"], item[0]))
    found = [
        FailureModeRow(
            code=code,
            name_en=m["name_en"],
            name_zh=m["name_zh"],
            failures=m["n"],
            repair_h=round(m["min"] / 60, 4),
            last_reported=m["last"],
            equipment=sorted(m["eq"]),
        )
        for code, m in ranked[:limit]
    ]
    top = f"; most frequent {found[0].code} {found[0].name_en} ({found[0].failures})" if found else ""
    return FailureModesResult(
        summary=f"{len(rows)} failure(s) on {entity.code} for {span.label}{top}",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["maintenance_work_order", "failure_mode", "equipment"],
            len(rows),
            span,
            **{entity.kind: entity.code},
            kind="corrective",
        ),
        **truncation(len(ranked), limit),
        data_unavailable=not rows,
        target=entity.code,
        failures=len(rows),
        failure_modes=found,
    )
