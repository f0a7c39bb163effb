"""Machine data: sensor tags and their (hourly mean) readings, alarm codes and raised alarms.
All datetimes are naive plant-local times."""

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["Alarm", "AlarmCode", "SensorReading", "SensorTag"]


class SensorTag(SQLModel, table=True):
    """A measured signal of a machine (`CNC-03.VIB`), with its normal operating band."""

    __tablename__ = "sensor_tag"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=48)
    equipment_id: int = Field(foreign_key="equipment.id", index=True)
    kind: str = Field(max_length=24, description="vibration, temperature, spindle_load, pressure, current...")
    name_en: str
    name_zh: str
    unit: str
    normal_low: float
    normal_high: float
    alarm_high: float


class SensorReading(SQLModel, table=True):
    """The mean value of a tag over [ts, ts + 1 h)."""

    __tablename__ = "sensor_reading"
    __table_args__ = (Index("ix_sensor_reading_tag_ts", "tag_id", "ts"),)

    id: int | None = Field(default=None, primary_key=True)
    tag_id: int = Field(foreign_key="sensor_tag.id")
    ts: NaiveDatetime
    value: float


class AlarmCode(SQLModel, table=True):
    """An alarm a controller can raise (`E-217`), with bilingual text."""

    __tablename__ = "alarm_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    equipment_type: str = Field(max_length=32)
    severity: str = Field(max_length=16, description="info, warning, fault")
    text_en: str
    text_zh: str


class Alarm(SQLModel, table=True):
    """One occurrence of an alarm on a machine, [raised_at, cleared_at)."""

    __tablename__ = "alarm"
    __table_args__ = (
        Index("ix_alarm_equipment_raised", "equipment_id", "raised_at"),
        Index("ix_alarm_line_raised", "line_id", "raised_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alarm_code_id: int = Field(foreign_key="alarm_code.id", index=True)
    equipment_id: int = Field(foreign_key="equipment.id")
    line_id: int = Field(foreign_key="line.id")
    shift_id: int = Field(foreign_key="shift.id")
    raised_at: NaiveDatetime
    cleared_at: NaiveDatetime
    acknowledged_by: str = ""
