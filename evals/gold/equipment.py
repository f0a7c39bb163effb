"""Gold functions of the equipment domain: alarms and sensor readings."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, select

from connectors.schema import Alarm, AlarmCode, Equipment, SensorReading, SensorTag
from evals.gold.common import by_code, period
from evals.gold.registry import GoldRegistry

__all__ = ["register_equipment"]


def _readings(session: Session, now: datetime, tag: str, period_expr: str) -> list[float]:
    start, end = period(period_expr, now)
    query = select(SensorReading.value).where(
        SensorReading.tag_id == by_code(session, SensorTag, tag).id,
        SensorReading.ts >= start,
        SensorReading.ts < end,
    )
    return [float(v) for v in session.exec(query)]


def register_equipment(gold: GoldRegistry) -> None:
    @gold.reference("equipment_alarm_count")
    def equipment_alarm_count(session: Session, now: datetime, equipment: str, period: str) -> int:
        """Alarms raised on a machine in a period."""
        start, end = _period(period, now)
        query = select(Alarm).where(
            Alarm.equipment_id == by_code(session, Equipment, equipment).id,
            Alarm.raised_at >= start,
            Alarm.raised_at < end,
        )
        return len(list(session.exec(query)))

    @gold.reference("top_alarm_code")
    def top_alarm_code(session: Session, now: datetime, equipment: str, period: str) -> str | None:
        """Most frequent alarm code on a machine in a period."""
        start, end = _period(period, now)
        query = (
            select(AlarmCode.code)
            .join(Alarm, col(Alarm.alarm_code_id) == AlarmCode.id)
            .where(Alarm.equipment_id == by_code(session, Equipment, equipment).id)
            .where(Alarm.raised_at >= start, Alarm.raised_at < end)
        )
        counts = Counter(session.exec(query))
        return counts.most_common(1)[0][0] if counts else None

    @gold.reference("sensor_mean")
    def sensor_mean(session: Session, now: datetime, tag: str, period: str) -> float | None:
        """Mean of a sensor tag's readings in a period."""
        values = _readings(session, now, tag, period)
        return sum(values) / len(values) if values else None

    @gold.reference("sensor_max")
    def sensor_max(session: Session, now: datetime, tag: str, period: str) -> float | None:
        """Highest reading of a sensor tag in a period."""
        values = _readings(session, now, tag, period)
        return max(values) if values else None


def _period(expression: str, now: datetime) -> tuple[datetime, datetime]:
    return period(expression, now)
