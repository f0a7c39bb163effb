"""Production and supply-chain KPIs: schedule adherence, on-time delivery, reorder point, material availability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BomLine",
    "ComponentAvailability",
    "ReorderStatus",
    "component_availability",
    "rate",
    "reorder_status",
]


def rate(hits: int, total: int) -> float | None:
    """hits / total, None when there is nothing to count (e.g. schedule adherence, on-time delivery)."""
    return hits / total if total > 0 else None


@dataclass(frozen=True)
class ReorderStatus:
    """Available stock (on hand - reserved) against the reorder point, with the quantity already on order."""

    on_hand: float
    reserved: float
    available: float
    reorder_point: float
    on_order: float
    below: bool
    shortfall: float


def reorder_status(on_hand: float, reserved: float, reorder_point: float, on_order: float) -> ReorderStatus:
    """Below reorder point when on hand - reserved < reorder point (KPI.md)."""
    available = on_hand - reserved
    below = available < reorder_point
    return ReorderStatus(
        on_hand, reserved, available, reorder_point, on_order, below, max(reorder_point - available, 0.0)
    )


@dataclass(frozen=True)
class BomLine:
    """One BOM component: quantity per unit of the parent and a scrap allowance (0.02 = 2 %)."""

    material: str
    quantity_per: float
    scrap_allowance: float = 0.0


@dataclass(frozen=True)
class ComponentAvailability:
    """Required quantity of a component for an order compared with its available stock."""

    material: str
    required: float
    available: float
    shortage: float
    sufficient: bool


def component_availability(
    bom: Sequence[BomLine], order_quantity: float, available: dict[str, float]
) -> list[ComponentAvailability]:
    """Explode a single-level BOM: required = quantity per x order quantity x (1 + scrap allowance)."""
    rows = []
    for line in bom:
        required = line.quantity_per * order_quantity * (1.0 + line.scrap_allowance)
        have = available.get(line.material, 0.0)
        shortage = max(required - have, 0.0)
        rows.append(ComponentAvailability(line.material, required, have, shortage, shortage <= 1e-9))
    return rows
