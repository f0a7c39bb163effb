"""`andon sim opcua`, `andon sim mqtt`, `andon live browse` and `andon live run` as a user runs them: real
processes over a copy of the small demo plant, one-line errors, Ctrl+C, and an OPC UA simulator killed
(SIGKILL) and started again while Andon ingests it, leaving no gap and no duplicate."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from connectors import DatabaseConfig, open_engine
from connectors.live.demo_mapping import demo_mapping
from connectors.live.simulation import PlantSimulation
from tests.ui.conftest import free_port
from ui.cli import main
from ui.live_runtime import LiveRuntime


def _env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    return {**clean, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}


class Andon:
    """`andon ...` running in the background; its output lines (stdout and stderr) are collected as they come."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", *args],
            cwd=cwd,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r} in: {self.lines}")

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl+C, as at the keyboard; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        self._reader.join(10)
        return code

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)
        self._reader.join(10)


def andon(cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def home(tmp_path: Path, small_plant_path: Path) -> Path:
    """A working directory whose data home holds a copy of the small demo plant."""
    (tmp_path / ".andon").mkdir()
    (tmp_path / ".andon" / "plant.db").write_bytes(small_plant_path.read_bytes())
    return tmp_path


@pytest.fixture
def spawn(home: Path) -> Iterator[Callable[..., Andon]]:
    """Start `andon ...` in `home`; whatever is still running at the end of the test is killed."""
    started: list[Andon] = []

    def start(*args: str) -> Andon:
        started.append(Andon(home, *args))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.kill()


@pytest.fixture
def in_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("ANDON_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(home)
    return home


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    code = exited.value.code
    return code if isinstance(code, int) else 1


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@pytest.mark.slow
def test_sim_opcua_browse_and_a_killed_simulator_leave_no_gap(home: Path, spawn: Callable[..., Andon]) -> None:
    port = free_port()
    endpoint = f"opc.tcp://127.0.0.1:{port}/andon/"
    args = ("sim", "opcua", "--port", str(port), "--speed", "30", "--lines", "L2")
    sim = spawn(*args)
    sim.wait_for(rf"^OPC UA server on {re.escape(endpoint)}, plant time 2026-11-20 ")

    browsed = andon(home, "live", "browse", endpoint)
    assert browsed.returncode == 0, browsed.stderr
    assert re.search(r"^      VIB  \[ns=2;s=CNC-03\.VIB\] Variable = \d+\.\d+$", browsed.stdout, re.M), browsed.stdout
    assert "    CNC-03  [ns=2;s=CNC-03] Object" in browsed.stdout
    assert "      SPEED_SP  [ns=2;s=CNC-03.SPEED_SP] Variable = 8000.0" in browsed.stdout

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{home / '.andon' / 'plant.db'}"))
    simulation = PlantSimulation.from_plant(engine, step=timedelta(seconds=30))  # as the CLI's: speed 30 x 1 s
    said: list[str] = []
    runtime = LiveRuntime(engine, home / "ingest", report=said.append)
    runtime.start_connectors(demo_mapping(simulation.tags, opcua_endpoint=endpoint, opcua_lines={"L2"}))
    try:
        _wait_until(lambda: any(line.startswith("OPC UA connected") for line in said))
        time.sleep(3)
        sim.kill()  # SIGKILL: no goodbye to the connector
        time.sleep(4)
        sim = spawn(*args)  # the same clock file: live time goes on where it was
        sim.wait_for(r"^OPC UA server on ")
        _wait_until(lambda: sum(line.startswith("OPC UA connected") for line in said) == 2)
        # Samples keep coming after the restart: wait for them (counted, not timed, so a fast machine waits too).
        _wait_until(lambda: _latest_index(engine, simulation) > 20)
    finally:
        runtime.stop()
    assert sim.interrupt() == 0
    assert not any("Traceback" in line for line in sim.lines)

    with engine.connect() as conn:
        rows = conn.execute(
            text("select t.code, s.ts, s.value from live_sample s join sensor_tag t on t.id = s.tag_id")
        ).all()
    engine.dispose()
    by_tag: dict[str, list[tuple[datetime, float]]] = {}
    for code, ts, value in rows:
        by_tag.setdefault(code, []).append((_as_datetime(ts), value))
    assert sorted(by_tag) == sorted(t.code for t in simulation.tags if t.line == "L2")
    for tag, samples in by_tag.items():
        indices = sorted(simulation.index(ts) for ts, _ in samples)
        assert indices == list(range(indices[-1] + 1)), tag  # from the plant clock on, every sample exactly once
        assert indices[-1] > 20  # about 15 plant minutes before the kill, more after the restart
        assert sorted(samples)[:2] == [(simulation.moment(k), simulation.value(tag, k)) for k in range(2)]
    assert any("retrying" in line for line in said)


def _latest_index(engine: Engine, simulation: PlantSimulation) -> int:
    """The simulation step of the newest stored live sample (-1 before the first)."""
    with engine.connect() as conn:
        latest = conn.execute(text("select max(ts) from live_sample")).scalar()
    return -1 if latest is None else simulation.index(_as_datetime(latest))


def _wait_until(condition: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_sim_opcua_refuses_a_bad_port_and_a_port_in_use_in_one_line(home: Path) -> None:
    bad = andon(home, "sim", "opcua", "--port", "70000")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: Invalid value for '--port': Input should be less than or equal to 65535"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = andon(home, "sim", "opcua", "--port", str(port))
    assert busy.returncode == 2
    assert busy.stderr.strip().splitlines() == [
        f"error: cannot serve OPC UA on opc.tcp://127.0.0.1:{port}/andon/: the port is already in use "
        "/ 无法启动OPC UA仿真服务器"
    ]


def test_live_browse_of_an_unreachable_server_or_a_wrong_endpoint_is_one_line(
    in_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    assert run("live", "browse", f"opc.tcp://127.0.0.1:{port}/andon/") == 2
    assert capsys.readouterr().err.strip() == (
        f"error: cannot reach OPC UA server opc.tcp://127.0.0.1:{port}/andon/: connection refused "
        "/ 无法连接OPC UA服务器"
    )
    assert run("live", "browse", "http://127.0.0.1:4840/andon/") == 2
    assert capsys.readouterr().err.strip() == (
        "error: not an OPC UA endpoint: 'http://127.0.0.1:4840/andon/' (expected opc.tcp://host:4840/path)"
    )


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (
            'opcua:\n  endpoint: opc.tcp://127.0.0.1:4840/andon/\n  tags: [{tag: CNC-03.VIB, node: "CNC-03.VIB"}]\n',
            "error: live.yaml: opcua.tags[0].node: not an OPC UA node id: 'CNC-03.VIB' "
            "(expected e.g. ns=2;s=CNC-03.VIB or ns=2;i=1001)",
        ),
        (
            'opcua:\n  endpoint: opc.tcp://127.0.0.1:4840/andon/\n  tags: [{tag: CNC-99.VIB, node: "ns=2;s=X"}]\n',
            "error: live.yaml: opcua.tags[0].tag: unknown sensor tag 'CNC-99.VIB' "
            "(see andon tools describe sensor_trend)",
        ),
        ("mqtt:\n  port: 1883\n  tags: [{tag: PRS-01.PRES, topic: 'andon/#'}]\n", None),
    ],
)
def test_live_run_with_a_bad_mapping_is_one_line(
    in_home: Path, capsys: pytest.CaptureFixture[str], mapping: str, expected: str | None
) -> None:
    (in_home / "andon.toml").write_text('live_mapping = "live.yaml"\n', encoding="utf-8")
    (in_home / "live.yaml").write_text(mapping, encoding="utf-8")
    assert run("live", "run") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    if expected is None:
        assert err.startswith("error: live.yaml: mqtt.tags[0].topic: not a plain MQTT topic: 'andon/#'")
    else:
        assert err == expected


@pytest.mark.slow
def test_sim_mqtt_waits_for_its_broker_in_one_line_and_stops_on_ctrl_c(spawn: Callable[..., Andon]) -> None:
    port = free_port()
    publisher = spawn("sim", "mqtt", "--port", str(port), "--interval", "0.2")
    publisher.wait_for(rf"^Publishing sparkplug telemetry to 127\.0\.0\.1:{port}")
    publisher.wait_for(rf"^MQTT broker 127\.0\.0\.1:{port} unreachable; publishing resumes when it is up")
    time.sleep(3)  # several retries meanwhile: still one line
    assert publisher.interrupt() == 0
    assert sum("unreachable" in line for line in publisher.lines) == 1
    assert not any("Traceback" in line for line in publisher.lines)


@pytest.mark.slow
def test_sim_opcua_stops_cleanly_on_sigterm(spawn: Callable[..., Andon]) -> None:
    port = free_port()
    sim = spawn("sim", "opcua", "--port", str(port), "--lines", "L2")
    sim.wait_for(r"^OPC UA server on ")
    sim.process.terminate()
    assert sim.process.wait(60) == 0
    assert not any("Traceback" in line for line in sim.lines)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.slow
def test_demo_live_ingests_both_simulators_and_stops_on_ctrl_c(home: Path, spawn: Callable[..., Andon]) -> None:
    from connectors.mqtt.broker import find_mosquitto

    if find_mosquitto() is None:
        if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
            pytest.fail("ANDON_TEST_REQUIRE_SERVERS=1 but mosquitto is not installed (apt-get install mosquitto)")
        pytest.skip("Debian's mosquitto is not installed")
    demo = spawn("demo", "--live", "--no-ui", "--speed", "30")
    started = demo.wait_for(
        r"^Live: OPC UA opc\.tcp://127\.0\.0\.1:\d+/andon/, MQTT 127\.0\.0\.1:\d+ \(Sparkplug B\)", 600
    )
    assert "30x / 实时数据已接入" in started
    database = home / ".andon" / "plant.db"
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{database}"))

    def kinds() -> dict[str, int]:
        with engine.connect() as conn:
            return dict(conn.execute(text("select source_kind, count(*) from live_sample group by source_kind")).all())

    try:
        _wait_until(lambda: kinds().get("opcua", 0) > 0 and kinds().get("mqtt", 0) > 0, 180)
    finally:
        code = demo.interrupt()
    assert code == 0
    broker_port = int(re.search(r"MQTT 127\.0\.0\.1:(\d+)", started).group(1))  # type: ignore[union-attr]
    with pytest.raises(ConnectionRefusedError):  # the local broker stopped with the demo
        socket.create_connection(("127.0.0.1", broker_port), timeout=2).close()
    assert demo.lines[-1] == "Live demo stopped / 实时演示已停止"
    assert not any("Traceback" in line or line.startswith("internal error") for line in demo.lines)
    mapping = (home / ".andon" / "live" / "demo-mapping.yaml").read_text(encoding="utf-8")
    assert "ns=2;s=CNC-03.VIB" in mapping
    assert "spBv1.0/SZ1/DDATA/L3/ROB-01" in mapping
    counted = kinds()
    time.sleep(2)
    assert kinds() == counted  # nothing is left running that still writes
    engine.dispose()


@pytest.mark.parametrize("writes", [True, False])
def test_setpoint_proposals_are_a_tool_only_when_the_mapping_enables_writes(
    in_home: Path, capsys: pytest.CaptureFixture[str], writes: bool
) -> None:
    (in_home / "andon.toml").write_text('live_mapping = "live.yaml"\n', encoding="utf-8")
    (in_home / "live.yaml").write_text(
        "opcua:\n  endpoint: opc.tcp://127.0.0.1:4840/andon/\n"
        f"  writes_enabled: {str(writes).lower()}\n"
        "  setpoints: [{name: CNC-03.SPEED_SP, equipment: CNC-03, node: 'ns=2;s=CNC-03.SPEED_SP', "
        "unit: rpm, low: 2000, high: 12000}]\n",
        encoding="utf-8",
    )
    assert run("tools", "list", "--json") == 0
    listed = {tool["name"]: tool for tool in json.loads(capsys.readouterr().out)["tools"]}
    assert "live_values" in listed
    assert ("propose_setpoint_change" in listed) is writes
