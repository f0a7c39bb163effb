"""OEE tools (ISO 22400-2): OEE of a line or a machine with its factors and inputs, and OEE by day.

A line's OEE sums the times and quantities of all its machines before dividing (KPI.md: never
average percentages); a machine's OEE uses its own rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pydantic import Field
from sqlalchemy import func

from connectors.schema import ProductionCount
from tools.builtin.common import OEEBreakdown, Part, breakdown, period_of, provenance, scope_of, visible_line_ids
from tools.contract import PeriodSpan, ToolContext, ToolResult, tool
from tools.kpi import OEEInputs, aggregate, oee
from tools.queries import oee_inputs, oee_inputs_by
from tools.resolvers import Entity, resolve_line_or_equipment

__all__ = ["OEEDay", "OEEResult", "OEETrendResult", "get_oee", "oee_trend"]

_METHOD_LINE = "ISO 22400-2; line = sum of the times and quantities of all its machines, then divided"
_METHOD_MACHINE = "ISO 22400-2; one machine (work unit)"
_METHOD_PLANT = "ISO 22400-2; plant = sum of the times and quantities of every line in scope, then divided"


class OEEResult(ToolResult):
    """OEE of a line or machine over a period, with availability, performance, quality and their inputs."""

    target: str = Field(description="Line or equipment code.")
    target_kind: str = Field(description="line, equipment or plant")
    method: str
    figures: OEEBreakdown


def _filters(target: Entity) -> dict[str, int]:
    return {"line_id": target.id} if target.kind == "line" else {"equipment_id": target.id}


@tool(
    domain="production",
    description_zh="产线或设备的OEE（设备综合效率，ISO 22400），含可用率、性能率、质量率及计算输入",
    examples=[
        "What was the OEE of line 2 yesterday?",
        "OEE for CNC-03 last week",
        "Show availability, performance and quality for L1 this month",
        "How efficient was line 3 on the night shift yesterday?",
        "2号线昨天的OEE是多少？",
        "3号数控机床上周的设备综合效率",
        "1号线本月的可用率、性能率和质量率",
        "昨天夜班装配线的OEE",
        "OEE of L4 today",
        "How was line 1's OEE last month?",
        "4号线今天的OEE",
        "上个月1号线OEE多少",
        "Line 3's OEE looks low this week, what is it?",
        "3号线这周OEE偏低，具体是多少？",
    ],
    sample_args={"target": "L2", "period": "yesterday"},
    name="oee",
    metrics={
        "oee": "figures.oee",
        "availability": "figures.availability",
        "performance": "figures.performance",
        "quality_rate": "figures.quality",
    },
)
def get_oee(ctx: ToolContext, target: str | None = None, period: str = "yesterday") -> OEEResult:
    """OEE (ISO 22400) of a line, a machine or the whole plant over a period, with availability, performance,
    quality and the time-model inputs (planned busy time, downtime, set-up, produced and good quantities).

    Args:
        target: Line or equipment code or name, e.g. "L2", "Line 2", "2号线", "CNC-03", "3号数控机床"; every line
            in the caller's scope (the plant) when omitted.
        period: Time expression, e.g. "yesterday", "last week", "昨天夜班", "2026-11-01..2026-11-07".
    """
    if target is None:
        return _plant_oee(ctx, period)
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    inputs, rows = oee_inputs(ctx.session, span, **_filters(entity))
    method = _METHOD_LINE if entity.kind == "line" else _METHOD_MACHINE
    return _result(entity.code, entity.kind, method, span, inputs, rows, scope_of(entity))


def _plant_oee(ctx: ToolContext, period: str) -> OEEResult:
    """Every line in the caller's scope summed (ISO 22400: add times and quantities, then divide)."""
    span = period_of(ctx, period, plant_wide=True)
    visible = visible_line_ids(ctx)
    parts = [
        part
        for part in oee_inputs_by(ctx.session, span, ProductionCount.line_id)
        if visible is None or part.key in visible
    ]
    inputs = aggregate(part.inputs for part in parts)
    rows = sum(part.rows for part in parts)
    return _result("plant", "plant", _METHOD_PLANT, span, inputs, rows, {"plant": "all lines in scope"})


