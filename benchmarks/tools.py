"""Latency of every built-in READ tool on the large demo plant (SQLite or PostgreSQL), for one line over one month.

    python benchmarks/tools.py                      # seeds .andon-bench/large.db once (slow), then measures
    python benchmarks/tools.py --db plant.db --line L2 --repeat 30
    python benchmarks/tools.py --database postgresql+psycopg://andon:andon@127.0.0.1:5432/andon_large

Prints p50 / p95 in milliseconds per tool and marks the tools above the 100 ms goal. Calls go through
`Tool.call` with validated arguments (what the invoker runs), without the audit log.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

# This script is called tools.py, like the package it measures: keep its folder off the import path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

from sqlalchemy import Engine, func, select  # noqa: E402
from sqlalchemy.exc import OperationalError, ProgrammingError  # noqa: E402
from sqlmodel import Session  # noqa: E402

from connectors import DatabaseConfig, open_engine, seed_plant  # noqa: E402
from connectors.demo import stories  # noqa: E402
from connectors.schema import (  # noqa: E402
    Equipment,
    Line,
    PlantMeta,
    ProductionCount,
    ProductionOrder,
    SalesOrder,
    SensorTag,
    SpcCharacteristic,
)
from tools.builtin import BUILTIN_TOOLS  # noqa: E402
from tools.contract import Permission, Role, Tool, ToolContext  # noqa: E402
from tools.queries import columns  # noqa: E402

GOAL_MS = 100.0
PERIOD = "past 30 days"


def _open(url: str, seed: int) -> Engine:
    engine = open_engine(DatabaseConfig(url=url))
    with Session(engine) as session:
        try:
            rows = session.execute(select(func.count()).select_from(ProductionCount)).scalar_one()
        except (OperationalError, ProgrammingError):  # no plant tables yet
            rows = 0
    if rows == 0:
        print(f"seeding the large plant into {engine.url.render_as_string()} (this takes a long time) ...", flush=True)
        began = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            print(f"  {time.perf_counter() - began:7.0f} s  {stage} {done}/{total}", flush=True)

        seed_plant(engine, scale="large", seed=seed, progress=progress)
    return engine


def _arguments(session: Session, line_code: str) -> dict[str, dict[str, Any]]:
    """Representative arguments of every READ tool for one line and one month."""
    line, eq, tag_c, char, mo, so = (
        columns(m) for m in (Line, Equipment, SensorTag, SpcCharacteristic, ProductionOrder, SalesOrder)
    )
    line_id = session.execute(select(line.id).where(line.code == line_code)).scalar_one()
    on_line = eq.line_id == line_id
    tag = session.execute(select(tag_c.code).join(Equipment, eq.id == tag_c.equipment_id).where(on_line)).scalar()
    characteristic = session.execute(
        select(char.code).join(Equipment, eq.id == char.equipment_id).where(on_line)
    ).scalar()
    order = session.execute(select(mo.code).where(mo.line_id == line_id).order_by(mo.due_date.desc())).scalar()
    sales = session.execute(select(so.code).order_by(so.order_date.desc())).scalar()
    line_period = {"target": line_code, "period": PERIOD}
    return {
        "production_order_status": {"order": order},
        "list_production_orders": {"line": line_code, "status": "all", "period": PERIOD},
        "production_output": {"line": line_code, "period": PERIOD, "group_by": "day"},
        "schedule_adherence": {"line": line_code, "period": PERIOD},
        "oee": line_period,
        "oee_trend": line_period,
        "downtime_pareto": line_period,
        "top_downtime_events": line_period,
        "defect_pareto": line_period,
        "first_pass_yield": line_period,
        "scrap_rate": line_period,
        "spc_analysis": {"characteristic": characteristic, "period": PERIOD},
        "maintenance_work_orders": {"target": line_code, "status": "all", "period": PERIOD},
        "mtbf_mttr": line_period,
        "failure_mode_history": line_period,
        "sensor_trend": {"tag": tag, "period": PERIOD},
        "detect_anomalies": {"tag": tag, "period": PERIOD},
        "list_alarms": line_period,
        "top_alarm_codes": line_period,
        "stock_levels": {},
        "materials_below_reorder_point": {},
        "material_availability": {"order": order},
        "purchase_orders": {"status": "open"},
        "supplier_on_time_delivery": {"period": PERIOD},
        "sales_order_status": {"order": sales},
        "list_sales_orders": {"status": "late", "period": PERIOD},
    }


def _measure(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    for _ in range(2):  # warm the caches and compiled statements
        call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path(".andon-bench/large.db"), help="SQLite file of the plant")
    parser.add_argument("--database", help="SQLAlchemy URL of the plant instead (e.g. PostgreSQL); seeded if empty")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--line", default="L2")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    if args.database:
        engine = _open(args.database, args.seed)
    else:
        args.db.parent.mkdir(parents=True, exist_ok=True)
        engine = _open(f"sqlite:///{args.db}", args.seed)
    with Session(engine) as session:
        meta = session.get(PlantMeta, 1)
        clock = meta.plant_clock if meta is not None else stories.PLANT_CLOCK
        counts = session.execute(select(func.count()).select_from(ProductionCount)).scalar_one()
        lines = session.execute(select(func.count()).select_from(Line)).scalar_one()
        ctx = ToolContext(user="bench", role=Role.ADMIN, session=session, clock=clock)
        arguments = _arguments(session, args.line)
        print(
            f"plant: {engine.url.render_as_string()} ({counts:,} production-count rows, {lines} lines), clock {clock}, "
            f"line {args.line}, period {PERIOD!r}, {args.repeat} calls per tool"
        )
        print(f"{'tool':32} {'p50 ms':>8} {'p95 ms':>8}")
        slow: list[str] = []
        measured = 0
        tools: list[Tool] = [t for t in BUILTIN_TOOLS if t.permission is Permission.READ]
        for item in tools:
            chosen = arguments.get(item.name)
            if chosen is None:  # e.g. live_values reads a live server, not the plant database
                print(f"{item.name:32} {'n/a':>8} {'n/a':>8}  (not a plant-database tool here)", flush=True)
                continue
            if any(value is None for value in chosen.values()):
                # Expansion-hall copies of the catalog lines carry no SPC characteristics or sensor tags.
                print(f"{item.name:32} {'n/a':>8} {'n/a':>8}  (nothing to ask about on {args.line})", flush=True)
                continue
            validated = item.validate_args(chosen)
            measured += 1
            p50, p95 = _measure(partial(item.call, ctx, validated), args.repeat)
            mark = "" if p95 <= GOAL_MS else "  > goal"
            if p95 > GOAL_MS:
                slow.append(item.name)
            print(f"{item.name:32} {p50:8.1f} {p95:8.1f}{mark}", flush=True)
    print(
        f"{len(tools) - len(slow)}/{len(tools)} read tools within p95 <= {GOAL_MS:.0f} ms"
        + (f"; over: {', '.join(slow)}" if slow else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
