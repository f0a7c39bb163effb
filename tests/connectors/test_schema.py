"""The plant schema: every ISA-95 / ERP table, the indexes tools rely on, bilingual labels."""

from __future__ import annotations

import re

from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from connectors import (
    AlarmCode,
    DowntimeReason,
    Equipment,
    FailureMode,
    Line,
    Material,
    Product,
)
from connectors.schema import PLANT_TABLES, TIME_MODEL_BUCKET

EXPECTED_TABLES = {
    "enterprise",
    "site",
    "area",
    "line",
    "equipment",
    "shift",
    "shift_calendar",
    "product",
    "production_order",
    "production_operation",
    "production_count",
    "downtime_reason",
    "downtime_event",
    "defect_code",
    "inspection",
    "defect",
    "spc_characteristic",
    "spc_measurement",
    "failure_mode",
    "maintenance_work_order",
    "sensor_tag",
    "sensor_reading",
    "alarm_code",
    "alarm",
    "material",
    "bom",
    "bom_line",
    "storage_location",
    "inventory_lot",
    "supplier",
    "purchase_order",
    "purchase_order_line",
    "customer",
    "sales_order",
    "sales_order_line",
    "delivery",
    "plant_meta",
}


def test_every_table_exists(small_plant_engine: Engine) -> None:
    assert set(inspect(small_plant_engine).get_table_names()) == EXPECTED_TABLES
    assert {m.__tablename__ for m in PLANT_TABLES} == EXPECTED_TABLES  # type: ignore[attr-defined]


def test_access_path_indexes_exist(small_plant_engine: Engine) -> None:
    inspector = inspect(small_plant_engine)

    def indexed(table: str) -> set[tuple[str, ...]]:
        return {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}  # type: ignore[misc]

    assert ("equipment_id", "hour_start") in indexed("production_count")
    assert ("line_id", "hour_start") in indexed("production_count")
    assert ("production_order_id",) in indexed("production_count")
    assert ("equipment_id", "start") in indexed("downtime_event")
    assert ("line_id", "start") in indexed("downtime_event")
    assert ("tag_id", "ts") in indexed("sensor_reading")
    assert ("equipment_id", "raised_at") in indexed("alarm")
    assert ("material_id", "location_id") in indexed("inventory_lot")
    assert ("material_id", "promised_date") in indexed("purchase_order_line")
    assert ("supplier_id", "order_date") in indexed("purchase_order")
    assert ("characteristic_id", "measured_at") in indexed("spc_measurement")


def test_labels_are_bilingual(plant_session: Session) -> None:
    for model in (Line, Equipment, Product, Material, DowntimeReason, FailureMode):
        rows = plant_session.exec(select(model)).all()
        assert rows, model
        for row in rows:
            assert row.name_en.strip(), row.code  # type: ignore[attr-defined]
            assert re.search(r"[\u4e00-\u9fff]", row.name_zh), row.code  # type: ignore[attr-defined]
    for alarm in plant_session.exec(select(AlarmCode)).all():
        assert alarm.text_en
        assert re.search(r"[\u4e00-\u9fff]", alarm.text_zh)


def test_aliases_carry_the_names_operators_use(plant_session: Session) -> None:
    line2 = plant_session.exec(select(Line).where(Line.code == "L2")).one()
    assert {"Line 2", "2号线", "二号线"} <= set(line2.aliases.split("|"))
    cnc3 = plant_session.exec(select(Equipment).where(Equipment.code == "CNC-03")).one()
    assert {"CNC 3", "3号数控机床"} <= set(cnc3.aliases.split("|"))


def test_reason_categories_follow_the_iso_22400_time_model(plant_session: Session) -> None:
    reasons = plant_session.exec(select(DowntimeReason)).all()
    assert {r.category for r in reasons} <= set(TIME_MODEL_BUCKET)
    assert {r.code for r in reasons if r.planned} == {"D-101", "D-102", "D-103"}
    assert TIME_MODEL_BUCKET["setup"] == "ASUT"
    assert TIME_MODEL_BUCKET["minor_stop"] == "ADET"


def test_document_codes_are_human_readable(small_plant_engine: Engine) -> None:
    patterns = {
        "production_order": r"MO-26\d{4}",
        "purchase_order": r"PO-26\d{4}",
        "maintenance_work_order": r"WO-26\d{4}",
        "sales_order": r"SO-26\d{4}",
        "delivery": r"DN-26\d{4}",
        "inspection": r"QI-26\d{5}",
    }
    with small_plant_engine.connect() as connection:
        for table, pattern in patterns.items():
            codes = connection.execute(text(f"SELECT code FROM {table}")).scalars().all()
            assert codes, table
            assert all(re.fullmatch(pattern, c) for c in codes), table
