"""Supply-chain tools on materials: stock levels, materials below reorder point, material availability for a
production order (BOM explosion against stock)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select

from connectors.schema import (
    Bom,
    BomLine,
    InventoryLot,
    Material,
    Product,
    ProductionOrder,
    PurchaseOrderLine,
    StorageLocation,
    Supplier,
)
from tools.builtin.common import Limit, Part, provenance, scope_of, total, truncation
from tools.contract import ToolContext, ToolResult, tool
from tools.kpi import BomLine as BomComponent
from tools.kpi import component_availability, reorder_status
from tools.queries import columns
from tools.resolvers import resolve_entity

__all__ = [
    "AvailabilityResult",
    "ComponentRow",
    "ReorderResult",
    "ReorderRow",
    "StockResult",
    "StockRow",
    "material_availability",
    "materials_below_reorder_point",
    "stock_levels",
]

MAT = columns(Material)
LOT = columns(InventoryLot)
LOC = columns(StorageLocation)
POL = columns(PurchaseOrderLine)
SUP = columns(Supplier)
BOM = columns(Bom)
BOML = columns(BomLine)
MaterialType = Literal["raw", "component", "packaging", "finished"]


def _stock_by_material(ctx: ToolContext, material_ids: list[int] | None = None) -> dict[int, tuple[float, float]]:
    """Material id -> (on hand, reserved), summed over lots and locations."""
    statement = select(LOT.material_id, func.sum(LOT.quantity_on_hand), func.sum(LOT.quantity_reserved)).group_by(
        LOT.material_id
    )
    if material_ids is not None:
        statement = statement.where(LOT.material_id.in_(material_ids))
    return {m: (float(h or 0.0), float(res or 0.0)) for m, h, res in ctx.session.execute(statement)}


def _on_order(ctx: ToolContext, material_ids: list[int] | None = None) -> dict[int, float]:
    """Material id -> quantity still to receive on open purchase-order lines."""
    statement = (
        select(POL.material_id, func.sum(POL.quantity - POL.received_quantity))
        .where(POL.received_quantity < POL.quantity)
        .group_by(POL.material_id)
    )
    if material_ids is not None:
        statement = statement.where(POL.material_id.in_(material_ids))
    return {m: float(q or 0.0) for m, q in ctx.session.execute(statement)}


class StockRow(Part):
    """Stock of one material (all lots), or of one material at one location."""

    material: str
    name_en: str
    name_zh: str
    unit: str
    location: str | None = None
    on_hand: float
    reserved: float
    available: float
    reorder_point: float


class StockResult(ToolResult):
    """Stock levels as of the plant clock."""

    stock: list[StockRow]


@tool(
    domain="supply_chain",
    description_zh="库存水平：物料的在库数、预留数、可用数（可按物料、物料类型筛选，单个物料按库位展开）",
    examples=[
        "How much RM-1101 do we have in stock?",
        "Stock levels of all packaging materials",
        "Where is the mechanical seal stored and how many are available?",
        "Inventory of raw materials",
        "阀体锻件VB-25还有多少库存？",
        "所有包材的库存",
        "机械密封在哪些库位，可用多少？",
        "原材料库存情况",
    ],
    sample_args={"material": "RM-1101"},
)
def stock_levels(
    ctx: ToolContext, material: str | None = None, material_type: MaterialType | None = None, limit: Limit = 20
) -> StockResult:
    """Stock on hand, reserved and available (on hand - reserved) per material as of the plant clock; for one
    material, also per storage location.

    Args:
        material: Material code, name or alias, e.g. "RM-1101", "VB-25 forging", "机械密封"; all materials if omitted.
        material_type: Only raw materials, components, packaging or finished goods.
        limit: How many rows to list (1-100).
    """
    item = resolve_entity(ctx, "material", material) if material else None
    base = select(MAT.id, MAT.code, MAT.name_en, MAT.name_zh, MAT.unit, MAT.reorder_point)
    if item is not None:
        base = base.where(MAT.id == item.id)
    if material_type is not None:
        base = base.where(MAT.material_type == material_type)
    count = total(base, ctx.session)
    materials = ctx.session.execute(base.order_by(MAT.code).limit(limit)).all()
    stock = _stock_by_material(ctx, [m[0] for m in materials])
    rows = []
    for mid, code, en, zh, unit, rop in materials:
        on_hand, reserved = stock.get(mid, (0.0, 0.0))
        rows.append(
            StockRow(
                material=code,
                name_en=en,
                name_zh=zh,
                unit=unit,
                on_hand=on_hand,
                reserved=reserved,
                available=on_hand - reserved,
                reorder_point=float(rop),
            )
        )
    if item is not None and materials:
        _, code, en, zh, unit, rop = materials[0]
        by_location = ctx.session.execute(
            select(LOC.code, func.sum(LOT.quantity_on_hand), func.sum(LOT.quantity_reserved))
            .select_from(InventoryLot)
            .join(StorageLocation, LOC.id == LOT.location_id)
            .where(LOT.material_id == item.id)
            .group_by(LOC.code)
            .order_by(LOC.code)
        ).all()
        rows += [
            StockRow(
                material=code,
                name_en=en,
                name_zh=zh,
                unit=unit,
                location=loc,
                on_hand=float(h),
                reserved=float(res),
                available=float(h) - float(res),
                reorder_point=float(rop),
            )
            for loc, h, res in by_location
        ]
    first = f": {rows[0].material} available {rows[0].available:g} {rows[0].unit}" if item and rows else ""
    return StockResult(
        summary=f"Stock of {count} material(s){first}",
        scope=scope_of(item),
        provenance=provenance(
            ["inventory_lot", "material", "storage_location"],
            count,
            material=item.code if item else None,
            material_type=material_type,
            as_of="plant clock",
        ),
        **truncation(count, limit),
        data_unavailable=count == 0,
        stock=rows,
    )


class ReorderRow(Part):
    """A material whose available stock is below its reorder point, with what is already on order."""

    material: str
    name_en: str
    name_zh: str
    unit: str
    available: float
    reorder_point: float
    shortfall: float
    on_order: float
    covered_by_open_orders: bool
    supplier: str | None = None


class ReorderResult(ToolResult):
    """Materials below reorder point (available = on hand - reserved < reorder point), largest shortfall first."""

    materials: list[ReorderRow]


@tool(
    domain="supply_chain",
    description_zh="低于再订货点的物料（可用库存<再订货点），并显示在途采购数量",
    examples=[
        "Which materials are below their reorder point?",
        "What do we need to reorder?",
        "Any raw materials running low?",
        "Show materials under reorder point and what is on order",
        "哪些物料低于再订货点？",
        "需要补货的物料有哪些？",
        "有没有原材料快用完了？",
        "低于安全库存的物料和在途数量",
    ],
    sample_args={},
)
def materials_below_reorder_point(
    ctx: ToolContext, material_type: MaterialType | None = None, supplier: str | None = None, limit: Limit = 50
) -> ReorderResult:
    """Materials whose available stock (on hand - reserved) is below the reorder point, with the quantity already
    on order from open purchase-order lines and the default supplier, largest shortfall first.

    Args:
        material_type: Only raw materials, components, packaging or finished goods.
        supplier: Only materials this supplier delivers (their default supplier), e.g. "SUP-02", "华鑫".
        limit: How many materials to list (1-100).
    """
    vendor = resolve_entity(ctx, "supplier", supplier) if supplier else None
    statement = (
        select(MAT.id, MAT.code, MAT.name_en, MAT.name_zh, MAT.unit, MAT.reorder_point, SUP.code)
        .outerjoin(Supplier, SUP.id == MAT.default_supplier_id)
        .where(MAT.reorder_point > 0)
    )
    if material_type is not None:
        statement = statement.where(MAT.material_type == material_type)
    if vendor is not None:
        statement = statement.where(MAT.default_supplier_id == vendor.id)
    materials = ctx.session.execute(statement).all()
    stock = _stock_by_material(ctx)
    on_order = _on_order(ctx)
    below = []
    for mid, code, en, zh, unit, rop, supplier in materials:
        on_hand, reserved = stock.get(mid, (0.0, 0.0))
        status = reorder_status(on_hand, reserved, float(rop), on_order.get(mid, 0.0))
        if status.below:
            below.append(
                ReorderRow(
                    material=code,
                    name_en=en,
                    name_zh=zh,
                    unit=unit,
                    available=status.available,
                    reorder_point=status.reorder_point,
                    shortfall=status.shortfall,
                    on_order=status.on_order,
                    covered_by_open_orders=status.available + status.on_order >= status.reorder_point,
                    supplier=supplier,
                )
            )
    below.sort(key=lambda row: (-row.shortfall / max(row.reorder_point, 1e-9), row.material))
    listed = below[:limit]
    names = ", ".join(row.material for row in listed[:5])
    return ReorderResult(
        summary=f"{len(below)} material(s) below reorder point" + (f": {names}" if names else ""),
        scope=scope_of(vendor),
        provenance=provenance(
            ["material", "inventory_lot", "purchase_order_line", "supplier"],
            len(materials),
            material_type=material_type,
            supplier=vendor.code if vendor else None,
            rule="on hand - reserved < reorder point",
        ),
        **truncation(len(below), limit),
        materials=listed,
    )


class ComponentRow(Part):
    """One BOM component: required for the order (with scrap allowance) against available stock."""

    material: str
    name_en: str
    name_zh: str
    unit: str
    quantity_per: float
    scrap_allowance_pct: float
    required: float
    available: float
    shortage: float
    sufficient: bool
    on_order: float


class AvailabilityResult(ToolResult):
    """Material availability of a production order: BOM explosion against available stock."""

    order: str
    product: str
    order_quantity: int
    all_available: bool
    components: list[ComponentRow]


@tool(
    domain="supply_chain",
    description_zh="生产订单的物料齐套检查：按BOM展开（含损耗率）与可用库存对比，列出缺料",
    examples=[
        "Do we have enough material for MO-261004?",
        "Material availability for production order MO-261005",
        "Which components are short for MO-260113?",
        "Can we start order MO-261004? Check the BOM against stock",
        "MO-261004的物料够不够？",
        "生产订单MO-261005的齐套情况",
        "MO-260113缺哪些物料？",
        "检查MO-261004的BOM和库存，能开工吗？",
    ],
    sample_args={"order": "MO-260001"},
)
def material_availability(ctx: ToolContext, order: str) -> AvailabilityResult:
    """Material availability for a production order: explodes the product's active BOM (quantity per x order
    quantity x (1 + scrap allowance)) and compares each component with available stock (on hand - reserved).

    Args:
        order: Production order code, e.g. "MO-261004".
    """
    entity = resolve_entity(ctx, "production_order", order)
    mo = ctx.session.get(ProductionOrder, entity.id)
    assert mo is not None  # resolved a moment ago
    bom_rows = ctx.session.execute(
        select(MAT.id, MAT.code, MAT.name_en, MAT.name_zh, MAT.unit, BOML.quantity_per, BOML.scrap_allowance_pct)
        .join(BomLine, BOML.material_id == MAT.id)
        .join(Bom, BOM.id == BOML.bom_id)
        .where(BOM.product_id == mo.product_id, BOM.active.is_(True))
        .order_by(BOML.line_no)
    ).all()
    ids = [row[0] for row in bom_rows]
    stock = _stock_by_material(ctx, ids)
    on_order = _on_order(ctx, ids)
    available = {code: stock.get(mid, (0.0, 0.0))[0] - stock.get(mid, (0.0, 0.0))[1] for mid, code, *_ in bom_rows}
    bom = [BomComponent(code, float(per), float(pct) / 100) for _, code, _, _, _, per, pct in bom_rows]
    checked = component_availability(bom, mo.quantity_planned, available)
    components = [
        ComponentRow(
            material=row[1],
            name_en=row[2],
            name_zh=row[3],
            unit=row[4],
            quantity_per=float(row[5]),
            scrap_allowance_pct=float(row[6]),
            required=round(c.required, 4),
            available=c.available,
            shortage=round(c.shortage, 4),
            sufficient=c.sufficient,
            on_order=on_order.get(row[0], 0.0),
        )
        for row, c in zip(bom_rows, checked, strict=True)
    ]
    short = [c.material for c in components if not c.sufficient]
    product = ctx.session.get(Product, mo.product_id)
    code = product.code if product else "?"
    return AvailabilityResult(
        summary=f"{mo.code} ({mo.quantity_planned} x {code}): "
        + (f"short of {', '.join(short)}" if short else "all components available")
        + ("" if bom_rows else " (no active BOM)"),
        unit="qty",
        scope={"production_order": mo.code, **({"line": entity.line_code} if entity.line_code else {})},
        provenance=provenance(
            ["production_order", "bom", "bom_line", "material", "inventory_lot", "purchase_order_line"],
            len(bom_rows),
            production_order=mo.code,
            rule="required = quantity per x order quantity x (1 + scrap %)",
        ),
        data_unavailable=not bom_rows,
        order=mo.code,
        product=code,
        order_quantity=mo.quantity_planned,
        all_available=bool(bom_rows) and not short,
        components=components,
    )
