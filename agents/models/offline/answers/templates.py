"""Which figures each built-in tool's answer leads with, and which list it enumerates.

A template names fields of the result (dotted for nested parts: "figures.oee"); the renderer
formats them with their units. Tools without a template (plugins, new tools) get the generic
answer: every top-level figure and the first rows of every list.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TEMPLATES", "AnswerTemplate"]


@dataclass(frozen=True)
class AnswerTemplate:
    """Headline fields, then up to `max_items` rows of the list `items` with `item_fields`."""

    figures: tuple[str, ...]
    items: str | None = None
    item_fields: tuple[str, ...] = ()
    max_items: int = 5


_OEE = ("oee", "availability", "performance", "quality", "good", "scrap", "planned_busy_h", "unplanned_downtime_h")

TEMPLATES: dict[str, AnswerTemplate] = {
    # production
    "oee": AnswerTemplate(tuple(f"figures.{name}" for name in (*_OEE, "setup_h"))),
    "oee_trend": AnswerTemplate(
        ("overall.oee", "overall.good", "best_day", "worst_day"),
        items="days",
        item_fields=("oee", "good"),
        max_items=14,
    ),
    "downtime_pareto": AnswerTemplate(
        ("total_minutes", "total_events"), items="reasons", item_fields=("minutes", "events", "share")
    ),
    "top_downtime_events": AnswerTemplate((), items="events", item_fields=("start", "minutes", "category")),
    "list_production_orders": AnswerTemplate(
        (), items="orders", item_fields=("status", "quantity_planned", "quantity_good", "due_date"), max_items=10
    ),
    "production_order_status": AnswerTemplate(
        (
            "order.code",
            "order.product",
            "order.line",
            "order.status",
            "order.quantity_planned",
            "order.quantity_good",
            "order.quantity_scrap",
            "order.progress",
            "order.due_date",
        )
    ),
    "production_output": AnswerTemplate(
        ("total_good", "total_scrap", "total_rework"), items="groups", item_fields=("good", "scrap", "scrap_ratio")
    ),
    "schedule_adherence": AnswerTemplate(
        ("adherence", "orders_due", "completed_on_time"), items="late_orders", max_items=10
    ),
    # quality
    "defect_pareto": AnswerTemplate(("total_defects",), items="defects", item_fields=("quantity", "share")),
    "first_pass_yield": AnswerTemplate(("first_pass_yield", "inspected", "passed_first_time", "inspections")),
    "scrap_rate": AnswerTemplate(
        ("scrap_ratio", "rework_ratio", "produced", "good", "scrap", "rework"),
        items="by_equipment",
        item_fields=("produced", "scrap", "scrap_ratio"),
    ),
    "spc_analysis": AnswerTemplate(
        ("mean", "sigma_within", "cp", "cpk", "pp", "ppk", "lsl", "target", "usl", "out_of_spec", "subgroups"),
        items="violations",
        max_items=5,
    ),
    # maintenance
    "maintenance_work_orders": AnswerTemplate(
        (),
        items="work_orders",
        item_fields=("equipment", "kind", "status", "priority", "reported_at", "repair_minutes"),
        max_items=10,
    ),
    "mtbf_mttr": AnswerTemplate(
        ("mtbf_h", "mttr_h", "failures", "operating_h", "repair_h", "note"),
        items="by_equipment",
        item_fields=("failures", "mtbf_h", "mttr_h"),
    ),
    "failure_mode_history": AnswerTemplate(
        (), items="failure_modes", item_fields=("failures", "repair_h", "last_reported")
    ),
    # equipment
    "sensor_trend": AnswerTemplate(
        (
            "mean",
            "min",
            "max",
            "max_at",
            "last",
            "slope_per_day",
            "normal_high",
            "alarm_high",
            "above_normal",
            "above_alarm",
            "readings",
        ),
        items="daily",
        item_fields=("mean", "max"),
        max_items=7,
    ),
    "detect_anomalies": AnswerTemplate(
        ("readings", "threshold"), items="intervals", item_fields=("end", "readings", "peak_z", "peak_value")
    ),
    "list_alarms": AnswerTemplate(
        (), items="alarms", item_fields=("severity", "equipment", "raised_at", "minutes"), max_items=10
    ),
    "top_alarm_codes": AnswerTemplate(("total_alarms",), items="codes", item_fields=("count", "minutes", "severity")),
    # supply chain
    "stock_levels": AnswerTemplate(
        (), items="stock", item_fields=("location", "on_hand", "reserved", "available", "reorder_point"), max_items=10
    ),
    "materials_below_reorder_point": AnswerTemplate(
        (),
        items="materials",
        item_fields=("available", "reorder_point", "shortfall", "on_order", "supplier"),
        max_items=10,
    ),
    "material_availability": AnswerTemplate(
        ("order", "product", "order_quantity", "all_available"),
        items="components",
        item_fields=("required", "available", "shortage", "on_order"),
        max_items=10,
    ),
    "purchase_orders": AnswerTemplate(
        (),
        items="lines",
        item_fields=("supplier", "material", "open_quantity", "promised_date", "days_late"),
        max_items=10,
    ),
    "list_sales_orders": AnswerTemplate(
        (),
        items="orders",
        item_fields=("customer", "open_quantity", "promised_date", "days_late"),
        max_items=10,
    ),
    "supplier_on_time_delivery": AnswerTemplate(
        ("overall_rate",), items="suppliers", item_fields=("on_time_rate", "on_time_lines", "received_lines")
    ),
    "sales_order_status": AnswerTemplate(
        ("order", "customer", "status", "order_date", "fully_delivered", "on_time"),
        items="lines",
        item_fields=("quantity", "delivered", "open_quantity", "promised_date"),
    ),
}
