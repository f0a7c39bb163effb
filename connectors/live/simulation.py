"""The demo plant, live: deterministic sensor values and alarms from the plant clock onwards.

Live plant time starts at the plant clock (2026-11-20 06:00 in the demo) and runs forward at
`speed` times the wall clock (`SimClock`). Samples lie on a grid of `step` from the plant clock;
a value is a function of (tag, grid index) only, so a restarted simulator serves the same value for
the same moment, and its history (what an OPC UA historian would hold) covers the whole live period.

What the values say, continuing the stored stories:
- every tag runs around its recent running level (the median of its last in-band hourly means);
- CNC-03's new spindle bearing wears fast: vibration (and a little heat) climbs from the first minute,
  crosses the normal band and reaches the alarm limit after about two thirds of `ramp`, where the
  controller raises E-217 "Spindle vibration high", which stays active;
- the recurring alarms go on at their historical rates per plant hour (ROB-01 E-342, WSH-02 E-610,
  PRS-01 E-410), each lasting two to eight minutes.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import struct
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from connectors.demo import stories
from connectors.plant import plant_clock
from connectors.schema import Equipment, Line, SensorReading, SensorTag

__all__ = ["PlantSimulation", "SimClock", "SimulatedAlarm", "SimulatedTag"]

_VIBRATION_ALARM = "E-217"
_RISE_TO = 1.15  # of the alarm limit, at the end of the ramp
_TEMPERATURE_RISE = 7.0
_ALARM_SLOT = timedelta(minutes=1)


@dataclass(frozen=True)
class SimulatedTag:
    """A sensor tag as the simulator serves it."""

    code: str
    equipment: str
    line: str
    suffix: str
    kind: str
    unit: str
    level: float
    noise: float
    normal_low: float
    normal_high: float
    alarm_high: float


@dataclass(frozen=True)
class SimulatedAlarm:
    """One alarm occurrence; `cleared_at` is None for one that stays active."""

    equipment: str
    line: str
    code: str
    raised_at: datetime
    cleared_at: datetime | None


def _unit_floats(*key: object) -> tuple[float, float]:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
    a, b = struct.unpack("<QQ", digest)
    return (a + 0.5) / 2**64, (b + 0.5) / 2**64


def _gauss(*key: object) -> float:
    u, v = _unit_floats(*key)
    return math.sqrt(-2.0 * math.log(u)) * math.cos(2 * math.pi * v)


@dataclass
class PlantSimulation:
    """Values and alarms of the simulated machines, as functions of plant time."""

    tags: list[SimulatedTag]
    start: datetime
    seed: int = 7
    step: timedelta = timedelta(seconds=1)
    ramp: timedelta = timedelta(minutes=30)
    _alarms: list[SimulatedAlarm] = field(default_factory=list, repr=False)
    _alarms_until: datetime | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.by_code = {tag.code: tag for tag in self.tags}
        self.lines = {tag.equipment: tag.line for tag in self.tags}

    @classmethod
    def from_plant(
        cls, engine: Engine, *, seed: int = 7, step: timedelta = timedelta(seconds=1), ramp: timedelta | None = None
    ) -> PlantSimulation:
        """The simulation of every sensor tag of the plant in the database, starting at its plant clock."""
        with Session(engine) as session:
            start = plant_clock(session)
            rows = session.execute(
                select(SensorTag, col(Equipment.code), col(Line.code))
                .join(Equipment, col(Equipment.id) == col(SensorTag.equipment_id))
                .join(Line, col(Line.id) == col(Equipment.line_id))
                .order_by(col(SensorTag.code))
            ).all()
            tags = []
            for spec, machine, line in rows:
                recent = session.execute(
                    select(col(SensorReading.value))
                    .where(col(SensorReading.tag_id) == spec.id, col(SensorReading.ts) < start)
                    .order_by(col(SensorReading.ts).desc())
                    .limit(48)
                ).scalars()
                running = [v for v in recent if spec.normal_low <= v <= spec.normal_high]
                level = statistics.median(running) if running else (spec.normal_low + spec.normal_high) / 2
                tags.append(
                    SimulatedTag(
                        code=spec.code,
                        equipment=machine,
                        line=line,
                        suffix=spec.code.removeprefix(f"{machine}."),
                        kind=spec.kind,
                        unit=spec.unit,
                        level=round(level, 4),
                        noise=(spec.normal_high - spec.normal_low) / 40,
                        normal_low=spec.normal_low,
                        normal_high=spec.normal_high,
                        alarm_high=spec.alarm_high,
                    )
                )
        simulation = cls(tags=tags, start=start, seed=seed, step=step)
        if ramp is not None:
            simulation.ramp = ramp
        return simulation

    # -- time grid ----------------------------------------------------------------------------------

    def index(self, at: datetime) -> int:
        """The grid index of the last sample at or before `at` (-1 before the start)."""
        return math.floor((at - self.start) / self.step)

    def moment(self, index: int) -> datetime:
        return self.start + index * self.step

    def grid(self, since: datetime, until: datetime) -> list[datetime]:
        """Sample times in [since, until] (both inclusive), from the start on."""
        first = max(0, math.ceil((since - self.start) / self.step))
        return [self.moment(k) for k in range(first, self.index(until) + 1)]

    # -- values -------------------------------------------------------------------------------------

    def _story(self, tag: SimulatedTag, at: datetime) -> float:
        if tag.equipment != stories.BREAKDOWN_EQUIPMENT or tag.kind not in {"vibration", "temperature"}:
            return 0.0
        fraction: float = min(max((at - self.start) / self.ramp, 0.0), 1.0) ** 1.6
        if tag.kind == "temperature":
            return _TEMPERATURE_RISE * fraction
        return (_RISE_TO * tag.alarm_high - tag.level) * fraction

    def smooth(self, tag: SimulatedTag, at: datetime) -> float:
        """The value without measurement noise (what the alarm logic looks at)."""
        wave = 1.5 * tag.noise * math.sin(2 * math.pi * ((at - self.start) / timedelta(minutes=17)))
        return tag.level + wave + self._story(tag, at)

    def value(self, code: str, index: int) -> float:
        """The sample of a tag at grid index `index`."""
        tag = self.by_code[code]
        raw = self.smooth(tag, self.moment(index)) + tag.noise * _gauss(self.seed, code, index)
        return round(max(raw, 0.0), 3 if tag.level < 10 else 2)

    # -- alarms -------------------------------------------------------------------------------------

    def _vibration_alarm(self) -> SimulatedAlarm | None:
        tag = self.by_code.get(stories.BREAKDOWN_VIBRATION_TAG)
        if tag is None:
            return None
        top = _RISE_TO * tag.alarm_high - tag.level
        if top <= 0:
            return None
        # Ramp value reaches the limit at fraction f of the ramp: level + top * f**1.6 = alarm_high.
        fraction = ((tag.alarm_high - tag.level) / top) ** (1 / 1.6)
        raised = self.start + fraction * self.ramp
        return SimulatedAlarm(tag.equipment, tag.line, _VIBRATION_ALARM, raised.replace(microsecond=0), None)

    def alarms(self, until: datetime) -> list[SimulatedAlarm]:
        """Every occurrence raised at or before `until`, in raise order (computed once, then extended)."""
        if self._alarms_until is None:
            story = self._vibration_alarm()
            self._alarms = [story] if story else []
            self._alarms_until = self.start
        slot = self._alarms_until
        while slot + _ALARM_SLOT <= until:
            for machine, code, per_hour in stories.RECURRING_ALARMS:
                if machine not in self.lines:
                    continue
                chance, length = _unit_floats(self.seed, machine, code, slot)
                if chance >= per_hour / 60:
                    continue
                raised = slot + timedelta(seconds=int(length * 59))
                if any(
                    a.equipment == machine and a.code == code and (a.cleared_at or until) > raised
                    for a in self._alarms[-8:]
                ):
                    continue
                cleared = raised + timedelta(seconds=120 + int(length * 360))
                self._alarms.append(SimulatedAlarm(machine, self.lines[machine], code, raised, cleared))
            slot += _ALARM_SLOT
        self._alarms_until = slot
        return sorted((a for a in self._alarms if a.raised_at <= until), key=lambda a: (a.raised_at, a.equipment))


@dataclass(frozen=True)
class SimClock:
    """Plant time of a running simulation: the plant clock at wall time `anchor`, then `speed` times faster."""

    start: datetime
    anchor: float
    speed: float = 1.0

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.anchor) * self.speed)

    @classmethod
    def resume(cls, path: Path, start: datetime, speed: float, *, reset: bool = False) -> SimClock:
        """The clock saved at `path` (so a restarted simulator goes on where it was), or a new one from now."""
        if not reset and path.exists():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
                if saved.get("start") == start.isoformat() and float(saved.get("speed")) == speed:
                    return cls(start=start, anchor=float(saved["anchor"]), speed=speed)
            except (ValueError, TypeError, KeyError):
                pass  # an unreadable clock file starts a new live period
        clock = cls(start=start, anchor=time.time(), speed=speed)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"start": start.isoformat(), "anchor": clock.anchor, "speed": speed}), "utf-8")
        return clock
