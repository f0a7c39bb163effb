"""Equipment tools on alarms: the alarm list and the most frequent alarm codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func, select

from connectors.schema import Alarm, AlarmCode, Equipment
from tools.builtin.common import Limit, Part, period_of, provenance, scope_of, total, truncation, visible_line_ids
from tools.builtin.live_data import ActiveAlarm, AlarmOccurrence, active_alarms, live_of
from tools.contract import PeriodSpan, ToolContext, ToolResult, tool
from tools.queries import columns, elapsed_days, within
from tools.resolvers import Entity, resolve_entity, resolve_line_or_equipment

__all__ = ["AlarmCodeRow", "AlarmRow", "AlarmsResult", "TopAlarmCodesResult", "list_alarms", "top_alarm_codes"]

ALARM = columns(Alarm)
ALARM_CODE = columns(AlarmCode)
EQ = columns(Equipment)


Severity = Literal["info", "warning", "fault"]


def _alarm_where(ctx: ToolContext, entity: Entity | None, span: PeriodSpan) -> list[Any]:
    where: list[Any] = [within(ALARM.raised_at, span)]
    if entity is not None:
        where.append(ALARM.line_id == entity.id if entity.kind == "line" else ALARM.equipment_id == entity.id)
    elif (lines := visible_line_ids(ctx)) is not None:
        where.append(ALARM.line_id.in_(lines))
    return where


class AlarmRow(AlarmOccurrence):
    """One alarm occurrence."""

    cleared_at: datetime
    minutes: float


class AlarmsResult(ToolResult):
    """Alarms raised in a period, newest first (and, with live data, the ones active now)."""

    alarms: list[AlarmRow]
    active: list[ActiveAlarm] = Field(default_factory=list, description="Live alarms not cleared yet.")


def _active(
    ctx: ToolContext, entity: Entity | None, span: PeriodSpan, code: str | None, severity: str | None
) -> list[ActiveAlarm]:
    """Live alarms still active that were raised before the period's end (live data configured only)."""
    if live_of(ctx) is None:
        return []
    if entity is None:
        found = active_alarms(ctx, line_ids=visible_line_ids(ctx))
    elif entity.kind == "line":
        found = active_alarms(ctx, line_ids=[entity.id])
    else:
        found = active_alarms(ctx, equipment_ids=[entity.id])
    return [
        a
        for a in found
        if a.raised_at < span.end and (code is None or a.code == code) and severity in (None, a.severity)
    ]


