"""The scale-out topology the `scale_out` tests run against: PostgreSQL, a `chroma run` server and
console workers on 127.0.0.1, started by `.ci/run` (`python -m ui.topology --out FILE`), described in
the JSON file `ANDON_TEST_SCALE_OUT` names. Without it the tests skip (fail with
ANDON_TEST_REQUIRE_SERVERS=1)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Topology:
    database_url: str
    chroma_url: str
    workers: list[str]
    worker_env: list[dict[str, str]]


@pytest.fixture(scope="session")
def topology() -> Topology:
    where = os.environ.get("ANDON_TEST_SCALE_OUT")
    if not where or not Path(where).exists():
        if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
            pytest.fail("ANDON_TEST_REQUIRE_SERVERS=1 but no scale-out topology (ANDON_TEST_SCALE_OUT)")
        pytest.skip("no scale-out topology (start one: python -m ui.topology --out FILE; ANDON_TEST_SCALE_OUT=FILE)")
    described: dict[str, Any] = json.loads(Path(where).read_text(encoding="utf-8"))
    topology = Topology(**described)
    if len(topology.workers) < 2:
        pytest.fail(f"the scale-out tests need 2 workers, the topology has {len(topology.workers)}")
    return topology


def client(url: str) -> Any:
    """A gradio client of one worker (one browser session)."""
    import httpx
    from gradio_client import Client

    return Client(url, verbose=False, httpx_kwargs={"timeout": httpx.Timeout(600.0, connect=60.0)})
