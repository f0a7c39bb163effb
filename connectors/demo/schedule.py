"""Shift calendar of a line over the horizon. The horizon starts at 06:00, so hour h of the
horizon belongs to production day h // 24 and shift (h % 24) // 8 (0 = A, 1 = B, 2 = C)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt

from connectors.demo.catalog import SHIFTS
from connectors.demo.context import LinePlan, SeedContext
from connectors.schema import ShiftCalendar

__all__ = ["SHIFT_CODES", "LineSchedule", "line_schedule", "write_shift_calendar"]

SHIFT_CODES: tuple[str, ...] = tuple(s.code for s in SHIFTS)


@dataclass(frozen=True)
class LineSchedule:
    scheduled: npt.NDArray[np.bool_]  # per hour of the horizon
    shift: npt.NDArray[np.int64]  # 0, 1, 2 = A, B, C per hour
    cumulative: npt.NDArray[np.int64]  # scheduled hours in [0, h]

    @property
    def hours(self) -> int:
        return len(self.scheduled)

    def hour_after(self, hour: int, scheduled_hours: float) -> int:
        """The hour at whose end `scheduled_hours` more scheduled hours (from `hour` on) have passed."""
        before = int(self.cumulative[hour - 1]) if hour > 0 else 0
        target = before + max(1, int(np.ceil(scheduled_hours)))
        index = int(np.searchsorted(self.cumulative, target))
        if index < self.hours:
            return index
        # Past the plant clock: continue at this line's average share of scheduled hours.
        share = max(float(self.scheduled[-168:].mean()), 1e-6)
        return self.hours - 1 + int(np.ceil((target - int(self.cumulative[-1])) / share))


def line_schedule(ctx: SeedContext, line: LinePlan) -> LineSchedule:
    hours = np.arange(ctx.hours)
    shift = (hours % 24) // 8
    day = hours // 24
    first_weekday = ctx.start.isoweekday()
    weekday = (first_weekday - 1 + day) % 7 + 1
    works_day = np.isin(weekday, np.array(line.spec.workdays))
    works_shift = np.isin(shift, np.array([SHIFT_CODES.index(code) for code in line.spec.shifts]))
    scheduled = works_day & works_shift
    return LineSchedule(scheduled=scheduled, shift=shift, cumulative=np.cumsum(scheduled))


def write_shift_calendar(ctx: SeedContext, line: LinePlan, schedule: LineSchedule) -> None:
    writer = ctx.writer(ShiftCalendar)
    shift_ids = [ctx.ids["shift"][code] for code in SHIFT_CODES]
    for first_hour in range(0, schedule.hours, 8):
        if not schedule.scheduled[first_hour]:
            continue
        start = ctx.at(first_hour * 60)
        writer.add(
            line_id=line.id,
            shift_id=shift_ids[int(schedule.shift[first_hour])],
            shift_date=(ctx.start + timedelta(days=first_hour // 24)).date(),
            start=start,
            end=start + timedelta(hours=8),
            crew_size=line.spec.crew_size,
        )
    writer.flush()