@tool(
    domain="equipment",
    description_zh="报警记录列表（报警代码、内容、设备、发生和解除时间），可按代码和级别筛选",
    examples=[
        "List alarms on CNC-03 yesterday",
        "What alarms did line 2 raise last night?",
        "Show fault alarms on L3 this week",
        "When did alarm E-217 occur last week?",
        "3号数控机床昨天的报警记录",
        "2号线昨晚有哪些报警？",
        "装配线本周的故障级报警",
        "上周E-217报警什么时候出现过？",
    ],
    sample_args={"target": "CNC-03", "period": "yesterday"},
)
def list_alarms(
    ctx: ToolContext,
    target: str | None = None,
    period: str = "yesterday",
    code: str | None = None,
    severity: Severity | None = None,
    limit: Limit = 20,
) -> AlarmsResult:
    """Alarms raised on a line or machine in a period, newest first, optionally one alarm code or severity.

    Args:
        target: Line or equipment code or name, e.g. "L2", "CNC-03"; all lines in scope when omitted.
        period: Time expression, e.g. "yesterday", "last night", "上周".
        code: Only this alarm code, e.g. "E-217".
        severity: Only alarms of this severity.
        limit: How many alarms to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target) if target else None
    alarm_code = resolve_entity(ctx, "alarm_code", code) if code else None
    span = period_of(ctx, period, plant_wide=entity is None)
    statement = (
        select(
            ALARM_CODE.code,
            ALARM_CODE.text_en,
            ALARM_CODE.text_zh,
            ALARM_CODE.severity,
            EQ.code,
            ALARM.raised_at,
            ALARM.cleared_at,
        )
        .select_from(Alarm)
        .join(AlarmCode, ALARM_CODE.id == ALARM.alarm_code_id)
        .join(Equipment, EQ.id == ALARM.equipment_id)
        .where(*_alarm_where(ctx, entity, span))
    )
    if alarm_code is not None:
        statement = statement.where(ALARM.alarm_code_id == alarm_code.id)
    if severity is not None:
        statement = statement.where(ALARM_CODE.severity == severity)
    statement = statement.order_by(ALARM.raised_at.desc())
    count = total(statement, ctx.session)
    alarms = [
        AlarmRow(
            code=c,
            text_en=en,
            text_zh=zh,
            severity=sev,
            equipment=eq,
            raised_at=raised,
            cleared_at=cleared,
            minutes=round((cleared - raised).total_seconds() / 60, 2),
        )
        for c, en, zh, sev, eq, raised, cleared in ctx.session.execute(statement.limit(limit))
    ]
    where = entity.code if entity else "all lines"
    active = _active(ctx, entity, span, alarm_code.code if alarm_code else None, severity)
    now = f", {len(active)} active now" if active else ""
    found = provenance(
        ["alarm", "alarm_code", "equipment"],
        count,
        span,
        **({entity.kind: entity.code} if entity else {}),
        alarm_code=alarm_code.code if alarm_code else None,
        severity=severity,
    )
    found.sources.extend(a.data_source() for a in active)
    return AlarmsResult(
        summary=f"{count} alarm(s) on {where} for {span.label}{now}",
        period=span,
        scope=scope_of(entity, alarm_code),
        provenance=found,
        **truncation(count, limit),
        data_unavailable=count == 0 and not active,
        alarms=alarms,
        active=active,
    )


class AlarmCodeRow(Part):
    """How often one alarm code was raised, for how long, and on which machines."""

    code: str
    text_en: str
    text_zh: str
    severity: str
    count: int
    minutes: float
    equipment: list[str]


class TopAlarmCodesResult(ToolResult):
    """Alarm codes by number of occurrences, most frequent first."""

    total_alarms: int
    codes: list[AlarmCodeRow]


@tool(
    domain="equipment",
    description_zh="最频繁的报警代码（次数、持续时间、涉及设备）",
    examples=[
        "Most frequent alarms on line 3 last week",
        "Which alarm codes occur most often on ROB-01 this month?",
        "Top 5 alarms in the plant yesterday",
        "What alarm keeps coming back on the washer?",
        "装配线上周最频繁的报警",
        "1号上料机器人本月最常见的报警代码",
        "昨天全厂报警次数前五名",
        "清洗机哪个报警反复出现？",
    ],
    sample_args={"target": "L3", "period": "last week"},
    explains=["failure_count", "downtime"],
)
def top_alarm_codes(
    ctx: ToolContext, target: str | None = None, period: str = "last week", limit: Limit = 10
) -> TopAlarmCodesResult:
    """The most frequent alarm codes of a line, a machine or the whole plant in a period, with total alarm minutes
    and the machines that raised them.

    Args:
        target: Line or equipment code or name, e.g. "L3", "ROB-01"; all lines in scope when omitted.
        period: Time expression, e.g. "last week", "this month", "昨天".
        limit: How many alarm codes to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target) if target else None
    span = period_of(ctx, period, plant_wide=entity is None)
    rows = ctx.session.execute(
        select(
            ALARM_CODE.code,
            ALARM_CODE.text_en,
            ALARM_CODE.text_zh,
            ALARM_CODE.severity,
            EQ.code,
            func.count(),
            func.sum(elapsed_days(ctx.session, ALARM.raised_at, ALARM.cleared_at)),
        )
        .select_from(Alarm)
        .join(AlarmCode, ALARM_CODE.id == ALARM.alarm_code_id)
        .join(Equipment, EQ.id == ALARM.equipment_id)
        .where(*_alarm_where(ctx, entity, span))
        .group_by(ALARM_CODE.code, ALARM_CODE.text_en, ALARM_CODE.text_zh, ALARM_CODE.severity, EQ.code)
    ).all()
    codes: dict[str, dict[str, Any]] = {}
    for code, en, zh, severity, machine, n, days in rows:
        entry = codes.setdefault(code, {"en": en, "zh": zh, "sev": severity, "n": 0, "days": 0.0, "eq": set()})
        entry["n"] += int(n)
        entry["days"] += float(days or 0.0)
        entry["eq"].add(machine)
    ranked = sorted(codes.items(), key=lambda item: (-item[1]["n"], item[0]))
    listed = [
        AlarmCodeRow(
            code=code,
            text_en=e["en"],
            text_zh=e["zh"],
            severity=e["sev"],
            count=e["n"],
            minutes=round(e["days"] * 1440, 2),
            equipment=sorted(e["eq"]),
        )
        for code, e in ranked[:limit]
    ]
    all_alarms = sum(e["n"] for e in codes.values())
    where = entity.code if entity else "all lines"
    top = f"; most frequent {listed[0].code} {listed[0].text_en} ({listed[0].count})" if listed else ""
    return TopAlarmCodesResult(
        summary=f"{all_alarms} alarm(s) on {where} for {span.label}{top}",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["alarm", "alarm_code", "equipment"], all_alarms, span, **({entity.kind: entity.code} if entity else {})
        ),
        **truncation(len(ranked), limit),
        data_unavailable=not ranked,
        total_alarms=all_alarms,
        codes=listed,
    )
