"""The plant database schema (SQLModel): ISA-95 hierarchy, MES and ERP tables.

Conventions every table follows:
- Datetimes are naive and in plant local time (`Site.timezone`); the demo plant uses
  Asia/Shanghai. Periods are half-open [start, end).
- People-facing identifiers are `code` columns (`L2`, `CNC-03`, `MO-260113`, `PO-260042`,
  `WO-260007`, `E-217`); `name_en` / `name_zh` are the bilingual labels; `aliases` lists other
  names operators use, separated by `|`.
- Integer `id` primary keys are surrogate keys; foreign keys point at them.
"""

from sqlmodel import SQLModel

from connectors.schema.equipment_data import Alarm, AlarmCode, SensorReading, SensorTag
from connectors.schema.erp_materials import Bom, BomLine, InventoryLot, Material, StorageLocation
from connectors.schema.erp_orders import (
    Customer,
    Delivery,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    Supplier,
)
from connectors.schema.hierarchy import Area, Enterprise, Equipment, Line, Site
from connectors.schema.maintenance import FailureMode, MaintenanceWorkOrder
from connectors.schema.meta import PlantMeta
from connectors.schema.production import (
    DOWNTIME_CATEGORIES,
    TIME_MODEL_BUCKET,
    DowntimeEvent,
    DowntimeReason,
    Product,
    ProductionCount,
    ProductionOperation,
    ProductionOrder,
    Shift,
    ShiftCalendar,
)
from connectors.schema.quality import Defect, DefectCode, Inspection, SpcCharacteristic, SpcMeasurement

__all__ = [
    "DOWNTIME_CATEGORIES",
    "PLANT_TABLES",
    "TIME_MODEL_BUCKET",
    "Alarm",
    "AlarmCode",
    "Area",
    "Bom",
    "BomLine",
    "Customer",
    "Defect",
    "DefectCode",
    "Delivery",
    "DowntimeEvent",
    "DowntimeReason",
    "Enterprise",
    "Equipment",
    "FailureMode",
    "Inspection",
    "InventoryLot",
    "Line",
    "MaintenanceWorkOrder",
    "Material",
    "PlantMeta",
    "Product",
    "ProductionCount",
    "ProductionOperation",
    "ProductionOrder",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "SalesOrder",
    "SalesOrderLine",
    "SensorReading",
    "SensorTag",
    "Shift",
    "ShiftCalendar",
    "Site",
    "SpcCharacteristic",
    "SpcMeasurement",
    "StorageLocation",
    "Supplier",
]

# Every plant table, parents before children (the order rows are inserted in).
PLANT_TABLES: tuple[type[SQLModel], ...] = (
    Enterprise,
    Site,
    Area,
    Line,
    Equipment,
    Shift,
    ShiftCalendar,
    Supplier,
    Material,
    Product,
    StorageLocation,
    InventoryLot,
    Bom,
    BomLine,
    Customer,
    SalesOrder,
    SalesOrderLine,
    Delivery,
    PurchaseOrder,
    PurchaseOrderLine,
    ProductionOrder,
    ProductionOperation,
    ProductionCount,
    DowntimeReason,
    FailureMode,
    MaintenanceWorkOrder,
    DowntimeEvent,
    DefectCode,
    Inspection,
    Defect,
    SpcCharacteristic,
    SpcMeasurement,
    SensorTag,
    SensorReading,
    AlarmCode,
    Alarm,
    PlantMeta,
)
