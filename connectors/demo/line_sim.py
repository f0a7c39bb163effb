"""Simulates one line hour by hour: production orders run back to back, a product change costs a
changeover on every machine, and each machine's hourly counts follow from the minutes its stops
leave it (ISO 22400: APT = PBT - ADET - ASUT) at its ideal cycle time times a performance factor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from connectors.demo.catalog import PRODUCTS, ProductSpec
from connectors.demo.context import LinePlan, MachinePlan, SeedContext
from connectors.demo.schedule import SHIFT_CODES, LineSchedule
from connectors.demo.stops import LineStops, machine_params
from connectors.demo.timeline import Stop
from connectors.schema import (
    Alarm,
    DowntimeEvent,
    MaintenanceWorkOrder,
    ProductionCount,
    ProductionOperation,
    ProductionOrder,
)

__all__ = ["PLAN_RATE", "LineResult", "MachineHours", "OrderDraft", "simulate_line", "write_line"]

PLAN_RATE = 0.82  # planners schedule orders at 82 % of the ideal rate
_STREAM_ORDERS, _STREAM_COUNTS = 20, 21

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class OrderDraft:
    product: ProductSpec
    quantity: int
    planned_start: int  # minutes from the horizon start
    planned_end: int
    due: int
    priority: int
    status: str = "in_progress"
    actual_start: int | None = None
    actual_end: int | None = None
    id: int = 0


@dataclass
class MachineHours:
    """Hourly results of one machine (index = hour of the horizon)."""

    machine: MachinePlan
    run: IntArray
    good: IntArray
    scrap: IntArray
    rework: IntArray
    buckets: IntArray


@dataclass
class LineResult:
    line: LinePlan
    schedule: LineSchedule
    stops: LineStops
    order_of_hour: IntArray  # index into `orders`, -1 when not scheduled
    orders: list[OrderDraft] = field(default_factory=list)
    machines: dict[str, MachineHours] = field(default_factory=dict)

    def product_of_hour(self) -> list[str | None]:
        return [self.orders[k].product.code if k >= 0 else None for k in self.order_of_hour.tolist()]


@dataclass(frozen=True)
class _Draws:
    performance: FloatArray
    scrap_rate: FloatArray
    rework_rate: FloatArray
    u_scrap: FloatArray
    u_rework: FloatArray


def _draws(ctx: SeedContext, machine: MachinePlan, hours: int) -> _Draws:
    params = machine_params(ctx, machine)
    rng = ctx.rng(_STREAM_COUNTS, machine.stream)
    return _Draws(
        performance=np.clip(rng.normal(params.performance, 0.02, hours), 0.6, 0.995),
        scrap_rate=params.scrap_rate * rng.gamma(4.0, 0.25, hours),
        rework_rate=params.rework_rate * rng.gamma(4.0, 0.25, hours),
        u_scrap=rng.random(hours),
        u_rework=rng.random(hours),
    )


def _quantities(
    run: FloatArray | float, cycle: FloatArray | float, draws: _Draws, hours: slice | int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Good, scrap and rework from run minutes; the same arithmetic for one hour or all of them."""
    produced = np.floor(np.asarray(run) * 60.0 * draws.performance[hours] / cycle)
    scrap = np.minimum(np.floor(produced * draws.scrap_rate[hours] + draws.u_scrap[hours]), produced)
    sound = produced - scrap
    rework = np.minimum(np.floor(sound * draws.rework_rate[hours] + draws.u_rework[hours]), sound)
    return produced - scrap - rework, scrap, rework


