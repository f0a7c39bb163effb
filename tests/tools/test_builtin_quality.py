"""Quality tools on the tiny hand-built plant (numbers by hand) and on the small demo plant (cross-checked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from connectors.demo import stories
from connectors.schema import Inspection, Line, ProductionCount
from tools.builtin import defect_pareto, first_pass_yield, scrap_rate, spc_analysis
from tools.contract import ToolContext

Run = Callable[..., Any]


def test_defect_pareto(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(defect_pareto, tiny_ctx, target="L2", period="yesterday")
    # Burr: 3 + 3 parts (rework); dimension out of tolerance: 2 parts (scrap).
    assert [(d.code, d.quantity, d.scrap, d.rework, d.share) for d in result.defects] == [
        ("DF-102", 6, 0, 6, 0.75),
        ("DF-101", 2, 2, 0, 0.25),
    ]
    assert result.total_defects == 8
    assert result.provenance.row_count == 3


def test_first_pass_yield(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(first_pass_yield, tiny_ctx, target="2号线", period="yesterday")
    assert (result.inspected, result.passed_first_time, result.inspections) == (100, 92, 2)
    assert result.first_pass_yield == pytest.approx(0.92)
    empty = run(first_pass_yield, tiny_ctx, target="L2", period="yesterday", inspection_type="final")
    assert (empty.first_pass_yield, empty.data_unavailable) == (None, True)


def test_scrap_rate_overall_and_per_machine(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(scrap_rate, tiny_ctx, target="L2", period="yesterday")
    assert (result.produced, result.scrap, result.rework) == (1340, 15, 5)
    assert result.scrap_ratio == pytest.approx(15 / 1340, abs=1e-6)
    assert [(m.equipment, m.scrap_ratio) for m in result.by_equipment] == [
        ("CNC-03", pytest.approx(15 / 700, abs=1e-6)),
        ("LT-01", 0.0),
    ]


def test_spc_of_individuals(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(spc_analysis, tiny_ctx, characteristic="阀座孔径", period="yesterday")
    sigma_within = 0.2 / 1.128  # mean moving range of 10.1 10.3 10.0 10.2 10.1 9.9
    sigma_overall = (0.10 / 5) ** 0.5
    assert result.mean == pytest.approx(10.1)
    assert result.sigma_within == pytest.approx(sigma_within, abs=1e-6)
    assert result.sigma_overall == pytest.approx(sigma_overall, abs=1e-6)
    assert result.cp == pytest.approx(1.2 / (6 * sigma_within), abs=1e-4)
    assert result.cpk == pytest.approx(0.5 / (3 * sigma_within), abs=1e-4)
    assert result.ppk == pytest.approx(0.5 / (3 * sigma_overall), abs=1e-4)
    assert (result.sigma_method, result.chart) == ("moving range / d2 (individuals)", "individuals chart")
    assert result.violations == []
    # The chart: the six individuals in time order, centre line 10.1, limits at 3 sigma (within) / sqrt(1).
    assert [p.value for p in result.points] == [10.1, 10.3, 10.0, 10.2, 10.1, 9.9]
    assert result.center_line == pytest.approx(10.1)
    assert result.ucl == pytest.approx(10.1 + 3 * sigma_within, abs=1e-6)
    assert result.lcl == pytest.approx(10.1 - 3 * sigma_within, abs=1e-6)


def test_spc_with_too_few_values_says_so(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(spc_analysis, tiny_ctx, characteristic="CH-VB25-SEAT", period="last month")
    assert (result.data_unavailable, result.cpk) == (True, None)


# --- small demo plant -------------------------------------------------------------------------------------------


def test_demo_drifting_characteristic_loses_capability(demo_ctx: ToolContext, run: Run) -> None:
    before = run(spc_analysis, demo_ctx, characteristic=stories.DRIFT_CHARACTERISTIC, period="2026-10-16..2026-10-29")
    last_week = run(spc_analysis, demo_ctx, characteristic="VB-25 seat bore", period="last week")
    assert before.subgroup_size == 5
    assert before.sigma_method == "R-bar / d2 (subgroups of 5)"
    assert last_week.cpk < before.cpk - 0.5
    assert last_week.mean > before.mean  # drifting up toward the USL


def test_demo_drift_breaks_western_electric_rules(demo_ctx: ToolContext, run: Run) -> None:
    result = run(spc_analysis, demo_ctx, characteristic=stories.DRIFT_CHARACTERISTIC, period="past 30 days")
    broken = {v.rule for v in result.violations}
    assert 4 in broken  # a long run above the centre line
    drift_start = stories.DRIFT_START
    rule4 = next(v for v in result.violations if v.rule == 4)
    assert all(p.at >= drift_start - timedelta(days=7) for p in rule4.points)


def test_demo_first_pass_yield_matches_the_inspections(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    line_id = session.exec(select(Line.id).where(Line.code == "L2")).one()
    lots = session.exec(
        select(Inspection).where(
            Inspection.line_id == line_id,
            Inspection.inspected_at >= datetime(2026, 11, 9),
            Inspection.inspected_at < datetime(2026, 11, 16),
        )
    ).all()
    result = run(first_pass_yield, demo_ctx, target="L2", period="last week")
    assert result.inspected == sum(lot.quantity_inspected for lot in lots)
    assert result.first_pass_yield == pytest.approx(
        sum(lot.quantity_passed_first for lot in lots) / sum(lot.quantity_inspected for lot in lots), abs=1e-6
    )


def test_demo_defect_pareto_is_sorted_and_adds_up(demo_ctx: ToolContext, run: Run) -> None:
    result = run(defect_pareto, demo_ctx, target="L2", period="past 30 days", limit=100)
    quantities = [d.quantity for d in result.defects]
    assert quantities == sorted(quantities, reverse=True)
    assert sum(quantities) == result.total_defects
    assert result.defects[-1].cumulative_share == pytest.approx(1.0)


def test_demo_scrap_rate_matches_the_counts(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    line_id = session.exec(select(Line.id).where(Line.code == "L3")).one()
    rows = session.exec(
        select(ProductionCount).where(
            ProductionCount.line_id == line_id,
            ProductionCount.hour_start >= datetime(2026, 11, 9),
            ProductionCount.hour_start < datetime(2026, 11, 16),
        )
    ).all()
    produced = sum(r.good_qty + r.scrap_qty + r.rework_qty for r in rows)
    result = run(scrap_rate, demo_ctx, target="三号线", period="上周")
    assert result.produced == produced
    assert result.scrap_ratio == pytest.approx(sum(r.scrap_qty for r in rows) / produced, abs=1e-6)
    assert result.rework_ratio == pytest.approx(sum(r.rework_qty for r in rows) / produced, abs=1e-6)
