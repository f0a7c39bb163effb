"""Sales tool: status of a customer's sales order, line by line, with deliveries against promised dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from connectors.schema import Customer, Delivery, Product, SalesOrder, SalesOrderLine
from tools.builtin.common import Part, provenance
from tools.contract import Role, ToolContext, ToolResult, tool
from tools.queries import columns
from tools.resolvers import resolve_entity

__all__ = ["SalesLineRow", "SalesOrderResult", "sales_order_status"]

SOL = columns(SalesOrderLine)
DLV = columns(Delivery)
PRODUCT = columns(Product)


class SalesLineRow(Part):
    """One sales-order line: ordered, delivered, promised date and whether it was (or is) late."""

    line_no: int
    product: str
    product_name_en: str
    product_name_zh: str
    quantity: int
    delivered: int
    open_quantity: int
    promised_date: date
    last_delivery: date | None
    late_deliveries: int = 0
    late: bool


class SalesOrderResult(ToolResult):
    """Status of a sales order and its lines."""

    order: str
    customer: str
    customer_name_en: str
    customer_name_zh: str
    order_date: date
    status: str
    lines: list[SalesLineRow]
    fully_delivered: bool
    on_time: bool


@tool(
    domain="supply_chain",
    description_zh="销售订单状态：各行的订购数、已交付数、承诺交期、是否延迟交付",
    examples=[
        "What is the status of sales order SO-260001?",
        "Has SO-260001 been delivered?",
        "Was the order for Hengtai shipped on time? SO-260001",
        "How much of SO-260014 is still open?",
        "销售订单SO-260001的状态",
        "SO-260001交货了吗？",
        "SO-260001是否按时交付？",
        "SO-260014还有多少没发货？",
    ],
    sample_args={"order": "SO-260001"},
    min_role=Role.ENGINEER,
)
def sales_order_status(ctx: ToolContext, order: str) -> SalesOrderResult:
    """Status of a customer sales order: per line the quantity ordered and delivered, the promised date, the last
    delivery and whether delivery was late (delivered after, or still open past, the promised date).

    Args:
        order: Sales order code, e.g. "SO-260001".
    """
    entity = resolve_entity(ctx, "sales_order", order)
    so = ctx.session.get(SalesOrder, entity.id)
    assert so is not None  # resolved a moment ago
    customer = ctx.session.get(Customer, so.customer_id)
    today = ctx.clock.date()
    lines = ctx.session.execute(
        select(SOL.id, SOL.line_no, PRODUCT.code, PRODUCT.name_en, PRODUCT.name_zh, SOL.quantity, SOL.promised_date)
        .join(Product, PRODUCT.id == SOL.product_id)
        .where(SOL.sales_order_id == so.id)
        .order_by(SOL.line_no)
    ).all()
    deliveries = ctx.session.execute(
        select(DLV.sales_order_line_id, DLV.delivered_date, DLV.quantity).where(
            DLV.sales_order_line_id.in_([line[0] for line in lines])
        )
    ).all()
    rows = []
    for line_id, no, product, en, zh, quantity, promised in lines:
        mine = [(d, q) for lid, d, q in deliveries if lid == line_id]
        delivered = sum(q for _, q in mine)
        late_count = sum(1 for d, _ in mine if d > promised)
        still_open = delivered < quantity
        rows.append(
            SalesLineRow(
                line_no=no,
                product=product,
                product_name_en=en,
                product_name_zh=zh,
                quantity=quantity,
                delivered=delivered,
                open_quantity=max(quantity - delivered, 0),
                promised_date=promised,
                last_delivery=max((d for d, _ in mine), default=None),
                late_deliveries=late_count,
                late=late_count > 0 or (still_open and promised < today),
            )
        )
    fully = all(row.open_quantity == 0 for row in rows)
    on_time = not any(row.late for row in rows)
    return SalesOrderResult(
        summary=f"{so.code} for {customer.code if customer else '?'}: {so.status}, "
        + ("fully delivered" if fully else f"{sum(r.open_quantity for r in rows)} pcs open")
        + ("" if on_time else ", late"),
        unit="pcs",
        scope={"sales_order": so.code},
        provenance=provenance(
            ["sales_order", "sales_order_line", "delivery", "customer", "product"],
            len(lines) + len(deliveries),
            sales_order=so.code,
        ),
        data_unavailable=not lines,
        order=so.code,
        customer=customer.code if customer else "",
        customer_name_en=customer.name_en if customer else "",
        customer_name_zh=customer.name_zh if customer else "",
        order_date=so.order_date,
        status=so.status,
        lines=rows,
        fully_delivered=fully,
        on_time=on_time,
    )
