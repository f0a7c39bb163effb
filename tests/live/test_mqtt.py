"""MQTT / Sparkplug B ingestion against a real mosquitto on 127.0.0.1: payload decoding, malformed payloads,
and a broker that is killed and restarted mid-stream (nothing lost, nothing duplicated)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from connectors.live.demo_mapping import demo_mapping
from connectors.live.simulation import PlantSimulation, SimClock
from connectors.live.store import LiveStore
from connectors.mqtt.broker import LocalBroker
from connectors.mqtt.ingest import MqttIngestor
from connectors.mqtt.publisher import MqttPublisher
from connectors.mqtt.sparkplug import DataType, SparkplugError, SparkplugMetric, decode, encode

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
