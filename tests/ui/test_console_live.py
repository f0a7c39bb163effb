"""The console's live-alarm panel: what each poll shows as alarms are raised and cleared (tiny plant), and a new
alarm appearing in an open console in a real browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.live.store import AlarmEvent, LiveStore
from tests.tools.conftest import CLOCK, build_tiny_plant
from tests.ui.conftest import free_port
from tests.ui.test_console_browser import sign_in
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


@pytest.fixture
def live_console(tmp_path: Path, small_plant_path: Path) -> Iterator[tuple[str, Path]]:
    """The console over a copy of the small plant with live data configured (no simulator needed)."""
    from connectors import DatabaseConfig, open_engine
    from connectors.live.demo_mapping import demo_mapping
    from connectors.live.mapping import dump_mapping
    from connectors.live.simulation import PlantSimulation
    from ui.config import AndonSettings
    from ui.console import launch_console

    shutil.copy(small_plant_path, tmp_path / "plant.db")
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path / 'plant.db'}"))
    tags = PlantSimulation.from_plant(engine).tags
    engine.dispose()
    mapping = tmp_path / "live.yaml"
    mapping.write_text(
        dump_mapping(demo_mapping(tags, opcua_endpoint="opc.tcp://127.0.0.1:4840/andon/", opcua_lines=None)),
        encoding="utf-8",
    )
    settings = AndonSettings(data_home=tmp_path, ui_auth=True, live_mapping=mapping)
    port = free_port()
    app = launch_console(settings, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/", tmp_path / "plant.db"
    app.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_new_alarm_appears_in_the_open_console_without_a_reload(browser: Any, live_console: tuple[str, Path]) -> None:
    from connectors import DatabaseConfig, open_engine

    url, database = live_console
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(url)
        sign_in(page, "operator")
        panel = page.locator("#live-alarms")
        panel.get_by_text("none yet").wait_for()
        engine = open_engine(DatabaseConfig(url=f"sqlite:///{database}"))
        LiveStore(engine).write(
            alarms=[AlarmEvent("ROB-01", "E-342", _at(12), True, "mqtt", "spBv1.0/SZ1/DDATA/L3/ROB-01")]
        )
        engine.dispose()
        panel.get_by_text("E-342").wait_for(timeout=30_000)  # the panel polls; the page is not reloaded
        assert "ROB-01" in panel.inner_text()
        assert "active / 活动中" in panel.inner_text()
    finally:
        context.close()
