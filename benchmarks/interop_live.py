"""Ingest rates of live plant data: OPC UA (history read + store) and MQTT (broker -> database), in one run.

    python benchmarks/interop_live.py            # prints medians of 3 runs each
`benchmarks/interop.py` imports `opcua_ingest_rate` and `mqtt_ingest_rate`. MQTT needs Debian's mosquitto.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as `python benchmarks/interop_live.py`, this folder comes first on sys.path and its ui.py would
# shadow the ui package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from connectors import DatabaseConfig, open_engine, seed_plant  # noqa: E402
from connectors.live.demo_mapping import demo_mapping  # noqa: E402
from connectors.live.simulation import PlantSimulation, SimClock  # noqa: E402
from connectors.live.store import LiveStore  # noqa: E402
from connectors.mqtt.broker import LocalBroker, find_mosquitto  # noqa: E402
from connectors.mqtt.ingest import MqttIngestor  # noqa: E402
from connectors.mqtt.publisher import MqttPublisher  # noqa: E402
from connectors.opcua.connector import OpcUaConnector  # noqa: E402
from connectors.opcua.simulator import OpcUaSimulator  # noqa: E402
from ui.live_runtime import free_port, quiet_protocol_logs  # noqa: E402

__all__ = ["mqtt_ingest_rate", "opcua_ingest_rate"]

ZONE = ZoneInfo("Asia/Shanghai")


def _plant(folder: Path, template: Path | None) -> Path:
    path = folder / "plant.db"
    if template is not None:
        shutil.copy(template, path)
    else:
        engine = open_engine(DatabaseConfig(url=f"sqlite:///{path}"))
        seed_plant(engine, scale="small", seed=7)
        engine.dispose()
    return path


def opcua_ingest_rate(plant: Path, *, plant_hours: float = 2.0) -> float:
    """Samples/s stored by the OPC UA connector backfilling `plant_hours` of 10 s history of lines L1+L2."""
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{plant}"))
    sim = PlantSimulation.from_plant(engine, step=timedelta(seconds=10))
    clock = SimClock(start=sim.start, anchor=time.time() - plant_hours * 3600, speed=1.0)
    endpoint = f"opc.tcp://127.0.0.1:{free_port()}/andon/"
    lines = {"L1", "L2"}
    mapping = demo_mapping(sim.tags, opcua_endpoint=endpoint, opcua_lines=lines)
    assert mapping.opcua is not None
    store = LiveStore(engine)
    connector = OpcUaConnector(mapping.opcua, store, ZONE, report=lambda _: None)

    async def run() -> float:
        stop_server, ready = asyncio.Event(), asyncio.Event()
        server = OpcUaSimulator(sim, clock, endpoint=endpoint, zone=ZONE, lines=lines, interval=1.0)
        serving = asyncio.create_task(server.run(stop_server, ready.set))
        await ready.wait()
        stop = asyncio.Event()
        started = time.perf_counter()
        ingesting = asyncio.create_task(connector.run(stop))
        await connector.connected.wait()  # set once the history backfill is stored
        elapsed = time.perf_counter() - started
        stop.set()
        await ingesting
        stop_server.set()
        await serving
        return store.sample_count() / elapsed

    try:
        return asyncio.run(run())
    finally:
        engine.dispose()


def mqtt_ingest_rate(plant: Path, folder: Path, *, seconds: float = 5.0) -> float:
    """Messages/s (one sample each, JSON topics of lines L3+L4) from publisher through mosquitto into the database.

    The publisher offers 1,000 samples per tag a second, more than the chain carries on this machine, so the
    figure is what publisher, broker and ingestor move together, not the offered rate."""
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{plant}"))
    broker = LocalBroker(folder / "broker", free_port())
    broker.start()
    try:
        sim = PlantSimulation.from_plant(engine, step=timedelta(seconds=1))
        clock = SimClock(start=sim.start, anchor=time.time(), speed=1000.0)  # more than the chain carries
        lines = {"L3", "L4"}
        mapping = demo_mapping(
            sim.tags, opcua_endpoint=None, opcua_lines=None, mqtt_port=broker.port, mqtt_lines=lines, mqtt_format="json"
        )
        assert mapping.mqtt is not None
        store = LiveStore(engine)
        ingestor = MqttIngestor(mapping.mqtt, store, ZONE, report=lambda _: None)
        publisher = MqttPublisher(
            sim,
            clock,
            host="127.0.0.1",
            port=broker.port,
            zone=ZONE,
            lines=lines,
            fmt="json",
            interval=0.1,
            report=lambda _: None,
        )
        stop_in, stop_out = threading.Event(), threading.Event()
        threads = [
            threading.Thread(target=ingestor.run, args=(stop_in,)),
            threading.Thread(target=publisher.run, args=(stop_out,)),
        ]
        threads[0].start()
        ingestor.connected.wait(10)
        started = time.perf_counter()
        threads[1].start()
        time.sleep(seconds)
        stop_out.set()
        threads[1].join()
        expected = (publisher.last_index - publisher.first_index + 1) * len([t for t in sim.tags if t.line in lines])  # type: ignore[operator]
        while store.sample_count() < expected and time.perf_counter() - started < seconds + 60:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        stop_in.set()
        threads[0].join()
        return store.sample_count() / elapsed
    finally:
        broker.stop()
        engine.dispose()


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    quiet_protocol_logs()
    with tempfile.TemporaryDirectory() as tmp:
        template = _plant(Path(tmp), None)
        opcua, mqtt = [], []
        for run in range(3):
            folder = Path(tmp) / f"run{run}"
            folder.mkdir()
            opcua.append(opcua_ingest_rate(_plant(folder, template)))
            if find_mosquitto():
                mqtt.append(
                    mqtt_ingest_rate(
                        _plant(folder / "m", template) if (folder / "m").mkdir() is None else template, folder
                    )
                )
        runs = ", ".join(f"{r:,.0f}" for r in opcua)
        print(f"OPC UA history ingest: median {statistics.median(opcua):,.0f} samples/s over 3 runs ({runs})")
        if mqtt:
            runs = ", ".join(f"{r:,.0f}" for r in mqtt)
            print(f"MQTT ingest (mosquitto, QoS 1, JSON): median {statistics.median(mqtt):,.0f} messages/s ({runs})")
        else:
            print("MQTT ingest: skipped (mosquitto is not installed)")


if __name__ == "__main__":
    main()
