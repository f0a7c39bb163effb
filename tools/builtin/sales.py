"""Sales tools: status of a customer's sales order line by line, and the list of open or late sales orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import case, func, select

from connectors.schema import Customer, Delivery, Product, SalesOrder, SalesOrderLine
from tools.builtin.common import Limit, Part, period_of, provenance, scope_of, truncation
from tools.contract import Role, ToolContext, ToolResult, tool
from tools.queries import columns, day_span
from tools.resolvers import resolve_entity

__all__ = [
    "SalesLineRow",
    "SalesOrderListResult",
    "SalesOrderResult",
    "SalesOrderRow",
    "list_sales_orders",
    "sales_order_status",
]

SO = columns(SalesOrder)
SOL = columns(SalesOrderLine)
DLV = columns(Delivery)
CUST = columns(Customer)
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


class SalesOrderRow(Part):
    """A sales order in a list: what is still open, its earliest open promise and how many days late it is."""

    order: str
    customer: str
    customer_name_en: str
    customer_name_zh: str
    order_date: date
    status: str
    ordered: int
    delivered: int
    open_quantity: int
    promised_date: date = Field(description="Earliest promised date of a line still open, else of any line.")
    days_late: int = Field(description="Days past the earliest open promised date (0 when none has passed).")
    delivered_late: int = Field(description="Deliveries made after their line's promised date.")


class SalesOrderListResult(ToolResult):
    """Sales orders matching the filter, most overdue first."""

    status: str
    orders: list[SalesOrderRow]


SalesOrderFilter = Literal["late", "open", "delivered_late", "all"]


@tool(
    domain="supply_chain",
    description_zh="销售订单列表：已延期（未交完且已过承诺交期）、未交完、延迟交付过的销售订单，可按客户和承诺交期筛选",
    examples=[
        "Which sales orders are late?",
        "Customer orders past their promised date",
        "Open sales orders for Hengtai",
        "Which customer orders were delivered late last month?",
        "哪些销售订单延期了？",
        "有哪些客户订单超过承诺交期还没交货？",
        "恒泰还有哪些未交完的销售订单？",
        "上个月哪些销售订单延迟交付了？",
    ],
    sample_args={"status": "late"},
    min_role=Role.ENGINEER,
)
def list_sales_orders(
    ctx: ToolContext,
    status: SalesOrderFilter = "late",
    customer: str | None = None,
    period: str | None = None,
    limit: Limit = 20,
) -> SalesOrderListResult:
    """Sales orders filtered by delivery status: late (not fully delivered and past a promised date), open (not fully
    delivered), delivered_late (a delivery after its promised date) or all; optionally one customer and lines
    promised in a period. Most overdue first.

    Args:
        status: late (open past the promised date), open (not fully delivered), delivered_late or all.
        customer: Customer code, name or alias; every customer when omitted.
        period: Only lines promised in this period, e.g. "this month", "next week", "上周" (ahead of today too).
        limit: How many orders to list (1-100).
    """
    buyer = resolve_entity(ctx, "customer", customer) if customer else None
    span = period_of(ctx, period, due_dates=True) if period else None
    today = ctx.clock.date()
    # Deliveries are summed only for the lines asked about: on a large plant, summing every delivery
    # first costs more than the whole rest of the query.
    promised_in: list[Any] = []
    if span is not None:
        first, last = day_span(span)
        promised_in = [SOL.promised_date >= first, SOL.promised_date < last]
    # Delivered quantity and late deliveries per line in one pass over the deliveries.
    delivered = (
        select(
            DLV.sales_order_line_id.label("line_id"),
            func.sum(DLV.quantity).label("quantity"),
            func.sum(case((DLV.delivered_date > SOL.promised_date, 1), else_=0)).label("late"),
        )
        .join(SalesOrderLine, SOL.id == DLV.sales_order_line_id)
        .where(*promised_in)
        .group_by(DLV.sales_order_line_id)
        .subquery()
    )
    statement = (
        select(
            SO.code,
            CUST.code,
            CUST.name_en,
            CUST.name_zh,
            SO.order_date,
            SO.status,
            SOL.quantity,
            func.coalesce(delivered.c.quantity, 0),
            SOL.promised_date,
            func.coalesce(delivered.c.late, 0),
        )
        .select_from(SalesOrderLine)
        .join(SalesOrder, SO.id == SOL.sales_order_id)
        .join(Customer, CUST.id == SO.customer_id)
        .outerjoin(delivered, delivered.c.line_id == SOL.id)
    )
    if buyer is not None:
        statement = statement.where(SO.customer_id == buyer.id)
    if promised_in:
        statement = statement.where(*promised_in)
    rows = list(ctx.session.execute(statement).all())
    orders = _sales_rows(rows, today)
    keep: Callable[[dict[str, Any]], bool] = {
        "late": lambda row: row["days_late"] > 0,
        "open": lambda row: row["open_quantity"] > 0,
        "delivered_late": lambda row: row["delivered_late"] > 0,
        "all": lambda row: True,
    }[status]
    matching = sorted(
        (row for row in orders if keep(row)), key=lambda row: (-row["days_late"], row["promised_date"], row["order"])
    )
    count = len(matching)
    return SalesOrderListResult(
        summary=f"{count} {status} sales order(s)" + (f" of {buyer.code}" if buyer else ""),
        unit="pcs",
        period=span,
        scope=scope_of(buyer),
        provenance=provenance(
            ["sales_order", "sales_order_line", "delivery", "customer"],
            len(rows),
            span,
            status=status,
            customer=buyer.code if buyer else None,
            as_of=str(today),
        ),
        **truncation(count, limit),
        data_unavailable=count == 0,
        status=status,
        # Only the orders shown become models: a period of a large plant has thousands of orders.
        orders=[SalesOrderRow(**row) for row in matching[:limit]],
    )


def _sales_rows(rows: list[Any], today: date) -> list[dict[str, Any]]:
    """One row per order from its lines (ordered, delivered, promised, late deliveries)."""
    lines: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        lines[row[0]].append(row)
    orders = []
    for code, items in lines.items():
        _, customer, name_en, name_zh, ordered_on, state = items[0][:6]
        open_promises = [promised for _, _, _, _, _, _, qty, got, promised, _ in items if got < qty]
        promised = min(open_promises or [item[8] for item in items])
        orders.append(
            {
                "order": code,
                "customer": customer,
                "customer_name_en": name_en,
                "customer_name_zh": name_zh,
                "order_date": ordered_on,
                "status": state,
                "ordered": sum(int(item[6]) for item in items),
                "delivered": sum(int(item[7]) for item in items),
                "open_quantity": sum(max(int(item[6]) - int(item[7]), 0) for item in items),
                "promised_date": promised,
                "days_late": max((today - promised).days, 0) if open_promises else 0,
                "delivered_late": sum(int(item[9]) for item in items),
            }
        )
    return orders
