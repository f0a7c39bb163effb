"""Pieces shared by the built-in tools: argument types, result parts and small helpers."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlmodel import col

from connectors.schema import Line
from tools.contract import PeriodSpan, Provenance, ToolContext
from tools.kpi import OEEFigures
from tools.permissions import in_scope
from tools.queries import fmt_period
from tools.resolvers import Entity, resolve_tool_period

__all__ = [
    "PLANT_WIDE_SPAN",
    "Limit",
    "OEEBreakdown",
    "Part",
    "breakdown",
    "line_codes",
    "period_of",
    "provenance",
    "r",
    "scope_of",
    "total",
    "truncation",
    "visible_line_ids",
]

#: A bounded result size: every list a tool returns is cut at `limit` (at most 100).
Limit = Annotated[int, Field(ge=1, le=100)]


class Part(BaseModel):
    """Base of the rows and parts inside tool results (forbids unknown fields, like the results)."""

    model_config = ConfigDict(extra="forbid")


def truncation(count: int, limit: int) -> dict[str, Any]:
    """`complete` and `total_count` of a result list cut at `limit` rows out of `count`."""
    return {"complete": count <= limit, "total_count": count if count > limit else None}


def r(value: float | None, digits: int = 6) -> float | None:
    """Round for display without losing what a person would quote (None stays None)."""
    return None if value is None else round(value, digits)


class OEEBreakdown(Part):
    """OEE with its factors (ISO 22400-2) and every input they come from; ratios in [0, 1], times in hours."""

    oee: float | None = Field(description="Availability x effectiveness x quality ratio.")
    availability: float | None = Field(description="APT / PBT.")
    performance: float | None = Field(description="Effectiveness = PRU x PQ / APT.")
    quality: float | None = Field(description="GQ / PQ.")
    nee: float | None = Field(None, description="Net equipment effectiveness: set-up not counted as a loss.")
    planned_operation_h: float = Field(description="POT: scheduled time.")
    planned_downtime_h: float = Field(description="PDOT: breaks, planned maintenance.")
    planned_busy_h: float = Field(description="PBT = POT - PDOT.")
    unplanned_downtime_h: float = Field(description="ADET: breakdowns, minor stops, waiting.")
    setup_h: float = Field(description="ASUT: changeovers.")
    production_h: float = Field(description="APT = PBT - ADET - ASUT.")
    ideal_run_h: float = Field(description="PRU x PQ summed over products.")
    produced: int = Field(description="PQ")
    good: int = Field(description="GQ")
    scrap: int = Field(description="SQ")
    rework: int = Field(description="RQ")


def breakdown(figures: OEEFigures) -> OEEBreakdown:
    """The result part of an OEE computation."""
    i = figures.inputs
    return OEEBreakdown(
        oee=r(figures.oee),
        availability=r(figures.availability),
        performance=r(figures.effectiveness),
        quality=r(figures.quality),
        nee=r(figures.nee),
        planned_operation_h=round(i.pot_s / 3600, 4),
        planned_downtime_h=round(i.pdot_s / 3600, 4),
        planned_busy_h=round(i.pbt_s / 3600, 4),
        unplanned_downtime_h=round(i.adet_s / 3600, 4),
        setup_h=round(i.asut_s / 3600, 4),
        production_h=round(i.apt_s / 3600, 4),
        ideal_run_h=round(i.ideal_run_s / 3600, 4),
        produced=i.pq,
        good=i.gq,
        scrap=i.sq,
        rework=i.rq,
    )


#: Plant-wide queries (no line given) read every line: their periods are cut shorter than one line's.
PLANT_WIDE_SPAN = timedelta(days=92)


def period_of(ctx: ToolContext, expression: str, *, plant_wide: bool = False, due_dates: bool = False) -> PeriodSpan:
    """Resolve a tool's `period` argument (see `tools.resolvers.resolve_period`); at most 366 days, or
    92 days for a plant-wide query. `due_dates`: the period filters due or promised dates, so it may lie
    ahead of the clock ("orders due next week")."""
    if plant_wide:
        return resolve_tool_period(ctx, expression, max_span=PLANT_WIDE_SPAN, allow_future=due_dates)
    return resolve_tool_period(ctx, expression, allow_future=due_dates)


def scope_of(*entities: Entity | None) -> dict[str, str]:
    """The `scope` of a result: kind -> code of every entity it is about."""
    return {entity.kind: entity.code for entity in entities if entity is not None}


def provenance(tables: list[str], rows: int, period: PeriodSpan | None = None, **filters: str | None) -> Provenance:
    """Provenance with the period and the non-empty filters as strings."""
    shown = {name: value for name, value in filters.items() if value is not None}
    if period is not None:
        shown = {"period": fmt_period(period), **shown}
    return Provenance(tables=tables, filters=shown, row_count=rows)


def visible_line_ids(ctx: ToolContext) -> list[int] | None:
    """Lines a plant-wide query may read: None for an unscoped caller, else the ids of the lines in scope."""
    if not ctx.scopes:
        return None
    rows = ctx.session.execute(select(col(Line.id), col(Line.code))).all()
    return [line_id for line_id, code in rows if in_scope(ctx, code)]


def line_codes(ctx: ToolContext) -> dict[int, str]:
    """Line id -> code."""
    return {line_id: code for line_id, code in ctx.session.execute(select(col(Line.id), col(Line.code))).all()}


def total(statement: Any, session: Any) -> int:
    """How many rows a (filtered) select would return, for `total_count` of truncated lists."""
    return int(session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one())