class _OrderBook:
    """Releases the next order when the previous one is done, with a changeover on a product change."""

    def __init__(self, ctx: SeedContext, line: LinePlan, schedule: LineSchedule, stops: LineStops) -> None:
        self.products = [p for code in line.spec.products for p in PRODUCTS if p.code == code]
        weights = np.array([p.mix_weight for p in self.products])
        self.weights = weights / weights.sum()
        self.rng = ctx.rng(_STREAM_ORDERS, line.stream)
        self.line, self.schedule, self.stops = line, schedule, stops
        self.orders: list[OrderDraft] = []

    def _rate(self, product: ProductSpec) -> float:
        return 3600.0 / product.ideal_cycle_time_s * PLAN_RATE

    def release(self, hour: int) -> OrderDraft:
        product = self.products[int(self.rng.choice(len(self.products), p=self.weights))]
        rate = self._rate(product)
        quantity = max(50, round(float(self.rng.uniform(10, 30)) * rate / 10) * 10)
        end_hour = self.schedule.hour_after(hour, quantity / rate)
        order = OrderDraft(
            product,
            quantity,
            planned_start=hour * 60,
            planned_end=(end_hour + 1) * 60,
            due=(end_hour + 1 + int(self.rng.integers(1, 9))) * 60,
            priority=int(self.rng.integers(2, 5)),
            actual_start=hour * 60,
        )
        previous = self.orders[-1].product if self.orders else None
        if previous is not None and previous != product:
            for machine in self.line.machines:
                low, high = (30, 76) if machine.spec.equipment_type == "cnc" else (20, 46)
                minutes = int(self.rng.integers(low, high))
                changeover = Stop(hour * 60, hour * 60 + minutes, "D-201", "setup", priority=2)
                self.stops.timelines[machine.code].force(changeover)
        self.orders.append(order)
        return order

    def plan_ahead(self, start_minute: int, count: int) -> None:
        """Orders released for after the plant clock (not started)."""
        share = max(float(self.schedule.scheduled[-168:].mean()), 1e-6)
        for position in range(count):
            product = self.products[int(self.rng.choice(len(self.products), p=self.weights))]
            rate = self._rate(product)
            quantity = max(50, round(float(self.rng.uniform(10, 30)) * rate / 10) * 10)
            end = start_minute + int(np.ceil(quantity / rate / share)) * 60
            self.orders.append(
                OrderDraft(
                    product,
                    quantity,
                    planned_start=start_minute,
                    planned_end=end,
                    due=end + int(self.rng.integers(1, 9)) * 60,
                    priority=int(self.rng.integers(2, 5)),
                    status="released" if position == 0 else "planned",
                )
            )
            start_minute = end


def simulate_line(ctx: SeedContext, line: LinePlan, schedule: LineSchedule, stops: LineStops) -> LineResult:
    hours = schedule.hours
    draws = {m.code: _draws(ctx, m, hours) for m in line.machines}
    output = line.output
    timeline, out_draws = stops.timelines[output.code], draws[output.code]
    book = _OrderBook(ctx, line, schedule, stops)
    order_of_hour = np.full(hours, -1, dtype=np.int64)
    current: OrderDraft | None = None
    done = 0.0
    scheduled = schedule.scheduled.tolist()
    for hour in range(hours):
        if not scheduled[hour]:
            continue
        if current is None:
            current, done = book.release(hour), 0.0
        order_of_hour[hour] = len(book.orders) - 1
        cycle = current.product.ideal_cycle_time_s * output.spec.cycle_factor
        good, _, _ = _quantities(60.0 - timeline.busy_minutes(hour), cycle, out_draws, hour)
        done += float(good)
        if done >= current.quantity:
            current.actual_end, current.status = (hour + 1) * 60, "completed"
            current = None
    ahead_from = max(current.planned_end, hours * 60) if current is not None else hours * 60
    book.plan_ahead(ahead_from, 2)
    result = LineResult(line, schedule, stops, order_of_hour, book.orders)
    cycles = np.array([o.product.ideal_cycle_time_s for o in book.orders] + [1.0])
    for machine in line.machines:
        buckets = stops.timelines[machine.code].hour_buckets(hours)
        run = buckets[:, 0].astype(np.float64)
        cycle_of_hour = cycles[order_of_hour] * machine.spec.cycle_factor
        good, scrap, rework = _quantities(run, cycle_of_hour, draws[machine.code], slice(None))
        mask = schedule.scheduled
        result.machines[machine.code] = MachineHours(
            machine,
            np.where(mask, buckets[:, 0], 0),
            np.where(mask, good, 0).astype(np.int64),
            np.where(mask, scrap, 0).astype(np.int64),
            np.where(mask, rework, 0).astype(np.int64),
            buckets,
        )
    return result


