"""Maintenance: failure modes and maintenance work orders (corrective / preventive), separate
from production orders. `actual_start`/`actual_end` give repair time, so MTTR and MTBF are
computable. All datetimes are naive plant-local times."""

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["FailureMode", "MaintenanceWorkOrder"]


class FailureMode(SQLModel, table=True):
    """How a kind of machine fails (`FM-SPB` spindle bearing wear)."""

    __tablename__ = "failure_mode"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    equipment_type: str = Field(max_length=32)
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")


class MaintenanceWorkOrder(SQLModel, table=True):
    """A maintenance work order `WO-...`. Corrective orders are failures; preventive ones are planned."""

    __tablename__ = "maintenance_work_order"
    __table_args__ = (Index("ix_maintenance_work_order_equipment_time", "equipment_id", "reported_at"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    equipment_id: int = Field(foreign_key="equipment.id")
    line_id: int = Field(foreign_key="line.id", index=True)
    kind: str = Field(max_length=16, description="corrective or preventive")
    failure_mode_id: int | None = Field(default=None, foreign_key="failure_mode.id", index=True)
    status: str = Field(max_length=16, description="open, in_progress, completed")
    priority: int = Field(description="1 = urgent ... 4 = low")
    title_en: str
    title_zh: str
    reported_at: NaiveDatetime
    planned_start: NaiveDatetime | None = None
    actual_start: NaiveDatetime | None = None
    actual_end: NaiveDatetime | None = None
    repair_minutes: float | None = Field(default=None, description="actual_end - actual_start in minutes.")
    technician: str = ""
    notes: str = ""
