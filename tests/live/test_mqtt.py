"""MQTT / Sparkplug B ingestion against a real mosquitto on 127.0.0.1: payload decoding, malformed payloads,
and a broker that is killed and restarted mid-stream (nothing lost, nothing duplicated)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from connectors.live.demo_mapping import demo_mapping
from connectors.live.simulation import PlantSimulation, SimClock
from connectors.live.store import AlarmEvent, LiveStore, Sample, WriteReport
from connectors.mqtt.broker import LocalBroker, find_mosquitto
from connectors.mqtt.ingest import MqttIngestor
from connectors.mqtt.publisher import MqttPublisher
from connectors.mqtt.sparkplug import DataType, SparkplugError, SparkplugMetric, decode, encode
from tests.live.conftest import free_port

ZONE = ZoneInfo("Asia/Shanghai")


def test_sparkplug_round_trip_and_signed_integers() -> None:
    raw = encode(
        [
            SparkplugMetric("VIB", 1.25),
            SparkplugMetric("Alarm/E-342", True, DataType.BOOLEAN, 7),
            SparkplugMetric("N", -3, DataType.INT16),
        ],
        timestamp_ms=1000,
        seq=4,
    )
    payload = decode(raw)
    assert (payload.timestamp_ms, payload.seq) == (1000, 4)
    assert [(m.name, m.value, m.timestamp_ms) for m in payload.metrics] == [
        ("VIB", 1.25, 1000),
        ("Alarm/E-342", True, 7),
        ("N", -3, 1000),
    ]
    with pytest.raises(SparkplugError, match="not a Sparkplug B payload"):
        decode(b"\xff\xff\xff")


def _run(target: object, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=target, args=(stop,), daemon=True)  # type: ignore[arg-type]
    thread.start()
    return thread


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["sparkplug", "json"])
def test_broker_killed_and_restarted_loses_and_duplicates_nothing(
    live_engine: Engine, broker: LocalBroker, fmt: str
) -> None:
    sim = PlantSimulation.from_plant(live_engine, step=timedelta(seconds=10))
    clock = SimClock(start=sim.start, anchor=time.time(), speed=50.0)
    lines = {"L3", "L4"}
    mapping = demo_mapping(
        sim.tags, opcua_endpoint=None, opcua_lines=None, mqtt_port=broker.port, mqtt_lines=lines, mqtt_format=fmt
    )
    assert mapping.mqtt is not None
    store = LiveStore(live_engine)
    said: list[str] = []
    ingestor = MqttIngestor(mapping.mqtt, store, ZONE, report=said.append)
    publisher = MqttPublisher(
        sim,
        clock,
        host="127.0.0.1",
        port=broker.port,
        zone=ZONE,
        lines=lines,
        fmt=fmt,
        interval=0.2,
        report=said.append,
    )  # type: ignore[arg-type]
    stop_in, stop_out = threading.Event(), threading.Event()
    ingesting = _run(ingestor.run, stop_in)
    assert ingestor.connected.wait(10)
    publishing = _run(publisher.run, stop_out)
    time.sleep(2.5)
    broker.stop()
    time.sleep(1.5)
    broker.start()
    time.sleep(3)
    stop_out.set()
    publishing.join(15)
    deadline = time.monotonic() + 15
    tags = [t.code for t in sim.tags if t.line in lines]
    assert publisher.first_index is not None
    assert publisher.last_index is not None
    expected = (publisher.last_index - publisher.first_index + 1) * len(tags)
    while store.sample_count() < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    stop_in.set()
    ingesting.join(15)
    with live_engine.connect() as conn:
        rows = conn.execute(text("select tag_id, ts from live_sample")).all()
    assert len(rows) == expected  # each published sample exactly once (the store's key forbids twins)
    indices = sorted({sim.index(ts if isinstance(ts, datetime) else datetime.fromisoformat(ts)) for _, ts in rows})
    assert indices == list(range(publisher.first_index, publisher.last_index + 1))
    assert any("dropped" in line for line in said)
    assert any(line.startswith("MQTT reconnected to") for line in said)
    assert not any("kept no session" in line or "never confirmed" in line for line in said)


@pytest.mark.slow
def test_a_session_outlives_a_broker_restart_while_andon_is_away(live_engine: Engine, broker: LocalBroker) -> None:
    """Andon disconnects, the broker restarts, telemetry goes on; when Andon is back it gets all of it."""
    sim = PlantSimulation.from_plant(live_engine, step=timedelta(seconds=10))
    clock = SimClock(start=sim.start, anchor=time.time(), speed=50.0)
    mapping = demo_mapping(
        sim.tags, opcua_endpoint=None, opcua_lines=None, mqtt_port=broker.port, mqtt_lines={"L4"}, mqtt_format="json"
    )
    assert mapping.mqtt is not None
    store = LiveStore(live_engine)
    said: list[str] = []
    first = MqttIngestor(mapping.mqtt, store, ZONE, report=said.append)
    stop_first = threading.Event()
    running = _run(first.run, stop_first)
    assert first.connected.wait(10)  # the session and its subscriptions now exist on the broker
    stop_first.set()
    running.join(15)
    publisher = MqttPublisher(
        sim, clock, host="127.0.0.1", port=broker.port, zone=ZONE, lines={"L4"}, fmt="json", interval=0.2
    )
    stop_out = threading.Event()
    publishing = _run(publisher.run, stop_out)
    time.sleep(1.5)
    broker.stop()
    broker.start()
    time.sleep(1.5)
    stop_out.set()
    publishing.join(20)
    assert publisher.unconfirmed == 0
    assert store.sample_count() == 0  # nothing arrived while Andon was away
    second = MqttIngestor(mapping.mqtt, store, ZONE, report=said.append)
    stop_second = threading.Event()
    running = _run(second.run, stop_second)
    assert publisher.first_index is not None
    assert publisher.last_index is not None
    expected = (publisher.last_index - publisher.first_index + 1) * len([t for t in sim.tags if t.line == "L4"])
    deadline = time.monotonic() + 20
    while store.sample_count() < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    stop_second.set()
    running.join(15)
    assert store.sample_count() == expected
    assert not any("kept no session" in line for line in said)


def test_malformed_payloads_are_reported_once_and_the_stream_goes_on(live_engine: Engine) -> None:
    from connectors.live.mapping import parse_mapping

    mapping = parse_mapping(
        {"mqtt": {"tags": [{"tag": "PRS-01.PRES", "topic": "andon/SZ1/L4/PRS-01/PRES"}]}}, "live.yaml"
    )
    assert mapping.mqtt is not None
    said: list[str] = []
    ingestor = MqttIngestor(mapping.mqtt, LiveStore(live_engine), ZONE, report=said.append)

    class Message:
        def __init__(self, payload: bytes, mid: int) -> None:
            self.topic, self.payload, self.qos, self.mid = "andon/SZ1/L4/PRS-01/PRES", payload, 1, mid

    for mid, body in enumerate(
        [b"{not json", b'{"value": "high", "ts": "2026-11-20T06:00:00+08:00"}', b'{"value": 1}'], 1
    ):
        ingestor._on_message(ingestor.client, None, Message(body, mid))  # type: ignore[arg-type]
    ingestor._on_message(ingestor.client, None, Message(b'{"value": 201.5, "ts": "2026-11-20T06:00:01+08:00"}', 9))  # type: ignore[arg-type]
    ingestor.flush()
    assert ingestor.rejected == 3
    assert said == ["MQTT andon/SZ1/L4/PRS-01/PRES: malformed payload skipped (not JSON)"]
    assert ingestor.stored_samples == 1


class _FailingOnce(LiveStore):
    """A store whose first write fails, as a locked or unreachable database would."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.failures = 1

    def write(self, samples: Sequence[Sample] = (), alarms: Sequence[AlarmEvent] = ()) -> WriteReport:
        if self.failures:
            self.failures -= 1
            raise OperationalError("INSERT INTO live_sample ...", {}, Exception("database is locked"))
        return super().write(samples, alarms)


