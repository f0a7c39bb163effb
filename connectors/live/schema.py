"""Tables of live plant data: raw samples as the machines report them, and alarms as they are raised.

`sensor_reading` keeps its meaning (the mean of a tag over one hour): live samples land in
`live_sample`, one row per (tag, source timestamp), and every complete live hour is rolled up into
`sensor_reading`. A live alarm is kept in `live_alarm` while it is active; once cleared, the
occurrence is also written to `alarm`, like the historical ones.

The live tables hold no database-level foreign keys, so replacing a plant (`andon db seed --force`)
never trips over them; they are emptied with it (`reset_live_tables`).
"""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

__all__ = ["LIVE_TABLES", "LiveAlarm", "LiveSample", "create_live_tables", "reset_live_tables"]


class LiveSample(SQLModel, table=True):
    """One value of a tag at its source timestamp (naive plant-local time), with where it came from."""

    __tablename__ = "live_sample"
    __table_args__ = (
        UniqueConstraint("tag_id", "ts", name="uq_live_sample_tag_ts"),
        Index("ix_live_sample_ts", "ts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tag_id: int = Field(description="sensor_tag.id")
    ts: NaiveDatetime
    value: float
    source_kind: str = Field(max_length=8, description="opcua or mqtt")
    source: str = Field(max_length=255, description="OPC UA node id or MQTT topic (and Sparkplug metric)")


class LiveAlarm(SQLModel, table=True):
    """An alarm occurrence reported live; `cleared_at` is empty while it is active."""

    __tablename__ = "live_alarm"
    __table_args__ = (
        UniqueConstraint("equipment_id", "alarm_code_id", "raised_at", name="uq_live_alarm_occurrence"),
        Index("ix_live_alarm_raised", "raised_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alarm_code_id: int = Field(description="alarm_code.id")
    equipment_id: int = Field(description="equipment.id")
    line_id: int = Field(description="line.id")
    raised_at: NaiveDatetime
    cleared_at: NaiveDatetime | None = None
    source_kind: str = Field(max_length=8)
    source: str = Field(max_length=255)
    alarm_id: int | None = Field(default=None, description="alarm.id of the occurrence once it is cleared")


LIVE_TABLES: tuple[type[SQLModel], ...] = (LiveSample, LiveAlarm)


def _tables() -> list[object]:
    return [model.__table__ for model in LIVE_TABLES]  # type: ignore[attr-defined]


def create_live_tables(engine: Engine) -> None:
    """Create the live tables (empty) if they do not exist yet."""
    SQLModel.metadata.create_all(engine, tables=_tables())  # type: ignore[arg-type]


def reset_live_tables(engine: Engine) -> None:
    """Empty the live tables: samples of a plant that was replaced mean nothing."""
    SQLModel.metadata.drop_all(engine, tables=_tables())  # type: ignore[arg-type]
    SQLModel.metadata.create_all(engine, tables=_tables())  # type: ignore[arg-type]
