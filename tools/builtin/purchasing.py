"""Purchasing tools: open and late purchase-order lines, supplier on-time delivery rate."""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import case, func, select

from connectors.schema import Material, PurchaseOrder, PurchaseOrderLine, Supplier
from tools.builtin.common import Limit, Part, period_of, provenance, r, scope_of, total, truncation
from tools.contract import Role, ToolContext, ToolResult, tool
from tools.kpi import rate
from tools.queries import columns, day_span
from tools.resolvers import resolve_entity

__all__ = [
    "OnTimeDeliveryResult",
    "PurchaseLineRow",
    "PurchaseOrdersResult",
    "SupplierOnTimeRow",
    "purchase_orders",
    "supplier_on_time_delivery",
]

MAT = columns(Material)
PO = columns(PurchaseOrder)
POL = columns(PurchaseOrderLine)
SUP = columns(Supplier)


class PurchaseLineRow(Part):
    """An open purchase-order line; `days_late` > 0 when its promised date has passed."""

    purchase_order: str
    line_no: int
    supplier: str
    supplier_name_en: str
    supplier_name_zh: str
    material: str
    quantity: float
    received_quantity: float
    open_quantity: float
    unit_price: float
    order_date: date
    promised_date: date
    days_late: int


class PurchaseOrdersResult(ToolResult):
    """Open purchase-order lines, oldest promise first."""

    lines: list[PurchaseLineRow]


@tool(
    domain="supply_chain",
    description_zh="未完成和逾期的采购订单行（供应商、物料、数量、承诺日期、逾期天数）",
    examples=[
        "Which purchase orders are late?",
        "Open purchase orders from Ningbo Huaxin",
        "What is still on order for RM-1101?",
        "Show overdue POs",
        "哪些采购订单逾期了？",
        "华鑫锻造还有哪些未到货的采购单？",
        "阀体锻件VB-25还有多少在途？",
        "逾期未到的采购订单",
    ],
    sample_args={"status": "late"},
    explains=["on_time_delivery"],
    min_role=Role.ENGINEER,
)
def purchase_orders(
    ctx: ToolContext,
    status: Literal["open", "late"] = "open",
    supplier: str | None = None,
    material: str | None = None,
    period: str | None = None,
    limit: Limit = 20,
) -> PurchaseOrdersResult:
    """Open purchase-order lines (not fully received), or only the late ones (promised date before today), with
    supplier, material, quantities, prices and days late; optionally only lines promised in a period.

    Args:
        status: open (all lines not fully received) or late (open and past the promised date).
        supplier: Supplier code, name or alias, e.g. "SUP-02", "Huaxin", "华鑫".
        material: Material code, name or alias, e.g. "RM-1101".
        period: Only lines promised in this period, e.g. "next week", "本月" (ahead of today too).
        limit: How many lines to list (1-100).
    """
    vendor = resolve_entity(ctx, "supplier", supplier) if supplier else None
    item = resolve_entity(ctx, "material", material) if material else None
    span = period_of(ctx, period, due_dates=True) if period else None
    today = ctx.clock.date()
    statement = (
        select(
            PO.code,
            POL.line_no,
            SUP.code,
            SUP.name_en,
            SUP.name_zh,
            MAT.code,
            POL.quantity,
            POL.received_quantity,
            POL.unit_price,
            PO.order_date,
            POL.promised_date,
        )
        .select_from(PurchaseOrderLine)
        .join(PurchaseOrder, PO.id == POL.purchase_order_id)
        .join(Supplier, SUP.id == PO.supplier_id)
        .join(Material, MAT.id == POL.material_id)
        .where(POL.received_quantity < POL.quantity)
    )
    if status == "late":
        statement = statement.where(POL.promised_date < today)
    if vendor is not None:
        statement = statement.where(PO.supplier_id == vendor.id)
    if item is not None:
        statement = statement.where(POL.material_id == item.id)
    if span is not None:
        first, last = day_span(span)
        statement = statement.where(POL.promised_date >= first, POL.promised_date < last)
    statement = statement.order_by(POL.promised_date, PO.code, POL.line_no)
    count = total(statement, ctx.session)
    lines = [
        PurchaseLineRow(
            purchase_order=po,
            line_no=no,
            supplier=sup,
            supplier_name_en=en,
            supplier_name_zh=zh,
            material=mat,
            quantity=float(qty),
            received_quantity=float(got),
            open_quantity=float(qty) - float(got),
            unit_price=float(price),
            order_date=ordered,
            promised_date=promised,
            days_late=max((today - promised).days, 0),
        )
        for po, no, sup, en, zh, mat, qty, got, price, ordered, promised in ctx.session.execute(statement.limit(limit))
    ]
    return PurchaseOrdersResult(
        summary=f"{count} {status} purchase-order line(s)" + (f" from {vendor.code}" if vendor else ""),
        period=span,
        scope=scope_of(vendor, item),
        provenance=provenance(
            ["purchase_order_line", "purchase_order", "supplier", "material"],
            count,
            span,
            status=status,
            supplier=vendor.code if vendor else None,
            material=item.code if item else None,
            as_of=str(today),
        ),
        **truncation(count, limit),
        data_unavailable=count == 0,
        lines=lines,
    )


