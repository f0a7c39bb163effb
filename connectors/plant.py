"""What a plant database holds: its clock, how it was generated, how many rows each table has."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, func, inspect, select
from sqlmodel import Session

from connectors.errors import NoPlantError
from connectors.schema import PLANT_TABLES, PlantMeta

__all__ = ["PlantInfo", "has_plant", "plant_clock", "plant_info", "table_name"]


_NO_PLANT = "the database holds no plant yet, run: andon db seed / 数据库中还没有工厂数据，请先运行 andon db seed"


class PlantInfo(BaseModel):
    """Summary of a plant database (what `andon db info` prints)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_code: str
    plant_clock: datetime
    data_start: datetime
    seed: int
    scale: str
    generator_version: str
    row_counts: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def table_name(model: type[object]) -> str:
    """The SQL table name of a plant model class."""
    return str(model.__tablename__)  # type: ignore[attr-defined]


def has_plant(engine: Engine) -> bool:
    """True when the database has the plant tables and a plant_meta row."""
    if not inspect(engine).has_table(table_name(PlantMeta)):
        return False
    with Session(engine) as session:
        return session.get(PlantMeta, 1) is not None


def _meta(session: Session) -> PlantMeta:
    bind = session.get_bind()
    if not inspect(bind).has_table(table_name(PlantMeta)):
        raise NoPlantError(_NO_PLANT)
    meta = session.get(PlantMeta, 1)
    if meta is None:
        raise NoPlantError(_NO_PLANT)
    return meta


def plant_clock(session: Session) -> datetime:
    """The plant's "now": naive plant-local time at which the data ends."""
    return _meta(session).plant_clock


def plant_info(engine: Engine) -> PlantInfo:
    """Plant clock, seed, scale and the row count of every plant table."""
    with Session(engine) as session:
        meta = _meta(session)
        counts: dict[str, int] = {}
        for model in PLANT_TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            counts[table.name] = int(session.execute(select(func.count()).select_from(table)).scalar_one())
        return PlantInfo(
            site_code=meta.site_code,
            plant_clock=meta.plant_clock,
            data_start=meta.data_start,
            seed=meta.seed,
            scale=meta.scale,
            generator_version=meta.generator_version,
            row_counts=counts,
        )
