"""Live values in the equipment tools, on the tiny plant with live samples and alarms written through the store.

CNC-03.VIB (normal 0.5-2.8 mm/s, alarm at 4.5) reports 2.1, 3.2 and 4.7 over OPC UA at 06:00:10, :20 and :30
of 2026-11-20 (the plant clock is 06:00); E-217 is raised at 06:00:25 and still active at 06:00:30.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from connectors.live.mapping import parse_mapping
from connectors.live.store import AlarmEvent, LiveStore, Sample
from connectors.live.timebase import live_clock
from tests.tools.conftest import CLOCK, build_tiny_plant
from tools.builtin import detect_anomalies, list_alarms, live_values, sensor_trend
from tools.builtin.live_data import LIVE_EXTRA, ActiveAlarm, LiveContext, LiveValue
from tools.contract import DataSource, Role, ToolContext

Run = Callable[..., Any]
VIB_NODE = "ns=2;s=CNC-03.VIB"
MACHINE_NODE = "ns=2;s=CNC-03"
SPIKE_AT = datetime(2026, 11, 19, 22)  # the stored hourly reading of 4.0
SAMPLES = [(10, 2.1), (20, 3.2), (30, 4.7)]  # seconds after the plant clock, mm/s
RAISED = CLOCK + timedelta(seconds=25)
NEWEST = CLOCK + timedelta(seconds=30)
MAPPING = parse_mapping(
    {
        "opcua": {
            "endpoint": "opc.tcp://127.0.0.1:4840/andon/",
            "tags": [{"tag": "CNC-03.VIB", "node": VIB_NODE}],
            "alarms": [{"equipment": "CNC-03", "node": MACHINE_NODE}],
        }
    },
    "live.yaml",
)


@pytest.fixture
def live_engine() -> Engine:
    engine = build_tiny_plant()
    store = LiveStore(engine)
    samples = [Sample("CNC-03.VIB", CLOCK + timedelta(seconds=s), v, "opcua", VIB_NODE) for s, v in SAMPLES]
    report = store.write(samples, [AlarmEvent("CNC-03", "E-217", RAISED, True, "opcua", MACHINE_NODE)])
    assert (report.samples_new, report.alarms_raised, report.rejected) == (3, 1, [])
    return engine


@pytest.fixture
def session(live_engine: Engine) -> Iterator[Session]:
    with Session(live_engine) as session:
        yield session


@pytest.fixture
def live_ctx(session: Session) -> ToolContext:
    """An engineer with live data configured, at the live clock (the newest live timestamp)."""
    return ToolContext(
        user="eng1",
        role=Role.ENGINEER,
        session=session,
        clock=live_clock(session),
        extras={LIVE_EXTRA: LiveContext(mapping=MAPPING)},
    )


@pytest.fixture
def offline_ctx(session: Session) -> ToolContext:
    """The same plant and clock without live data configured."""
    return ToolContext(user="eng1", role=Role.ENGINEER, session=session, clock=live_clock(session))


def test_the_live_clock_is_the_newest_live_timestamp(live_ctx: ToolContext) -> None:
    assert live_ctx.clock == NEWEST


def test_live_values_of_a_machine_with_their_sources(live_ctx: ToolContext, run: Run) -> None:
    result = run(live_values, live_ctx, equipment="3号数控机床")
    assert result.values == [
        LiveValue(
            tag="CNC-03.VIB",
            name_en="Spindle vibration (RMS)",
            name_zh="主轴振动（有效值）",
            unit="mm/s",
            value=4.7,
            at=NEWEST,
            source_kind="opcua",
            source=VIB_NODE,
            state="alarm",
            stale=False,
        )
    ]
    assert result.active_alarms == [
        ActiveAlarm(
            code="E-217",
            text_en="Spindle vibration high",
            text_zh="主轴振动过高",
            severity="fault",
            equipment="CNC-03",
            raised_at=RAISED,
            minutes_active=0.08,  # 5 s
            source_kind="opcua",
            source=MACHINE_NODE,
        )
    ]
    assert result.provenance.sources == [
        DataSource(kind="opcua", address=VIB_NODE, tag="CNC-03.VIB", at=NEWEST),
        DataSource(kind="opcua", address=MACHINE_NODE, tag="E-217", at=RAISED),
    ]
    assert result.summary == "CNC-03 live: CNC-03.VIB 4.7 mm/s at 06:00:30; 1 active alarm(s)"
    assert (result.scope, result.data_unavailable, result.live_configured) == (
        {"equipment": "CNC-03", "line": "L2"},
        False,
        True,
    )


def test_live_values_never_look_past_the_clock_and_flag_stale_values(live_ctx: ToolContext, run: Run) -> None:
    earlier = run(live_values, replace(live_ctx, clock=CLOCK + timedelta(seconds=22)), equipment="CNC-03")
    assert [(v.value, v.state, v.at) for v in earlier.values] == [(3.2, "above normal", CLOCK + timedelta(seconds=20))]
    assert earlier.active_alarms == []  # raised at :25, after this clock
    later = run(live_values, replace(live_ctx, clock=NEWEST + timedelta(minutes=6)), equipment="CNC-03")
    assert [(v.value, v.stale) for v in later.values] == [(4.7, True)]
    assert [a.minutes_active for a in later.active_alarms] == [6.08]


def test_live_values_without_live_data_say_so(offline_ctx: ToolContext, run: Run) -> None:
    result = run(live_values, offline_ctx, equipment="CNC-03")
    assert (result.values, result.active_alarms, result.live_configured, result.data_unavailable) == (
        [],
        [],
        False,
        True,
    )
    assert result.summary.startswith("no live data source is configured for CNC-03")
    assert result.provenance.sources == []


def test_sensor_trend_names_the_live_source_and_keeps_its_figures(
    live_ctx: ToolContext, offline_ctx: ToolContext, run: Run
) -> None:
    live = run(sensor_trend, live_ctx, tag="CNC-03.VIB", period="2026-11-18..2026-11-19")
    offline = run(sensor_trend, offline_ctx, tag="CNC-03.VIB", period="2026-11-18..2026-11-19")
    for result in (live, offline):  # the hourly figures are the stored ones either way
        assert (result.readings, result.max, result.max_at, result.above_normal) == (42, 4.0, SPIKE_AT, 1)
    assert live.provenance.sources == [DataSource(kind="opcua", address=VIB_NODE, tag="CNC-03.VIB", at=NEWEST)]
    assert live.live is not None
    assert (live.live.value, live.live.state) == (4.7, "alarm")
    assert offline.live is None
    assert offline.provenance.sources == []
    assert "sources" not in offline.model_dump(mode="json")["provenance"]  # serialised as before live data


def test_detect_anomalies_names_the_live_source_only_with_live_data(
    live_ctx: ToolContext, offline_ctx: ToolContext, run: Run
) -> None:
    args = {"tag": "CNC-03.VIB", "period": "past 3 days", "window": 10}
    live = run(detect_anomalies, live_ctx, **args)
    offline = run(detect_anomalies, offline_ctx, **args)
    assert [(i.kind, i.start, i.peak_value) for i in live.intervals] == [
        ("outside operating band", SPIKE_AT, 4.0),
        ("z-score", SPIKE_AT, 4.0),
    ]
    assert live.intervals == offline.intervals
    assert live.provenance.sources == [DataSource(kind="opcua", address=VIB_NODE, tag="CNC-03.VIB", at=NEWEST)]
    assert offline.provenance.sources == []


def test_list_alarms_adds_active_live_alarms_and_their_source(
    live_ctx: ToolContext, offline_ctx: ToolContext, run: Run
) -> None:
    live = run(list_alarms, live_ctx, target="CNC-03", period="today")
    assert (live.alarms, live.complete, live.data_unavailable) == ([], True, False)
    assert [(a.code, a.raised_at, a.source) for a in live.active] == [("E-217", RAISED, MACHINE_NODE)]
    assert live.summary.endswith(", 1 active now")
    assert live.provenance.sources == [DataSource(kind="opcua", address=MACHINE_NODE, tag="E-217", at=RAISED)]
    offline = run(list_alarms, offline_ctx, target="CNC-03", period="today")
    assert (offline.active, offline.provenance.sources, offline.data_unavailable) == ([], [], True)
    assert not offline.summary.endswith("active now")


def test_a_cleared_live_alarm_becomes_an_ordinary_alarm(live_engine: Engine, live_ctx: ToolContext, run: Run) -> None:
    cleared_at = CLOCK + timedelta(seconds=40)
    report = LiveStore(live_engine).write(
        alarms=[AlarmEvent("CNC-03", "E-217", cleared_at, False, "opcua", MACHINE_NODE)]
    )
    assert report.alarms_cleared == 1
    later = replace(live_ctx, clock=live_clock(live_ctx.session))
    assert later.clock == cleared_at  # a clearing moves the live clock too
    result = run(list_alarms, later, target="CNC-03", period="today")
    assert [(a.code, a.raised_at, a.cleared_at, a.minutes) for a in result.alarms] == [
        ("E-217", RAISED, cleared_at, 0.25)
    ]
    assert (result.active, result.provenance.sources) == ([], [])


def test_the_plant_clock_rules_when_live_data_is_older(live_engine: Engine) -> None:
    with Session(live_engine) as session:
        assert live_clock(session) == NEWEST
    engine = build_tiny_plant()
    LiveStore(engine).write([Sample("CNC-03.VIB", datetime(2026, 11, 19, 23), 1.9, "mqtt", "andon/x")])
    with Session(engine) as session:
        assert live_clock(session) == CLOCK
