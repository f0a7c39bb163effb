"""Production tools on the tiny hand-built plant (numbers by hand) and on the small demo plant (cross-checked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from connectors.demo import stories
from connectors.schema import Equipment, Line, ProductionCount, ProductionOrder
from tools.builtin import (
    downtime_pareto,
    get_oee,
    list_production_orders,
    oee_trend,
    production_order_status,
    production_output,
    schedule_adherence,
    top_downtime_events,
)
from tools.contract import ToolContext
from tools.errors import InvalidArgumentsError, PermissionDeniedError, UnknownEntityError

Run = Callable[..., Any]


def test_oee_of_a_machine_matches_the_hand_computation(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(get_oee, tiny_ctx, target="3号数控机床", period="2026-11-19")
    f = result.figures
    # 8 h shift, 30 min break, 45 min breakdown, 15 min changeover; 700 parts x 30 s, 680 good.
    assert (f.planned_busy_h, f.unplanned_downtime_h, f.setup_h, f.production_h) == (7.5, 0.75, 0.25, 6.5)
    assert (f.produced, f.good, f.scrap, f.rework) == (700, 680, 15, 5)
    assert f.availability == pytest.approx(6.5 / 7.5, abs=1e-6)
    assert f.performance == pytest.approx(21_000 / 23_400, abs=1e-6)
    assert f.quality == pytest.approx(680 / 700, abs=1e-6)
    assert f.oee == pytest.approx(30 * 680 / 27_000, abs=1e-6)  # PRU x GQ / PBT = 0.7556
    assert result.target_kind == "equipment"
    assert result.provenance.row_count == 8
    assert result.scope == {"equipment": "CNC-03"}


def test_line_oee_sums_its_machines_before_dividing(tiny_ctx: ToolContext, run: Run) -> None:
    f = run(get_oee, tiny_ctx, target="Line 2", period="yesterday").figures
    # CNC-03 as above plus LT-01: 8 h running, 640 good at an ideal 40 s.
    assert f.planned_busy_h == 15.5
    assert f.production_h == 14.5
    assert f.oee == pytest.approx((21_000 + 25_600) / 52_200 * 52_200 / 55_800 * 1320 / 1340, abs=1e-6)


def test_oee_without_production_says_data_unavailable(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(get_oee, tiny_ctx, target="L1", period="yesterday")
    assert result.data_unavailable is True
    assert result.figures.oee is None


def test_oee_trend_by_day(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(oee_trend, tiny_ctx, target="CNC-03", period="past 7 days")
    assert [(d.day, d.oee) for d in result.days] == [
        (date(2026, 11, 18), pytest.approx(880 * 30 / 28_800, abs=1e-6)),
        (date(2026, 11, 19), pytest.approx(20_400 / 27_000, abs=1e-6)),
    ]
    assert result.worst_day == date(2026, 11, 19)
    assert result.overall.oee == pytest.approx((880 + 680) * 30 / (28_800 + 27_000), abs=1e-6)


def test_downtime_pareto_leaves_out_planned_downtime_unless_asked(tiny_ctx: ToolContext, run: Run) -> None:
    unplanned = run(downtime_pareto, tiny_ctx, target="CNC-03", period="yesterday")
    assert [(r.reason, r.minutes, r.share) for r in unplanned.reasons] == [("D-301", 45.0, 0.75), ("D-201", 15.0, 0.25)]
    everything = run(downtime_pareto, tiny_ctx, target="CNC-03", period="yesterday", include_planned=True)
    assert everything.total_minutes == 90.0
    assert (everything.unplanned_minutes, everything.setup_minutes, everything.planned_minutes) == (45.0, 15.0, 30.0)
    assert [r.cumulative_share for r in everything.reasons] == [0.5, pytest.approx(0.833333), 1.0]


def test_top_downtime_events_are_bounded_with_the_total(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(top_downtime_events, tiny_ctx, target="L2", period="yesterday", limit=1)
    assert [(e.equipment, e.minutes, e.reason, e.work_order) for e in result.events] == [
        ("CNC-03", 45.0, "D-301", "WO-260002")
    ]
    assert (result.complete, result.total_count) == (False, 3)


def test_order_status_and_lists(tiny_ctx: ToolContext, run: Run) -> None:
    order = run(production_order_status, tiny_ctx, order="mo-261002").order
    assert (order.status, order.late, order.progress) == ("completed", True, 1.0)  # finished 2 h after due
    late = run(list_production_orders, tiny_ctx, status="late")
    assert [o.code for o in late.orders] == ["MO-261002", "MO-261003"]
    open_orders = run(list_production_orders, tiny_ctx, line="2号线", status="open", limit=2)
    assert [o.code for o in open_orders.orders] == ["MO-261003", "MO-261004"]
    assert (open_orders.complete, open_orders.total_count) == (False, 3)


def test_output_counts_the_line_output_station_once(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(production_output, tiny_ctx, line="L2", period="yesterday", group_by="shift")
    assert [(g.key, g.good) for g in result.groups] == [("A", 640)]  # LT-01, not LT-01 + CNC-03
    assert result.total_good == 640


def test_schedule_adherence(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(schedule_adherence, tiny_ctx, line="L2", period="2026-11-18..2026-11-19")
    assert (result.orders_due, result.completed_on_time) == (3, 1)
    assert result.adherence == pytest.approx(1 / 3, abs=1e-6)
    assert result.late_orders == ["MO-261002", "MO-261003"]


def test_bad_arguments_raise_tool_errors(tiny_ctx: ToolContext, run: Run, scoped_ctx: ToolContext) -> None:
    with pytest.raises(UnknownEntityError, match="did you mean"):
        run(get_oee, tiny_ctx, target="Line 7", period="yesterday")
    with pytest.raises(InvalidArgumentsError, match="accepted forms"):
        run(get_oee, tiny_ctx, target="L2", period="the other day")
    with pytest.raises(PermissionDeniedError):
        run(get_oee, scoped_ctx, target="L2", period="yesterday")


def test_scoped_user_lists_only_their_lines(scoped_ctx: ToolContext, run: Run) -> None:
    assert run(list_production_orders, scoped_ctx, status="all").orders == []


# --- small demo plant (seed 7): tools against an independent computation from the rows -------------------------


def _line_rows(session: Session, line: str, start: datetime, end: datetime) -> list[ProductionCount]:
    line_id = session.exec(select(Line.id).where(Line.code == line)).one()
    return list(
        session.exec(
            select(ProductionCount).where(
                ProductionCount.line_id == line_id,
                ProductionCount.hour_start >= start,
                ProductionCount.hour_start < end,
            )
        )
    )


def test_demo_line_oee_matches_the_rows(demo_ctx: ToolContext, run: Run) -> None:
    rows = _line_rows(demo_ctx.session, "L2", datetime(2026, 11, 19), datetime(2026, 11, 20))
    pbt = sum(r.scheduled_minutes - r.planned_down_minutes for r in rows) * 60
    apt = sum(r.scheduled_minutes - r.planned_down_minutes - r.unplanned_down_minutes - r.setup_minutes for r in rows)
    ideal = sum((r.ideal_cycle_time_s or 0) * (r.good_qty + r.scrap_qty + r.rework_qty) for r in rows)
    produced = sum(r.good_qty + r.scrap_qty + r.rework_qty for r in rows)
    good = sum(r.good_qty for r in rows)
    f = run(get_oee, demo_ctx, target="2号线", period="昨天").figures
    assert f.availability == pytest.approx(apt * 60 / pbt, abs=1e-6)
    assert f.performance == pytest.approx(ideal / (apt * 60), abs=1e-6)
    assert f.quality == pytest.approx(good / produced, abs=1e-6)
    assert f.oee == pytest.approx(ideal / pbt * good / produced, abs=1e-6)
    assert 0 < f.oee < 1


def test_demo_breakdown_day_is_the_worst_oee_day_of_cnc03(demo_ctx: ToolContext, run: Run) -> None:
    result = run(oee_trend, demo_ctx, target="CNC-03", period="2026-11-07..2026-11-19")
    assert result.worst_day == stories.BREAKDOWN_START.date()


def test_demo_breakdown_is_the_longest_stop_of_cnc03(demo_ctx: ToolContext, run: Run) -> None:
    result = run(top_downtime_events, demo_ctx, target="CNC-03", period="2026-11-14", category="breakdown", limit=1)
    event = result.events[0]
    assert (event.start, event.end) == (stories.BREAKDOWN_START, stories.BREAKDOWN_END)
    assert event.minutes == pytest.approx((stories.BREAKDOWN_END - stories.BREAKDOWN_START).total_seconds() / 60)


def test_demo_night_shift_has_the_most_minor_stops(demo_ctx: ToolContext, run: Run) -> None:
    minutes = {
        shift: run(
            downtime_pareto, demo_ctx, target="L1", period="past 30 days", category="minor_stop", shift=shift
        ).total_minutes
        for shift in ("早班", "afternoon shift", "夜班")
    }
    assert minutes["夜班"] > 1.5 * max(minutes["早班"], minutes["afternoon shift"])


def test_demo_output_equals_the_output_station_rows(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    station = session.exec(select(Equipment).where(Equipment.is_line_output, Equipment.code == "LT-01")).one()
    rows = _line_rows(session, "L2", datetime(2026, 11, 9), datetime(2026, 11, 16))
    expected = sum(r.good_qty for r in rows if r.equipment_id == station.id)
    result = run(production_output, demo_ctx, line="L2", period="last week", group_by="day")
    assert result.total_good == expected
    assert len(result.groups) == 7


def test_demo_schedule_adherence_matches_the_orders(demo_ctx: ToolContext, run: Run) -> None:
    orders = demo_ctx.session.exec(
        select(ProductionOrder).where(
            ProductionOrder.due_date >= datetime(2026, 10, 16), ProductionOrder.due_date < datetime(2026, 11, 20)
        )
    ).all()
    on_time = [o for o in orders if o.status == "completed" and o.actual_end is not None and o.actual_end <= o.due_date]
    result = run(schedule_adherence, demo_ctx, period="2026-10-16..2026-11-19")
    assert (result.orders_due, result.completed_on_time) == (len(orders), len(on_time))


def test_plant_wide_periods_are_cut_shorter_than_one_lines(tiny_ctx: ToolContext, run: Run) -> None:
    plant = run(production_output, tiny_ctx, period="past 200 days")
    one_line = run(production_output, tiny_ctx, line="L2", period="past 200 days")
    assert plant.period.end - plant.period.start == timedelta(days=92)
    assert "limited to 92 days" in plant.period.label
    assert one_line.period.end - one_line.period.start == timedelta(days=200)


def test_demo_order_status_and_open_orders_match_the_table(demo_ctx: ToolContext, run: Run) -> None:
    orders = demo_ctx.session.exec(select(ProductionOrder)).all()
    open_orders = [o for o in orders if o.status != "completed"]
    listed = run(list_production_orders, demo_ctx, status="open", limit=100)
    assert sorted(o.code for o in listed.orders) == sorted(o.code for o in open_orders)
    some = open_orders[0]
    status = run(production_order_status, demo_ctx, order=some.code).order
    assert (status.status, status.quantity_planned, status.quantity_good) == (
        some.status,
        some.quantity_planned,
        some.quantity_good,
    )
