"""Anomaly detection over a time series, returning anomalous intervals.

Two complementary detectors: a rolling z-score finds sudden changes against the recent past; an
operating-band check finds slow drifts (a bearing wearing out) that a rolling window absorbs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["AnomalyInterval", "band_intervals", "rolling_zscore_intervals"]


@dataclass(frozen=True)
class AnomalyInterval:
    """Consecutive anomalous points: first and last timestamp, how many, the most extreme value and its |z|
    (z is None for operating-band intervals)."""

    start: datetime
    end: datetime
    points: int
    peak_z: float | None
    peak_value: float
    kind: str = "z-score"


def _zscores(values: Sequence[float], window: int) -> list[float | None]:
    """z of each point against the `window` points before it (running sums keep this O(n))."""
    scores: list[float | None] = [None] * len(values)
    total = sum(values[:window])
    squares = sum(v * v for v in values[:window])
    for i in range(window, len(values)):
        mean = total / window
        variance = max(squares / window - mean * mean, 0.0)
        std = math.sqrt(variance * window / (window - 1)) if window > 1 else 0.0
        if std > 1e-12:
            scores[i] = (values[i] - mean) / std
        total += values[i] - values[i - window]
        squares += values[i] * values[i] - values[i - window] * values[i - window]
    return scores


def rolling_zscore_intervals(
    times: Sequence[datetime], values: Sequence[float], window: int = 24, threshold: float = 3.0
) -> list[AnomalyInterval]:
    """Points with |z| >= threshold against the preceding `window` points, merged into intervals.

    A point is anomalous relative to its own recent past, so a slow drift is flagged where it
    accelerates and a step change where it happens.
    """
    if window < 2:
        raise ValueError("window must be at least 2 points")
    if len(times) != len(values):
        raise ValueError("times and values must have the same length")
    intervals: list[AnomalyInterval] = []
    current: list[tuple[int, float]] = []
    for i, z in enumerate(_zscores(values, window)):
        if z is not None and abs(z) >= threshold:
            current.append((i, z))
            continue
        if current:
            intervals.append(_interval(times, values, current))
            current = []
    if current:
        intervals.append(_interval(times, values, current))
    return intervals


def _interval(times: Sequence[datetime], values: Sequence[float], points: list[tuple[int, float]]) -> AnomalyInterval:
    peak_index, peak_z = max(points, key=lambda p: abs(p[1]))
    return AnomalyInterval(times[points[0][0]], times[points[-1][0]], len(points), peak_z, values[peak_index])


def band_intervals(
    times: Sequence[datetime], values: Sequence[float], low: float, high: float, max_gap: int = 0
) -> list[AnomalyInterval]:
    """Runs of points outside [low, high]; runs separated by at most `max_gap` in-band points are merged.

    The peak is the point farthest outside the band.
    """
    if len(times) != len(values):
        raise ValueError("times and values must have the same length")
    runs: list[list[int]] = []
    for i, value in enumerate(values):
        if low <= value <= high:
            continue
        if runs and i - runs[-1][-1] - 1 <= max_gap:
            runs[-1].append(i)
        else:
            runs.append([i])

    def excess(i: int) -> float:
        return max(values[i] - high, low - values[i])

    out = []
    for run in runs:
        peak = max(run, key=excess)
        out.append(
            AnomalyInterval(times[run[0]], times[run[-1]], len(run), None, values[peak], "outside operating band")
        )
    return out
