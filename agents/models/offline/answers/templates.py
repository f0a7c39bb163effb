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
}
