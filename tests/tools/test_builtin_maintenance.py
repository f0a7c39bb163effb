"""Maintenance tools: work orders, MTBF / MTTR by hand, failure modes, and the maintenance-request proposal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from connectors.demo import stories
from connectors.schema import Line, MaintenanceWorkOrder
from tools.builtin import failure_mode_history, maintenance_work_orders, mtbf_mttr, propose_maintenance_request
from tools.contract import ProposalDraft, ToolContext
from tools.kpi import NO_FAILURES_NOTE

Run = Callable[..., Any]


def test_open_work_orders_and_history(tiny_ctx: ToolContext, run: Run) -> None:
    open_orders = run(maintenance_work_orders, tiny_ctx, target="CNC 3")
    assert [w.code for w in open_orders.work_orders] == ["WO-260004"]
    history = run(maintenance_work_orders, tiny_ctx, target="L2", status="history", kind="corrective")
    assert [(w.code, w.repair_minutes, w.failure_mode) for w in history.work_orders] == [
        ("WO-260002", 45.0, "FM-SPB"),
        ("WO-260001", 120.0, "FM-SPB"),
    ]


def test_mtbf_and_mttr_of_a_machine_with_two_failures(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(mtbf_mttr, tiny_ctx, target="CNC-03", period="2026-11-01..2026-11-19")
    # Operating time = APT from the counts: 390 min on 11-19 + 480 min on 11-18 = 14.5 h.
    assert (result.operating_h, result.failures, result.repair_h) == (14.5, 2, 2.75)
    assert result.mtbf_h == pytest.approx(7.25)
    assert result.mttr_h == pytest.approx(1.375)  # (45 + 120) / 2 min


def test_a_machine_without_failures_has_no_mtbf_number(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(mtbf_mttr, tiny_ctx, target="L2", period="2026-11-01..2026-11-19")
    leak_tester = next(row for row in result.by_equipment if row.equipment == "LT-01")
    assert (leak_tester.operating_h, leak_tester.failures) == (8.0, 0)
    assert (leak_tester.mtbf_h, leak_tester.mttr_h) == (None, None)
    assert leak_tester.note == NO_FAILURES_NOTE
    assert result.mtbf_h == pytest.approx(22.5 / 2)  # the line: 14.5 h + 8 h over 2 failures


def test_failure_mode_history(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(failure_mode_history, tiny_ctx, target="2号线")
    assert [(m.code, m.failures, m.repair_h, m.equipment) for m in result.failure_modes] == [
        ("FM-SPB", 2, 2.75, ["CNC-03"])
    ]


def test_maintenance_request_is_a_proposal_with_evidence(tiny_ctx: ToolContext, run: Run) -> None:
    draft = run(
        propose_maintenance_request,
        tiny_ctx,
        equipment="3号数控机床",
        problem="主轴异响",
        priority="high",
        failure_mode="主轴轴承",
    )
    assert isinstance(draft, ProposalDraft)
    assert draft.action == "propose_maintenance_request"
    assert draft.payload["equipment"] == "CNC-03"
    assert draft.payload["failure_mode"] == "FM-SPB"
    assert draft.evidence == [
        "CNC-03: alarm E-217 (Spindle vibration high) raised 3 time(s) in the last 7 days",
        "CNC-03: alarm E-205 (Tool life limit reached) raised 1 time(s) in the last 7 days",
        "CNC-03: 1 breakdown / minor stop(s), 45 min, in the last 7 days",
    ]
    # Proposing wrote nothing.
    assert len(tiny_ctx.session.exec(select(MaintenanceWorkOrder)).all()) == 4


def test_approved_request_creates_one_open_work_order(tiny_ctx: ToolContext, run: Run) -> None:
    draft = run(propose_maintenance_request, tiny_ctx, equipment="CNC-03", problem="Spindle noise", priority="urgent")
    created = propose_maintenance_request.execute(tiny_ctx, draft.payload)
    assert created.work_order == "WO-260005"
    row = tiny_ctx.session.exec(select(MaintenanceWorkOrder).where(MaintenanceWorkOrder.code == "WO-260005")).one()
    assert (row.kind, row.status, row.priority, row.reported_at) == ("corrective", "open", 1, tiny_ctx.clock)


def test_problem_text_is_validated(tiny_ctx: ToolContext) -> None:
    with pytest.raises(ValueError, match="problem"):
        propose_maintenance_request.validate_args({"equipment": "CNC-03", "problem": "x"})


# --- small demo plant -------------------------------------------------------------------------------------------


def test_demo_cnc03_bearing_failure_is_in_the_history(demo_ctx: ToolContext, run: Run) -> None:
    result = run(failure_mode_history, demo_ctx, target=stories.BREAKDOWN_EQUIPMENT, period="past 30 days")
    assert stories.BREAKDOWN_FAILURE_MODE in [m.code for m in result.failure_modes]


def test_demo_mtbf_matches_the_work_orders(demo_ctx: ToolContext, run: Run) -> None:
    result = run(mtbf_mttr, demo_ctx, target="L2", period="past 30 days")
    corrective = demo_ctx.session.exec(
        select(MaintenanceWorkOrder).where(
            MaintenanceWorkOrder.kind == "corrective",
            MaintenanceWorkOrder.reported_at >= result.period.start,
            MaintenanceWorkOrder.reported_at < result.period.end,
        )
    ).all()
    line_id = demo_ctx.session.exec(select(Line.id).where(Line.code == "L2")).one()
    l2 = [w for w in corrective if w.line_id == line_id]
    assert result.failures == len(l2)
    assert sum(row.failures for row in result.by_equipment) == result.failures
    assert result.mttr_h == pytest.approx(sum(w.repair_minutes or 0 for w in l2) / 60 / len(l2), abs=1e-4)


def test_demo_open_work_orders_match_the_table(demo_ctx: ToolContext, run: Run) -> None:
    rows = demo_ctx.session.exec(select(MaintenanceWorkOrder).where(MaintenanceWorkOrder.status != "completed")).all()
    result = run(maintenance_work_orders, demo_ctx, status="open", limit=100)
    assert sorted(w.code for w in result.work_orders) == sorted(w.code for w in rows)
    reported = [w.reported_at for w in result.work_orders]
    assert reported == sorted(reported, reverse=True)


def test_demo_maintenance_request_cites_the_vibration_alarm(demo_ctx: ToolContext, run: Run) -> None:
    ctx = replace(demo_ctx, clock=stories.BREAKDOWN_START)  # the morning the bearing failed
    draft = run(propose_maintenance_request, ctx, equipment="CNC 3", problem="spindle vibration keeps rising")
    assert any("E-217" in line for line in draft.evidence)


def test_overdue_work_orders_are_open_past_their_planned_start(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    expected = sorted(
        wo.code
        for wo in session.exec(select(MaintenanceWorkOrder)).all()
        if wo.status != "completed" and wo.planned_start is not None and wo.planned_start < demo_ctx.clock
    )
    result = run(maintenance_work_orders, demo_ctx, status="overdue", limit=100)
    assert sorted(w.code for w in result.work_orders) == expected
    every_open = run(maintenance_work_orders, demo_ctx, status="open", limit=100)
    assert set(expected) <= {w.code for w in every_open.work_orders}


def test_overdue_means_open_past_the_planned_start(tiny_ctx: ToolContext, run: Run) -> None:
    # WO-260004 is open but has no planned start: open, not overdue.
    assert [w.code for w in run(maintenance_work_orders, tiny_ctx, target="CNC-03").work_orders] == ["WO-260004"]
    assert run(maintenance_work_orders, tiny_ctx, target="CNC-03", status="overdue").work_orders == []
    # Planned for yesterday and still open: overdue; planned for tomorrow: not yet (the session is rolled back).
    for code, planned in (
        ("WO-260090", tiny_ctx.clock - timedelta(days=1)),
        ("WO-260091", tiny_ctx.clock + timedelta(days=1)),
    ):
        tiny_ctx.session.add(
            MaintenanceWorkOrder(
                code=code,
                equipment_id=3,
                line_id=2,
                kind="preventive",
                status="open",
                priority=3,
                title_en="Monthly service",
                title_zh="月度保养",
                reported_at=tiny_ctx.clock - timedelta(days=7),
                planned_start=planned,
            )
        )
    tiny_ctx.session.flush()
    overdue = run(maintenance_work_orders, tiny_ctx, target="L2", status="overdue")
    assert [w.code for w in overdue.work_orders] == ["WO-260090"]
