"""Gold functions of the production domain: OEE, output, downtime (ISO 22400, KPI.md)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from connectors.schema import DowntimeEvent, DowntimeReason, Equipment, Line, ProductionCount
from evals.gold.common import by_code, period
from evals.gold.registry import GoldRegistry
from tools.kpi import OEEInputs, aggregate, oee

__all__ = ["register_production"]


def _counts(
    session: Session,
    now: datetime,
    *,
    period_expr: str,
    line: str | None = None,
    equipment: str | None = None,
    output_only: bool = False,
) -> list[ProductionCount]:
    start, end = period(period_expr, now)
    query = select(ProductionCount).where(ProductionCount.hour_start >= start, ProductionCount.hour_start < end)
    if line is not None:
        query = query.where(ProductionCount.line_id == by_code(session, Line, line).id)
    if equipment is not None:
        query = query.where(ProductionCount.equipment_id == by_code(session, Equipment, equipment).id)
    if output_only:
        query = query.join(Equipment, col(Equipment.id) == ProductionCount.equipment_id).where(
            col(Equipment.is_line_output).is_(True)
        )
    return list(session.exec(query))


def _inputs(row: ProductionCount) -> OEEInputs:
    produced = row.good_qty + row.scrap_qty + row.rework_qty
    return OEEInputs(
        pot_s=row.scheduled_minutes * 60,
        pdot_s=row.planned_down_minutes * 60,
        adet_s=row.unplanned_down_minutes * 60,
        asut_s=row.setup_minutes * 60,
        ideal_run_s=(row.ideal_cycle_time_s or 0.0) * produced,
        pq=produced,
        gq=row.good_qty,
        sq=row.scrap_qty,
        rq=row.rework_qty,
    )


def register_production(gold: GoldRegistry) -> None:
    @gold.reference("equipment_oee")
    def equipment_oee(session: Session, now: datetime, equipment: str, period: str) -> float | None:
        """OEE of one machine over a period: time model and quantities summed, then divided (ISO 22400)."""
        rows = _counts(session, now, period_expr=period, equipment=equipment)
        return oee(aggregate(_inputs(r) for r in rows)).oee

    @gold.reference("line_oee")
    def line_oee(session: Session, now: datetime, line: str, period: str) -> float | None:
        """OEE of a line over a period: every machine of the line, times and quantities summed first."""
        rows = _counts(session, now, period_expr=period, line=line)
        return oee(aggregate(_inputs(r) for r in rows)).oee

    @gold.reference("line_availability")
    def line_availability(session: Session, now: datetime, line: str, period: str) -> float | None:
        """Availability = APT / PBT of a line over a period."""
        rows = _counts(session, now, period_expr=period, line=line)
        return oee(aggregate(_inputs(r) for r in rows)).availability

    @gold.reference("line_good_output")
    def line_good_output(session: Session, now: datetime, line: str, period: str) -> int:
        """Good parts of a line: the good count of its output station (parts counted once)."""
        rows = _counts(session, now, period_expr=period, line=line, output_only=True)
        return sum(r.good_qty for r in rows)

    @gold.reference("line_unplanned_downtime_min")
    def line_unplanned_downtime_min(session: Session, now: datetime, line: str, period: str) -> float:
        """Unplanned downtime (ADET) minutes of a line's machines, from the hourly time model."""
        rows = _counts(session, now, period_expr=period, line=line)
        return round(sum(r.unplanned_down_minutes for r in rows), 1)

    @gold.reference("top_downtime_reason")
    def top_downtime_reason(session: Session, now: datetime, line: str, period: str) -> str | None:
        """Code of the downtime reason with the most minutes on a line in a period (planned stops excluded)."""
        start, end = _span(period, now)
        line_id = by_code(session, Line, line).id
        minutes: dict[str, float] = defaultdict(float)
        query = (
            select(DowntimeEvent, DowntimeReason)
            .join(DowntimeReason, col(DowntimeReason.id) == DowntimeEvent.reason_id)
            .where(DowntimeEvent.line_id == line_id, DowntimeEvent.start >= start, DowntimeEvent.start < end)
            .where(col(DowntimeReason.planned).is_(False))
        )
        for event, reason in session.exec(query):
            minutes[reason.code] += event.duration_minutes
        return max(minutes, key=lambda code: minutes[code]) if minutes else None


def _span(expression: str, now: datetime) -> tuple[datetime, datetime]:
    return period(expression, now)
