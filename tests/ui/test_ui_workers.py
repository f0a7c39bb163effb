"""`andon ui --workers N`: N console processes on consecutive ports, each answering, all serving the
same plant; a port of the range in use is one line before anything starts."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.cli import main
from ui.topology import free_port

pytestmark = pytest.mark.slow


def _consecutive_ports(count: int) -> int:
    while True:
        start = free_port()
        try:
            for offset in range(count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", start + offset))
        except OSError:
            continue
        return start


@pytest.fixture
def data_home(small_plant_path: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(small_plant_path, home / "plant.db")
    return home


@pytest.fixture
def two_workers(data_home: Path) -> Iterator[tuple[int, list[str]]]:
    port = _consecutive_ports(2)
    env = {**os.environ, "ANDON_DATA_HOME": str(data_home), "GRADIO_ANALYTICS_ENABLED": "False"}
    parent = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "ui", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 900
    assert parent.stdout is not None
    while time.monotonic() < deadline:
        line = parent.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if "workers serving one plant" in line:
            break
    try:
        yield port, lines
    finally:
        os.killpg(parent.pid, signal.SIGINT)
        parent.wait(timeout=60)


def test_two_workers_answer_on_consecutive_ports(two_workers: tuple[int, list[str]]) -> None:
    port, lines = two_workers
    assert f"Andon console worker on http://127.0.0.1:{port}/ / 控制台工作进程" in lines
    assert f"Andon console worker on http://127.0.0.1:{port + 1}/ / 控制台工作进程" in lines
    assert lines[-1] == "2 workers serving one plant (Ctrl+C to stop / 按 Ctrl+C 停止)"
    for at in (port, port + 1):
        with urllib.request.urlopen(f"http://127.0.0.1:{at}/", timeout=60) as response:
            assert response.status == 200


def test_a_taken_port_of_the_range_is_one_line(
    data_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANDON_DATA_HOME", str(data_home))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        second = int(taken.getsockname()[1])
        with pytest.raises(SystemExit) as exited:
            main(["ui", "--workers", "3", "--port", str(second - 1)])
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (2, "")
    assert err.startswith(f"error: port {second} on 127.0.0.1 is already in use")
    assert err.count("\n") == 1
