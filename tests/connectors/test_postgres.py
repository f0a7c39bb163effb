"""PostgreSQL: the same seed gives the same rows as on SQLite; errors stay one line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from connectors import DatabaseConfig, DatabaseUnavailableError, PlantExistsError, open_engine, seed_plant

pytestmark = pytest.mark.postgres

Rows = Callable[[Engine], dict[str, list[tuple[Any, ...]]]]


@pytest.fixture(scope="module")
def postgres_plant(fresh_postgres_url: str) -> Iterator[Engine]:
    engine = open_engine(DatabaseConfig(url=fresh_postgres_url))
    seed_plant(engine, scale="small", seed=7)
    yield engine
    engine.dispose()


def test_same_seed_same_rows_on_sqlite_and_postgresql(
    postgres_plant: Engine, small_plant_engine: Engine, plant_rows: Rows
) -> None:
    on_postgres, on_sqlite = plant_rows(postgres_plant), plant_rows(small_plant_engine)
    assert on_postgres.keys() == on_sqlite.keys()
    for table in on_sqlite:
        assert on_postgres[table] == on_sqlite[table], table


def test_ids_continue_after_the_seeded_rows(postgres_plant: Engine) -> None:
    with postgres_plant.begin() as connection:
        highest = connection.execute(text("SELECT MAX(id) FROM downtime_reason")).scalar_one()
        new_id = connection.execute(
            text(
                "INSERT INTO downtime_reason (code, category, planned, name_en, name_zh)"
                " VALUES ('D-999', 'waiting', false, 'Test', '测试') RETURNING id"
            )
        ).scalar_one()
        assert new_id == highest + 1
        connection.execute(text("DELETE FROM downtime_reason WHERE code = 'D-999'"))


def test_reseeding_postgres_without_force_is_refused(postgres_plant: Engine) -> None:
    with pytest.raises(PlantExistsError, match=r"postgresql at .+ already holds a plant"):
        seed_plant(postgres_plant, scale="small", seed=7)


def test_wrong_password_is_one_line_without_the_password(postgres_url: str) -> None:
    url = make_url(postgres_url).set(password="definitely-wrong-pw")
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_engine(DatabaseConfig(url=url.render_as_string(hide_password=False)))
    message = str(caught.value)
    assert "password authentication failed" in message
    assert "definitely-wrong-pw" not in message
    assert "\n" not in message