def test_a_batch_the_database_refused_is_written_and_acknowledged_at_the_next_flush(
    live_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.live.mapping import parse_mapping

    mapping = parse_mapping(
        {"mqtt": {"tags": [{"tag": "PRS-01.PRES", "topic": "andon/SZ1/L4/PRS-01/PRES"}]}}, "live.yaml"
    )
    assert mapping.mqtt is not None
    said: list[str] = []
    store = _FailingOnce(live_engine)
    ingestor = MqttIngestor(mapping.mqtt, store, ZONE, report=said.append)
    acked: list[int] = []
    monkeypatch.setattr(ingestor.client, "ack", lambda mid, qos: acked.append(mid))

    class Message:
        topic, qos = "andon/SZ1/L4/PRS-01/PRES", 1

        def __init__(self, payload: bytes, mid: int) -> None:
            self.payload, self.mid = payload, mid

    ingestor._on_message(ingestor.client, None, Message(b'{"value": 201.5, "ts": "2026-11-20T06:00:01+08:00"}', 1))  # type: ignore[arg-type]
    ingestor._flush_reporting()
    assert (store.sample_count(), acked) == (0, [])  # not stored, so not acknowledged
    assert len(said) == 1
    assert said[0].startswith("MQTT ingest could not store a batch, retrying: ")
    assert "database is locked" in said[0]
    assert "\n" not in said[0]
    ingestor._on_message(ingestor.client, None, Message(b'{"value": 202.0, "ts": "2026-11-20T06:00:02+08:00"}', 2))  # type: ignore[arg-type]
    ingestor._flush_reporting()
    assert (store.sample_count(), acked) == (2, [1, 2])
    assert said[-1] == "MQTT ingest stores again / 已恢复写入"
    with live_engine.connect() as conn:
        values = conn.execute(text("select value from live_sample order by ts")).scalars().all()
    assert values == [201.5, 202.0]


def test_a_local_broker_does_not_outlive_a_killed_andon(tmp_path: Path) -> None:
    """SIGKILL leaves no cleanup to Python: the kernel stops the broker, so no stray mosquitto holds the port."""
    if find_mosquitto() is None:
        pytest.skip("Debian's mosquitto is not installed")
    port = free_port()
    script = (
        "import sys, time; from pathlib import Path; from connectors.mqtt.broker import LocalBroker; "
        f"LocalBroker(Path(sys.argv[1]), {port}).start(); print('up', flush=True); time.sleep(600)"
    )
    andon = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "broker")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert andon.stdout is not None
        assert andon.stdout.readline().strip() == "up"
        socket.create_connection(("127.0.0.1", port), timeout=2).close()  # the broker listens
    finally:
        andon.kill()
        andon.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.2)
    pytest.fail(f"mosquitto still listens on 127.0.0.1:{port} after Andon was killed")
