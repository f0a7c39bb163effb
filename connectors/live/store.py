"""Writing live data into the plant database: idempotent, in one transaction per batch.

- A sample is stored once per (tag, source timestamp): a reconnect that delivers it again, or a
  history read that overlaps what a subscription already brought, changes nothing.
- Every complete live hour (at or after the plant clock) is rolled up into `sensor_reading` as the
  mean of its samples, in the same transaction as the samples, so the hourly table never lags the
  raw one; an hour that receives late samples is rolled up again.
- An alarm occurrence is keyed by (machine, alarm code, raised at); its clearing completes the
  `live_alarm` row and writes the finished occurrence to `alarm`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from connectors.live.schema import LiveAlarm, LiveSample, create_live_tables
from connectors.schema import Alarm, AlarmCode, Equipment, PlantMeta, SensorReading, SensorTag, Shift

__all__ = ["AlarmEvent", "LiveStore", "Sample", "SourceKind", "WriteReport", "floor_hour"]

_log = logging.getLogger(__name__)

SourceKind = Literal["opcua", "mqtt"]
HOUR = timedelta(hours=1)


def floor_hour(ts: datetime) -> datetime:
    """The start of the hour `ts` falls in."""
    return ts.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Sample:
    """A value of an Andon sensor tag at its source timestamp (naive plant-local time)."""

    tag: str
    ts: datetime
    value: float
    source_kind: SourceKind
    source: str


@dataclass(frozen=True)
class AlarmEvent:
    """An alarm raised (`active`) or cleared on a machine, at a plant-local time."""

    equipment: str
    code: str
    at: datetime
    active: bool
    source_kind: SourceKind
    source: str
    raised_at: datetime | None = None  # for a clearing: the occurrence it ends, when the source says


@dataclass
class WriteReport:
    """What one batch changed."""

    samples_new: int = 0
    samples_known: int = 0
    hours_rolled_up: int = 0
    alarms_raised: int = 0
    alarms_cleared: int = 0
    rejected: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Machine:
    id: int
    line_id: int


class LiveStore:
    """Live samples and alarms into the plant database behind `engine` (thread-safe: no shared session)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_live_tables(engine)
        with engine.connect() as conn:
            self.tag_ids: dict[str, int] = {
                code: tag_id
                for code, tag_id in conn.execute(select(col(SensorTag.code), col(SensorTag.id))).all()
                if tag_id is not None
            }
            self.machines = {
                code: _Machine(eid, lid)
                for code, eid, lid in conn.execute(
                    select(col(Equipment.code), col(Equipment.id), col(Equipment.line_id))
                ).all()
                if eid is not None
            }
            self.alarm_codes: dict[str, int] = {
                code: code_id
                for code, code_id in conn.execute(select(col(AlarmCode.code), col(AlarmCode.id))).all()
                if code_id is not None
            }
            self._shifts: list[tuple[int, time, time]] = [
                (int(sid), start, end)
                for sid, start, end in conn.execute(
                    select(col(Shift.id), col(Shift.start_time), col(Shift.end_time))
                ).all()
                if sid is not None
            ]
            meta = conn.execute(select(col(PlantMeta.plant_clock))).scalar_one_or_none()
        self.plant_clock: datetime | None = meta
        with engine.begin() as conn:
            self._roll_up(conn, self._last_rolled_hour(conn))

    # -- writing -------------------------------------------------------------------------------------

    def write(self, samples: Sequence[Sample] = (), alarms: Sequence[AlarmEvent] = ()) -> WriteReport:
        """Store a batch of samples and alarm events; what is already stored is skipped."""
        report = WriteReport()
        rows: list[dict[str, Any]] = []
        for sample in samples:
            tag_id = self.tag_ids.get(sample.tag)
            if tag_id is None:
                report.rejected.append(f"unknown sensor tag {sample.tag!r} from {sample.source}")
                continue
            rows.append(
                {
                    "tag_id": tag_id,
                    "ts": sample.ts,
                    "value": float(sample.value),
                    "source_kind": sample.source_kind,
                    "source": sample.source[:255],
                }
            )
        with self.engine.begin() as conn:
            if rows:
                report.samples_new = _insert_ignoring_known(conn, LiveSample, rows, ["tag_id", "ts"])
                report.samples_known = len(rows) - report.samples_new
                oldest = min(row["ts"] for row in rows)
                newest = max(row["ts"] for row in rows)
                pending_from = self._pending_from(conn)
                # Roll up when an hour before the newest sample's is not rolled up yet, or late samples
                # landed in an hour that was.
                if floor_hour(newest) > pending_from or oldest < pending_from:
                    report.hours_rolled_up = self._roll_up(conn, min(floor_hour(oldest), pending_from))
            for event in sorted(alarms, key=lambda e: (e.at, not e.active)):
                self._alarm(conn, event, report)
        return report

    def _alarm(self, conn: Connection, event: AlarmEvent, report: WriteReport) -> None:
        machine = self.machines.get(event.equipment)
        code_id = self.alarm_codes.get(event.code)
        if machine is None or code_id is None:
            what = f"equipment {event.equipment!r}" if machine is None else f"alarm code {event.code!r}"
            report.rejected.append(f"unknown {what} in an alarm from {event.source}")
            return
        if event.active:
            row = {
                "alarm_code_id": code_id,
                "equipment_id": machine.id,
                "line_id": machine.line_id,
                "raised_at": event.at,
                "source_kind": event.source_kind,
                "source": event.source[:255],
            }
            report.alarms_raised += _insert_ignoring_known(
                conn, LiveAlarm, [row], ["equipment_id", "alarm_code_id", "raised_at"]
            )
            return
        where = [
            col(LiveAlarm.equipment_id) == machine.id,
            col(LiveAlarm.alarm_code_id) == code_id,
            col(LiveAlarm.cleared_at).is_(None),
            col(LiveAlarm.raised_at) <= event.at,
        ]
        if event.raised_at is not None:
            where.append(col(LiveAlarm.raised_at) == event.raised_at)
        open_alarm = conn.execute(
            select(col(LiveAlarm.id), col(LiveAlarm.raised_at))
            .where(*where)
            .order_by(col(LiveAlarm.raised_at).desc())
            .limit(1)
        ).first()
        if open_alarm is None:
            return  # cleared already (a repeated message), or raised before anything was recorded
        live_id, raised_at = open_alarm
        alarm_id = conn.execute(
            insert(Alarm).values(
                alarm_code_id=code_id,
                equipment_id=machine.id,
                line_id=machine.line_id,
                shift_id=self._shift_of(raised_at),
                raised_at=raised_at,
                cleared_at=event.at,
            )
        ).inserted_primary_key
        conn.execute(
            update(LiveAlarm)
            .where(col(LiveAlarm.id) == live_id)
            .values(cleared_at=event.at, alarm_id=alarm_id[0] if alarm_id else None)
        )
        report.alarms_cleared += 1

    def _shift_of(self, at: datetime) -> int:
        moment = at.time()
        for shift_id, start, end in self._shifts:
            inside = start <= moment < end if start < end else (moment >= start or moment < end)
            if inside:
                return shift_id
        return self._shifts[0][0] if self._shifts else 0

    # -- hourly roll-up -----------------------------------------------------------------------------

    def _live_from(self) -> datetime:
        return self.plant_clock or datetime.min

    def _newest_rolled_hour(self, conn: Connection) -> datetime | None:
        newest: datetime | None = conn.execute(
            select(func.max(col(SensorReading.ts))).where(col(SensorReading.ts) >= self._live_from())
        ).scalar_one_or_none()
        return newest

    def _last_rolled_hour(self, conn: Connection) -> datetime:
        newest = self._newest_rolled_hour(conn)
        return newest if newest is not None else floor_hour(self._live_from())

    def _pending_from(self, conn: Connection) -> datetime:
        """The first live hour not rolled up yet."""
        newest = self._newest_rolled_hour(conn)
        return newest + HOUR if newest is not None else _ceil_hour(self._live_from())

    def _roll_up(self, conn: Connection, since: datetime) -> int:
        """Hourly means of every complete live hour from `since` on; returns how many hours were written."""
        since = max(floor_hour(since), _ceil_hour(self._live_from()))
        rows = conn.execute(
            select(col(LiveSample.tag_id), col(LiveSample.ts), col(LiveSample.value))
            .where(col(LiveSample.ts) >= since)
            .order_by(col(LiveSample.tag_id), col(LiveSample.ts))
        ).all()
        sums: dict[tuple[int, datetime], list[float]] = {}
        newest: dict[int, datetime] = {}
        for tag_id, ts, value in rows:
            hour = floor_hour(ts)
            bucket = sums.setdefault((tag_id, hour), [0.0, 0.0])
            bucket[0] += float(value)
            bucket[1] += 1
            newest[tag_id] = ts
        complete = [(tag_id, hour, s / n) for (tag_id, hour), (s, n) in sums.items() if hour + HOUR <= newest[tag_id]]
        for tag_id, hour, _ in complete:
            conn.execute(
                delete(SensorReading).where(col(SensorReading.tag_id) == tag_id, col(SensorReading.ts) == hour)
            )
        if complete:
            conn.execute(
                insert(SensorReading),
                [{"tag_id": tag_id, "ts": hour, "value": round(mean, 4)} for tag_id, hour, mean in complete],
            )
        return len(complete)

    # -- reading back ---------------------------------------------------------------------------------

    def last_sample_times(self, tags: Iterable[str]) -> dict[str, datetime]:
        """The newest stored sample time of each of these tags that has one."""
        ids = {self.tag_ids[tag]: tag for tag in tags if tag in self.tag_ids}
        if not ids:
            return {}
        with self.engine.connect() as conn:
            found = conn.execute(
                select(col(LiveSample.tag_id), func.max(col(LiveSample.ts)))
                .where(col(LiveSample.tag_id).in_(list(ids)))
                .group_by(col(LiveSample.tag_id))
            ).all()
        return {ids[tag_id]: ts for tag_id, ts in found if ts is not None}

    def last_alarm_time(self, source_kind: SourceKind) -> datetime | None:
        """The newest raise or clear time recorded from this kind of source."""
        with self.engine.connect() as conn:
            raised, cleared = conn.execute(
                select(func.max(LiveAlarm.raised_at), func.max(LiveAlarm.cleared_at)).where(
                    col(LiveAlarm.source_kind) == source_kind
                )
            ).one()
        moments = [m for m in (raised, cleared) if m is not None]
        return max(moments) if moments else None

    def sample_count(self) -> int:
        """Rows in `live_sample` (what the ingest benchmarks count)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(LiveSample)).scalar_one())


def _ceil_hour(ts: datetime) -> datetime:
    floor = floor_hour(ts)
    return floor if floor == ts else floor + HOUR


def _insert_ignoring_known(conn: Connection, model: type[Any], rows: list[dict[str, Any]], keys: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns the rows actually inserted."""
    table = model.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement: Any = postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
    return len(conn.execute(statement.returning(table.c.id), rows).all())
