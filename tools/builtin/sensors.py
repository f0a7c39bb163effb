"""Equipment tools on sensor data: trend summary of a tag and anomaly detection (rolling z-score)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import select

from connectors.schema import Equipment, SensorReading, SensorTag
from tools.builtin.common import Part, period_of, provenance, r, scope_of, truncation
from tools.builtin.live_data import LiveValue, latest_sample, live_of
from tools.contract import PeriodSpan, Provenance, ToolContext, ToolResult, tool
from tools.kpi import AnomalyInterval, band_intervals, rolling_zscore_intervals
from tools.queries import columns, within
from tools.resolvers import Entity, resolve_entity

__all__ = ["AnomalyResult", "AnomalyRow", "DailyValue", "SensorTrendResult", "detect_anomalies", "sensor_trend"]

READING = columns(SensorReading)
MAX_DAYS = 100
MAX_INTERVALS = 50


def _readings(ctx: ToolContext, tag: Entity, span: PeriodSpan) -> list[tuple[datetime, float]]:
    rows = ctx.session.execute(
        select(READING.ts, READING.value).where(READING.tag_id == tag.id, within(READING.ts, span)).order_by(READING.ts)
    ).all()
    return [(ts, float(value)) for ts, value in rows]


def _slope_per_day(points: list[tuple[datetime, float]]) -> float | None:
    """Least-squares slope of value against time, per day."""
    if len(points) < 2:
        return None
    t0 = points[0][0]
    xs = [(ts - t0).total_seconds() / 86_400 for ts, _ in points]
    ys = [value for _, value in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx


class DailyValue(Part):
    """Mean, minimum and maximum of a tag over one day."""

    day: date
    mean: float
    min: float
    max: float


class SensorTrendResult(ToolResult):
    """Summary of a sensor tag over a period: level, spread, trend and time above its limits."""

    tag: str
    equipment: str
    name_en: str
    name_zh: str
    readings: int
    mean: float | None
    min: float | None
    max: float | None
    max_at: datetime | None
    first: float | None
    last: float | None
    slope_per_day: float | None = Field(description="Least-squares trend of the value, in unit per day.")
    normal_low: float
    normal_high: float
    alarm_high: float
    above_normal: int = Field(description="Readings above the normal band.")
    above_alarm: int = Field(description="Readings at or above the alarm limit.")
    daily: list[DailyValue]
    live: LiveValue | None = Field(None, description="The newest live value, when live data is configured.")


def _tag_context(ctx: ToolContext, text: str) -> tuple[Entity, SensorTag, str]:
    entity = resolve_entity(ctx, "tag", text)
    spec = ctx.session.get(SensorTag, entity.id)
    assert spec is not None  # resolved a moment ago
    machine = ctx.session.get(Equipment, spec.equipment_id)
    return entity, spec, machine.code if machine else ""


def _live(ctx: ToolContext, spec: SensorTag, found: Provenance) -> LiveValue | None:
    """The tag's newest live value, named in the provenance, when live data is configured."""
    latest = latest_sample(ctx, spec) if live_of(ctx) is not None else None
    if latest is not None:
        found.sources.append(latest.data_source())
    return latest


def _tag_scope(entity: Entity, equipment: str) -> dict[str, str]:
    return {**scope_of(entity), "equipment": equipment, **({"line": entity.line_code} if entity.line_code else {})}


@tool(
    domain="equipment",
    description_zh="传感器位号在一段时间内的趋势汇总：均值、最值、趋势斜率、超出正常范围/报警限的次数、每日均值",
    examples=[
        "Spindle vibration trend of CNC-03 over the past 14 days",
        "How has the CNC 3 spindle temperature changed this week?",
        "Show the hydraulic pressure of PRS-01 last week",
        "Is the washer bath temperature on line 2 stable?",
        "3号数控机床最近14天主轴振动趋势",
        "CNC-03主轴温度本周变化情况",
        "1号液压机上周的液压压力",
        "2号清洗机清洗液温度稳定吗？",
        "Peak and average spindle vibration of CNC-04 yesterday",
        "Latest reading of the PRS-01 hydraulic pressure",
        "4号数控机床昨天主轴振动的平均值和最大值",
        "1号液压机液压压力现在读数多少？",
    ],
    sample_args={"tag": "CNC-03.VIB", "period": "past 14 days"},
)
def sensor_trend(ctx: ToolContext, tag: str, period: str = "past 7 days") -> SensorTrendResult:
    """Trend summary of one sensor tag over a period: mean, min, max (and when), first and last value, slope per day,
    readings above the normal band and the alarm limit, and daily means (at most 100 days).

    Args:
        tag: Tag code or machine plus signal, e.g. "CNC-03.VIB", "CNC 3 vibration", "3号数控机床主轴振动".
        period: Time expression, e.g. "past 7 days", "last week", "最近14天".
    """
    entity, spec, machine = _tag_context(ctx, tag)
    span = period_of(ctx, period)
    points = _readings(ctx, entity, span)
    values = [value for _, value in points]
    by_day: dict[date, list[float]] = defaultdict(list)
    for ts, value in points:
        by_day[ts.date()].append(value)
    daily = [
        DailyValue(day=day, mean=round(statistics.fmean(v), 4), min=min(v), max=max(v))
        for day, v in sorted(by_day.items())
    ]
    peak = max(points, key=lambda p: p[1]) if points else None
    slope = _slope_per_day(points)
    trend = "" if slope is None else f", trend {slope:+.3f} {spec.unit}/day"
    found = provenance(["sensor_reading", "sensor_tag"], len(points), span, tag=spec.code)
    live = _live(ctx, spec, found)
    return SensorTrendResult(
        summary=f"{spec.code} for {span.label}: {len(points)} reading(s)"
        + (f", mean {statistics.fmean(values):.3f} {spec.unit}, max {max(values):.3f}{trend}" if values else ""),
        unit=spec.unit,
        period=span,
        scope=_tag_scope(entity, machine),
        provenance=found,
        **truncation(len(daily), MAX_DAYS),
        data_unavailable=not points,
        tag=spec.code,
        equipment=machine,
        name_en=spec.name_en,
        name_zh=spec.name_zh,
        readings=len(points),
        mean=r(statistics.fmean(values), 4) if values else None,
        min=min(values) if values else None,
        max=peak[1] if peak else None,
        max_at=peak[0] if peak else None,
        first=values[0] if values else None,
        last=values[-1] if values else None,
        slope_per_day=r(slope, 4),
        normal_low=spec.normal_low,
        normal_high=spec.normal_high,
        alarm_high=spec.alarm_high,
        above_normal=sum(1 for v in values if v > spec.normal_high),
        above_alarm=sum(1 for v in values if v >= spec.alarm_high),
        daily=daily[-MAX_DAYS:],
        live=live,
    )


