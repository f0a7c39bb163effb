"""Minute-by-minute state of one machine over the whole horizon, so stops never overlap and the
ISO 22400 minutes of every hour come from the same events that are written as downtime rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ADET", "ASUT", "BUCKET_OF_CATEGORY", "FREE", "PDOT", "Stop", "Timeline"]

FREE, PDOT, ASUT, ADET = 0, 1, 2, 3
BUCKET_OF_CATEGORY = {
    "planned_downtime": PDOT,
    "setup": ASUT,
    "breakdown": ADET,
    "minor_stop": ADET,
    "waiting": ADET,
    "quality_hold": ADET,
}


@dataclass
class Stop:
    """A downtime event in minutes from the start of the horizon, [start, end)."""

    start: int
    end: int
    reason: str
    category: str
    work_order: int | None = None  # index into the line's maintenance work orders
    priority: int = 3  # lower wins; used when a changeover must push lesser stops aside


class Timeline:
    """The stops of one machine; `state[m]` is the time-model bucket of minute m, `owner[m]` the stop's number."""

    def __init__(self, minutes: int) -> None:
        self.state: npt.NDArray[np.int8] = np.zeros(minutes, dtype=np.int8)
        self._owner: npt.NDArray[np.int32] = np.zeros(minutes, dtype=np.int32)
        self._stops: list[Stop | None] = []

    @property
    def stops(self) -> list[Stop]:
        """The recorded stops, in start order."""
        return sorted((s for s in self._stops if s is not None), key=lambda s: s.start)

    def _put(self, stop: Stop) -> None:
        self._stops.append(stop)
        self.state[stop.start : stop.end] = BUCKET_OF_CATEGORY[stop.category]
        self._owner[stop.start : stop.end] = len(self._stops)

    def _remove(self, number: int) -> None:
        stop = self._stops[number - 1]
        assert stop is not None
        self.state[stop.start : stop.end] = FREE
        self._owner[stop.start : stop.end] = 0
        self._stops[number - 1] = None

    def _start_of(self, number: int) -> int:
        stop = self._stops[number - 1]
        return stop.start if stop is not None else 0

    def is_free(self, start: int, end: int) -> bool:
        start, end = max(start, 0), min(end, len(self.state))
        return start < end and not self.state[start:end].any()

    def add(self, stop: Stop) -> bool:
        """Record `stop` if its minutes are free (clipped to the horizon); False when it would overlap."""
        start, end = max(stop.start, 0), min(stop.end, len(self.state))
        if start >= end or self.state[start:end].any():
            return False
        stop.start, stop.end = start, end
        self._put(stop)
        return True

    def force(self, stop: Stop) -> Stop | None:
        """Record `stop` after whatever is running at its start, pushing aside lesser stops that would begin
        inside it; a more important stop inside it cuts it short. None when nothing of it fits the horizon."""
        horizon = len(self.state)
        length = stop.end - stop.start
        start = stop.start
        while start < horizon and self._owner[start]:
            covering = self._stops[int(self._owner[start]) - 1]
            assert covering is not None
            start = covering.end
        end = min(start + length, horizon)
        if start < end and self._owner[start:end].any():
            numbers = sorted((int(n) for n in np.unique(self._owner[start:end]) if n), key=self._start_of)
            for number in numbers:
                other = self._stops[number - 1]
                assert other is not None
                if other.priority <= stop.priority:
                    end = other.start
                    break
                self._remove(number)
        if end <= start:
            return None
        stop.start, stop.end = start, end
        self._put(stop)
        return stop

    def hour_buckets(self, hours: int) -> npt.NDArray[np.int64]:
        """Minutes per hour in each bucket: array (hours, 4) indexed by FREE/PDOT/ASUT/ADET."""
        per_hour = self.state[: hours * 60].reshape(hours, 60)
        return np.stack([(per_hour == b).sum(axis=1) for b in (FREE, PDOT, ASUT, ADET)], axis=1)

    def busy_minutes(self, hour: int) -> int:
        return int(np.count_nonzero(self.state[hour * 60 : hour * 60 + 60]))