def _per_order(result: LineResult, values: IntArray) -> FloatArray:
    """Sum of an hourly array per order (index = order)."""
    sums = np.bincount(result.order_of_hour + 1, weights=values, minlength=len(result.orders) + 1)
    return sums[1:].astype(np.float64)


def _write_orders(ctx: SeedContext, result: LineResult) -> None:
    writer = ctx.writer(ProductionOrder)
    good = _per_order(result, result.machines[result.line.output.code].good)
    scrap: FloatArray = np.sum([_per_order(result, m.scrap) for m in result.machines.values()], axis=0)
    rework: FloatArray = np.sum([_per_order(result, m.rework) for m in result.machines.values()], axis=0)
    for index, order in enumerate(result.orders):
        planned_start = ctx.at(order.planned_start)
        order.id = writer.add(
            code=ctx.code("MO", planned_start.date()),
            product_id=ctx.ids["product"][order.product.code],
            line_id=result.line.id,
            quantity_planned=order.quantity,
            quantity_good=int(good[index]),
            quantity_scrap=int(scrap[index]),
            quantity_rework=int(rework[index]),
            status=order.status,
            priority=order.priority,
            planned_start=planned_start,
            planned_end=ctx.at(order.planned_end),
            due_date=ctx.at(order.due),
            actual_start=ctx.at(order.actual_start) if order.actual_start is not None else None,
            actual_end=ctx.at(order.actual_end) if order.actual_end is not None else None,
        )
    writer.flush()


def _write_work_orders(ctx: SeedContext, result: LineResult) -> dict[int, int]:
    """Maintenance work orders; returns id(stop) -> work order id for the downtime rows."""
    writer = ctx.writer(MaintenanceWorkOrder)
    by_stop: dict[int, int] = {}
    horizon = result.schedule.hours * 60
    for draft in sorted(result.stops.work_orders, key=lambda d: (d.reported, d.machine.code)):
        finished = draft.end is not None and draft.end <= horizon and draft.start is not None
        reported = ctx.at(draft.reported)
        work_order_id = writer.add(
            code=ctx.code("WO", reported.date()),
            equipment_id=draft.machine.id,
            line_id=result.line.id,
            kind=draft.kind,
            failure_mode_id=ctx.ids["failure_mode"][draft.failure_mode] if draft.failure_mode else None,
            status="completed" if finished else ("in_progress" if draft.start is not None else "open"),
            priority=draft.priority,
            title_en=draft.title_en,
            title_zh=draft.title_zh,
            reported_at=reported,
            planned_start=ctx.at(draft.planned) if draft.planned is not None else None,
            actual_start=ctx.at(draft.start) if draft.start is not None else None,
            actual_end=ctx.at(draft.end) if finished and draft.end is not None else None,
            repair_minutes=float(draft.end - draft.start) if finished and draft.end and draft.start else None,
            technician=draft.technician,
        )
        if draft.stop is not None:
            by_stop[id(draft.stop)] = work_order_id
    writer.flush()
    return by_stop


def _write_counts(ctx: SeedContext, result: LineResult, at: list[datetime]) -> None:
    writer = ctx.writer(ProductionCount)
    shift_ids = [ctx.ids["shift"][code] for code in SHIFT_CODES]
    order_ids = [o.id for o in result.orders]
    product_ids = [ctx.ids["product"][o.product.code] for o in result.orders]
    cycles = [o.product.ideal_cycle_time_s for o in result.orders]
    hours = np.flatnonzero(result.schedule.scheduled).tolist()
    shifts = result.schedule.shift.tolist()
    order_of_hour = result.order_of_hour.tolist()
    for machine in result.line.machines:
        data = result.machines[machine.code]
        buckets = data.buckets.tolist()
        good, scrap, rework = data.good.tolist(), data.scrap.tolist(), data.rework.tolist()
        factor = machine.spec.cycle_factor
        for hour in hours:
            order = order_of_hour[hour]
            free, planned, setup, unplanned = buckets[hour]
            ideal = round(cycles[order] * factor, 2)
            writer.add(
                equipment_id=machine.id,
                line_id=result.line.id,
                shift_id=shift_ids[shifts[hour]],
                product_id=product_ids[order],
                production_order_id=order_ids[order],
                hour_start=at[hour],
                scheduled_minutes=60.0,
                planned_down_minutes=float(planned),
                setup_minutes=float(setup),
                unplanned_down_minutes=float(unplanned),
                run_minutes=float(free),
                good_qty=good[hour],
                scrap_qty=scrap[hour],
                rework_qty=rework[hour],
                ideal_cycle_time_s=ideal,
                planned_cycle_time_s=round(ideal / PLAN_RATE, 2),
            )


