"""The console's live-alarm panel: what each poll shows as alarms are raised and cleared (tiny plant)."""

from __future__ import annotations

from datetime import datetime, timedelta

from connectors.live.store import AlarmEvent, LiveStore
from tests.tools.conftest import CLOCK, build_tiny_plant
from ui.console.live import live_alarms_markdown

HEADER = [
    "**Live alarms / 实时报警**",
    "",
    "| machine | code | alarm | severity | raised | cleared | source |",
    "|---|---|---|---|---|---|---|",
]


def _at(seconds: int) -> datetime:
    return CLOCK + timedelta(seconds=seconds)


def test_each_poll_shows_new_alarms_active_first() -> None:
    engine = build_tiny_plant()
    assert live_alarms_markdown(engine) == "**Live alarms / 实时报警**: none yet / 暂无"  # no live tables yet
    store = LiveStore(engine)
    assert live_alarms_markdown(engine) == "**Live alarms / 实时报警**: none yet / 暂无"

    store.write(alarms=[AlarmEvent("CNC-03", "E-205", _at(5), True, "mqtt", "spBv1.0/SZ1/DDATA/L2/CNC-03#Alarm/E-205")])
    assert live_alarms_markdown(engine).splitlines() == [
        *HEADER,
        "| CNC-03 | E-205 | Tool life limit reached / 刀具寿命到期 | info | 11-20 06:00:05 | **active / 活动中** "
        "| mqtt `spBv1.0/SZ1/DDATA/L2/CNC-03#Alarm/E-205` |",
    ]

    store.write(
        alarms=[
            AlarmEvent("CNC-03", "E-205", _at(40), False, "mqtt", "spBv1.0/SZ1/DDATA/L2/CNC-03#Alarm/E-205"),
            AlarmEvent("CNC-03", "E-217", _at(25), True, "opcua", "ns=2;s=CNC-03"),
        ]
    )
    rows = live_alarms_markdown(engine).splitlines()[len(HEADER) :]
    assert rows == [
        "| CNC-03 | E-217 | Spindle vibration high / 主轴振动过高 | fault | 11-20 06:00:25 | **active / 活动中** "
        "| opcua `ns=2;s=CNC-03` |",
        "| CNC-03 | E-205 | Tool life limit reached / 刀具寿命到期 | info | 11-20 06:00:05 | 11-20 06:00:40 "
        "| mqtt `spBv1.0/SZ1/DDATA/L2/CNC-03#Alarm/E-205` |",
    ]
    assert len(live_alarms_markdown(engine, limit=1).splitlines()) == len(HEADER) + 1
