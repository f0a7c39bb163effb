"""Inspections with first-pass results and defects, and SPC measurements taken while the
characteristic's product runs on its machine. The VB-25 seat bore drifts toward its USL."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np

from connectors.demo import stories
from connectors.demo.catalog import DEFECT_CODES, SPC_CHARACTERISTICS, SpcCharacteristicSpec
from connectors.demo.context import SeedContext
from connectors.demo.line_sim import LineResult
from connectors.demo.schedule import SHIFT_CODES
from connectors.schema import Defect, Inspection, SpcMeasurement

__all__ = ["write_quality"]

_STREAM_QUALITY, _STREAM_SPC = 40, 41
INSPECTORS = ("孙丽", "周杰", "吴芳", "郑浩")
# Defect codes (with weights) per product family: machined housings, valve bodies, pumps, kits.
_DEFECTS: dict[str, tuple[tuple[str, float], ...]] = {
    "P-1": (("DF-101", 0.3), ("DF-102", 0.25), ("DF-103", 0.15), ("DF-104", 0.2), ("DF-106", 0.1)),
    "P-2": (("DF-101", 0.3), ("DF-102", 0.3), ("DF-103", 0.1), ("DF-105", 0.2), ("DF-106", 0.1)),
    "P-3": (("DF-105", 0.35), ("DF-107", 0.25), ("DF-109", 0.3), ("DF-103", 0.1)),
    "P-4": (("DF-108", 0.5), ("DF-107", 0.3), ("DF-103", 0.2)),
}
_DISPOSITION = {d.code: d.disposition for d in DEFECT_CODES}


def _sample_size(quantity: int) -> int:
    """Final inspection sample by lot size (ISO 2859-1 general level II, single sampling)."""
    for limit, size in ((150, 20), (500, 50), (1200, 80), (3200, 125), (10000, 200)):
        if quantity <= limit:
            return size
    return 315


def _drift(ctx: SeedContext, minute: int) -> float:
    """0 before the drift starts, rising linearly to 1 at the plant clock."""
    when = ctx.at(minute)
    span = (stories.PLANT_CLOCK - stories.DRIFT_START).total_seconds()
    return min(max((when - stories.DRIFT_START).total_seconds() / span, 0.0), 1.0)


def _inspections(ctx: SeedContext, result: LineResult) -> None:
    rng = ctx.rng(_STREAM_QUALITY, result.line.stream)
    family = result.line.spec.products[0][:3]
    codes, weights = zip(*_DEFECTS[family], strict=True)
    probabilities = np.array(weights) / sum(weights)
    drifting_line = result.line.is_core and any(
        c.code == stories.DRIFT_CHARACTERISTIC and c.product in result.line.spec.products for c in SPC_CHARACTERISTICS
    )
    dimension = np.array([1.0 if code == "DF-101" else 0.0 for code in codes])
    output = result.line.output
    inspections: list[tuple[int, dict[str, object], dict[str, int]]] = []

    def inspect(minute: int, kind: str, order: int, size: int, rate: float) -> None:
        drift = _drift(ctx, minute) if drifting_line else 0.0
        failed = int(rng.binomial(size, min(rate + 0.05 * drift, 0.5)))
        # The drifting bore shows up as more dimension defects (DF-101).
        shares = probabilities * (1 - 0.6 * drift) + dimension * 0.6 * drift
        split = rng.multinomial(failed, shares / shares.sum()).tolist() if failed else [0] * len(codes)
        by_code = {code: int(n) for code, n in zip(codes, split, strict=True) if n}
        when = ctx.at(minute)
        hour = minute // 60
        record = {
            "inspection_type": kind,
            "production_order_id": result.orders[order].id,
            "product_id": ctx.ids["product"][result.orders[order].product.code],
            "line_id": result.line.id,
            "equipment_id": output.id,
            "shift_id": ctx.ids["shift"][SHIFT_CODES[int(result.schedule.shift[hour])]],
            "inspected_at": when,
            "quantity_inspected": size,
            "quantity_passed_first": size - sum(by_code.values()),
            "quantity_failed": sum(by_code.values()),
            "result": "fail" if by_code else "pass",
            "inspector": INSPECTORS[int(rng.integers(0, len(INSPECTORS)))],
        }
        inspections.append((minute, record, by_code))

    base_rate = float(rng.uniform(0.015, 0.035))
    for first_hour in range(0, result.schedule.hours, 8):
        hour = first_hour + 4
        if result.schedule.scheduled[first_hour] and hour < result.schedule.hours and result.order_of_hour[hour] >= 0:
            inspect(hour * 60 + int(rng.integers(0, 60)), "in_process", int(result.order_of_hour[hour]), 32, base_rate)
    for index, order in enumerate(result.orders):
        if order.status == "completed" and order.actual_end is not None:
            minute = min(order.actual_end, result.schedule.hours * 60 - 1)
            inspect(minute, "final", index, _sample_size(order.quantity), base_rate / 2)
    inspections.sort(key=lambda item: item[0])
    writer = ctx.writer(Inspection)
    defects: list[tuple[int, dict[str, object], dict[str, int]]] = []
    for minute, record, by_code in inspections:
        inspection_id = writer.add(code=ctx.code("QI", ctx.at(minute).date(), width=5), **record)
        defects.append((inspection_id, record, by_code))
    writer.flush()
    defect_writer = ctx.writer(Defect)
    machines = result.line.machines
    for inspection_id, record, by_code in defects:
        for code, quantity in sorted(by_code.items()):
            origin = machines[int(rng.integers(0, len(machines)))]
            defect_writer.add(
                inspection_id=inspection_id,
                defect_code_id=ctx.ids["defect_code"][code],
                equipment_id=origin.id,
                quantity=quantity,
                disposition=_DISPOSITION[code],
                detected_at=record["inspected_at"],
            )


def _decimals(spec: SpcCharacteristicSpec) -> int:
    return max(1, -math.floor(math.log10(spec.sigma)) + 1)


def _spc(ctx: SeedContext, result: LineResult) -> None:
    writer = ctx.writer(SpcMeasurement)
    products = result.product_of_hour()
    for spec in SPC_CHARACTERISTICS:
        if spec.equipment not in result.machines:
            continue
        rng = ctx.rng(_STREAM_SPC, SPC_CHARACTERISTICS.index(spec))
        run = result.machines[spec.equipment].run.tolist()
        offset = float(rng.normal(0.0, 0.15)) * spec.sigma
        digits = _decimals(spec)
        characteristic_id = ctx.ids["characteristic"][spec.code]
        subgroup = 0
        for hour in range(0, result.schedule.hours, 2):
            if products[hour] != spec.product or run[hour] < 20:
                continue
            subgroup += 1
            minute = hour * 60 + 30
            mean = spec.target + offset + float(rng.normal(0.0, 0.3)) * spec.sigma
            if spec.code == stories.DRIFT_CHARACTERISTIC:
                mean += stories.DRIFT_END_SHIFT_SIGMAS * spec.sigma * _drift(ctx, minute)
            for sample in range(1, spec.subgroup_size + 1):
                writer.add(
                    characteristic_id=characteristic_id,
                    subgroup=subgroup,
                    sample=sample,
                    measured_at=ctx.at(minute) + timedelta(minutes=sample),
                    value=round(mean + float(rng.normal(0.0, spec.sigma)), digits),
                )


def write_quality(ctx: SeedContext, result: LineResult) -> None:
    _inspections(ctx, result)
    if result.line.is_core:
        _spc(ctx, result)
