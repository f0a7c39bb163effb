"""Gold values of the answer-accuracy sets, computed straight from the plant tables in SQL.

Each metric is a short SQLAlchemy Core query over `connectors.schema`, written from the definitions in
KPI.md and the schema docs; nothing here calls the tools or the eval gold functions, so the
benchmark measures the assistant against an independent reading of the data.

A question row names its metric, its scope (`{"line": "L2"}`, `{"equipment": "CNC-03"}`, ...) and its
period `[start, end)`; `gold_value(conn, row, clock)` returns a number, a code (for "which is the
top ...") or a sorted list of codes (for "which ... are late / below / open").

    python benchmarks/answers_gold.py --home DIR [--check]   # fill (or only check) the gold in the data files
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select, true

from connectors.schema import (
    Alarm,
    AlarmCode,
    Customer,
    Delivery,
    DowntimeEvent,
    DowntimeReason,
    Equipment,
    Inspection,
    InventoryLot,
    Line,
    MaintenanceWorkOrder,
    Material,
    ProductionCount,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    SensorReading,
    SensorTag,
    SpcCharacteristic,
    SpcMeasurement,
    Supplier,
)

__all__ = ["DATA_DIR", "METRICS", "Gold", "gold_value", "load_rows", "period_of", "write_rows"]

DATA_DIR = Path(__file__).resolve().parent / "answers_data"
Gold = float | str | list[str] | None
Scope = dict[str, str]
Period = tuple[datetime, datetime] | None


def _table(model: Any) -> Any:
    """The Core table of a schema model."""
    return model.__table__


def _c(model: Any) -> Any:
    """The Core columns of a schema table."""
    return _table(model).c


PC, EQ, LINE = _c(ProductionCount), _c(Equipment), _c(Line)
INSP, WO, DE, REASON = _c(Inspection), _c(MaintenanceWorkOrder), _c(DowntimeEvent), _c(DowntimeReason)
ALARM, ACODE, TAG, READING = _c(Alarm), _c(AlarmCode), _c(SensorTag), _c(SensorReading)
CHAR, MEAS = _c(SpcCharacteristic), _c(SpcMeasurement)
MAT, LOT, SUP, PO, POL = _c(Material), _c(InventoryLot), _c(Supplier), _c(PurchaseOrder), _c(PurchaseOrderLine)
CUS, SO, SOL, DLV, MO = _c(Customer), _c(SalesOrder), _c(SalesOrderLine), _c(Delivery), _c(ProductionOrder)

# d2 of the mean subgroup range (R-bar / d2 estimates the within-subgroup sigma), by subgroup size.
D2 = {2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326, 6: 2.534, 7: 2.704, 8: 2.847, 9: 2.970, 10: 3.078}

METRICS: dict[str, Callable[[Connection, Scope, Period, datetime], Gold]] = {}


def metric(name: str) -> Callable[[Callable[..., Gold]], Callable[..., Gold]]:
    def register(function: Callable[..., Gold]) -> Callable[..., Gold]:
        METRICS[name] = function
        return function

    return register


def _id(conn: Connection, table: Any, code: str) -> int:
    found = conn.execute(select(table.id).where(table.code == code)).scalar_one_or_none()
    if found is None:
        raise KeyError(f"no {table} with code {code!r}")
    return int(found)


def _in(column: Any, period: Period) -> Any:
    assert period is not None, "this metric needs a period"
    return and_(column >= period[0], column < period[1])


def _day_from(moment: datetime) -> date:
    """The first calendar day whose midnight is at or after `moment`."""
    return moment.date() if moment.time() == time(0) else moment.date() + timedelta(days=1)


def _days_in(column: Any, period: Period) -> Any:
    """A date column inside a datetime period: the day's midnight lies in [start, end)."""
    assert period is not None, "this metric needs a period"
    return and_(column >= _day_from(period[0]), column < _day_from(period[1]))


def _unit_filter(conn: Connection, scope: Scope, line_col: Any, equipment_col: Any) -> Any:
    """One machine, one line, or (neither given) the whole plant."""
    if "equipment" in scope:
        return equipment_col == _id(conn, EQ, scope["equipment"])
    if "line" in scope:
        return line_col == _id(conn, LINE, scope["line"])
    return true()


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


