"""Downtime tools: Pareto of downtime by reason and the longest downtime events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func, select

from connectors.schema import TIME_MODEL_BUCKET, DowntimeEvent, DowntimeReason, Equipment, MaintenanceWorkOrder
from tools.builtin.common import Limit, Part, period_of, provenance, r, scope_of, total, truncation
from tools.contract import ToolContext, ToolResult, tool
from tools.queries import columns, within
from tools.resolvers import Entity, resolve_line_or_equipment, resolve_shift

__all__ = [
    "DowntimeEventRow",
    "DowntimeParetoResult",
    "DowntimeReasonRow",
    "TopDowntimeResult",
    "downtime_pareto",
    "top_downtime_events",
]

Category = Literal["planned_downtime", "setup", "breakdown", "minor_stop", "waiting", "quality_hold"]
DE = columns(DowntimeEvent)
REASON = columns(DowntimeReason)
EQ = columns(Equipment)
WO = columns(MaintenanceWorkOrder)


def _where(entity: Entity, span: Any, category: str | None, include_planned: bool) -> list[Any]:
    where: list[Any] = [within(DE.start, span)]
    where.append(DE.line_id == entity.id if entity.kind == "line" else DE.equipment_id == entity.id)
    if category is not None:
        where.append(DE.category == category)
    elif not include_planned:
        where.append(DE.category != "planned_downtime")
    return where


class DowntimeReasonRow(Part):
    """One reason of the Pareto: minutes lost, events, share of all minutes and cumulative share."""

    reason: str
    name_en: str
    name_zh: str
    category: str
    minutes: float
    events: int
    share: float
    cumulative_share: float


class DowntimeParetoResult(ToolResult):
    """Downtime minutes by reason, largest first, with the ISO 22400 split of the total."""

    target: str
    total_minutes: float
    total_events: int
    unplanned_minutes: float = Field(description="ADET: breakdowns, minor stops, waiting, quality holds.")
    setup_minutes: float = Field(description="ASUT: changeovers and tool changes.")
    planned_minutes: float = Field(description="PDOT: only counted when include_planned or category asks for it.")
    reasons: list[DowntimeReasonRow]


@tool(
    domain="production",
    description_zh="按停机原因的停机时间帕累托分析（默认不含计划停机）",
    examples=[
        "Downtime Pareto for line 2 last week",
        "What were the main causes of downtime on CNC-03 yesterday?",
        "Top downtime reasons on L1 this month",
        "Why did line 3 stop so much last week?",
        "Minor stops on the night shift of line 1 last week",
        "2号线上周停机原因帕累托",
        "3号数控机床昨天停机的主要原因是什么？",
        "1号线本月停机时间最多的原因",
        "装配线上周为什么停机这么多？",
        "1号线上周夜班的小停机",
    ],
    sample_args={"target": "L2", "period": "last week"},
    metrics={"downtime": "total_minutes"},
    explains=["oee", "availability", "downtime", "good_count"],
)
def downtime_pareto(
    ctx: ToolContext,
    target: str,
    period: str = "last week",
    category: Category | None = None,
    include_planned: bool = False,
    shift: str | None = None,
    limit: Limit = 10,
) -> DowntimeParetoResult:
    """Downtime of a line or machine by reason (Pareto: minutes, events, share, cumulative share), largest first.
    Planned downtime (breaks, planned maintenance) is left out unless asked for.

    Args:
        target: Line or equipment code or name, e.g. "L2", "2号线", "CNC-03".
        period: Time expression, e.g. "last week", "yesterday", "本月".
        category: Only this ISO 22400 downtime category.
        include_planned: Also count planned downtime (breaks, planned maintenance, no orders).
        shift: Only stops that began in this shift, e.g. "C", "night shift", "夜班".
        limit: How many reasons to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target)
    crew = resolve_shift(ctx, shift) if shift else None
    span = period_of(ctx, period)
    minutes = func.sum(DE.duration_minutes)
    statement = (
        select(REASON.code, REASON.name_en, REASON.name_zh, DE.category, minutes, func.count())
        .select_from(DowntimeEvent)
        .join(DowntimeReason, REASON.id == DE.reason_id)
        .where(*_where(entity, span, category, include_planned), *([DE.shift_id == crew.id] if crew else []))
        .group_by(REASON.code, REASON.name_en, REASON.name_zh, DE.category)
        .order_by(minutes.desc(), REASON.code)
    )
    grouped = ctx.session.execute(statement).all()
    all_minutes = float(sum(row[4] for row in grouped))
    all_events = int(sum(row[5] for row in grouped))
    buckets = {"ADET": 0.0, "ASUT": 0.0, "PDOT": 0.0}
    for row in grouped:
        buckets[TIME_MODEL_BUCKET.get(row[3], "ADET")] += float(row[4])
    reasons, running = [], 0.0
    for code, en, zh, cat, mins, events in grouped[:limit]:
        running += float(mins)
        reasons.append(
            DowntimeReasonRow(
                reason=code,
                name_en=en,
                name_zh=zh,
                category=cat,
                minutes=round(float(mins), 2),
                events=int(events),
                share=r(float(mins) / all_minutes) or 0.0,
                cumulative_share=r(running / all_minutes) or 0.0,
            )
        )
    top = f", top {reasons[0].reason} {reasons[0].name_en} {reasons[0].minutes:.0f} min" if reasons else ""
    return DowntimeParetoResult(
        summary=f"Downtime of {entity.code} for {span.label}: {all_minutes:.0f} min in {all_events} events{top}",
        unit="min",
        period=span,
        scope=scope_of(entity, crew),
        provenance=provenance(
            ["downtime_event", "downtime_reason"],
            all_events,
            span,
            **{entity.kind: entity.code},
            category=category or ("all" if include_planned else "unplanned and set-up"),
            shift=crew.code if crew else None,
        ),
        **truncation(len(grouped), limit),
        data_unavailable=not grouped,
        target=entity.code,
        total_minutes=round(all_minutes, 2),
        total_events=all_events,
        unplanned_minutes=round(buckets["ADET"], 2),
        setup_minutes=round(buckets["ASUT"], 2),
        planned_minutes=round(buckets["PDOT"], 2),
        reasons=reasons,
    )


