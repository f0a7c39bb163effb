"""Andon's built-in factory tools, registered through the same `andon.tools` entry point as any plugin.

Modules by domain:
- production: `production` (orders, output, schedule adherence), `oee` (OEE, OEE trend), `downtime`
- quality: `quality` (defect Pareto, first pass yield, scrap rate), `spc`
- maintenance: `maintenance` (work orders, MTBF / MTTR, failure modes), `maintenance_request` (WRITE)
- equipment: `sensors` (trend, anomalies), `alarms`, `live_data` (live values over OPC UA / MQTT), `setpoints`
  (WRITE, registered only when the live mapping enables writes)
- supply chain: `supply_chain` (stock, reorder point, material availability), `purchasing`, `sales`
- knowledge: `documents` (`search_documents`)
"""

from __future__ import annotations

from collections.abc import Callable

from tools.builtin.alarms import list_alarms, top_alarm_codes
from tools.builtin.downtime import downtime_pareto, top_downtime_events
from tools.builtin.live_data import live_values
from tools.builtin.maintenance import failure_mode_history, maintenance_work_orders, mtbf_mttr
from tools.builtin.maintenance_request import propose_maintenance_request
from tools.builtin.oee import get_oee, oee_trend
from tools.builtin.production import (
    list_production_orders,
    production_order_status,
    production_output,
    schedule_adherence,
)
from tools.builtin.purchasing import purchase_orders, supplier_on_time_delivery
from tools.builtin.quality import defect_pareto, first_pass_yield, scrap_rate
from tools.builtin.sales import list_sales_orders, sales_order_status
from tools.builtin.sensors import detect_anomalies, sensor_trend
from tools.builtin.spc import spc_analysis
from tools.builtin.supply_chain import material_availability, materials_below_reorder_point, stock_levels
from tools.contract import Tool

__all__ = ["BUILTIN_TOOLS", "register_tools"]

BUILTIN_TOOLS: tuple[Tool, ...] = (
    # production
    production_order_status,
    list_production_orders,
    production_output,
    schedule_adherence,
    get_oee,
    oee_trend,
    downtime_pareto,
    top_downtime_events,
    # quality
    defect_pareto,
    first_pass_yield,
    scrap_rate,
    spc_analysis,
    # maintenance
    maintenance_work_orders,
    mtbf_mttr,
    failure_mode_history,
    propose_maintenance_request,
    # equipment
    sensor_trend,
    detect_anomalies,
    list_alarms,
    top_alarm_codes,
    live_values,
    # supply chain
    stock_levels,
    materials_below_reorder_point,
    material_availability,
    purchase_orders,
    supplier_on_time_delivery,
    sales_order_status,
    list_sales_orders,
)


def _knowledge_tools() -> tuple[Tool, ...]:
    # The knowledge tool lives beside the others but belongs to the knowledge layer's owners.
    from tools.builtin.documents import search_documents

    return (search_documents,)


def register_tools(register: Callable[[Tool], None]) -> None:
    """Entry point `andon.tools: builtin`: register every built-in tool."""
    for item in (*BUILTIN_TOOLS, *_knowledge_tools()):
        register(item)
