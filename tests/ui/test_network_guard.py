"""No connection leaves the machine: `andon demo --no-ui`, `andon ask` (offline and with a configured LLM endpoint)
and the console run under an audit hook that records and refuses every connect() and name lookup beyond 127.0.0.1
and the configured endpoints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from agents.testing import ScriptedServer, reply

pytestmark = [pytest.mark.slow]

# Installed in every Python process of the test through PYTHONPATH: an audit hook (PEP 578) that sees each
# socket connect, sendto and getaddrinfo before it happens, writes it down and refuses what is not allowed.
GUARD = """
import json, os, sys

_LOG = os.environ["ANDON_TEST_NET_LOG"]
_ALLOWED = {"127.0.0.1", "::1", "localhost", *filter(None, os.environ.get("ANDON_TEST_NET_ALLOW", "").split(","))}


def _record(event, host, port, allowed):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"event": event, "host": str(host), "port": port, "allowed": allowed}) + "\\n")


def _guard(event, args):
    if event in ("socket.connect", "socket.sendto"):
        address = args[1] if event == "socket.connect" else args[-1]
        if not isinstance(address, tuple):
            return  # a Unix socket: never leaves the machine
        host, port = address[0], address[1]
    elif event == "socket.getaddrinfo":
        host, port = args[0], args[1]
        if host is None:
            return
        host = host.decode() if isinstance(host, bytes) else host
    else:
        return
    allowed = str(host) in _ALLOWED
    _record(event, host, port, allowed)
    if not allowed:
        raise OSError(f"network guard: connection to {host}:{port} refused")


sys.addaudithook(_guard)
"""


@pytest.fixture
def guarded(tmp_path: Path) -> tuple[dict[str, str], Path]:
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(guard_dir), env.get("PYTHONPATH", "")])),
        ANDON_TEST_NET_LOG=str(log),
        ANDON_DATA_HOME=str(tmp_path / "home"),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        COLUMNS="200",
    )
    return env, log


def _andon(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    andon = str(Path(sys.executable).with_name("andon"))
    return subprocess.run([andon, *args], env=env, capture_output=True, text=True, timeout=900, check=False)


def _attempts(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_demo_ask_and_console_connect_only_to_loopback_and_configured_endpoints(
    guarded: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = guarded
    # The guard works: a connection to a public address is recorded and refused.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('93.184.216.34', 80), timeout=2)"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert "network guard: connection to 93.184.216.34:80 refused" in probe.stderr
    # create_connection looks the address up first: refused there, it never reaches connect().
    assert _attempts(log) == [{"event": "socket.getaddrinfo", "host": "93.184.216.34", "port": 80, "allowed": False}]
    log.unlink()

    demo = _andon(env, "demo", "--no-ui")
    assert demo.returncode == 0, demo.stderr
    assert "36 added, 0 updated, 0 unchanged, 0 failed" in demo.stdout
    asked = _andon(env, "ask", "2号线昨天的OEE是多少？", "--model", "offline")
    assert asked.returncode == 0, asked.stderr
    assert "OEE" in asked.stdout

    with ScriptedServer([reply("OEE of line 2 yesterday: see the tool result.")]) as llm:
        with_llm = {**env, "ANDON_LLM_BASE_URL": llm.base_url, "ANDON_LLM_MODEL": "scripted"}
        answered = _andon(with_llm, "ask", "Hello there, what can you do?")
        assert answered.returncode == 0, answered.stderr
        assert len(llm.chat_requests) >= 1  # the configured endpoint was used

    port = _free_port()
    andon = str(Path(sys.executable).with_name("andon"))
    console = subprocess.Popen([andon, "ui", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/")
        assert "<html" in page.lower()
        assert '"version"' in _wait_for(f"http://127.0.0.1:{port}/config")
    finally:
        console.send_signal(signal.SIGINT)
        try:
            console.wait(timeout=30)
        except subprocess.TimeoutExpired:
            console.kill()
    attempts = _attempts(log)
    assert attempts, "the guard saw the loopback connections"
    assert [a for a in attempts if not a["allowed"]] == []
    assert {a["host"] for a in attempts} <= {"127.0.0.1", "localhost", "::1"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, timeout_s: float = 300) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return str(response.read().decode("utf-8", "replace"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
