"""Gold functions of the maintenance domain: failures, MTBF, MTTR, work orders."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from connectors.schema import Equipment, Line, MaintenanceWorkOrder
from evals.gold.common import by_code, period
from evals.gold.production import _counts
from evals.gold.registry import GoldRegistry
from tools.kpi import ReliabilityFigures, reliability

__all__ = ["register_maintenance"]


def _failures(session: Session, now: datetime, equipment: str, period_expr: str) -> list[MaintenanceWorkOrder]:
    start, end = period(period_expr, now)
    query = select(MaintenanceWorkOrder).where(
        MaintenanceWorkOrder.equipment_id == by_code(session, Equipment, equipment).id,
        MaintenanceWorkOrder.kind == "corrective",
        MaintenanceWorkOrder.reported_at >= start,
        MaintenanceWorkOrder.reported_at < end,
    )
    return list(session.exec(query))


def _reliability(session: Session, now: datetime, equipment: str, period_expr: str) -> ReliabilityFigures:
    rows = _counts(session, now, period_expr=period_expr, equipment=equipment)
    operating_h = sum(r.run_minutes for r in rows) / 60.0
    repairs = [(w.repair_minutes or 0.0) / 60.0 for w in _failures(session, now, equipment, period_expr)]
    return reliability(operating_h, repairs)


def register_maintenance(gold: GoldRegistry) -> None:
    @gold.reference("equipment_failures")
    def equipment_failures(session: Session, now: datetime, equipment: str, period: str) -> int:
        """Corrective (breakdown) work orders of a machine reported in a period."""
        return len(_failures(session, now, equipment, period))

    @gold.reference("equipment_mtbf_h")
    def equipment_mtbf_h(session: Session, now: datetime, equipment: str, period: str) -> float | None:
        """MTBF in hours: run time (APT) in the period / corrective failures (None without failures)."""
        return _reliability(session, now, equipment, period).mtbf_h

    @gold.reference("equipment_mttr_h")
    def equipment_mttr_h(session: Session, now: datetime, equipment: str, period: str) -> float | None:
        """MTTR in hours: repair time of the corrective work orders / their number."""
        return _reliability(session, now, equipment, period).mttr_h

    @gold.reference("open_work_orders")
    def open_work_orders(session: Session, now: datetime, line: str) -> int:
        """Maintenance work orders of a line not completed at the plant clock."""
        query = select(MaintenanceWorkOrder).where(
            MaintenanceWorkOrder.line_id == by_code(session, Line, line).id,
            MaintenanceWorkOrder.status != "completed",
        )
        return len(list(session.exec(query)))
