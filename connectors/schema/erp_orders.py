"""ERP orders: suppliers, purchase orders and lines (promised vs received), customers, sales
orders and lines, deliveries. Dates are plant-local calendar days."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = [
    "Customer",
    "Delivery",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "SalesOrder",
    "SalesOrderLine",
    "Supplier",
]


class Supplier(SQLModel, table=True):
    __tablename__ = "supplier"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")
    country: str = "CN"
    city: str = ""
    lead_time_days: int = 7


class PurchaseOrder(SQLModel, table=True):
    """A purchase order `PO-...` to one supplier."""

    __tablename__ = "purchase_order"
    __table_args__ = (Index("ix_purchase_order_supplier_date", "supplier_id", "order_date"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    supplier_id: int = Field(foreign_key="supplier.id")
    order_date: date
    status: str = Field(max_length=24, description="open, partially_received, received")
    buyer: str = ""


class PurchaseOrderLine(SQLModel, table=True):
    """One material on a PO. On time = `received_date` <= `promised_date`; open while received < ordered."""

    __tablename__ = "purchase_order_line"
    __table_args__ = (Index("ix_purchase_order_line_material", "material_id", "promised_date"),)

    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(foreign_key="purchase_order.id", index=True)
    line_no: int
    material_id: int = Field(foreign_key="material.id")
    quantity: float
    unit_price: float
    promised_date: date
    received_date: date | None = None
    received_quantity: float = 0.0


class Customer(SQLModel, table=True):
    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name_en: str
    name_zh: str
    country: str = "CN"


class SalesOrder(SQLModel, table=True):
    """A customer order `SO-...`."""

    __tablename__ = "sales_order"
    __table_args__ = (Index("ix_sales_order_customer_date", "customer_id", "order_date"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    customer_id: int = Field(foreign_key="customer.id")
    order_date: date
    status: str = Field(max_length=24, description="open, partially_delivered, delivered")


class SalesOrderLine(SQLModel, table=True):
    __tablename__ = "sales_order_line"
    # Sales order lists read the lines promised in one period.
    __table_args__ = (Index("ix_sales_order_line_promised", "promised_date"),)

    id: int | None = Field(default=None, primary_key=True)
    sales_order_id: int = Field(foreign_key="sales_order.id", index=True)
    line_no: int
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: int
    unit_price: float
    promised_date: date


class Delivery(SQLModel, table=True):
    """A shipment `DN-...` against a sales order line; late when `delivered_date` > the line's promised date."""

    __tablename__ = "delivery"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    sales_order_line_id: int = Field(foreign_key="sales_order_line.id", index=True)
    shipped_date: date
    delivered_date: date
    quantity: int
