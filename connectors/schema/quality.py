"""MES quality: inspections with first-pass results, defects with codes, SPC characteristics and
their measurements. All datetimes are naive plant-local times."""

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["Defect", "DefectCode", "Inspection", "SpcCharacteristic", "SpcMeasurement"]


class DefectCode(SQLModel, table=True):
    """A defect type (`DF-104` burr) operators record."""

    __tablename__ = "defect_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name_en: str
    name_zh: str
    severity: str = Field(max_length=16, description="minor, major, critical")
    disposition: str = Field(max_length=16, description="Usual outcome: scrap or rework")


class Inspection(SQLModel, table=True):
    """An inspection lot: `quantity_passed_first` of `quantity_inspected` were good at first inspection."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("ix_inspection_line_time", "line_id", "inspected_at"),
        Index("ix_inspection_equipment_time", "equipment_id", "inspected_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    inspection_type: str = Field(max_length=16, description="first_article, in_process, final")
    production_order_id: int | None = Field(default=None, foreign_key="production_order.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    line_id: int = Field(foreign_key="line.id")
    equipment_id: int | None = Field(default=None, foreign_key="equipment.id")
    shift_id: int = Field(foreign_key="shift.id")
    inspected_at: NaiveDatetime
    quantity_inspected: int
    quantity_passed_first: int
    quantity_failed: int
    result: str = Field(max_length=8, description="pass or fail (fail when any part failed)")
    inspector: str = ""


class Defect(SQLModel, table=True):
    """Parts of an inspection found with one defect code."""

    __tablename__ = "defect"
    # Defect Paretos read one period of one line or machine: by time first (the large plant: 10 M counts).
    __table_args__ = (
        Index("ix_defect_detected_at", "detected_at"),
        Index("ix_defect_equipment_detected", "equipment_id", "detected_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    defect_code_id: int = Field(foreign_key="defect_code.id", index=True)
    equipment_id: int | None = Field(default=None, foreign_key="equipment.id", description="Where it originated.")
    quantity: int
    disposition: str = Field(max_length=16, description="scrap or rework")
    detected_at: NaiveDatetime


class SpcCharacteristic(SQLModel, table=True):
    """A measured quality characteristic with its specification limits (LSL <= target <= USL)."""

    __tablename__ = "spc_characteristic"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")
    product_id: int = Field(foreign_key="product.id")
    equipment_id: int = Field(foreign_key="equipment.id", index=True)
    unit: str
    lsl: float
    target: float
    usl: float
    subgroup_size: int


class SpcMeasurement(SQLModel, table=True):
    """One measured value; values sharing `subgroup` were taken together (rational subgroup)."""

    __tablename__ = "spc_measurement"
    __table_args__ = (Index("ix_spc_measurement_char_time", "characteristic_id", "measured_at"),)

    id: int | None = Field(default=None, primary_key=True)
    characteristic_id: int = Field(foreign_key="spc_characteristic.id")
    subgroup: int = Field(description="Subgroup number, increasing in time per characteristic.")
    sample: int = Field(description="1..subgroup_size within the subgroup.")
    measured_at: NaiveDatetime
    value: float