# --- ISO 22400 time model (KPI.md): sum every machine's hours first, then divide. -------------------


def _time_model(conn: Connection, scope: Scope, period: Period) -> dict[str, float]:
    produced = PC.good_qty + PC.scrap_qty + PC.rework_qty
    row = conn.execute(
        select(
            func.sum(PC.scheduled_minutes - PC.planned_down_minutes),
            func.sum(PC.unplanned_down_minutes),
            func.sum(PC.setup_minutes),
            func.sum(func.coalesce(PC.ideal_cycle_time_s, 0.0) * produced),
            func.sum(PC.good_qty),
            func.sum(produced),
            func.sum(PC.scrap_qty),
            func.sum(PC.rework_qty),
        ).where(_in(PC.hour_start, period), _unit_filter(conn, scope, PC.line_id, PC.equipment_id))
    ).one()
    pbt_min, adet, asut, ideal_s, good, produced_qty, scrap, rework = (float(v or 0) for v in row)
    return {
        "pbt_s": pbt_min * 60,
        "apt_s": (pbt_min - adet - asut) * 60,
        "ideal_s": ideal_s,
        "gq": good,
        "pq": produced_qty,
        "sq": scrap,
        "rq": rework,
    }


# Ratios of the summed time model: availability = APT / PBT, performance (effectiveness) = PRU x PQ / APT,
# quality rate = GQ / PQ (the OEE quality factor, not first-pass yield), scrap rate = SQ / PQ.
TIME_MODEL_RATIOS = {
    "availability": ("apt_s", "pbt_s"),
    "performance": ("ideal_s", "apt_s"),
    "quality_rate": ("gq", "pq"),
    "scrap_rate": ("sq", "pq"),
}


