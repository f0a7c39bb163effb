"""The stories the demo plant tells are really in the data (small plant, seed 7)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Engine, text

from connectors.demo import stories


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params))


def _scalar(engine: Engine, sql: str, **params: Any) -> float:
    with engine.connect() as connection:
        return float(connection.execute(text(sql), params).scalar_one() or 0)


VIBRATION = (
    "SELECT AVG(r.value) FROM sensor_reading r JOIN sensor_tag t ON t.id = r.tag_id"
    " WHERE t.code = 'CNC-03.VIB' AND r.ts >= :start AND r.ts < :end AND r.value > 0.5"  # running hours only
)
MINOR_STOPS = (
    "SELECT COUNT(*) FROM downtime_event d JOIN equipment e ON e.id = d.equipment_id"
    " WHERE e.code = 'CNC-03' AND d.category = 'minor_stop' AND d.start >= :start AND d.start < :end"
)


def test_cnc03_vibration_and_minor_stops_rise_before_its_breakdown(small_plant_engine: Engine) -> None:
    before = {"start": "2026-10-16 06:00:00", "end": "2026-10-31 10:40:00"}
    last_two_weeks = {"start": "2026-10-31 10:40:00", "end": "2026-11-14 10:40:00"}
    last_week = {"start": "2026-11-07 10:40:00", "end": "2026-11-14 10:40:00"}
    assert stories.VIBRATION_RAMP_START.isoformat(sep=" ") == "2026-10-31 10:40:00"
    assert _scalar(small_plant_engine, VIBRATION, **last_two_weeks) > 1.4 * _scalar(
        small_plant_engine, VIBRATION, **before
    )
    # Vibration ends above the tag's alarm limit (4.5 mm/s) right before the failure.
    peak = _scalar(
        small_plant_engine,
        "SELECT MAX(r.value) FROM sensor_reading r JOIN sensor_tag t ON t.id = r.tag_id"
        " WHERE t.code = 'CNC-03.VIB' AND r.ts < '2026-11-14 10:40:00'",
    )
    assert peak > 4.5
    # Minor stops per day: the last week before the breakdown against the first two weeks of data.
    per_day_before = _scalar(small_plant_engine, MINOR_STOPS, **before) / 15.2
    per_day_last_week = _scalar(small_plant_engine, MINOR_STOPS, **last_week) / 7
    assert per_day_last_week > 2 * per_day_before


def test_cnc03_breakdown_has_a_corrective_work_order_and_downtime(small_plant_engine: Engine) -> None:
    work_orders = _rows(
        small_plant_engine,
        "SELECT w.kind, w.status, f.code, w.actual_end, w.repair_minutes FROM maintenance_work_order w"
        " JOIN equipment e ON e.id = w.equipment_id JOIN failure_mode f ON f.id = w.failure_mode_id"
        " WHERE e.code = 'CNC-03' AND w.reported_at = '2026-11-14 10:40:00.000000'",
    )
    assert [(k, s, f, str(end)[:16], minutes) for k, s, f, end, minutes in work_orders] == [
        ("corrective", "completed", "FM-SPB", "2026-11-14 17:25", 393.0)
    ]
    downtime = _rows(
        small_plant_engine,
        "SELECT r.code, d.category, d.duration_minutes, d.maintenance_work_order_id IS NOT NULL"
        " FROM downtime_event d JOIN downtime_reason r ON r.id = d.reason_id JOIN equipment e ON e.id = d.equipment_id"
        " WHERE e.code = 'CNC-03' AND d.start = '2026-11-14 10:40:00.000000'",
    )
    assert [tuple(row) for row in downtime] == [("D-301", "breakdown", 405.0, 1)]


def test_late_supplier_has_the_lowest_on_time_rate(small_plant_engine: Engine) -> None:
    rates = dict(
        _rows(
            small_plant_engine,
            "SELECT s.code, AVG(CASE WHEN l.received_date <= l.promised_date THEN 1.0 ELSE 0.0 END)"
            " FROM purchase_order_line l JOIN purchase_order p ON p.id = l.purchase_order_id"
            " JOIN supplier s ON s.id = p.supplier_id WHERE l.received_date IS NOT NULL GROUP BY s.code",
        )
    )
    late = rates.pop(stories.LATE_SUPPLIER)
    assert late < 0.6
    assert late < min(rates.values()) - 0.2


def test_vb25_seat_bore_drifts_toward_its_usl(small_plant_engine: Engine) -> None:
    rows = _rows(
        small_plant_engine,
        "SELECT julianday(m.measured_at), m.value, c.usl, c.target FROM spc_measurement m"
        " JOIN spc_characteristic c ON c.id = m.characteristic_id WHERE c.code = :code AND m.measured_at >= :since",
        code=stories.DRIFT_CHARACTERISTIC,
        since="2026-10-30 06:00:00",
    )
    days = np.array([r[0] for r in rows])
    values = np.array([r[1] for r in rows])
    usl, target = rows[0][2], rows[0][3]
    slope_per_day = np.polyfit(days - days[0], values, 1)[0]
    assert slope_per_day > 0
    first_week = values[days < days[0] + 7].mean()
    last_week = values[days >= days.max() - 7].mean()
    assert usl - last_week < usl - first_week
    assert last_week - target > 0.5 * (usl - target)


def test_some_materials_are_below_their_reorder_point(small_plant_engine: Engine) -> None:
    below = _rows(
        small_plant_engine,
        "SELECT m.code, (SELECT COALESCE(SUM(l.quantity - l.received_quantity), 0) FROM purchase_order_line l"
        "  WHERE l.material_id = m.id AND l.received_date IS NULL) AS on_order"
        " FROM material m JOIN inventory_lot i ON i.material_id = m.id"
        " GROUP BY m.id, m.code, m.reorder_point"
        " HAVING SUM(i.quantity_on_hand - i.quantity_reserved) < m.reorder_point ORDER BY m.code",
    )
    assert [code for code, _ in below] == sorted(stories.BELOW_REORDER_WITH_PO + stories.BELOW_REORDER_WITHOUT_PO)
    on_order = dict(below)
    assert all(on_order[code] > 0 for code in stories.BELOW_REORDER_WITH_PO)
    assert all(on_order[code] == 0 for code in stories.BELOW_REORDER_WITHOUT_PO)


def test_night_shift_has_clearly_more_minor_stops(small_plant_engine: Engine) -> None:
    per_hour = dict(
        _rows(
            small_plant_engine,
            "SELECT s.code, 1.0 * (SELECT COUNT(*) FROM downtime_event d WHERE d.shift_id = s.id"
            "  AND d.category = 'minor_stop') / (SELECT COUNT(*) FROM production_count p WHERE p.shift_id = s.id)"
            " FROM shift s",
        )
    )
    assert per_hour["C"] > 1.5 * max(per_hour["A"], per_hour["B"])


def test_alarm_codes_recur_on_specific_machines(small_plant_engine: Engine) -> None:
    counts = {
        (machine, code): n
        for machine, code, n in _rows(
            small_plant_engine,
            "SELECT e.code, c.code, COUNT(*) FROM alarm a JOIN equipment e ON e.id = a.equipment_id"
            " JOIN alarm_code c ON c.id = a.alarm_code_id GROUP BY e.code, c.code",
        )
    }
    background = sorted(counts.values())[len(counts) // 2]
    for machine, code, _ in stories.RECURRING_ALARMS:
        assert counts[(machine, code)] > 3 * background, (machine, code)
    assert counts[("CNC-03", "E-217")] > 3 * background


def test_background_activity_is_present(small_plant_engine: Engine) -> None:
    categories = dict(_rows(small_plant_engine, "SELECT category, COUNT(*) FROM downtime_event GROUP BY category"))
    assert {"planned_downtime", "setup", "breakdown", "minor_stop", "waiting"} <= set(categories)
    kinds = dict(_rows(small_plant_engine, "SELECT kind, COUNT(*) FROM maintenance_work_order GROUP BY kind"))
    assert kinds["preventive"] > 0
    assert kinds["corrective"] > 3
    defect_codes = _scalar(small_plant_engine, "SELECT COUNT(DISTINCT defect_code_id) FROM defect")
    assert defect_codes >= 5
    late_deliveries = _scalar(
        small_plant_engine,
        "SELECT COUNT(*) FROM delivery d JOIN sales_order_line l ON l.id = d.sales_order_line_id"
        " WHERE d.delivered_date > l.promised_date",
    )
    assert late_deliveries > 0
    scrap, rework = _rows(small_plant_engine, "SELECT SUM(scrap_qty), SUM(rework_qty) FROM production_count")[0]
    assert scrap > 0
    assert rework > 0