class SupplierOnTimeRow(Part):
    """On-time delivery of one supplier: PO lines received on or before the promised date / lines received."""

    supplier: str
    name_en: str
    name_zh: str
    received_lines: int
    on_time_lines: int
    on_time_rate: float | None
    average_days_late: float | None = None


class OnTimeDeliveryResult(ToolResult):
    """Supplier on-time delivery over a period (by PO line received in the period), worst first."""

    suppliers: list[SupplierOnTimeRow]
    overall_rate: float | None


@tool(
    domain="supply_chain",
    description_zh="供应商准时交货率（按承诺日期及之前到货的采购订单行/期间内到货的订单行），最差的排在前面",
    examples=[
        "What is the on-time delivery rate of our suppliers over the last 90 days?",
        "How punctual is Ningbo Huaxin Forging?",
        "Which supplier delivers late most often?",
        "Supplier OTD for SUP-02 last month",
        "最近90天各供应商的准时交货率",
        "宁波华鑫锻造交货准时吗？",
        "哪个供应商最常迟交？",
        "SUP-02上个月的准时交付率",
    ],
    sample_args={"period": "past 90 days"},
    metrics={"on_time_delivery": "overall_rate"},
    min_role=Role.SUPERVISOR,
)
def supplier_on_time_delivery(
    ctx: ToolContext, supplier: str | None = None, period: str = "past 90 days", limit: Limit = 20
) -> OnTimeDeliveryResult:
    """Supplier on-time delivery rate: purchase-order lines received on or before their promised date / lines
    received in the period, per supplier (lowest rate first), with the average days late of late lines.

    Args:
        supplier: Supplier code, name or alias, e.g. "SUP-02", "Huaxin", "华鑫"; every supplier when omitted.
        period: Time expression for the receipt dates, e.g. "past 90 days", "last month", "本月".
        limit: How many suppliers to list (1-100).
    """
    vendor = resolve_entity(ctx, "supplier", supplier) if supplier else None
    span = period_of(ctx, period)
    first, last = day_span(span)
    on_time = func.sum(case((POL.received_date <= POL.promised_date, 1), else_=0))
    statement = (
        select(SUP.code, SUP.name_en, SUP.name_zh, func.count(), on_time)
        .join(PurchaseOrder, PO.supplier_id == SUP.id)
        .join(PurchaseOrderLine, POL.purchase_order_id == PO.id)
        .where(POL.received_date.is_not(None), POL.received_date >= first, POL.received_date < last)
        .group_by(SUP.code, SUP.name_en, SUP.name_zh)
    )
    if vendor is not None:
        statement = statement.where(SUP.id == vendor.id)
    rows = []
    for code, en, zh, received, punctual in ctx.session.execute(statement):
        rows.append(
            SupplierOnTimeRow(
                supplier=code,
                name_en=en,
                name_zh=zh,
                received_lines=int(received),
                on_time_lines=int(punctual or 0),
                on_time_rate=r(rate(int(punctual or 0), int(received))),
            )
        )
    rows.sort(key=lambda row: (row.on_time_rate if row.on_time_rate is not None else 2.0, row.supplier))
    _add_days_late(ctx, rows, first, last)
    received_all = sum(row.received_lines for row in rows)
    overall = rate(sum(row.on_time_lines for row in rows), received_all)
    worst = f"; lowest {rows[0].supplier} {rows[0].on_time_rate or 0:.1%}" if rows else ""
    return OnTimeDeliveryResult(
        summary=f"On-time delivery for {span.label}: {received_all} PO line(s) received"
        + (f", {overall:.1%} on time" if overall is not None else "")
        + worst,
        unit="ratio",
        period=span,
        scope=scope_of(vendor),
        provenance=provenance(
            ["purchase_order_line", "purchase_order", "supplier"],
            received_all,
            span,
            supplier=vendor.code if vendor else None,
            rule="received_date <= promised_date",
        ),
        **truncation(len(rows), limit),
        data_unavailable=not rows,
        suppliers=rows[:limit],
        overall_rate=r(overall),
    )


def _add_days_late(ctx: ToolContext, rows: list[SupplierOnTimeRow], first: date, last: date) -> None:
    """Average days late of the late lines per supplier (date arithmetic in Python: portable across databases)."""
    late = ctx.session.execute(
        select(SUP.code, POL.promised_date, POL.received_date)
        .join(PurchaseOrder, PO.supplier_id == SUP.id)
        .join(PurchaseOrderLine, POL.purchase_order_id == PO.id)
        .where(
            POL.received_date.is_not(None),
            POL.received_date >= first,
            POL.received_date < last,
            POL.received_date > POL.promised_date,
            SUP.code.in_([row.supplier for row in rows]),
        )
    ).all()
    days: dict[str, list[int]] = {}
    for code, promised, received in late:
        days.setdefault(code, []).append((received - promised).days)
    for i, row in enumerate(rows):
        if row.supplier in days:
            values = days[row.supplier]
            rows[i] = row.model_copy(update={"average_days_late": round(sum(values) / len(values), 2)})
