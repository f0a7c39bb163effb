"""The data obeys the ISO 22400 time model, and the tables agree with one another."""

from __future__ import annotations

from sqlalchemy import Engine, text


def _scalar(engine: Engine, sql: str) -> float:
    with engine.connect() as connection:
        return float(connection.execute(text(sql)).scalar_one() or 0)


def test_each_hour_splits_into_pdot_asut_adet_and_run(small_plant_engine: Engine) -> None:
    broken = _scalar(
        small_plant_engine,
        "SELECT COUNT(*) FROM production_count WHERE ABS(scheduled_minutes - planned_down_minutes - setup_minutes"
        " - unplanned_down_minutes - run_minutes) > 1e-9 OR run_minutes < 0",
    )
    assert broken == 0


def test_hourly_minutes_match_the_downtime_events_on_a_round_the_clock_line(small_plant_engine: Engine) -> None:
    # Line 2 is scheduled every hour of the horizon, so every stop minute falls in a counted hour.
    for category, column in (("setup", "setup_minutes"), ("planned_downtime", "planned_down_minutes")):
        events = _scalar(
            small_plant_engine,
            "SELECT SUM(duration_minutes) FROM downtime_event d JOIN line l ON l.id = d.line_id"
            f" WHERE l.code = 'L2' AND d.category = '{category}'",
        )
        counted = _scalar(
            small_plant_engine,
            f"SELECT SUM({column}) FROM production_count p JOIN line l ON l.id = p.line_id WHERE l.code = 'L2'",
        )
        assert events == counted > 0
    unplanned_events = _scalar(
        small_plant_engine,
        "SELECT SUM(duration_minutes) FROM downtime_event d JOIN line l ON l.id = d.line_id"
        " WHERE l.code = 'L2' AND d.category IN ('breakdown', 'minor_stop', 'waiting', 'quality_hold')",
    )
    unplanned_counted = _scalar(
        small_plant_engine,
        "SELECT SUM(unplanned_down_minutes) FROM production_count p JOIN line l ON l.id = p.line_id"
        " WHERE l.code = 'L2'",
    )
    assert unplanned_events == unplanned_counted > 0


def test_order_good_quantity_is_the_output_stations_good_count(small_plant_engine: Engine) -> None:
    mismatches = _scalar(
        small_plant_engine,
        "SELECT COUNT(*) FROM production_order o WHERE o.quantity_good != (SELECT COALESCE(SUM(p.good_qty), 0)"
        " FROM production_count p JOIN equipment e ON e.id = p.equipment_id"
        " WHERE p.production_order_id = o.id AND e.is_line_output = 1)",
    )
    assert mismatches == 0


def test_completed_orders_reached_their_quantity(small_plant_engine: Engine) -> None:
    short = _scalar(
        small_plant_engine,
        "SELECT COUNT(*) FROM production_order WHERE status = 'completed' AND quantity_good < quantity_planned",
    )
    assert short == 0


def test_most_orders_are_on_time_but_not_all(small_plant_engine: Engine) -> None:
    on_time = _scalar(
        small_plant_engine,
        "SELECT AVG(CASE WHEN actual_end <= due_date THEN 1.0 ELSE 0.0 END) FROM production_order"
        " WHERE status = 'completed'",
    )
    assert 0.6 < on_time < 0.98


def test_line_2_produced_yesterday_with_a_plausible_oee(small_plant_engine: Engine) -> None:
    # OEE = PRU x GQ / PBT (KPI.md), summed over the machines of line 2 for 2026-11-19 06:00 .. 11-20 06:00.
    oee = _scalar(
        small_plant_engine,
        "SELECT SUM(ideal_cycle_time_s * good_qty) / 60.0 / SUM(scheduled_minutes - planned_down_minutes)"
        " FROM production_count p JOIN line l ON l.id = p.line_id"
        " WHERE l.code = 'L2' AND hour_start >= '2026-11-19 06:00:00' AND hour_start < '2026-11-20 06:00:00'",
    )
    assert 0.5 < oee < 0.95


def test_scheduled_hours_follow_the_shift_calendar(small_plant_engine: Engine) -> None:
    # Line 4 works shifts A and B, Monday to Friday: no counts at night or on weekends.
    off_hours = _scalar(
        small_plant_engine,
        "SELECT COUNT(*) FROM production_count p JOIN line l ON l.id = p.line_id WHERE l.code = 'L4'"
        " AND (CAST(strftime('%H', hour_start) AS INTEGER) NOT BETWEEN 6 AND 21"
        " OR strftime('%w', hour_start) IN ('0', '6'))",
    )
    calendar_hours = _scalar(
        small_plant_engine,
        "SELECT 8 * COUNT(*) FROM shift_calendar c JOIN line l ON l.id = c.line_id WHERE l.code = 'L4'",
    )
    counted_hours = _scalar(
        small_plant_engine,
        "SELECT COUNT(DISTINCT hour_start) FROM production_count p JOIN line l ON l.id = p.line_id WHERE l.code = 'L4'",
    )
    assert off_hours == 0
    assert calendar_hours == counted_hours == 25 * 16


def test_timestamps_are_ordered_and_end_at_the_plant_clock(small_plant_engine: Engine) -> None:
    checks = {
        "orders planned backwards": "SELECT COUNT(*) FROM production_order WHERE planned_end <= planned_start"
        " OR due_date < planned_end",
        "orders ending before they start": "SELECT COUNT(*) FROM production_order WHERE actual_end < actual_start",
        "work orders repaired before reported": "SELECT COUNT(*) FROM maintenance_work_order"
        " WHERE actual_start < reported_at OR actual_end <= actual_start",
        "stops of no length": 'SELECT COUNT(*) FROM downtime_event WHERE "end" <= start',
        "alarms cleared before raised": "SELECT COUNT(*) FROM alarm WHERE cleared_at <= raised_at",
        "facts after the clock": "SELECT (SELECT COUNT(*) FROM production_count WHERE hour_start >= '2026-11-20 06:00')"
        " + (SELECT COUNT(*) FROM downtime_event WHERE \"end\" > '2026-11-20 06:00:00.000000')"
        " + (SELECT COUNT(*) FROM sensor_reading WHERE ts >= '2026-11-20 06:00')"
        " + (SELECT COUNT(*) FROM purchase_order_line WHERE received_date >= '2026-11-20')"
        " + (SELECT COUNT(*) FROM delivery WHERE delivered_date >= '2026-11-20')",
    }
    for what, sql in checks.items():
        assert _scalar(small_plant_engine, sql) == 0, what


def test_each_line_has_one_order_running_and_two_released_at_the_clock(small_plant_engine: Engine) -> None:
    with small_plant_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.code, o.status, COUNT(*) FROM production_order o JOIN line l ON l.id = o.line_id"
                " WHERE o.status != 'completed' GROUP BY l.code, o.status ORDER BY l.code, o.status"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (line, status, 1) for line in ("L1", "L2", "L3", "L4") for status in ("in_progress", "planned", "released")
    ]
