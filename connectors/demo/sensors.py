"""Hourly mean sensor values of the catalog machines: idle when not producing, noisy around the
normal value when running, and the spindle vibration of CNC-03 climbing before its breakdown."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from connectors.demo import stories
from connectors.demo.catalog import SENSOR_KINDS, SensorKindSpec
from connectors.demo.context import MachinePlan, SeedContext
from connectors.demo.line_sim import LineResult
from connectors.schema import SensorReading

__all__ = ["write_sensor_readings"]

_STREAM_SENSORS = 30
# Share of the running value a signal keeps when the machine stands still (hydraulics stay pressurised).
_IDLE_SHARE = {"vibration": 0.12, "temperature": 0.62, "current": 0.15, "pressure": 0.97, "torque": 0.0, "power": 0.05}
FloatArray = npt.NDArray[np.float64]


def _decimals(kind: SensorKindSpec) -> int:
    return 3 if kind.mean < 10 else 2


def _story_extra(ctx: SeedContext, kind: SensorKindSpec, hours: int) -> FloatArray:
    """CNC-03: vibration (and a little heat) builds up over the two weeks before the bearing fails."""
    h = np.arange(hours, dtype=np.float64)
    ramp_from = (stories.VIBRATION_RAMP_START - ctx.start).total_seconds() / 3600
    ramp_to = (stories.BREAKDOWN_START - ctx.start).total_seconds() / 3600
    fraction = np.clip((h - ramp_from) / (ramp_to - ramp_from), 0.0, 1.0)
    fraction = np.where(h < ramp_to, fraction, 0.0)
    rise = {"vibration": 3.6, "temperature": 7.0}.get(kind.kind, 0.0)
    return rise * fraction**1.6


def _series(ctx: SeedContext, machine: MachinePlan, kind: SensorKindSpec, running: FloatArray) -> FloatArray:
    rng = ctx.rng(_STREAM_SENSORS, machine.stream, SENSOR_KINDS.index(kind))
    hours = len(running)
    noise = rng.normal(0.0, kind.noise, hours)
    drift = np.cumsum(rng.normal(0.0, kind.noise * 0.08, hours))
    drift -= np.convolve(drift, np.ones(168) / 168, mode="same")  # keep the wander local, no trend
    level = kind.mean * (1 + float(rng.normal(0, 0.03)))
    if machine.code == stories.BREAKDOWN_EQUIPMENT:
        level_after = level * 0.9  # a new bearing runs quieter
        repaired = (stories.BREAKDOWN_END - ctx.start).total_seconds() / 3600
        base = np.where(np.arange(hours) >= repaired, level_after, level) + _story_extra(ctx, kind, hours)
    else:
        base = np.full(hours, level)
    idle = _IDLE_SHARE.get(kind.kind, 0.1)
    active = base + noise + drift
    values = active * (idle + (1 - idle) * running)
    return np.maximum(values, 0.0)


def write_sensor_readings(ctx: SeedContext, result: LineResult, at: list[datetime]) -> None:
    """One reading per tag and hour over the whole horizon (the historian records around the clock)."""
    writer = ctx.writer(SensorReading)
    for machine in result.line.machines:
        data = result.machines[machine.code]
        running = np.where(result.schedule.scheduled, data.run / 60.0, 0.0)
        for kind in SENSOR_KINDS:
            if kind.equipment_type != machine.spec.equipment_type:
                continue
            tag_id = ctx.ids["tag"][f"{machine.code}.{kind.suffix}"]
            digits = _decimals(kind)
            for hour, value in enumerate(_series(ctx, machine, kind, running).tolist()):
                writer.add(tag_id=tag_id, ts=at[hour], value=round(value, digits))