def _write_stops(ctx: SeedContext, result: LineResult, work_orders: dict[int, int]) -> None:
    writer = ctx.writer(DowntimeEvent)
    shift_ids = [ctx.ids["shift"][code] for code in SHIFT_CODES]
    for machine in result.line.machines:
        for stop in result.stops.timelines[machine.code].stops:
            hour = stop.start // 60
            order = int(result.order_of_hour[hour])
            writer.add(
                equipment_id=machine.id,
                line_id=result.line.id,
                reason_id=ctx.ids["reason"][stop.reason],
                category=stop.category,
                shift_id=shift_ids[int(result.schedule.shift[hour])],
                start=ctx.at(stop.start),
                end=ctx.at(stop.end),
                duration_minutes=float(stop.end - stop.start),
                production_order_id=result.orders[order].id if order >= 0 else None,
                maintenance_work_order_id=work_orders.get(id(stop)),
            )


def _write_operations(ctx: SeedContext, result: LineResult) -> None:
    writer = ctx.writer(ProductionOperation)
    first_hour: dict[int, int] = {}
    for hour, order in enumerate(result.order_of_hour.tolist()):
        if order >= 0 and order not in first_hour:
            first_hour[order] = hour
    sums = {
        m.code: (_per_order(result, result.machines[m.code].good), _per_order(result, result.machines[m.code].scrap))
        for m in result.line.machines
    }
    for index, order in enumerate(result.orders):
        for machine in result.line.machines:
            good, scrap = sums[machine.code]
            started = index in first_hour
            writer.add(
                production_order_id=order.id,
                sequence=machine.spec.position * 10,
                equipment_id=machine.id,
                name_en=machine.spec.name_en,
                name_zh=machine.spec.name_zh,
                status=order.status if started else "planned",
                actual_start=ctx.at(first_hour[index] * 60) if started else None,
                actual_end=ctx.at(order.actual_end) if order.actual_end is not None else None,
                quantity_good=int(good[index]) if started else 0,
                quantity_scrap=int(scrap[index]) if started else 0,
            )


def _write_alarms(ctx: SeedContext, result: LineResult) -> None:
    writer = ctx.writer(Alarm)
    shift_ids = [ctx.ids["shift"][code] for code in SHIFT_CODES]
    horizon = result.schedule.hours * 60
    for draft in sorted(result.stops.alarms, key=lambda a: (a.start, a.machine.code, a.code)):
        if not 0 <= draft.start < horizon:
            continue
        raised = ctx.at(draft.start)
        writer.add(
            alarm_code_id=ctx.ids["alarm_code"][draft.code],
            equipment_id=draft.machine.id,
            line_id=result.line.id,
            shift_id=shift_ids[int(result.schedule.shift[draft.start // 60])],
            raised_at=raised,
            cleared_at=raised + timedelta(minutes=draft.minutes),
        )


def write_line(ctx: SeedContext, result: LineResult, at: list[datetime]) -> None:
    """Orders and work orders first (they are referenced), then counts, stops, operations, alarms."""
    _write_orders(ctx, result)
    work_orders = _write_work_orders(ctx, result)
    _write_counts(ctx, result, at)
    _write_stops(ctx, result, work_orders)
    _write_operations(ctx, result)
    _write_alarms(ctx, result)
