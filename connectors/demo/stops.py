"""Stops of every machine of a line before production is simulated: planned maintenance, team
meetings, breakdowns (with corrective work orders), waiting, tool changes, minor stops and the
alarms that go with them. Changeovers are added later, when orders switch product."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from connectors.demo import stories
from connectors.demo.catalog import ALARM_CODES, FAILURE_MODES
from connectors.demo.context import LinePlan, MachinePlan, SeedContext
from connectors.demo.schedule import SHIFT_CODES, LineSchedule
from connectors.demo.timeline import Stop, Timeline

__all__ = [
    "AlarmDraft",
    "LineStops",
    "MachineParams",
    "WorkOrderDraft",
    "machine_params",
    "plan_stops",
]

TECHNICIANS = ("王强", "李娜", "张伟", "刘洋", "陈杰", "赵磊", "周敏")
PM_INTERVAL_DAYS = 28
_BREAKDOWN_REASON = {"FM-HYD": "D-303", "FM-SNS": "D-302", "FM-SRV": "D-302", "FM-LAS": "D-302"}
_BREAKDOWN_ALARM = {"FM-SPB": "E-217", "FM-SRV": "E-350", "FM-HYD": "E-410", "FM-CLP": "E-230", "FM-CNV": "E-610"}
_STREAM_PARAMS, _STREAM_STOPS, _STREAM_ALARMS = 10, 11, 12


@dataclass(frozen=True)
class MachineParams:
    """Per-machine character, drawn once from the seed."""

    minor_stops_per_hour: float
    mtbf_hours: float
    performance: float
    scrap_rate: float
    rework_rate: float
    alarms_per_hour: float


@dataclass
class WorkOrderDraft:
    machine: MachinePlan
    kind: str  # corrective or preventive
    failure_mode: str | None
    priority: int
    title_en: str
    title_zh: str
    reported: int  # minutes from the horizon start
    planned: int | None
    start: int | None
    end: int | None
    technician: str
    stop: Stop | None = None


@dataclass(frozen=True)
class AlarmDraft:
    machine: MachinePlan
    code: str
    start: int
    minutes: int


@dataclass
class LineStops:
    timelines: dict[str, Timeline]
    work_orders: list[WorkOrderDraft] = field(default_factory=list)
    alarms: list[AlarmDraft] = field(default_factory=list)


def machine_params(ctx: SeedContext, machine: MachinePlan) -> MachineParams:
    rng = ctx.rng(_STREAM_PARAMS, machine.stream)
    return MachineParams(
        minor_stops_per_hour=float(rng.uniform(0.3, 0.6)),
        mtbf_hours=float(rng.uniform(120, 320)),
        performance=float(rng.uniform(0.84, 0.93)),
        scrap_rate=float(rng.uniform(0.008, 0.03)),
        rework_rate=float(rng.uniform(0.004, 0.012)),
        alarms_per_hour=float(rng.uniform(0.02, 0.05)),
    )


def _minutes(ctx: SeedContext, when: datetime) -> int:
    return int((when - ctx.start).total_seconds() // 60)


def _is_story_machine(machine: MachinePlan) -> bool:
    return machine.is_core and machine.code == stories.BREAKDOWN_EQUIPMENT


def _story_breakdown(ctx: SeedContext, machine: MachinePlan, stops: LineStops, timeline: Timeline) -> None:
    start, end = _minutes(ctx, stories.BREAKDOWN_START), _minutes(ctx, stories.BREAKDOWN_END)
    if end <= 0:
        return
    stop = Stop(start, end, "D-301", "breakdown", priority=1)
    if timeline.add(stop):
        stops.work_orders.append(
            WorkOrderDraft(
                machine,
                "corrective",
                stories.BREAKDOWN_FAILURE_MODE,
                1,
                "Spindle bearing failure: spindle seized, bearing set replaced",
                "主轴轴承损坏：主轴抱死，更换主轴轴承组",
                reported=start,
                planned=None,
                start=start + 12,
                end=end,
                technician="王强",
                stop=stop,
            )
        )
        stops.alarms.append(AlarmDraft(machine, "E-217", start, 3))


def _preventive(
    ctx: SeedContext, machine: MachinePlan, index: int, schedule: LineSchedule, stops: LineStops, timeline: Timeline
) -> None:
    rng = ctx.rng(_STREAM_STOPS, machine.stream, 1)
    day = (index * 5) % PM_INTERVAL_DAYS
    total_days = schedule.hours // 24
    while day < total_days + PM_INTERVAL_DAYS:
        hour = day * 24 + 2  # 08:00, two hours into shift A
        while hour < schedule.hours and not schedule.scheduled[hour]:
            hour += 24
        minutes = int(rng.integers(4, 9)) * 30
        start = hour * 60
        title = ("Monthly preventive maintenance", "月度预防性维护")
        if hour >= schedule.hours:  # after the plant clock: planned, not yet done
            stops.work_orders.append(
                WorkOrderDraft(
                    machine,
                    "preventive",
                    None,
                    3,
                    *title,
                    reported=start - 7 * 1440,
                    planned=start,
                    start=None,
                    end=None,
                    technician=str(rng.choice(TECHNICIANS)),
                )
            )
            break
        stop = Stop(start, start + minutes, "D-101", "planned_downtime", priority=0)
        if timeline.add(stop):
            stops.work_orders.append(
                WorkOrderDraft(
                    machine,
                    "preventive",
                    None,
                    3,
                    *title,
                    reported=start - 7 * 1440,
                    planned=start,
                    start=start,
                    end=stop.end,
                    technician=str(rng.choice(TECHNICIANS)),
                    stop=stop,
                )
            )
        day += PM_INTERVAL_DAYS


def _meetings(ctx: SeedContext, line: LinePlan, schedule: LineSchedule, stops: LineStops) -> None:
    """A 45-minute team meeting / training at the first scheduled shift of each month."""
    seen_months: set[tuple[int, int]] = set()
    for hour in range(0, schedule.hours, 8):
        when = ctx.at(hour * 60)
        if not schedule.scheduled[hour] or (when.year, when.month) in seen_months:
            continue
        seen_months.add((when.year, when.month))
        for machine in line.machines:
            meeting = Stop(hour * 60, hour * 60 + 45, "D-103", "planned_downtime", priority=0)
            stops.timelines[machine.code].add(meeting)


def _failure_modes(equipment_type: str) -> list[str]:
    return [f.code for f in FAILURE_MODES if f.equipment_type in (equipment_type, "any")]


def _breakdowns(
    ctx: SeedContext,
    machine: MachinePlan,
    params: MachineParams,
    schedule: LineSchedule,
    stops: LineStops,
    timeline: Timeline,
) -> None:
    rng = ctx.rng(_STREAM_STOPS, machine.stream, 2)
    hits = rng.poisson(schedule.scheduled / params.mtbf_hours)
    modes = _failure_modes(machine.spec.equipment_type)
    quiet_from = _minutes(ctx, stories.VIBRATION_RAMP_START) - 7 * 1440
    quiet_to = _minutes(ctx, stories.BREAKDOWN_END) + 7 * 1440
    for hour in np.flatnonzero(hits):
        start = int(hour) * 60 + int(rng.integers(0, 60))
        minutes = int(np.clip(rng.lognormal(np.log(95), 0.65), 20, 600))
        mode = str(rng.choice(modes))
        respond = int(rng.integers(5, 26))
        technician = str(rng.choice(TECHNICIANS))
        if _is_story_machine(machine) and quiet_from <= start <= quiet_to:
            continue
        stop = Stop(start, start + minutes, _BREAKDOWN_REASON.get(mode, "D-301"), "breakdown", priority=1)
        if not timeline.add(stop):
            continue
        name = next(f for f in FAILURE_MODES if f.code == mode)
        stops.work_orders.append(
            WorkOrderDraft(
                machine,
                "corrective",
                mode,
                int(rng.integers(1, 3)),
                f"{name.name_en} on {machine.code}",
                f"{machine.code}{name.name_zh}",
                reported=start,
                planned=None,
                start=min(start + respond, stop.end - 1),
                end=stop.end,
                technician=technician,
                stop=stop,
            )
        )
        if mode in _BREAKDOWN_ALARM:
            stops.alarms.append(AlarmDraft(machine, _BREAKDOWN_ALARM[mode], start, 2))


def _minor_stop_rate(
    ctx: SeedContext, machine: MachinePlan, params: MachineParams, schedule: LineSchedule
) -> npt.NDArray[np.float64]:
    rate = (schedule.scheduled * params.minor_stops_per_hour).astype(np.float64)
    night = SHIFT_CODES.index(stories.MINOR_STOP_SHIFT)
    rate = np.where(schedule.shift == night, rate * stories.MINOR_STOP_SHIFT_FACTOR, rate).astype(np.float64)
    if _is_story_machine(machine):
        ramp_from = _minutes(ctx, stories.VIBRATION_RAMP_START) / 60
        ramp_to = _minutes(ctx, stories.BREAKDOWN_START) / 60
        hours = np.arange(schedule.hours)
        fraction = np.clip((hours - ramp_from) / (ramp_to - ramp_from), 0, 1)
        fraction = np.where(hours < ramp_to, fraction, 0)
        rate = (rate * (1 + 3.5 * fraction**1.5)).astype(np.float64)
    return rate.astype(np.float64)


def _small_stops(
    ctx: SeedContext,
    machine: MachinePlan,
    params: MachineParams,
    schedule: LineSchedule,
    stops: LineStops,
    timeline: Timeline,
) -> None:
    rng = ctx.rng(_STREAM_STOPS, machine.stream, 3)
    waiting = rng.poisson(schedule.scheduled * 0.025)
    for hour in np.flatnonzero(waiting):
        start = int(hour) * 60 + int(rng.integers(0, 60))
        reason = "D-501" if rng.random() < 0.7 else "D-502"
        timeline.add(Stop(start, start + int(rng.integers(10, 46)), reason, "waiting", None, 3))
    if machine.spec.equipment_type == "cnc":
        for hour in np.flatnonzero(rng.poisson(schedule.scheduled * 0.04)):
            start = int(hour) * 60 + int(rng.integers(0, 60))
            timeline.add(Stop(start, start + int(rng.integers(8, 21)), "D-202", "setup", None, 3))
    rate = _minor_stop_rate(ctx, machine, params, schedule)
    counts = rng.poisson(rate)
    ramp_from = _minutes(ctx, stories.VIBRATION_RAMP_START)
    ramp_to = _minutes(ctx, stories.BREAKDOWN_START)
    for hour in np.flatnonzero(counts):
        for _ in range(int(counts[hour])):
            start = int(hour) * 60 + int(rng.integers(0, 60))
            minutes = int(rng.integers(1, 9))
            draw = rng.random()
            vibration_share = 0.15
            if _is_story_machine(machine) and ramp_from <= start < ramp_to:
                vibration_share = 0.15 + 0.75 * (start - ramp_from) / (ramp_to - ramp_from)
            if draw < vibration_share:
                reason = "D-403"
            elif draw < vibration_share + (1 - vibration_share) * 0.6:
                reason = "D-401"
            else:
                reason = "D-402"
            added = timeline.add(Stop(start, start + minutes, reason, "minor_stop", None, 4))
            in_ramp = _is_story_machine(machine) and ramp_from <= start < ramp_to
            if added and reason == "D-403" and in_ramp:
                stops.alarms.append(AlarmDraft(machine, "E-217", start, minutes))


def _alarms(
    ctx: SeedContext, machine: MachinePlan, params: MachineParams, schedule: LineSchedule, stops: LineStops
) -> None:
    rng = ctx.rng(_STREAM_ALARMS, machine.stream)
    codes = [a.code for a in ALARM_CODES if a.equipment_type in (machine.spec.equipment_type, "any")]
    codes = [c for c in codes if c != "E-217"]  # spindle vibration alarms come from the vibration itself
    for hour in np.flatnonzero(rng.poisson(schedule.scheduled * params.alarms_per_hour)):
        stops.alarms.append(
            AlarmDraft(
                machine, str(rng.choice(codes)), int(hour) * 60 + int(rng.integers(0, 60)), int(rng.integers(1, 16))
            )
        )
    if not machine.is_core:
        return
    for code, alarm, per_hour in stories.RECURRING_ALARMS:
        if code != machine.code:
            continue
        for hour in np.flatnonzero(rng.poisson(schedule.scheduled * per_hour)):
            stops.alarms.append(
                AlarmDraft(machine, alarm, int(hour) * 60 + int(rng.integers(0, 60)), int(rng.integers(1, 6)))
            )


def plan_stops(ctx: SeedContext, line: LinePlan, schedule: LineSchedule) -> LineStops:
    """Every stop except changeovers, most important first so lesser stops never overlap them."""
    minutes = schedule.hours * 60
    stops = LineStops(timelines={m.code: Timeline(minutes) for m in line.machines})
    params = {m.code: machine_params(ctx, m) for m in line.machines}
    for machine in line.machines:
        if _is_story_machine(machine):
            _story_breakdown(ctx, machine, stops, stops.timelines[machine.code])
    for index, machine in enumerate(line.machines):
        _preventive(ctx, machine, line.stream * 3 + index, schedule, stops, stops.timelines[machine.code])
    _meetings(ctx, line, schedule, stops)
    for machine in line.machines:
        timeline = stops.timelines[machine.code]
        _breakdowns(ctx, machine, params[machine.code], schedule, stops, timeline)
        _small_stops(ctx, machine, params[machine.code], schedule, stops, timeline)
        _alarms(ctx, machine, params[machine.code], schedule, stops)
    return stops
