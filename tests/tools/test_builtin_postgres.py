"""Every read tool gives the same answer on PostgreSQL as on SQLite for the same demo plant (seed 7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from connectors import DatabaseConfig, open_engine, plant_clock, seed_plant
from tools.builtin import BUILTIN_TOOLS
from tools.contract import Permission, Role, ToolContext
from tools.testing.checks import sample_arguments

pytestmark = pytest.mark.postgres

# Arguments that exercise the demo stories; other tools use their sample arguments.
ARGUMENTS: dict[str, dict[str, Any]] = {
    "oee": {"target": "2号线", "period": "昨天夜班"},
    "oee_trend": {"target": "CNC-03", "period": "past 14 days"},
    "production_output": {"period": "last week", "group_by": "day"},
    "downtime_pareto": {"target": "L1", "period": "past 30 days", "shift": "夜班"},
    "spc_analysis": {"characteristic": "CH-VB25-SEAT", "period": "last week"},
    "detect_anomalies": {"tag": "CNC-03.VIB", "period": "past 30 days", "direction": "high"},
    "top_alarm_codes": {"period": "past 30 days"},
    "supplier_on_time_delivery": {"period": "past 90 days"},
    "list_alarms": {"target": "CNC-03", "period": "last week"},
}


@pytest.fixture(scope="module")
def postgres_plant(postgres_database: Callable[[str], str]) -> Iterator[Engine]:
    """The small demo plant (seed 7) in a throwaway database on the test server."""
    engine = open_engine(DatabaseConfig(url=postgres_database("andon_tools")))
    try:
        seed_plant(engine, scale="small", seed=7)
        yield engine
    finally:
        engine.dispose()


def _answers(engine: Engine, run: Callable[..., Any]) -> dict[str, tuple[str, int, bool]]:
    with Session(engine) as session:
        ctx = ToolContext(user="tester", role=Role.ADMIN, session=session, clock=plant_clock(session))
        answers = {}
        for item in BUILTIN_TOOLS:
            if item.permission is not Permission.READ:
                continue
            result = run(item, ctx, **(ARGUMENTS.get(item.name) or sample_arguments(item) or {}))
            answers[item.name] = (result.summary, result.provenance.row_count, result.data_unavailable)
        return answers


def test_read_tools_agree_on_postgresql_and_sqlite(
    postgres_plant: Engine, small_plant_engine: Engine, run: Callable[..., Any]
) -> None:
    on_postgres = _answers(postgres_plant, run)
    on_sqlite = _answers(small_plant_engine, run)
    assert on_postgres == on_sqlite
