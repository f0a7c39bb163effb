"""The schema creates the indexes the KPI tools need on a large plant, also on a database made before
they were added (`create_schema` adds what is missing)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from connectors.engine import create_schema


def _indexes(engine: object, table: str) -> dict[str, list[str]]:
    return {ix["name"]: list(ix["column_names"]) for ix in inspect(engine).get_indexes(table)}  # type: ignore[arg-type]


def test_the_period_indexes_of_defects_and_sales_order_lines_exist(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    create_schema(engine)
    defect = _indexes(engine, "defect")
    assert defect["ix_defect_detected_at"] == ["detected_at"]
    assert defect["ix_defect_equipment_detected"] == ["equipment_id", "detected_at"]
    assert _indexes(engine, "sales_order_line")["ix_sales_order_line_promised"] == ["promised_date"]


def test_an_older_database_gets_the_missing_indexes(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_defect_detected_at"))
        conn.execute(text("DROP INDEX ix_sales_order_line_promised"))
    assert "ix_defect_detected_at" not in _indexes(engine, "defect")
    create_schema(engine)
    assert _indexes(engine, "defect")["ix_defect_detected_at"] == ["detected_at"]
    assert _indexes(engine, "sales_order_line")["ix_sales_order_line_promised"] == ["promised_date"]