def _result(
    code: str, kind: str, method: str, span: PeriodSpan, inputs: OEEInputs, rows: int, scope: dict[str, str]
) -> OEEResult:
    figures = breakdown(oee(inputs))
    unavailable = rows == 0 or figures.availability is None
    shown = "n/a" if figures.oee is None else f"{figures.oee:.1%}"
    return OEEResult(
        summary=f"OEE of {code} for {span.label}: {shown}" + (" (no production data)" if unavailable else ""),
        unit="ratio",
        period=span,
        scope=scope,
        provenance=provenance(["production_count"], rows, span, **{kind: code}),
        data_unavailable=unavailable,
        target=code,
        target_kind=kind,
        method=method,
        figures=figures,
    )


class OEEDay(Part):
    """OEE of one production day (calendar day of the hour the counts belong to)."""

    day: date
    oee: float | None
    availability: float | None
    performance: float | None
    quality: float | None
    good: int
    planned_busy_h: float


class OEETrendResult(ToolResult):
    """OEE by day over a period, with the OEE of the whole period computed from summed inputs."""

    target: str
    target_kind: str
    days: list[OEEDay]
    overall: OEEBreakdown
    best_day: date | None = None
    worst_day: date | None = None


@tool(
    domain="production",
    description_zh="产线或设备按天的OEE趋势，以及整个期间的OEE",
    examples=[
        "OEE trend of line 2 over the past 7 days",
        "Daily OEE for CNC-03 this month",
        "Which day last week had the worst OEE on L1?",
        "Plot line 3 OEE by day for last month",
        "2号线最近7天的OEE趋势",
        "3号数控机床本月每天的OEE",
        "上周1号线哪天OEE最低？",
        "装配线上个月每日设备综合效率",
    ],
    sample_args={"target": "L2", "period": "past 7 days"},
    metrics={
        "oee": "overall.oee",
        "availability": "overall.availability",
        "performance": "overall.performance",
        "quality_rate": "overall.quality",
    },
)
def oee_trend(ctx: ToolContext, target: str, period: str = "past 7 days") -> OEETrendResult:
    """OEE of a line or machine day by day over a period (at most 100 days), plus the whole period's OEE.

    Args:
        target: Line or equipment code or name, e.g. "L2", "2号线", "CNC-03".
        period: Time expression, e.g. "past 7 days", "this month", "上周".
    """
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    # Grouped by calendar day in SQL: date() exists on SQLite (text) and PostgreSQL (date).
    hours = oee_inputs_by(ctx.session, span, func.date(ProductionCount.hour_start), **_filters(entity))
    by_day: dict[date, list[OEEInputs]] = defaultdict(list)
    for group in hours:
        by_day[date.fromisoformat(str(group.key)[:10])].append(group.inputs)
    days = []
    for day in sorted(by_day):
        part = breakdown(oee(aggregate(by_day[day])))
        days.append(
            OEEDay(
                day=day,
                oee=part.oee,
                availability=part.availability,
                performance=part.performance,
                quality=part.quality,
                good=part.good,
                planned_busy_h=part.planned_busy_h,
            )
        )
    total_days = len(days)
    days = days[-100:]
    overall = breakdown(oee(aggregate(g.inputs for g in hours)))
    rated = [d for d in days if d.oee is not None]
    best = max(rated, key=lambda d: d.oee or 0.0).day if rated else None
    worst = min(rated, key=lambda d: d.oee or 0.0).day if rated else None
    rows = sum(g.rows for g in hours)
    return OEETrendResult(
        summary=f"OEE of {entity.code} by day for {span.label}: {len(days)} day(s), "
        + ("no production data" if not rated else f"overall {overall.oee or 0:.1%}, worst {worst}"),
        unit="ratio",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(["production_count"], rows, span, **{entity.kind: entity.code}),
        complete=total_days == len(days),
        total_count=total_days if total_days != len(days) else None,
        data_unavailable=not rated,
        target=entity.code,
        target_kind=entity.kind,
        days=days,
        overall=overall,
        best_day=best,
        worst_day=worst,
    )
