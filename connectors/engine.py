"""One engine from a URL: a SQLite file (embedded default) or PostgreSQL through psycopg 3.

The engine is probed on open, so a wrong or unreachable URL fails here with one line that
names the host and the problem (never the password), not later inside a query.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlmodel import SQLModel

from connectors.config import DatabaseConfig
from connectors.errors import DatabaseUnavailableError

__all__ = ["create_schema", "describe_url", "open_engine"]

_PG_CONNECT_TIMEOUT_S = 5


def describe_url(url: URL) -> str:
    """A printable name of the database: backend, host, port and database, never the password."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database or ':memory:'}"
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    return f"{url.get_backend_name()} at {host}{port}/{url.database or ''}"


def _parse(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseUnavailableError("not a valid database URL (expected e.g. sqlite:///plant.db)") from None
    # psycopg 3 is the PostgreSQL driver Andon ships with; a bare postgresql:// would ask for psycopg2.
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _reason(exc: DBAPIError, url: URL) -> str:
    """First line of the driver's message, with any password scrubbed out."""
    message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if url.password:
        message = message.replace(str(url.password), "***")
    return re.sub(r"\s+", " ", message)


def open_engine(config: DatabaseConfig) -> Engine:
    """Create an engine for `config.url` and check that the database answers."""
    url = _parse(config.url)
    backend = url.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "sqlite" and url.database and url.database != ":memory:":
        try:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailableError(f"cannot create the folder of {describe_url(url)}: {exc.strerror}") from None
    elif backend == "postgresql":
        connect_args["connect_timeout"] = _PG_CONNECT_TIMEOUT_S
    # A server that restarted leaves dead connections in the pool: check each one out with a ping, so the
    # first request after a database outage gets a fresh connection instead of the broken one.
    pre_ping = backend == "postgresql"
    try:
        engine = create_engine(url, echo=config.echo, connect_args=connect_args, pool_pre_ping=pre_ping)
    except (NoSuchModuleError, ArgumentError, ImportError):
        raise DatabaseUnavailableError(
            f"unsupported database URL scheme '{url.drivername}' (use sqlite:/// or postgresql+psycopg://)"
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailableError(f"cannot connect to {describe_url(url)}: {_reason(exc, url)}") from None
    return engine


def create_schema(engine: Engine) -> None:
    """Create every plant table and index that does not exist yet."""
    from connectors.schema import PLANT_TABLES

    tables = [model.__table__ for model in PLANT_TABLES]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=tables)
    # A table made by an older version lacks the indexes added since: create those too.
    for table in tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
