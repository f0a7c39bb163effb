"""MES production: shifts and the shift calendar, products, production orders and operations,
hourly production counts, downtime with ISO 22400 time-model categories.

All datetimes are naive plant-local times (see `Site.timezone`). Periods are half-open [start, end).
"""

from datetime import date, time

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = [
    "DOWNTIME_CATEGORIES",
    "TIME_MODEL_BUCKET",
    "DowntimeEvent",
    "DowntimeReason",
    "Product",
    "ProductionCount",
    "ProductionOperation",
    "ProductionOrder",
    "Shift",
    "ShiftCalendar",
]

# ISO 22400-2 time model: which bucket a downtime category's minutes belong to.
# PDOT = planned downtime, ASUT = actual set-up time, ADET = actual unit down time.
TIME_MODEL_BUCKET: dict[str, str] = {
    "planned_downtime": "PDOT",
    "setup": "ASUT",
    "breakdown": "ADET",
    "minor_stop": "ADET",
    "waiting": "ADET",
    "quality_hold": "ADET",
}
DOWNTIME_CATEGORIES: tuple[str, ...] = tuple(TIME_MODEL_BUCKET)


class Shift(SQLModel, table=True):
    """A shift pattern (A 06-14, B 14-22, C 22-06). `end_time` < `start_time` means it ends the next day."""

    __tablename__ = "shift"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=8)
    name_en: str
    name_zh: str
    start_time: time
    end_time: time


class ShiftCalendar(SQLModel, table=True):
    """One scheduled shift of one line: ISO 22400 planned operation time (POT) comes from here.

    `shift_date` is the production day the shift belongs to (shift C of 11-19 runs 11-19 22:00 to 11-20 06:00).
    """

    __tablename__ = "shift_calendar"
    __table_args__ = (Index("ix_shift_calendar_line_start", "line_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="line.id")
    shift_id: int = Field(foreign_key="shift.id", index=True)
    shift_date: date = Field(index=True)
    start: NaiveDatetime
    end: NaiveDatetime
    crew_size: int = 0


class Product(SQLModel, table=True):
    """A finished part the plant makes. `ideal_cycle_time_s` is the line's ideal time per unit (PRU)."""

    __tablename__ = "product"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")
    material_id: int | None = Field(default=None, foreign_key="material.id", description="ERP finished-good item.")
    default_line_id: int | None = Field(default=None, foreign_key="line.id")
    ideal_cycle_time_s: float
    unit: str = "pcs"


class ProductionOrder(SQLModel, table=True):
    """A production (manufacturing) order `MO-...`: make `quantity_planned` of a product on a line by `due_date`."""

    __tablename__ = "production_order"
    __table_args__ = (Index("ix_production_order_line_start", "line_id", "planned_start"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    line_id: int = Field(foreign_key="line.id")
    sales_order_line_id: int | None = Field(default=None, foreign_key="sales_order_line.id")
    quantity_planned: int
    quantity_good: int = 0
    quantity_scrap: int = 0
    quantity_rework: int = 0
    status: str = Field(max_length=16, description="planned, released, in_progress, completed")
    priority: int = 3
    planned_start: NaiveDatetime
    planned_end: NaiveDatetime
    due_date: NaiveDatetime = Field(index=True)
    actual_start: NaiveDatetime | None = None
    actual_end: NaiveDatetime | None = None


class ProductionOperation(SQLModel, table=True):
    """One routing step of a production order on one machine."""

    __tablename__ = "production_operation"

    id: int | None = Field(default=None, primary_key=True)
    production_order_id: int = Field(foreign_key="production_order.id", index=True)
    sequence: int = Field(description="10, 20, 30... along the line")
    equipment_id: int = Field(foreign_key="equipment.id", index=True)
    name_en: str
    name_zh: str
    status: str = Field(max_length=16)
    actual_start: NaiveDatetime | None = None
    actual_end: NaiveDatetime | None = None
    quantity_good: int = 0
    quantity_scrap: int = 0


class ProductionCount(SQLModel, table=True):
    """Counts and time model of one machine for one clock hour [hour_start, hour_start + 1 h).

    Minutes split the hour per ISO 22400: scheduled (POT) = planned_down (PDOT) + setup (ASUT)
    + unplanned_down (ADET) + run (APT). Quantities: produced PQ = good GQ + scrap SQ + rework RQ.
    `ideal_cycle_time_s` is PRU for this machine and product, so effectiveness = PRU x PQ / APT.
    Hours outside the shift calendar have no row.
    """

    __tablename__ = "production_count"
    __table_args__ = (
        Index("ix_production_count_equipment_hour", "equipment_id", "hour_start"),
        Index("ix_production_count_line_hour", "line_id", "hour_start"),
        Index("ix_production_count_order", "production_order_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    equipment_id: int = Field(foreign_key="equipment.id")
    line_id: int = Field(foreign_key="line.id")
    shift_id: int = Field(foreign_key="shift.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")
    production_order_id: int | None = Field(default=None, foreign_key="production_order.id")
    hour_start: NaiveDatetime
    scheduled_minutes: float
    planned_down_minutes: float = 0.0
    setup_minutes: float = 0.0
    unplanned_down_minutes: float = 0.0
    run_minutes: float = 0.0
    good_qty: int = 0
    scrap_qty: int = 0
    rework_qty: int = 0
    ideal_cycle_time_s: float | None = None
    planned_cycle_time_s: float | None = None


class DowntimeReason(SQLModel, table=True):
    """A reason code (`D-301`) with its ISO 22400 category (see `TIME_MODEL_BUCKET`)."""

    __tablename__ = "downtime_reason"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    category: str = Field(max_length=24, description="planned_downtime, setup, breakdown, minor_stop, waiting...")
    planned: bool = False
    name_en: str
    name_zh: str


class DowntimeEvent(SQLModel, table=True):
    """A period [start, end) in which a machine did not produce, with its reason."""

    __tablename__ = "downtime_event"
    __table_args__ = (
        Index("ix_downtime_event_equipment_start", "equipment_id", "start"),
        Index("ix_downtime_event_line_start", "line_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    equipment_id: int = Field(foreign_key="equipment.id")
    line_id: int = Field(foreign_key="line.id")
    reason_id: int = Field(foreign_key="downtime_reason.id", index=True)
    category: str = Field(max_length=24, description="Copied from the reason for direct filtering.")
    shift_id: int = Field(foreign_key="shift.id", description="Shift in which the stop began.")
    start: NaiveDatetime
    end: NaiveDatetime
    duration_minutes: float
    production_order_id: int | None = Field(default=None, foreign_key="production_order.id")
    maintenance_work_order_id: int | None = Field(default=None, foreign_key="maintenance_work_order.id")
    comment: str = ""
