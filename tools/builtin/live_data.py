"""Live values of machines (OPC UA / MQTT), and what the other equipment tools add when live data is on.

Live data is "configured" when the caller's context carries a `LiveContext` under
`ctx.extras["live"]` (the composition root puts it there when a mapping is configured). Without it
every equipment tool behaves as before; with it, results name their live sources (node id or topic
and the time of the value) in `provenance.sources`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field
from sqlalchemy import inspect, select
from sqlmodel import col

from connectors.live.mapping import LiveMapping
from connectors.live.schema import LiveAlarm, LiveSample
from connectors.schema import AlarmCode, Equipment, SensorTag
from tools.builtin.common import Part, provenance
from tools.contract import DataSource, ToolContext, ToolResult, tool
from tools.resolvers import resolve_equipment

__all__ = [
    "LIVE_EXTRA",
    "ActiveAlarm",
    "AlarmOccurrence",
    "LiveContext",
    "LiveValue",
    "LiveValuesResult",
    "active_alarms",
    "latest_sample",
    "live_of",
    "live_values",
]

LIVE_EXTRA = "live"
#: A value older than this (against the live clock) is reported as stale.
STALE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class LiveContext:
    """What tools know about the live sources: the validated mapping."""

    mapping: LiveMapping


def live_of(ctx: ToolContext) -> LiveContext | None:
    """The live context of this call, or None when live data is not configured."""
    found = ctx.extras.get(LIVE_EXTRA)
    return found if isinstance(found, LiveContext) else None


def _has_live_tables(ctx: ToolContext) -> bool:
    return bool(inspect(ctx.session.get_bind()).has_table(LiveSample.__tablename__))


class LiveValue(Part):
    """The newest value of one tag, where it came from and how it compares with the tag's limits."""

    tag: str
    name_en: str
    name_zh: str
    unit: str
    value: float
    at: datetime
    source_kind: Literal["opcua", "mqtt"]
    source: str = Field(description="OPC UA node id, or MQTT topic (#Sparkplug metric).")
    state: Literal["normal", "below normal", "above normal", "alarm"]
    stale: bool = Field(description=f"True when older than {int(STALE_AFTER.total_seconds() // 60)} min.")

    def data_source(self) -> DataSource:
        return DataSource(kind=self.source_kind, address=self.source, tag=self.tag, at=self.at)


def _state(spec: SensorTag, value: float) -> Literal["normal", "below normal", "above normal", "alarm"]:
    if value >= spec.alarm_high:
        return "alarm"
    if value > spec.normal_high:
        return "above normal"
    return "below normal" if value < spec.normal_low else "normal"