def _time_model_ratio(numerator: str, denominator: str) -> Callable[..., Gold]:
    def ratio(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
        t = _time_model(conn, scope, period)
        return _ratio(t[numerator], t[denominator])

    return ratio


for _name, (_numerator, _denominator) in TIME_MODEL_RATIOS.items():
    METRICS[_name] = _time_model_ratio(_numerator, _denominator)


@metric("oee")
def oee(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """A x P x Q = (APT / PBT) x (PRU x PQ / APT) x (GQ / PQ), which reduces to PRU x PQ x GQ / PQ / PBT."""
    t = _time_model(conn, scope, period)
    return _ratio(t["ideal_s"] * t["gq"] / t["pq"], t["pbt_s"]) if t["pq"] else None


@metric("good_count")
def good_count(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Good parts: a line's are counted once, at its line-output station; a machine's at that machine."""
    query = select(func.coalesce(func.sum(PC.good_qty), 0)).where(_in(PC.hour_start, period))
    if "equipment" in scope:
        query = query.where(PC.equipment_id == _id(conn, EQ, scope["equipment"]))
    else:
        query = (
            query.select_from(_table(ProductionCount))
            .join(_table(Equipment), EQ.id == PC.equipment_id)
            .where(EQ.is_line_output.is_(True))
        )
        if "line" in scope:
            query = query.where(PC.line_id == _id(conn, LINE, scope["line"]))
    return float(conn.execute(query).scalar_one())


@metric("fpy")
def first_pass_yield(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Parts good at first inspection / parts inspected."""
    passed, inspected = conn.execute(
        select(func.sum(INSP.quantity_passed_first), func.sum(INSP.quantity_inspected)).where(
            _in(INSP.inspected_at, period), _unit_filter(conn, scope, INSP.line_id, INSP.equipment_id)
        )
    ).one()
    return _ratio(float(passed or 0), float(inspected or 0))


# --- Maintenance: failures are corrective work orders reported in the period. ---------------------


def _failures(conn: Connection, scope: Scope, period: Period) -> list[float]:
    rows = conn.execute(
        select(WO.repair_minutes).where(
            WO.kind == "corrective",
            _in(WO.reported_at, period),
            _unit_filter(conn, scope, WO.line_id, WO.equipment_id),
        )
    ).all()
    return [float(minutes or 0) for (minutes,) in rows]


@metric("breakdowns")
def breakdowns(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return float(len(_failures(conn, scope, period)))


@metric("mtbf_h")
def mtbf_h(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Operating time (APT) / failures; None (no finite value) without failures."""
    failures = _failures(conn, scope, period)
    return _time_model(conn, scope, period)["apt_s"] / 3600 / len(failures) if failures else None


@metric("mttr_h")
def mttr_h(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    failures = _failures(conn, scope, period)
    return sum(failures) / 60 / len(failures) if failures else None


# --- Downtime events (by the stop's start). ----------------------------------------------------------


def _events(conn: Connection, scope: Scope, period: Period) -> list[Any]:
    """Unplanned and set-up stops that began in the period."""
    return [
        DE.category != "planned_downtime",
        _in(DE.start, period),
        _unit_filter(conn, scope, DE.line_id, DE.equipment_id),
    ]


def _top_code(conn: Connection, code: Any, measure: Any, facts: Any, codes: Any, filters: list[Any]) -> Gold:
    """The code with the largest `measure` over the filtered facts (ties: the smaller code)."""
    row = conn.execute(
        select(code, measure)
        .select_from(_table(facts))
        .join(_table(codes))
        .where(*filters)
        .group_by(code)
        .order_by(measure.desc(), code)
        .limit(1)
    ).first()
    return None if row is None else str(row[0])


@metric("top_downtime_reason")
def top_downtime_reason(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """The reason code with the most stop minutes, planned downtime (breaks, planned maintenance) left out."""
    minutes = func.sum(DE.duration_minutes)
    return _top_code(conn, REASON.code, minutes, DowntimeEvent, DowntimeReason, _events(conn, scope, period))


@metric("breakdown_minutes")
def breakdown_minutes(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    query = select(func.coalesce(func.sum(DE.duration_minutes), 0.0)).where(
        DE.category == "breakdown", *_events(conn, scope, period)
    )
    return float(conn.execute(query).scalar_one())


@metric("minor_stops")
def minor_stops(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    query = select(func.count()).where(DE.category == "minor_stop", *_events(conn, scope, period))
    return float(conn.execute(query).scalar_one())


# --- Alarms and sensors. -------------------------------------------------------------------------------


def _alarm_filters(conn: Connection, scope: Scope, period: Period) -> list[Any]:
    filters = [_in(ALARM.raised_at, period)]
    if "equipment" in scope or "line" in scope:
        filters.append(_unit_filter(conn, scope, ALARM.line_id, ALARM.equipment_id))
    if "alarm" in scope:
        filters.append(ALARM.alarm_code_id == _id(conn, ACODE, scope["alarm"]))
    return filters


@metric("alarm_count")
def alarm_count(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return float(conn.execute(select(func.count()).where(*_alarm_filters(conn, scope, period))).scalar_one())


@metric("top_alarm")
def top_alarm(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return _top_code(conn, ACODE.code, func.count(), Alarm, AlarmCode, _alarm_filters(conn, scope, period))


def _readings(conn: Connection, scope: Scope, period: Period, aggregate: Any) -> Gold:
    value = conn.execute(
        select(aggregate(READING.value)).where(READING.tag_id == _id(conn, TAG, scope["tag"]), _in(READING.ts, period))
    ).scalar_one()
    return None if value is None else float(value)


@metric("sensor_mean")
def sensor_mean(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return _readings(conn, scope, period, func.avg)


@metric("sensor_max")
def sensor_max(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return _readings(conn, scope, period, func.max)


# --- SPC. ------------------------------------------------------------------------------------------------


@metric("cpk")
def cpk(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """min(USL - mean, mean - LSL) / 3 sigma; sigma = R-bar / d2 over the complete subgroups in the period."""
    char = conn.execute(
        select(CHAR.id, CHAR.lsl, CHAR.usl, CHAR.subgroup_size).where(CHAR.code == scope["characteristic"])
    ).one()
    subgroups = conn.execute(
        select(func.max(MEAS.value) - func.min(MEAS.value), func.sum(MEAS.value), func.count())
        .where(MEAS.characteristic_id == char.id, _in(MEAS.measured_at, period))
        .group_by(MEAS.subgroup)
    ).all()
    ranges = [float(spread) for spread, _, count in subgroups if count == char.subgroup_size]
    if not ranges:
        return None
    sigma = sum(ranges) / len(ranges) / D2[char.subgroup_size]
    mean = sum(float(total) for _, total, _ in subgroups) / sum(int(count) for _, _, count in subgroups)
    return float(min(char.usl - mean, mean - char.lsl) / (3 * sigma))


# --- Stock and purchasing (as of the plant clock). --------------------------------------------------------


def _stock(conn: Connection, available: bool) -> Any:
    quantity = LOT.quantity_on_hand - LOT.quantity_reserved if available else LOT.quantity_on_hand
    return select(LOT.material_id, func.sum(quantity).label("qty")).group_by(LOT.material_id).subquery()


def _material_stock(conn: Connection, material: str, available: bool) -> float:
    stock = _stock(conn, available=available)
    value = conn.execute(select(stock.c.qty).where(stock.c.material_id == _id(conn, MAT, material))).scalar()
    return float(value or 0)


@metric("on_hand")
def on_hand(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return _material_stock(conn, scope["material"], available=False)


@metric("available")
def available(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    return _material_stock(conn, scope["material"], available=True)


@metric("below_reorder")
def below_reorder(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Materials whose available stock (on hand - reserved) is below their reorder point."""
    stock = _stock(conn, available=True)
    query = (
        select(MAT.code)
        .outerjoin(stock, stock.c.material_id == MAT.id)
        .where(func.coalesce(stock.c.qty, 0) < MAT.reorder_point)
    )
    if "supplier" in scope:
        query = query.where(MAT.default_supplier_id == _id(conn, SUP, scope["supplier"]))
    return sorted(str(code) for (code,) in conn.execute(query))


def _open_po_lines(conn: Connection, scope: Scope) -> Any:
    query = (
        select(PO.code)
        .select_from(_table(PurchaseOrderLine))
        .join(_table(PurchaseOrder), PO.id == POL.purchase_order_id)
        .where(POL.received_quantity < POL.quantity)
    )
    if "supplier" in scope:
        query = query.where(PO.supplier_id == _id(conn, SUP, scope["supplier"]))
    if "material" in scope:
        query = query.where(POL.material_id == _id(conn, MAT, scope["material"]))
    return query


def _codes(conn: Connection, query: Any) -> list[str]:
    return sorted({str(code) for (code,) in conn.execute(query)})


@metric("late_pos")
def late_pos(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Purchase orders with a line not fully received whose promised date is before today."""
    return _codes(conn, _open_po_lines(conn, scope).where(POL.promised_date < clock.date()))


@metric("open_pos")
def open_pos(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Purchase orders with a line not fully received (promised in the period, when one is given)."""
    query = _open_po_lines(conn, scope)
    if period is not None:
        query = query.where(_days_in(POL.promised_date, period))
    return _codes(conn, query)


@metric("supplier_otd")
def supplier_otd(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """PO lines received on or before their promised date / PO lines received in the period."""
    on_time = func.sum(case((POL.received_date <= POL.promised_date, 1), else_=0))
    row = conn.execute(
        select(on_time, func.count())
        .select_from(_table(PurchaseOrderLine))
        .join(_table(PurchaseOrder), PO.id == POL.purchase_order_id)
        .where(
            PO.supplier_id == _id(conn, SUP, scope["supplier"]),
            POL.received_date.is_not(None),
            _days_in(POL.received_date, period),
        )
    ).one()
    return _ratio(float(row[0] or 0), float(row[1]))


# --- Sales, production orders and maintenance work orders. ----------------------------------------------


@metric("late_sos")
def late_sos(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Sales orders with a line delivered short whose promised date is before today."""
    delivered = (
        select(func.coalesce(func.sum(DLV.quantity), 0)).where(DLV.sales_order_line_id == SOL.id).scalar_subquery()
    )
    query = (
        select(SO.code)
        .select_from(_table(SalesOrderLine))
        .join(_table(SalesOrder), SO.id == SOL.sales_order_id)
        .where(delivered < SOL.quantity, SOL.promised_date < clock.date())
    )
    if "customer" in scope:
        query = query.where(SO.customer_id == _id(conn, CUS, scope["customer"]))
    return _codes(conn, query)


def _line_filter(conn: Connection, scope: Scope, column: Any) -> list[Any]:
    return [column == _id(conn, LINE, scope["line"])] if "line" in scope else []


@metric("schedule_adherence")
def schedule_adherence(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Production orders due in the period completed by their due date / orders due in the period."""
    on_time = and_(MO.status == "completed", MO.actual_end <= MO.due_date)
    rows = conn.execute(select(on_time).where(_in(MO.due_date, period), *_line_filter(conn, scope, MO.line_id))).all()
    return _ratio(float(sum(bool(value) for (value,) in rows)), float(len(rows)))


@metric("late_production_orders")
def late_production_orders(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Production orders due in the period that were not completed by their due date."""
    missed = or_(MO.status != "completed", MO.actual_end > MO.due_date)
    return _codes(conn, select(MO.code).where(_in(MO.due_date, period), missed, *_line_filter(conn, scope, MO.line_id)))


def _work_orders(conn: Connection, scope: Scope) -> Any:
    query = select(WO.code).where(WO.status != "completed")
    if "line" in scope or "equipment" in scope:
        query = query.where(_unit_filter(conn, scope, WO.line_id, WO.equipment_id))
    return query


@metric("open_wos")
def open_wos(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Maintenance work orders not completed."""
    return _codes(conn, _work_orders(conn, scope))


@metric("overdue_wos")
def overdue_wos(conn: Connection, scope: Scope, period: Period, clock: datetime) -> Gold:
    """Maintenance work orders not completed whose planned start has passed."""
    return _codes(conn, _work_orders(conn, scope).where(WO.planned_start < clock))


# --- Rows and the data files. -------------------------------------------------------------------------------


def period_of(row: dict[str, Any]) -> Period:
    """The row's gold period as datetimes, or None for an as-of-the-clock question."""
    period = row.get("period")
    if not period:
        return None
    return datetime.fromisoformat(period["start"]), datetime.fromisoformat(period["end"])


def gold_value(conn: Connection, row: dict[str, Any], clock: datetime) -> Gold:
    """The gold of one question row (None for an honest-kind row or a value with no finite gold)."""
    if row["kind"] == "honest":
        return None
    value: Gold = METRICS[row["metric"]](conn, row.get("scope") or {}, period_of(row), clock)
    return round(value, 6) if isinstance(value, float) else value


def load_rows(name: str) -> list[dict[str, Any]]:
    """The rows of `answers_data/NAME.jsonl`."""
    path = DATA_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_rows(name: str, rows: Sequence[dict[str, Any]]) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (DATA_DIR / f"{name}.jsonl").write_text(text, encoding="utf-8")


def main() -> None:
    from connectors import DatabaseConfig, open_engine, plant_clock

    parser = argparse.ArgumentParser(description="Fill or check the gold values of the answer sets.")
    parser.add_argument("--home", type=Path, required=True, help="Data home holding the medium plant (seed 7).")
    parser.add_argument("--check", action="store_true", help="Only report rows whose stored gold differs.")
    args = parser.parse_args()
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{args.home / 'plant.db'}"))
    from sqlmodel import Session

    with Session(engine) as session:
        clock = plant_clock(session)
    differ = 0
    with engine.connect() as conn:
        for name in ("dev", "heldout"):
            rows = load_rows(name)
            for row in rows:
                value = gold_value(conn, row, clock)
                if value != row.get("gold"):
                    differ += 1
                    print(f"{name} {row['id']}: stored {row.get('gold')!r}, computed {value!r}")
                row["gold"] = value
            if not args.check:
                write_rows(name, rows)
    engine.dispose()
    print(f"{differ} gold value(s) {'differ' if args.check else 'updated'}")
    sys.exit(1 if args.check and differ else 0)


if __name__ == "__main__":
    main()
