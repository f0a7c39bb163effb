"""Live alarms in the console: a panel that polls the plant database every few seconds (gr.Timer),
so a new alarm from OPC UA or MQTT appears without a reload. Shown only when live data is configured."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from ui.config import AndonSettings

__all__ = ["live_alarms_markdown", "live_panel"]

_POLL_S = 2.0
_SHOWN = 8


def live_alarms_markdown(engine: Engine, *, limit: int = _SHOWN) -> str:
    """Active live alarms first, then the latest cleared ones, as a Markdown table (zh / en)."""
    from connectors.live.schema import LiveAlarm
    from connectors.schema import AlarmCode, Equipment

    if not inspect(engine).has_table(LiveAlarm.__tablename__):
        return "**Live alarms / 实时报警**: none yet / 暂无"
    with Session(engine) as session:
        rows = session.execute(
            select(
                LiveAlarm,
                col(AlarmCode.code),
                col(AlarmCode.text_en),
                col(AlarmCode.text_zh),
                col(AlarmCode.severity),
                col(Equipment.code),
            )
            .join(AlarmCode, col(AlarmCode.id) == col(LiveAlarm.alarm_code_id))
            .join(Equipment, col(Equipment.id) == col(LiveAlarm.equipment_id))
            .order_by(col(LiveAlarm.cleared_at).is_not(None), col(LiveAlarm.raised_at).desc())
            .limit(limit)
        ).all()
    if not rows:
        return "**Live alarms / 实时报警**: none yet / 暂无"

    def when(moment: datetime | None) -> str:
        return f"{moment:%m-%d %H:%M:%S}" if moment else "**active / 活动中**"

    lines = [
        "**Live alarms / 实时报警**",
        "",
        "| machine | code | alarm | severity | raised | cleared | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for alarm, code, en, zh, severity, machine in rows:
        lines.append(
            f"| {machine} | {code} | {en} / {zh} | {severity} | {when(alarm.raised_at)} | {when(alarm.cleared_at)} "
            f"| {alarm.source_kind} `{alarm.source}` |"
        )
    return "\n".join(lines)


def live_panel(settings: AndonSettings) -> Any:
    """Add the live-alarm panel to the Blocks being built; returns the Markdown component."""
    import gradio as gr

    from ui.system import open_plant

    engine = open_plant(settings)
    panel = gr.Markdown(live_alarms_markdown(engine), elem_id="live-alarms")
    gr.Timer(_POLL_S).tick(lambda: live_alarms_markdown(engine), outputs=[panel])
    return panel
