"""Plant-local time and the live clock.

The database stores naive plant-local times; OPC UA and Sparkplug B carry UTC. Conversions go
through the plant's time zone (the mapping's `timezone`, else the site's).

The live clock: with live data, "now" for the tools is the newest live timestamp (never before the
plant clock), so "today" and "the past hour" include what the machines just reported. Without live
data it is the plant clock, as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select
from sqlmodel import Session, col

from connectors.live.schema import LiveAlarm, LiveSample
from connectors.plant import plant_clock

__all__ = ["live_clock", "to_plant_time", "to_utc"]


def to_plant_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware (or naive UTC) moment as naive plant-local time."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive plant-local time as an aware UTC moment."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def live_clock(session: Session) -> datetime:
    """The newest live sample, alarm raise or clear time, or the plant clock if that is later (or nothing is live)."""
    clock = plant_clock(session)
    if not inspect(session.get_bind()).has_table(LiveSample.__tablename__):
        return clock
    newest_sample = session.execute(select(func.max(col(LiveSample.ts)))).scalar_one_or_none()
    raised, cleared = session.execute(
        select(func.max(col(LiveAlarm.raised_at)), func.max(col(LiveAlarm.cleared_at)))
    ).one()
    return max(m for m in (clock, newest_sample, raised, cleared) if m is not None)