class DowntimeEventRow(Part):
    """One stop of one machine."""

    equipment: str
    start: datetime
    end: datetime
    minutes: float
    reason: str
    reason_en: str
    reason_zh: str
    category: str
    work_order: str | None = None
    comment: str = ""


class TopDowntimeResult(ToolResult):
    """The longest downtime events, longest first."""

    target: str
    events: list[DowntimeEventRow]


@tool(
    domain="production",
    description_zh="停机时间最长的停机事件列表（设备、起止时间、原因、关联维修工单）",
    examples=[
        "Longest stops on line 2 yesterday",
        "List the top 5 downtime events of CNC-03 last week",
        "Show breakdowns on L1 this week",
        "What happened on line 3 last night? Biggest stops please",
        "2号线昨天最长的几次停机",
        "3号数控机床上周停机时间最长的5次",
        "1号线本周的故障停机记录",
        "昨晚装配线停机最久的是哪几次？",
    ],
    sample_args={"target": "L2", "period": "yesterday"},
    explains=["downtime", "availability"],
)
def top_downtime_events(
    ctx: ToolContext,
    target: str,
    period: str = "yesterday",
    category: Category | None = None,
    limit: Limit = 10,
) -> TopDowntimeResult:
    """The longest downtime events of a line or machine in a period, with machine, times, reason and work order.

    Args:
        target: Line or equipment code or name, e.g. "L2", "2号线", "CNC-03".
        period: Time expression, e.g. "yesterday", "last week", "昨天夜班".
        category: Only this ISO 22400 downtime category, e.g. "breakdown".
        limit: How many events to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    statement = (
        select(
            EQ.code,
            DE.start,
            DE.end,
            DE.duration_minutes,
            REASON.code,
            REASON.name_en,
            REASON.name_zh,
            DE.category,
            WO.code,
            DE.comment,
        )
        .select_from(DowntimeEvent)
        .join(Equipment, EQ.id == DE.equipment_id)
        .join(DowntimeReason, REASON.id == DE.reason_id)
        .outerjoin(MaintenanceWorkOrder, WO.id == DE.maintenance_work_order_id)
        .where(*_where(entity, span, category, include_planned=True))
        .order_by(DE.duration_minutes.desc(), DE.start)
    )
    count = total(statement, ctx.session)
    rows = ctx.session.execute(statement.limit(limit)).all()
    events = [
        DowntimeEventRow(
            equipment=eq,
            start=start,
            end=end,
            minutes=round(float(mins), 2),
            reason=code,
            reason_en=en,
            reason_zh=zh,
            category=cat,
            work_order=wo,
            comment=comment or "",
        )
        for eq, start, end, mins, code, en, zh, cat, wo, comment in rows
    ]
    head = f"; longest {events[0].minutes:.0f} min {events[0].reason_en} on {events[0].equipment}" if events else ""
    return TopDowntimeResult(
        summary=f"{count} downtime event(s) on {entity.code} for {span.label}{head}",
        unit="min",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["downtime_event", "downtime_reason", "equipment", "maintenance_work_order"],
            count,
            span,
            **{entity.kind: entity.code},
            category=category,
        ),
        **truncation(count, limit),
        data_unavailable=count == 0,
        target=entity.code,
        events=events,
    )