class AnomalyRow(Part):
    """An anomalous interval: a run of readings with |rolling z| >= threshold, or outside the tag's normal band."""

    kind: str = Field(description='"z-score" (sudden change) or "outside operating band" (level out of normal).')
    start: datetime
    end: datetime
    readings: int
    peak_z: float | None
    peak_value: float


class AnomalyResult(ToolResult):
    """Anomalous intervals of a tag: rolling z-score and operating-band intervals, in time order."""

    tag: str
    equipment: str
    method: str
    window: int
    threshold: float
    normal_low: float
    normal_high: float
    readings: int
    intervals: list[AnomalyRow]


@tool(
    domain="equipment",
    description_zh="传感器异常检测（滚动Z分数），返回异常时间段",
    examples=[
        "Any anomalies in CNC-03 spindle vibration over the past 30 days?",
        "Detect unusual readings on the PRS-01 hydraulic pressure last week",
        "When did CNC 3 vibration behave abnormally?",
        "Find anomalies in the leak tester pressure this month",
        "3号数控机床最近30天主轴振动有没有异常？",
        "检测1号液压机上周液压压力的异常",
        "3号CNC振动什么时候开始异常的？",
        "气密检测机本月测试压力异常检测",
    ],
    sample_args={"tag": "CNC-03.VIB", "period": "past 30 days"},
)
def detect_anomalies(
    ctx: ToolContext,
    tag: str,
    period: str = "past 30 days",
    window: Annotated[int, Field(ge=4, le=336)] = 24,
    threshold: Annotated[float, Field(ge=2.0, le=10.0)] = 3.0,
    direction: Literal["both", "high", "low"] = "both",
) -> AnomalyResult:
    """Anomaly detection on one sensor tag, two ways: a rolling z-score (each reading against the mean and standard
    deviation of the `window` readings before it) finds sudden changes; the tag's normal operating band finds slow
    drifts. Runs of anomalous readings are returned as intervals in time order.

    Args:
        tag: Tag code or machine plus signal, e.g. "CNC-03.VIB", "CNC 3 vibration", "3号数控机床主轴振动".
        period: Time expression, e.g. "past 30 days", "last week", "本月".
        window: Readings in the rolling window (4-336; readings are hourly, so 24 = one day).
        threshold: |z| at or above which a reading is anomalous (2-10).
        direction: high (only rises), low (only drops) or both.
    """
    entity, spec, machine = _tag_context(ctx, tag)
    span = period_of(ctx, period)
    points = _readings(ctx, entity, span)
    times, values = [p[0] for p in points], [p[1] for p in points]
    found = rolling_zscore_intervals(times, values, window, threshold) if len(points) > window else []
    # Short dips back into the band (a few hours) do not end a drift.
    found += band_intervals(times, values, spec.normal_low, spec.normal_high, max_gap=3)
    found = sorted((i for i in found if _wanted(i, direction, spec.normal_high)), key=lambda i: (i.start, i.kind))
    rows = [
        AnomalyRow(
            kind=i.kind,
            start=i.start,
            end=i.end,
            readings=i.points,
            peak_value=i.peak_value,
            peak_z=None if i.peak_z is None else round(i.peak_z, 3),
        )
        for i in found[-MAX_INTERVALS:]
    ]
    first = f", first from {rows[0].start:%Y-%m-%d %H:%M}" if rows else ""
    found_provenance = provenance(["sensor_reading", "sensor_tag"], len(points), span, tag=spec.code)
    _live(ctx, spec, found_provenance)
    return AnomalyResult(
        summary=f"{len(found)} anomalous interval(s) of {spec.code} for {span.label}{first}",
        unit=spec.unit,
        period=span,
        scope=_tag_scope(entity, machine),
        provenance=found_provenance,
        **truncation(len(found), MAX_INTERVALS),
        data_unavailable=not points,
        tag=spec.code,
        equipment=machine,
        method=f"rolling z-score against the previous {window} readings (|z| >= {threshold}) and the normal band "
        f"[{spec.normal_low}, {spec.normal_high}] {spec.unit}",
        window=window,
        threshold=threshold,
        normal_low=spec.normal_low,
        normal_high=spec.normal_high,
        readings=len(points),
        intervals=rows,
    )


def _wanted(interval: AnomalyInterval, direction: str, high: float) -> bool:
    if direction == "both":
        return True
    rising = interval.peak_z > 0 if interval.peak_z is not None else interval.peak_value > high
    return rising == (direction == "high")
