"""Supply-chain tools: stock, reorder point, purchase orders, supplier on-time delivery, BOM availability, sales."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from connectors.demo import stories
from connectors.schema import (
    Bom,
    BomLine,
    Delivery,
    InventoryLot,
    Material,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    Supplier,
)
from tools.builtin import (
    list_sales_orders,
    material_availability,
    materials_below_reorder_point,
    purchase_orders,
    sales_order_status,
    stock_levels,
    supplier_on_time_delivery,
)
from tools.contract import ToolContext

Run = Callable[..., Any]


def test_stock_of_one_material_with_locations(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(stock_levels, tiny_ctx, material="阀体锻件VB-25")
    total, at_warehouse = result.stock
    assert (total.on_hand, total.reserved, total.available, total.location) == (2100, 300, 1800, None)
    assert (at_warehouse.location, at_warehouse.available) == ("WH-RM", 1800)


def test_materials_below_reorder_point_show_what_is_on_order(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(materials_below_reorder_point, tiny_ctx)
    [row] = result.materials
    # 1500 + 600 on hand - 300 reserved = 1800 < 2400; one open PO line of 3000.
    assert (row.material, row.available, row.shortfall, row.on_order) == ("RM-1101", 1800, 600, 3000)
    assert (row.covered_by_open_orders, row.supplier) == (True, "SUP-02")


def test_late_purchase_order_lines(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(purchase_orders, tiny_ctx, status="late", supplier="华鑫")
    [line] = result.lines
    assert (line.purchase_order, line.open_quantity, line.days_late) == ("PO-260005", 3000, 5)  # promised 11-15


def test_supplier_on_time_delivery(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(supplier_on_time_delivery, tiny_ctx, period="this month")
    assert [(s.supplier, s.received_lines, s.on_time_lines, s.on_time_rate) for s in result.suppliers] == [
        ("SUP-02", 4, 1, 0.25),
        ("SUP-01", 3, 3, 1.0),
    ]
    assert result.suppliers[0].average_days_late == pytest.approx((5 + 4 + 2) / 3, abs=0.01)
    assert result.overall_rate == pytest.approx(4 / 7, abs=1e-6)


def test_material_availability_explodes_the_bom_with_scrap_allowance(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(material_availability, tiny_ctx, order="MO-261005")
    forging, fluid = result.components
    # 2000 x 1.0 x 1.015 = 2030 needed, 1800 available.
    assert (forging.material, forging.required, forging.available, forging.shortage) == ("RM-1101", 2030, 1800, 230)
    assert (fluid.required, fluid.sufficient) == (pytest.approx(60.0), True)
    assert result.all_available is False
    assert run(material_availability, tiny_ctx, order="MO-261004").all_available is True  # 1015 <= 1800


def test_sales_order_status(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(sales_order_status, tiny_ctx, order="so260001")
    [line] = result.lines
    assert (line.quantity, line.delivered, line.late_deliveries, line.late) == (500, 500, 1, True)
    assert (result.fully_delivered, result.on_time, result.customer) == (True, False, "CUS-01")


def test_stock_list_is_bounded(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(stock_levels, tiny_ctx, limit=1)
    assert (len(result.stock), result.complete, result.total_count) == (1, False, 2)


# --- small demo plant -------------------------------------------------------------------------------------------


def test_demo_late_supplier_has_the_lowest_on_time_rate(demo_ctx: ToolContext, run: Run) -> None:
    result = run(supplier_on_time_delivery, demo_ctx, period="past 90 days")
    assert result.suppliers[0].supplier == stories.LATE_SUPPLIER
    session = demo_ctx.session
    lines = session.exec(
        select(PurchaseOrderLine)
        .join(PurchaseOrder)
        .join(Supplier)
        .where(Supplier.code == stories.LATE_SUPPLIER, PurchaseOrderLine.received_date.is_not(None))  # type: ignore[union-attr]
    ).all()
    first, last = result.period.start.date(), result.period.end.date()
    received = [ln for ln in lines if ln.received_date is not None and first <= ln.received_date <= last]
    on_time = [ln for ln in received if ln.received_date is not None and ln.received_date <= ln.promised_date]
    assert result.suppliers[0].on_time_rate == pytest.approx(len(on_time) / len(received), abs=1e-6)


def test_demo_materials_below_reorder_point_are_the_story_materials(demo_ctx: ToolContext, run: Run) -> None:
    result = run(materials_below_reorder_point, demo_ctx)
    found = {row.material: row for row in result.materials}
    assert set(found) == set(stories.BELOW_REORDER_WITH_PO) | set(stories.BELOW_REORDER_WITHOUT_PO)
    assert all(found[code].on_order > 0 for code in stories.BELOW_REORDER_WITH_PO)
    assert all(found[code].on_order == 0 for code in stories.BELOW_REORDER_WITHOUT_PO)
    session = demo_ctx.session
    for code, row in found.items():
        material = session.exec(select(Material).where(Material.code == code)).one()
        lots = session.exec(select(InventoryLot).where(InventoryLot.material_id == material.id)).all()
        assert row.available == pytest.approx(sum(lot.quantity_on_hand - lot.quantity_reserved for lot in lots))
        assert row.available < material.reorder_point


def test_demo_stock_and_material_availability_match_the_lots(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    order = session.exec(select(ProductionOrder).where(ProductionOrder.status != "completed")).first()
    assert order is not None
    result = run(material_availability, demo_ctx, order=order.code)
    bom = session.exec(select(Bom).where(Bom.product_id == order.product_id, Bom.active)).one()
    lines = session.exec(select(BomLine).where(BomLine.bom_id == bom.id).order_by(BomLine.line_no)).all()
    assert len(result.components) == len(lines)
    for component, line in zip(result.components, lines, strict=True):
        lots = session.exec(select(InventoryLot).where(InventoryLot.material_id == line.material_id)).all()
        available = sum(lot.quantity_on_hand - lot.quantity_reserved for lot in lots)
        required = line.quantity_per * order.quantity_planned * (1 + line.scrap_allowance_pct / 100)
        assert component.required == pytest.approx(required, abs=1e-3)
        assert component.available == pytest.approx(available)
        stock = run(stock_levels, demo_ctx, material=component.material).stock[0]
        assert stock.available == pytest.approx(available)


def test_demo_late_purchase_lines_and_a_sales_order(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    today = demo_ctx.clock.date()
    late = [
        ln
        for ln in session.exec(select(PurchaseOrderLine)).all()
        if ln.received_quantity < ln.quantity and ln.promised_date < today
    ]
    result = run(purchase_orders, demo_ctx, status="late", limit=100)
    assert len(result.lines) == len(late)
    assert all(line.days_late > 0 for line in result.lines)
    so = session.exec(select(SalesOrder)).first()
    assert so is not None
    status = run(sales_order_status, demo_ctx, order=so.code)
    ordered = sum(
        ln.quantity for ln in session.exec(select(SalesOrderLine).where(SalesOrderLine.sales_order_id == so.id))
    )
    assert sum(line.quantity for line in status.lines) == ordered


def test_sales_orders_lists_late_and_delivered_late_orders(tiny_ctx: ToolContext, run: Run) -> None:
    # SO-260001: 500 promised 11-18, 300 delivered 11-17 (on time) and 200 on 11-19 (late); fully delivered.
    assert run(list_sales_orders, tiny_ctx).orders == []
    [order] = run(list_sales_orders, tiny_ctx, status="delivered_late").orders
    assert (order.order, order.ordered, order.delivered, order.open_quantity, order.delivered_late) == (
        "SO-260001",
        500,
        500,
        0,
        1,
    )
    assert (order.promised_date.isoformat(), order.days_late) == ("2026-11-18", 0)
    assert [o.order for o in run(list_sales_orders, tiny_ctx, status="all", customer="恒泰水务").orders] == [
        "SO-260001"
    ]


def test_demo_late_sales_orders_are_the_open_lines_past_their_promise(demo_ctx: ToolContext, run: Run) -> None:
    session = demo_ctx.session
    today = demo_ctx.clock.date()
    delivered: dict[int, int] = {}
    for delivery in session.exec(select(Delivery)).all():
        delivered[delivery.sales_order_line_id] = delivered.get(delivery.sales_order_line_id, 0) + delivery.quantity
    codes = {so.id: so.code for so in session.exec(select(SalesOrder)).all()}
    expected = sorted(
        {
            codes[line.sales_order_id]
            for line in session.exec(select(SalesOrderLine)).all()
            if delivered.get(line.id or 0, 0) < line.quantity and line.promised_date < today
        }
    )
    result = run(list_sales_orders, demo_ctx, status="late", limit=100)
    assert sorted(order.order for order in result.orders) == expected
    assert all(order.days_late > 0 and order.open_quantity > 0 for order in result.orders)
    days = [order.days_late for order in result.orders]
    assert days == sorted(days, reverse=True)
