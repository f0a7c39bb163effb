"""`seed_plant`: writes the demo plant for a scale and a seed, deterministically.

Same seed and scale -> the same rows in the same order with the same ids, on SQLite and on
PostgreSQL. Nothing depends on the wall clock: the data ends at `stories.PLANT_CLOCK`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, Engine, MetaData, String, Table, func, inspect, select, text
from sqlmodel import SQLModel

from connectors.demo import stories
from connectors.demo.context import SeedContext
from connectors.demo.erp import write_erp
from connectors.demo.line_sim import simulate_line, write_line
from connectors.demo.master import write_master_data
from connectors.demo.quality import write_quality
from connectors.demo.scales import ScaleName, get_scale
from connectors.demo.schedule import line_schedule, write_shift_calendar
from connectors.demo.sensors import write_sensor_readings
from connectors.demo.stops import plan_stops
from connectors.engine import create_schema, describe_url
from connectors.errors import PlantExistsError
from connectors.schema import PLANT_TABLES, PlantMeta

__all__ = ["GENERATOR_VERSION", "SeedSummary", "seed_plant"]

GENERATOR_VERSION = "1.0"

Progress = Callable[[str, int, int], None]


class SeedSummary(BaseModel):
    """What `seed_plant` wrote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scale: str
    seed: int
    plant_clock: datetime
    data_start: datetime
    row_counts: dict[str, int]
    elapsed_s: float

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def _tables() -> list[object]:
    return [model.__table__ for model in PLANT_TABLES]  # type: ignore[attr-defined]


# Present from the start of a seed until its last commit: a database that has it holds an interrupted seed
# (killed, power lost), never a plant anyone owns, so the next seed replaces it without --force.
_SEED_MARKER = Table("andon_seed_in_progress", MetaData(), Column("scale", String(16)))


def _interrupted(engine: Engine) -> bool:
    return inspect(engine).has_table(_SEED_MARKER.name)


def _holds_data(engine: Engine) -> bool:
    existing = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in _tables():
            name = table.name  # type: ignore[attr-defined]
            if name in existing and connection.execute(select(func.count()).select_from(table)).scalar_one():  # type: ignore[arg-type]
                return True
    return False


def _reset_sequences(engine: Engine) -> None:
    """PostgreSQL: explicit ids do not advance SERIAL sequences; move them past the seeded rows."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in _tables():
            name = table.name  # type: ignore[attr-defined]
            sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
            connection.execute(text(f'SELECT setval({sequence}, COALESCE(MAX(id), 0) + 1, false) FROM "{name}"'))


def seed_plant(
    engine: Engine,
    *,
    scale: ScaleName | str,
    seed: int,
    force: bool = False,
    progress: Progress | None = None,
) -> SeedSummary:
    """Write the demo plant. Refuses (`PlantExistsError`, nothing touched) when the database already holds
    plant data, unless `force`, which drops and recreates the plant tables first. What an interrupted seed
    left behind (killed, power lost) is replaced without `force`."""
    chosen = get_scale(scale)
    began = time.perf_counter()
    if _interrupted(engine):
        SQLModel.metadata.drop_all(engine, tables=_tables())  # type: ignore[arg-type]
    elif _holds_data(engine):
        if not force:
            where = describe_url(engine.url)
            raise PlantExistsError(
                f"{where} already holds a plant; use --force to replace it / 数据库中已有工厂数据，使用 --force 覆盖"
            )
        SQLModel.metadata.drop_all(engine, tables=_tables())  # type: ignore[arg-type]
    _SEED_MARKER.create(engine, checkfirst=True)
    create_schema(engine)
    clock = stories.PLANT_CLOCK
    start = clock - timedelta(days=chosen.days)
    report = progress or (lambda _stage, _done, _total: None)
    with engine.connect() as connection:
        ctx = SeedContext(connection=connection, seed=seed, scale=chosen, start=start, clock=clock)
        report("master data", 0, 1)
        write_master_data(ctx)
        write_erp(ctx)
        connection.commit()
        report("master data", 1, 1)
        at = [start + timedelta(hours=h) for h in range(ctx.hours)]
        for done, line in enumerate(ctx.lines, start=1):
            schedule = line_schedule(ctx, line)
            write_shift_calendar(ctx, line, schedule)
            result = simulate_line(ctx, line, schedule, plan_stops(ctx, line, schedule))
            write_line(ctx, result, at)
            write_quality(ctx, result)
            if line.is_core:
                write_sensor_readings(ctx, result, at)
            ctx.flush_all()
            connection.commit()
            report("lines", done, len(ctx.lines))
        ctx.writer(PlantMeta).add(
            site_code="SZ1",
            plant_clock=clock,
            data_start=start,
            seed=seed,
            scale=chosen.name,
            generator_version=GENERATOR_VERSION,
        )
        ctx.flush_all()
        _SEED_MARKER.drop(connection)  # in the same transaction as the plant's last rows and its meta row
        connection.commit()
        written = ctx.written()
    _reset_sequences(engine)
    counts = {table.name: written.get(table.name, 0) for table in _tables()}  # type: ignore[attr-defined]
    return SeedSummary(
        scale=chosen.name,
        seed=seed,
        plant_clock=clock,
        data_start=start,
        row_counts=counts,
        elapsed_s=round(time.perf_counter() - began, 3),
    )
