"""Fixtures shared by every test package.

- `small_plant_engine`: a SQLite file seeded once per test session with the small demo plant,
  seed 7 (plant clock 2026-11-20 06:00). Treat it as read-only: other tests share it.
- `plant_session`: a `sqlmodel.Session` on it, rolled back after each test.
- OPENAI_BASE_URL / OPENAI_API_KEY are removed from every test's environment.
- `port_picker`: returns a free TCP port on 127.0.0.1 each time it is called.
- `postgres_url`: the PostgreSQL server URL from `ANDON_TEST_POSTGRES_URL`; tests using it are
  skipped when it is unset, and fail instead when `ANDON_TEST_REQUIRE_SERVERS=1` (CI).
- `postgres_database`: makes a new, empty database on that server (name prefix -> URL); every one is
  dropped at the end of the session.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from connectors import DatabaseConfig, open_engine, seed_plant

SMALL_PLANT_SEED = 7


@pytest.fixture(autouse=True)
def _no_openai_endpoint_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENAI_BASE_URL / OPENAI_API_KEY configure Andon's LLM (see ui.config): tests set them only on purpose."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _servers_required() -> bool:
    return os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1"


@pytest.fixture(scope="session")
def small_plant_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the seeded small plant's SQLite file."""
    path = tmp_path_factory.mktemp("small_plant") / "plant.db"
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{path}"))
    try:
        seed_plant(engine, scale="small", seed=SMALL_PLANT_SEED)
    finally:
        engine.dispose()
    return path


@pytest.fixture(scope="session")
def small_plant_engine(small_plant_path: Path) -> Iterator[Engine]:
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{small_plant_path}"))
    yield engine
    engine.dispose()


@pytest.fixture
def plant_session(small_plant_engine: Engine) -> Iterator[Session]:
    with Session(small_plant_engine) as session:
        yield session
        session.rollback()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def port_picker() -> Callable[[], int]:
    """A function that returns a port on 127.0.0.1 nothing listens on (yet)."""
    return _free_port


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("ANDON_TEST_POSTGRES_URL")
    if not url:
        if _servers_required():
            pytest.fail("ANDON_TEST_REQUIRE_SERVERS=1 but ANDON_TEST_POSTGRES_URL is not set")
        pytest.skip("ANDON_TEST_POSTGRES_URL is not set")
    return url


@pytest.fixture(scope="session")
def postgres_database(postgres_url: str) -> Iterator[Callable[[str], str]]:
    url = make_url(postgres_url)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as connection:
        for name in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
