"""ERP materials: items with reorder points, bills of material, storage locations and inventory
by location and lot. Stock quantities are as of the plant clock.

Below reorder point means available = quantity_on_hand - quantity_reserved (summed over lots and
locations) < `Material.reorder_point`; open purchase order lines are the quantity on order.
"""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["Bom", "BomLine", "InventoryLot", "Material", "StorageLocation"]


class Material(SQLModel, table=True):
    """An ERP item (`RM-1001` aluminium bar, `FG-2001` finished part)."""

    __tablename__ = "material"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")
    material_type: str = Field(max_length=16, description="raw, component, packaging, finished")
    unit: str
    reorder_point: float = 0.0
    safety_stock: float = 0.0
    lead_time_days: int = 0
    standard_cost: float = 0.0
    default_supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)


class Bom(SQLModel, table=True):
    """The bill of material of a product (one active version per product)."""

    __tablename__ = "bom"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    version: str = "A"
    active: bool = True


class BomLine(SQLModel, table=True):
    """A component: `quantity_per` unit of product, plus `scrap_allowance_pct` extra for expected loss."""

    __tablename__ = "bom_line"

    id: int | None = Field(default=None, primary_key=True)
    bom_id: int = Field(foreign_key="bom.id", index=True)
    line_no: int
    material_id: int = Field(foreign_key="material.id", index=True)
    quantity_per: float
    scrap_allowance_pct: float = 0.0


class StorageLocation(SQLModel, table=True):
    """A warehouse or line-side store (`WH-RM`, `L2-SUP`)."""

    __tablename__ = "storage_location"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    site_id: int = Field(foreign_key="site.id")
    name_en: str
    name_zh: str


class InventoryLot(SQLModel, table=True):
    """Stock of one lot of one material at one location, as of the plant clock."""

    __tablename__ = "inventory_lot"
    __table_args__ = (Index("ix_inventory_lot_material_location", "material_id", "location_id"),)

    id: int | None = Field(default=None, primary_key=True)
    material_id: int = Field(foreign_key="material.id")
    location_id: int = Field(foreign_key="storage_location.id", index=True)
    lot: str = Field(max_length=32)
    quantity_on_hand: float
    quantity_reserved: float = 0.0
    received_on: date | None = None
    expires_on: date | None = None
