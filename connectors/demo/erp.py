"""ERP transactions: weekly purchase orders with on-time or late receipts, stock by location and
lot at the plant clock, customer orders with (sometimes late or partial) deliveries.

Stories: Ningbo Huaxin Forging (SUP-02) delivers about half its lines late; RM-1101, CP-2002 and
PK-3001 are below their reorder point with purchase orders open; CP-2003 is below its reorder
point with nothing on order (its last order went out three weeks ago)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from connectors.demo import stories
from connectors.demo.catalog import CUSTOMERS, MATERIALS, PRODUCTS, SUPPLIERS, MaterialSpec
from connectors.demo.context import SeedContext
from connectors.schema import (
    Delivery,
    InventoryLot,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)

__all__ = ["write_erp"]

_STREAM_PURCHASING, _STREAM_STOCK, _STREAM_SALES = 50, 51, 52
BUYERS = ("钱峰", "何静")
_HOME = {"raw": "WH-RM", "component": "WH-CP", "packaging": "WH-PK", "finished": "WH-FG"}
_LINE_SIDE = {
    "RM-1001": "L1-SUP",
    "RM-1002": "L1-SUP",
    "RM-1101": "L2-SUP",
    "RM-1102": "L2-SUP",
    "RM-1103": "L2-SUP",
    "CP-2001": "L3-SUP",
    "CP-2002": "L3-SUP",
    "CP-2003": "L3-SUP",
    "CP-2004": "L3-SUP",
    "CP-2005": "L4-SUP",
    "PK-3001": "L4-SUP",
}
_BELOW = set(stories.BELOW_REORDER_WITH_PO) | set(stories.BELOW_REORDER_WITHOUT_PO)


def _weeks(ctx: SeedContext) -> list[date]:
    """Mondays from four weeks before the horizon up to the plant clock."""
    first = (ctx.start - timedelta(days=28)).date()
    first -= timedelta(days=first.weekday())
    today = ctx.clock.date()
    weeks = []
    while first < today:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def _purchasing(ctx: SeedContext) -> dict[str, list[date]]:
    """Writes POs; returns the receipt dates of each material (for lot numbers)."""
    rng = ctx.rng(_STREAM_PURCHASING)
    today = ctx.clock.date()
    receipts: dict[str, list[date]] = {m.code: [] for m in MATERIALS}
    orders, lines = ctx.writer(PurchaseOrder), ctx.writer(PurchaseOrderLine)
    no_order_after = today - timedelta(days=21)
    pending: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    phase = {s.code: float(rng.random()) for s in SUPPLIERS}

    def _late(supplier: str, on_time_rate: float) -> bool:
        # Evenly spread lateness (a low-discrepancy sequence): the rate holds even over a few weeks of data.
        n = seen[supplier] = seen.get(supplier, 0) + 1
        late_rate = 1 - on_time_rate
        return int(n * late_rate + phase[supplier]) > int((n - 1) * late_rate + phase[supplier])

    for monday in _weeks(ctx):
        for supplier in SUPPLIERS:
            items = [m for m in MATERIALS if m.supplier == supplier.code and m.daily_use > 0]
            skip = rng.random() < 0.1
            if skip and supplier.code != stories.LATE_SUPPLIER and monday < today - timedelta(days=14):
                continue  # not every supplier gets an order every week (but all do in the last two)
            items = [m for m in items if not (m.code in stories.BELOW_REORDER_WITHOUT_PO and monday > no_order_after)]
            if not items:
                continue
            order_date = monday + timedelta(days=int(rng.integers(0, 3)))
            drafted = []
            for item in items:
                quantity = _round_quantity(item, item.daily_use * 7 * float(rng.uniform(0.9, 1.25)))
                promised = order_date + timedelta(days=item.lead_time_days)
                if not _late(supplier.code, supplier.on_time_rate):
                    received = max(promised - timedelta(days=int(rng.integers(0, 3))), order_date + timedelta(days=1))
                else:
                    low, high = supplier.late_days
                    received = promised + timedelta(days=int(rng.integers(low, high + 1)))
                arrived = received < today
                if arrived:
                    receipts[item.code].append(received)
                drafted.append(
                    {
                        "material_id": ctx.ids["material"][item.code],
                        "quantity": quantity,
                        "unit_price": round(item.standard_cost * float(rng.uniform(0.95, 1.05)), 2),
                        "promised_date": promised,
                        "received_date": received if arrived else None,
                        "received_quantity": quantity if arrived else 0.0,
                    }
                )
            done = sum(1 for d in drafted if d["received_date"] is not None)
            status = "received" if done == len(drafted) else ("open" if done == 0 else "partially_received")
            order_id = orders.add(
                code=ctx.code("PO", order_date),
                supplier_id=ctx.ids["supplier"][supplier.code],
                order_date=order_date,
                status=status,
                buyer=BUYERS[int(rng.integers(0, len(BUYERS)))],
            )
            for number, draft in enumerate(drafted, start=1):
                pending.append({"purchase_order_id": order_id, "line_no": number * 10, **draft})
    orders.flush()
    for row in pending:
        lines.add(**row)
    lines.flush()
    return receipts


def _round_quantity(item: MaterialSpec, quantity: float) -> float:
    if item.unit == "pcs":
        step = 1000 if quantity > 20000 else 100 if quantity > 2000 else 10
        return float(max(step, round(quantity / step) * step))
    return float(round(quantity, 1))


def _split(item: MaterialSpec, on_hand: float, places: int) -> list[float]:
    """On-hand quantity over the warehouse (70 %) and the line-side store (30 %)."""
    if places == 1:
        return [on_hand]
    first = float(round(on_hand * 0.7)) if item.unit == "pcs" else round(on_hand * 0.7, 1)
    rest = on_hand - first if item.unit == "pcs" else round(on_hand - first, 1)
    return [first, rest]


def _stock(ctx: SeedContext, receipts: dict[str, list[date]]) -> None:
    rng = ctx.rng(_STREAM_STOCK)
    writer = ctx.writer(InventoryLot)
    today = ctx.clock.date()
    for item in MATERIALS:
        if item.material_type == "finished":
            available = float(round(float(rng.uniform(100, 1500)) / 10) * 10)
        elif item.code in _BELOW:
            available = item.reorder_point * float(rng.uniform(0.35, 0.7))
        else:
            available = item.reorder_point * float(rng.uniform(1.3, 2.6))
        reserved = available * float(rng.uniform(0.05, 0.25))
        digits = 0 if item.unit == "pcs" else 1
        available, reserved = round(available, digits), round(reserved, digits)
        dates = sorted(receipts.get(item.code, []))[-2:] or [today - timedelta(days=14), today - timedelta(days=7)]
        places = [_HOME[item.material_type], *([_LINE_SIDE[item.code]] if item.code in _LINE_SIDE else [])]
        for index, (place, quantity) in enumerate(
            zip(places, _split(item, available + reserved, len(places)), strict=True)
        ):
            # The line-side store holds the older lot, the warehouse the newest receipt.
            received = dates[-1 - min(index, len(dates) - 1)]
            writer.add(
                material_id=ctx.ids["material"][item.code],
                location_id=ctx.ids["location"][place],
                lot=f"{item.code}-{received:%y%m%d}",
                quantity_on_hand=float(quantity),
                quantity_reserved=float(min(reserved, quantity)) if index == 0 else 0.0,
                received_on=received,
                expires_on=received + timedelta(days=365) if item.code == "RM-1201" else None,
            )
    writer.flush()


@dataclass
class _SalesLine:
    product: str
    quantity: int
    unit_price: float
    promised: date
    shipments: list[tuple[date, int]] = field(default_factory=list)  # (delivered, quantity)


def _shipments(rng: np.random.Generator, line: _SalesLine, today: date) -> None:
    """Most lines arrive by the promised date; some late; some in two parts."""
    if rng.random() < 0.88:
        arrive = line.promised - timedelta(days=int(rng.integers(0, 3)))
    else:
        arrive = line.promised + timedelta(days=int(rng.integers(1, 8)))
    parts = [line.quantity]
    if rng.random() < 0.15 and line.quantity >= 40:
        first = round(line.quantity * 0.06) * 10
        parts = [first, line.quantity - first]
    for index, part in enumerate(parts):
        delivered = arrive + timedelta(days=3 * index)
        if delivered < today:
            line.shipments.append((delivered, part))


def _sales(ctx: SeedContext) -> None:
    rng = ctx.rng(_STREAM_SALES)
    today = ctx.clock.date()
    volume = len(ctx.lines) / 4
    weights = np.array([3.0 if p.code[:3] in ("P-3", "P-4") else 1.0 for p in PRODUCTS])
    weights /= weights.sum()
    drafted: list[tuple[str, date, int, list[_SalesLine]]] = []
    for monday in _weeks(ctx):
        for customer in CUSTOMERS:
            for _ in range(int(rng.poisson(customer.orders_per_week * volume))):
                order_date = monday + timedelta(days=int(rng.integers(0, 5)))
                if order_date >= today:
                    continue
                lines = []
                for _ in range(int(rng.integers(1, 4))):
                    product = PRODUCTS[int(rng.choice(len(PRODUCTS), p=weights))]
                    line = _SalesLine(
                        product.code,
                        int(rng.integers(2, 41)) * 10,
                        round(product.unit_price * float(rng.uniform(0.95, 1.05)), 2),
                        order_date + timedelta(days=int(rng.integers(7, 22))),
                    )
                    _shipments(rng, line, today)
                    lines.append(line)
                transit = 1 if customer.country == "CN" else 5
                drafted.append((customer.code, order_date, transit, lines))
    drafted.sort(key=lambda d: (d[1], d[0]))
    _write_sales(ctx, drafted)


def _write_sales(ctx: SeedContext, drafted: list[tuple[str, date, int, list[_SalesLine]]]) -> None:
    orders, lines, deliveries = ctx.writer(SalesOrder), ctx.writer(SalesOrderLine), ctx.writer(Delivery)
    order_ids = []
    for customer, order_date, _, order_lines in drafted:
        complete = [sum(q for _, q in line.shipments) >= line.quantity for line in order_lines]
        status = (
            "delivered"
            if all(complete)
            else ("open" if not any(line.shipments for line in order_lines) else "partially_delivered")
        )
        order_ids.append(
            orders.add(
                code=ctx.code("SO", order_date),
                customer_id=ctx.ids["customer"][customer],
                order_date=order_date,
                status=status,
            )
        )
    orders.flush()
    shipments: list[tuple[date, int, int, int]] = []  # (delivered, line id, quantity, transit days)
    for order_id, (_, _, transit, order_lines) in zip(order_ids, drafted, strict=True):
        for number, line in enumerate(order_lines, start=1):
            line_id = lines.add(
                sales_order_id=order_id,
                line_no=number * 10,
                product_id=ctx.ids["product"][line.product],
                quantity=line.quantity,
                unit_price=line.unit_price,
                promised_date=line.promised,
            )
            shipments.extend((delivered, line_id, quantity, transit) for delivered, quantity in line.shipments)
    lines.flush()
    for delivered, line_id, quantity, transit in sorted(shipments):
        deliveries.add(
            code=ctx.code("DN", delivered),
            sales_order_line_id=line_id,
            shipped_date=delivered - timedelta(days=transit),
            delivered_date=delivered,
            quantity=quantity,
        )
    deliveries.flush()


def write_erp(ctx: SeedContext) -> None:
    receipts = _purchasing(ctx)
    _stock(ctx, receipts)
    _sales(ctx)
