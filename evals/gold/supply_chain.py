"""Gold functions of the supply-chain domain: stock, reorder point, supplier delivery."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from connectors.schema import InventoryLot, Material, PurchaseOrder, PurchaseOrderLine, Supplier
from evals.gold.common import by_code, period
from evals.gold.registry import GoldRegistry
from tools.kpi import rate

__all__ = ["register_supply_chain"]


def _available(session: Session, material: Material) -> float:
    lots = session.exec(select(InventoryLot).where(InventoryLot.material_id == material.id))
    return sum(lot.quantity_on_hand - lot.quantity_reserved for lot in lots)


def register_supply_chain(gold: GoldRegistry) -> None:
    @gold.reference("material_available")
    def material_available(session: Session, now: datetime, material: str) -> float:
        """Available stock of a material: on hand - reserved, over every location and lot."""
        return _available(session, by_code(session, Material, material))

    @gold.reference("material_on_hand")
    def material_on_hand(session: Session, now: datetime, material: str) -> float:
        """On-hand stock of a material over every location and lot."""
        item = by_code(session, Material, material)
        lots = session.exec(select(InventoryLot).where(InventoryLot.material_id == item.id))
        return sum(lot.quantity_on_hand for lot in lots)

    @gold.reference("materials_below_reorder")
    def materials_below_reorder(session: Session, now: datetime) -> int:
        """How many materials have available stock below their reorder point (KPI.md)."""
        items = session.exec(select(Material).where(Material.reorder_point > 0))
        return sum(1 for item in items if _available(session, item) < item.reorder_point)

    @gold.reference("supplier_on_time_rate")
    def supplier_on_time_rate(session: Session, now: datetime, supplier: str, period: str) -> float | None:
        """Receipts on or before the promised date / receipts, by PO line received in the period."""
        start, end = _period(period, now)
        query = (
            select(PurchaseOrderLine)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)  # type: ignore[arg-type]
            .where(PurchaseOrder.supplier_id == by_code(session, Supplier, supplier).id)
        )
        received = [
            line
            for line in session.exec(query)
            if line.received_date is not None and start.date() <= line.received_date < end.date()
        ]
        on_time = sum(1 for line in received if line.received_date and line.received_date <= line.promised_date)
        return rate(on_time, len(received))

    @gold.reference("supplier_open_po_lines")
    def supplier_open_po_lines(session: Session, now: datetime, supplier: str) -> int:
        """Purchase order lines of a supplier not yet received."""
        query = (
            select(PurchaseOrderLine)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)  # type: ignore[arg-type]
            .where(PurchaseOrder.supplier_id == by_code(session, Supplier, supplier).id)
            .where(PurchaseOrderLine.received_date == None)  # noqa: E711  (SQL IS NULL)
        )
        return len(list(session.exec(query)))


def _period(expression: str, now: datetime) -> tuple[datetime, datetime]:
    return period(expression, now)
