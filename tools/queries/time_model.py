"""ISO 22400 time model inputs summed from hourly production counts.

The sums run in SQL (one row per group), so a month of one line is a single indexed range scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from connectors.schema import ProductionCount
from tools.contract import PeriodSpan
from tools.kpi import OEEInputs
from tools.queries.common import within

__all__ = ["GroupedInputs", "oee_inputs", "oee_inputs_by"]

PC = ProductionCount


@dataclass(frozen=True)
class GroupedInputs:
    """Time-model inputs of one group (a machine, a shift, a product, an hour) and the rows behind them."""

    key: Any
    inputs: OEEInputs
    rows: int


def _columns() -> list[Any]:
    produced = PC.good_qty + PC.scrap_qty + PC.rework_qty
    return [
        func.coalesce(func.sum(PC.scheduled_minutes), 0.0),
        func.coalesce(func.sum(PC.planned_down_minutes), 0.0),
        func.coalesce(func.sum(PC.unplanned_down_minutes), 0.0),
        func.coalesce(func.sum(PC.setup_minutes), 0.0),
        func.coalesce(func.sum(func.coalesce(PC.ideal_cycle_time_s, 0.0) * produced), 0.0),
        func.coalesce(func.sum(PC.good_qty), 0),
        func.coalesce(func.sum(PC.scrap_qty), 0),
        func.coalesce(func.sum(PC.rework_qty), 0),
        func.count(),
    ]


def _inputs(values: Any) -> tuple[OEEInputs, int]:
    pot, pdot, adet, asut, ideal, good, scrap, rework, rows = values
    produced = int(good) + int(scrap) + int(rework)
    inputs = OEEInputs(
        pot_s=float(pot) * 60,
        pdot_s=float(pdot) * 60,
        adet_s=float(adet) * 60,
        asut_s=float(asut) * 60,
        ideal_run_s=float(ideal),
        pq=produced,
        gq=int(good),
        sq=int(scrap),
        rq=int(rework),
    )
    return inputs, int(rows)


def _filters(period: PeriodSpan, line_id: int | None, equipment_id: int | None) -> list[Any]:
    filters: list[Any] = [within(PC.hour_start, period)]
    if equipment_id is not None:
        filters.append(PC.equipment_id == equipment_id)
    if line_id is not None:
        filters.append(PC.line_id == line_id)
    return filters


def oee_inputs(
    session: Session, period: PeriodSpan, *, line_id: int | None = None, equipment_id: int | None = None
) -> tuple[OEEInputs, int]:
    """Summed time model of a line (all its machines) or one machine over a period, and the row count."""
    row = session.execute(select(*_columns()).where(*_filters(period, line_id, equipment_id))).one()
    return _inputs(row)


def oee_inputs_by(
    session: Session,
    period: PeriodSpan,
    group: Any,
    *,
    line_id: int | None = None,
    equipment_id: int | None = None,
) -> list[GroupedInputs]:
    """Summed time model per value of `group` (a ProductionCount column), in group order."""
    statement = (
        select(group, *_columns()).where(*_filters(period, line_id, equipment_id)).group_by(group).order_by(group)
    )
    out = []
    for row in session.execute(statement):
        inputs, rows = _inputs(row[1:])
        out.append(GroupedInputs(row[0], inputs, rows))
    return out
