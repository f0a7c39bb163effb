"""Plant clock and plant info."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from connectors import DatabaseConfig, NoPlantError, create_schema, has_plant, open_engine, plant_clock, plant_info


def test_plant_clock_is_fixed_at_a_shift_boundary(plant_session: Session) -> None:
    assert plant_clock(plant_session) == datetime(2026, 11, 20, 6, 0)


def test_plant_info_counts_every_table(small_plant_engine: Engine) -> None:
    info = plant_info(small_plant_engine)
    assert (info.seed, info.scale, info.site_code) == (7, "small", "SZ1")
    assert info.data_start == datetime(2026, 10, 16, 6, 0)
    with small_plant_engine.connect() as connection:
        for table in ("production_count", "downtime_event", "sensor_reading", "purchase_order_line"):
            actual = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            assert info.row_counts[table] == actual > 0
    assert info.total_rows == sum(info.row_counts.values())


def test_empty_database_has_no_plant(tmp_path: Path) -> None:
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path / 'empty.db'}"))
    assert not has_plant(engine)
    with pytest.raises(NoPlantError, match="andon db seed"):
        plant_info(engine)
    create_schema(engine)
    with Session(engine) as session, pytest.raises(NoPlantError):
        plant_clock(session)
    engine.dispose()
