"""open_engine: SQLite by default, PostgreSQL by URL, one clear line when the URL is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from connectors import DatabaseConfig, DatabaseUnavailableError, create_schema, open_engine


def test_sqlite_file_gets_its_folder_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "home" / "plant.db"
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{path}"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    engine.dispose()
    assert path.parent.is_dir()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path / 'plant.db'}"))
    create_schema(engine)
    with engine.connect() as connection, pytest.raises(Exception, match="FOREIGN KEY"):
        connection.execute(
            text(
                "INSERT INTO equipment (id, code, line_id, position, equipment_type, name_en, name_zh, aliases, "
                "is_line_output, manufacturer) VALUES (1, 'X-1', 99, 1, 'cnc', 'x', 'x', '', 0, '')"
            )
        )
    engine.dispose()


def test_malformed_url_is_one_line() -> None:
    with pytest.raises(DatabaseUnavailableError, match="not a valid database URL") as caught:
        open_engine(DatabaseConfig(url="no url at all"))
    assert "\n" not in str(caught.value)


def test_unsupported_scheme_names_the_scheme() -> None:
    with pytest.raises(DatabaseUnavailableError, match="unsupported database URL scheme 'nosuchdb'"):
        open_engine(DatabaseConfig(url="nosuchdb://host/db"))


def test_unreachable_postgres_names_host_and_hides_password() -> None:
    url = "postgresql+psycopg://andon:s3cret-pw@127.0.0.1:1/plant"
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_engine(DatabaseConfig(url=url))
    message = str(caught.value)
    assert message.startswith("cannot connect to postgresql at 127.0.0.1:1/plant:")
    assert "s3cret-pw" not in message
    assert "\n" not in message


def test_bare_postgresql_scheme_uses_psycopg3() -> None:
    # psycopg2 is not installed: a bare postgresql:// URL must still reach the driver and fail on the port.
    with pytest.raises(DatabaseUnavailableError, match=r"cannot connect to postgresql at 127\.0\.0\.1:1/"):
        open_engine(DatabaseConfig(url="postgresql://u:p@127.0.0.1:1/x"))
