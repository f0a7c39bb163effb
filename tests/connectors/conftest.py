"""Helpers for the connector tests: a whole-database checksum and a fresh PostgreSQL database."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from connectors.schema import PLANT_TABLES


def normalise(value: Any) -> Any:
    """One representation per value whatever the backend returned (SQLite vs PostgreSQL types)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return round(float(value), 6)
    return value


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every plant row, per table, ordered by id, normalised."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for model in PLANT_TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            result = connection.execute(select(table).order_by(table.c.id))
            rows[table.name] = [tuple(normalise(v) for v in row) for row in result]
    return rows


def checksum(engine: Engine) -> str:
    """SHA-256 over every plant row as the driver returns it, table by table, ordered by id."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for model in PLANT_TABLES:
            name = model.__tablename__  # type: ignore[attr-defined]
            digest.update(name.encode())
            for row in connection.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY id'):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A new, empty database on the test server for this session; dropped afterwards."""
    name = f"andon_test_{uuid.uuid4().hex[:12]}"
    url = make_url(postgres_url)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        # Plain DROP: the server stops its own autovacuum workers; FORCE would need extra privileges.
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def plant_checksum() -> Callable[[Engine], str]:
    """`checksum(engine)`: one hash over every plant row."""
    return checksum


@pytest.fixture
def plant_rows() -> Callable[[Engine], dict[str, list[tuple[Any, ...]]]]:
    """`table_rows(engine)`: every plant row, normalised, per table."""
    return table_rows