def latest_sample(ctx: ToolContext, spec: SensorTag) -> LiveValue | None:
    """The newest live sample of a tag at or before the context clock, if any."""
    if spec.id is None or not _has_live_tables(ctx):
        return None
    row = ctx.session.execute(
        select(col(LiveSample.ts), col(LiveSample.value), col(LiveSample.source_kind), col(LiveSample.source))
        .where(col(LiveSample.tag_id) == spec.id, col(LiveSample.ts) <= ctx.clock)
        .order_by(col(LiveSample.ts).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    ts, value, kind, source = row
    return LiveValue(
        tag=spec.code,
        name_en=spec.name_en,
        name_zh=spec.name_zh,
        unit=spec.unit,
        value=float(value),
        at=ts,
        source_kind=kind,  # type: ignore[arg-type]  # the table holds only "opcua" or "mqtt"
        source=source,
        state=_state(spec, float(value)),
        stale=ctx.clock - ts > STALE_AFTER,
    )


class AlarmOccurrence(Part):
    """What every alarm row says: the code and its texts, the machine, when it was raised."""

    code: str
    text_en: str
    text_zh: str
    severity: str
    equipment: str
    raised_at: datetime


class ActiveAlarm(AlarmOccurrence):
    """An alarm that is active right now, as a live source reported it."""

    minutes_active: float
    source_kind: Literal["opcua", "mqtt"]
    source: str

    def data_source(self) -> DataSource:
        return DataSource(kind=self.source_kind, address=self.source, tag=self.code, at=self.raised_at)


def active_alarms(
    ctx: ToolContext, *, equipment_ids: list[int] | None = None, line_ids: list[int] | None = None
) -> list[ActiveAlarm]:
    """Live alarms raised at or before the context clock and not cleared, newest first."""
    if not _has_live_tables(ctx):
        return []
    statement = (
        select(
            col(AlarmCode.code),
            col(AlarmCode.text_en),
            col(AlarmCode.text_zh),
            col(AlarmCode.severity),
            col(Equipment.code),
            LiveAlarm,
        )
        .select_from(LiveAlarm)
        .join(AlarmCode, col(AlarmCode.id) == col(LiveAlarm.alarm_code_id))
        .join(Equipment, col(Equipment.id) == col(LiveAlarm.equipment_id))
        .where(col(LiveAlarm.cleared_at).is_(None), col(LiveAlarm.raised_at) <= ctx.clock)
        .order_by(col(LiveAlarm.raised_at).desc())
    )
    if equipment_ids is not None:
        statement = statement.where(col(LiveAlarm.equipment_id).in_(equipment_ids))
    if line_ids is not None:
        statement = statement.where(col(LiveAlarm.line_id).in_(line_ids))
    return [
        ActiveAlarm(
            code=code,
            text_en=en,
            text_zh=zh,
            severity=severity,
            equipment=machine,
            raised_at=alarm.raised_at,
            minutes_active=round((ctx.clock - alarm.raised_at).total_seconds() / 60, 2),
            source_kind=alarm.source_kind,  # type: ignore[arg-type]
            source=alarm.source,
        )
        for code, en, zh, severity, machine, alarm in ctx.session.execute(statement).all()
    ]


class LiveValuesResult(ToolResult):
    """The current values of a machine's tags and its active alarms, each with its live source."""

    equipment: str
    values: list[LiveValue]
    active_alarms: list[ActiveAlarm]
    live_configured: bool


@tool(
    domain="equipment",
    description_zh="设备当前实时数值（来自OPC UA / MQTT，含数据来源与时间戳）和当前活动报警",
    examples=[
        "What is CNC-03 reading right now?",
        "Live values of PRS-01",
        "How hot is washer WSH-02 at the moment?",
        "Show the real-time sensor values of the leak tester",
        "Present motor current of ROB-01",
        "3号数控机床现在的实时数据",
        "1号液压机当前实时数值",
        "WSH-02现在温度多少度？",
        "气密检测机的实时传感器读数",
        "ROB-01此刻的电流",
    ],
    sample_args={"equipment": "CNC-03"},
)
def live_values(ctx: ToolContext, equipment: str) -> LiveValuesResult:
    """Current (live) values of every sensor tag of one machine, each with its OPC UA node id or MQTT topic and the
    time it was measured, how it compares with the tag's limits, and the machine's active alarms.

    Args:
        equipment: Equipment code or name, e.g. "CNC-03", "3号数控机床".
    """
    machine = resolve_equipment(ctx, equipment)
    configured = live_of(ctx) is not None
    specs = ctx.session.execute(
        select(SensorTag).where(col(SensorTag.equipment_id) == machine.id).order_by(col(SensorTag.code))
    ).scalars()
    values = [found for spec in specs if (found := latest_sample(ctx, spec)) is not None] if configured else []
    alarms = active_alarms(ctx, equipment_ids=[machine.id]) if configured else []
    scope = {"equipment": machine.code, **({"line": machine.line_code} if machine.line_code else {})}
    if not configured:
        summary = (
            f"no live data source is configured for {machine.code} (andon demo --live, or live_mapping in andon.toml)"
        )
    else:
        shown = ", ".join(f"{v.tag} {v.value:g} {v.unit} at {v.at:%H:%M:%S}" for v in values[:4])
        summary = f"{machine.code} live: {shown or 'no values yet'}; {len(alarms)} active alarm(s)"
    result_provenance = provenance(["live_sample", "sensor_tag", "live_alarm"], len(values) + len(alarms))
    result_provenance.sources.extend([*(v.data_source() for v in values), *(a.data_source() for a in alarms)])
    return LiveValuesResult(
        summary=summary,
        scope=scope,
        provenance=result_provenance,
        data_unavailable=not values,
        equipment=machine.code,
        values=values,
        active_alarms=alarms,
        live_configured=configured,
    )
