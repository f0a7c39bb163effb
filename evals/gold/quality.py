"""Gold functions of the quality domain: scrap, first pass yield, defects, capability."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from connectors.schema import Defect, DefectCode, Inspection, Line, SpcCharacteristic, SpcMeasurement
from evals.gold.common import by_code, period
from evals.gold.production import _counts
from evals.gold.registry import GoldRegistry
from tools.kpi import capability, first_pass_yield, quality_ratios

__all__ = ["register_quality"]


def register_quality(gold: GoldRegistry) -> None:
    @gold.reference("line_scrap_ratio")
    def line_scrap_ratio(session: Session, now: datetime, line: str, period: str) -> float | None:
        """Scrap ratio SQ / PQ over every machine of a line in a period."""
        rows = _counts(session, now, period_expr=period, line=line)
        good, scrap, rework = (sum(getattr(r, f) for r in rows) for f in ("good_qty", "scrap_qty", "rework_qty"))
        return quality_ratios(good + scrap + rework, good, scrap, rework).scrap_ratio

    @gold.reference("line_first_pass_yield")
    def line_first_pass_yield(session: Session, now: datetime, line: str, period: str) -> float | None:
        """Parts good at first inspection / parts inspected, inspections of a line in a period."""
        start, end = _period(period, now)
        query = select(Inspection).where(
            Inspection.line_id == by_code(session, Line, line).id,
            Inspection.inspected_at >= start,
            Inspection.inspected_at < end,
        )
        rows = list(session.exec(query))
        return first_pass_yield(sum(r.quantity_passed_first for r in rows), sum(r.quantity_inspected for r in rows))

    @gold.reference("line_defect_quantity")
    def line_defect_quantity(session: Session, now: datetime, line: str, period: str) -> int:
        """Defective parts recorded on a line's inspections in a period."""
        start, end = _period(period, now)
        query = (
            select(Defect)
            .join(Inspection, col(Inspection.id) == Defect.inspection_id)
            .where(Inspection.line_id == by_code(session, Line, line).id)
            .where(Defect.detected_at >= start, Defect.detected_at < end)
        )
        return sum(d.quantity for d in session.exec(query))

    @gold.reference("top_defect_code")
    def top_defect_code(session: Session, now: datetime, line: str, period: str) -> str | None:
        """Defect code with the largest quantity on a line in a period."""
        start, end = _period(period, now)
        totals: dict[str, int] = defaultdict(int)
        query = (
            select(Defect, DefectCode)
            .join(DefectCode, col(DefectCode.id) == Defect.defect_code_id)
            .join(Inspection, col(Inspection.id) == Defect.inspection_id)
            .where(Inspection.line_id == by_code(session, Line, line).id)
            .where(Defect.detected_at >= start, Defect.detected_at < end)
        )
        for defect, code in session.exec(query):
            totals[code.code] += defect.quantity
        return max(totals, key=lambda c: totals[c]) if totals else None

    @gold.reference("characteristic_cpk")
    def characteristic_cpk(session: Session, now: datetime, characteristic: str, period: str) -> float | None:
        """Cpk (within-subgroup sigma, R-bar/d2) of an SPC characteristic's measurements in a period."""
        char = by_code(session, SpcCharacteristic, characteristic)
        start, end = _period(period, now)
        query = (
            select(SpcMeasurement)
            .where(SpcMeasurement.characteristic_id == char.id)
            .where(SpcMeasurement.measured_at >= start, SpcMeasurement.measured_at < end)
            .order_by(col(SpcMeasurement.subgroup), col(SpcMeasurement.sample))
        )
        values = [m.value for m in session.exec(query)]
        if not values:
            return None
        return capability(values, char.lsl, char.usl, char.subgroup_size).cpk


def _period(expression: str, now: datetime) -> tuple[datetime, datetime]:
    return period(expression, now)
