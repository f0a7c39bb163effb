"""The OPC UA simulator and connector, for real over 127.0.0.1: values with their node ids, the CNC-03 story,
alarms, and a killed and restarted server leaving no gap and no duplicate."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from connectors.live.demo_mapping import demo_mapping
from connectors.live.errors import SetpointRefusedError, SourceUnavailableError
from connectors.live.simulation import PlantSimulation, SimClock, SimulatedTag
from connectors.live.store import LiveStore
from connectors.opcua.connector import OpcUaConnector, browse_server, check_setpoint, write_setpoint
from connectors.opcua.simulator import OpcUaSimulator
from tests.live.conftest import free_port

ZONE = ZoneInfo("Asia/Shanghai")
STEP_S = 30.0  # plant seconds per sample: speed 30 x one update a second


def _setup(engine: Engine) -> tuple[PlantSimulation, SimClock, str]:
    sim = PlantSimulation.from_plant(engine, step=timedelta(seconds=STEP_S))
    clock = SimClock(start=sim.start, anchor=time.time() - 40 * 60 / 30, speed=30.0)  # 40 plant minutes in
    return sim, clock, f"opc.tcp://127.0.0.1:{free_port()}/andon/"


async def _serve(sim: PlantSimulation, clock: SimClock, endpoint: str) -> tuple[asyncio.Task[None], asyncio.Event]:
    stop, ready = asyncio.Event(), asyncio.Event()
    server = OpcUaSimulator(sim, clock, endpoint=endpoint, zone=ZONE, lines={"L2"}, interval=1.0)
    task = asyncio.create_task(server.run(stop, ready.set))
    await asyncio.wait_for(ready.wait(), 30)
    return task, stop


@pytest.mark.slow
def test_killed_and_restarted_server_leaves_no_gap_and_no_duplicate(live_engine: Engine) -> None:
    sim, clock, endpoint = _setup(live_engine)
    mapping = demo_mapping(sim.tags, opcua_endpoint=endpoint, opcua_lines={"L2"})
    assert mapping.opcua is not None
    store = LiveStore(live_engine)
    lines: list[str] = []
    connector = OpcUaConnector(mapping.opcua, store, ZONE, report=lines.append, max_backoff_s=1.0)

    async def scenario() -> None:
        stop_connector = asyncio.Event()
        running = asyncio.create_task(connector.run(stop_connector))
        task, stop = await _serve(sim, clock, endpoint)
        await asyncio.wait_for(connector.connected.wait(), 30)
        await asyncio.sleep(3)
        stop.set()  # the server goes away ...
        await task
        await asyncio.sleep(3)
        task, stop = await _serve(sim, clock, endpoint)  # ... and comes back
        await asyncio.sleep(2)
        await asyncio.wait_for(connector.connected.wait(), 30)
        await asyncio.sleep(3)
        stop_connector.set()
        await running
        stop.set()
        await task

    asyncio.run(scenario())
    tags = [t.code for t in sim.tags if t.line == "L2"]
    with live_engine.connect() as conn:
        rows = conn.execute(text("select tag_id, ts, value, source from live_sample")).all()
        codes = dict(conn.execute(text("select id, code from sensor_tag")).all())
        alarms = conn.execute(text("select raised_at, cleared_at, source from live_alarm")).all()
    by_tag: dict[str, list[tuple[object, float]]] = {}
    for tag_id, ts, value, source in rows:
        by_tag.setdefault(codes[tag_id], []).append((ts, value))
        assert source == f"ns=2;s={codes[tag_id]}"
    assert sorted(by_tag) == sorted(tags)
    for tag in tags:
        stored = sorted(by_tag[tag])
        # Every sample from the plant clock to the newest one, exactly once, with the simulator's value.
        assert len(stored) == len({ts for ts, _ in stored}) == len(stored[-1:] and range(len(stored)))
        indices = [sim.index(_as_datetime(ts)) for ts, _ in stored]
        assert indices == list(range(indices[-1] + 1)), tag
        assert [v for _, v in stored[:3]] == [sim.value(tag, k) for k in range(3)]
    assert any("connected to" in line for line in lines)
    assert any("retrying" in line for line in lines)
    # CNC-03's vibration climbs into the alarm limit: E-217 raised once, still active, from its machine node.
    assert [(str(r)[:10], c, s) for r, c, s in alarms] == [("2026-11-20", None, "ns=2;s=CNC-03")]
    vib = sorted(by_tag["CNC-03.VIB"])
    assert vib[0][1] < 2.0
    assert vib[-1][1] > 4.5


def _as_datetime(value: object) -> object:
    from datetime import datetime

    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def test_an_unreachable_server_is_one_clear_line() -> None:
    endpoint = f"opc.tcp://127.0.0.1:{free_port()}/andon/"
    with pytest.raises(
        SourceUnavailableError, match=r"^cannot reach OPC UA server opc\.tcp://127\.0\.0\.1:\d+/andon/: "
    ):
        asyncio.run(browse_server(endpoint, timeout_s=2))


def test_browse_and_an_approved_style_write_within_limits(live_engine: Engine) -> None:
    sim, clock, endpoint = _setup(live_engine)
    mapping = demo_mapping(sim.tags, opcua_endpoint=endpoint, opcua_lines={"L2"}, writes_enabled=True)
    assert mapping.opcua is not None
    speed = mapping.setpoint("CNC-03.SPEED_SP")
    interlock = mapping.setpoint("CNC-03.DOOR_INTERLOCK")
    assert speed is not None
    assert interlock is not None
    with pytest.raises(SetpointRefusedError, match="outside the configured limits"):
        check_setpoint(speed, 20000)
    with pytest.raises(SetpointRefusedError, match="interlock node: Andon never writes"):
        check_setpoint(interlock, 0)

    async def scenario() -> tuple[list[str], tuple[float, float]]:
        task, stop = await _serve(sim, clock, endpoint)
        try:
            nodes = await browse_server(endpoint)
            written = await write_setpoint(mapping.opcua, speed, 7000)  # type: ignore[arg-type]
        finally:
            stop.set()
            await task
        return [n.node_id for n in nodes], written

    node_ids, (before, after) = asyncio.run(scenario())
    assert "ns=2;s=CNC-03.VIB" in node_ids
    assert "ns=2;s=CNC-03" in node_ids
    assert (before, after) == (8000.0, 7000.0)


def test_a_steady_value_is_stored_at_every_sample_time(live_engine: Engine) -> None:
    """A machine that reports the same pressure again and again: every sample is kept, not only the changes."""
    steady = SimulatedTag(
        code="LT-01.PRES",
        equipment="LT-01",
        line="L2",
        suffix="PRES",
        kind="pressure",
        unit="bar",
        level=6.0,
        noise=0.0,
        normal_low=5.8,
        normal_high=6.2,
        alarm_high=6.5,
    )
    start = PlantSimulation.from_plant(live_engine).start
    sim = PlantSimulation(tags=[steady], start=start, step=timedelta(seconds=10))
    clock = SimClock(start=sim.start, anchor=time.time(), speed=10.0)  # one sample per wall second
    endpoint = f"opc.tcp://127.0.0.1:{free_port()}/andon/"
    mapping = demo_mapping(sim.tags, opcua_endpoint=endpoint, opcua_lines={"L2"})
    assert mapping.opcua is not None
    store = LiveStore(live_engine)
    connector = OpcUaConnector(mapping.opcua, store, ZONE, report=lambda line: None)

    async def scenario() -> tuple[int, int]:
        task, stop = await _serve(sim, clock, endpoint)
        stop_connector = asyncio.Event()
        running = asyncio.create_task(connector.run(stop_connector))
        await asyncio.wait_for(connector.connected.wait(), 30)
        after_backfill = store.sample_count()
        await asyncio.sleep(6)
        stop_connector.set()
        await running
        newest = sim.index(clock.now())
        stop.set()
        await task
        return after_backfill, newest

    after_backfill, newest = asyncio.run(scenario())
    with live_engine.connect() as conn:
        rows = conn.execute(text("select ts, value from live_sample")).all()
    indices = sorted(sim.index(_as_datetime(ts)) for ts, _ in rows)  # type: ignore[arg-type]
    assert {value for _, value in rows} == {6.0}
    assert indices == list(range(len(indices)))  # no hole
    assert len(indices) >= after_backfill + 4  # the subscription kept bringing the same value
    assert indices[-1] >= newest - 2
