"""Live-data fixtures: a private copy of the small demo plant, free ports and a mosquitto broker on 127.0.0.1.

The broker fixture skips without Debian's mosquitto and fails instead when ANDON_TEST_REQUIRE_SERVERS=1 (CI).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from connectors import DatabaseConfig, open_engine
from connectors.mqtt.broker import LocalBroker, find_mosquitto


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def _quiet_protocol_logs() -> None:
    for name in ("asyncua", "paho"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@pytest.fixture
def live_engine(tmp_path: Path, small_plant_path: Path) -> Iterator[Engine]:
    """A copy of the small plant the test may write live data into."""
    path = tmp_path / "plant.db"
    shutil.copy(small_plant_path, path)
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{path}"))
    yield engine
    engine.dispose()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalBroker]:
    if find_mosquitto() is None:
        if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
            pytest.fail("ANDON_TEST_REQUIRE_SERVERS=1 but mosquitto is not installed (apt-get install mosquitto)")
        pytest.skip("Debian's mosquitto is not installed")
    running = LocalBroker(tmp_path / "broker", free_port())
    running.start()
    yield running
    running.stop()
