"""What kind of value a tool parameter takes: a line, a machine, a supplier, a period, the request's text...

The kind comes from the parameter's name ("line", "equipment_code", "period") or, failing that, its
description ("Line code or name"). The offline model fills arguments by kind; routing reads which
domains' tools take which kinds of things.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["ORDER_KINDS", "accepts", "parameter_kind"]

# Parameter name (or a word of it) -> entity kind. "period" means a time expression, "text" the request.
_NAME_KINDS: tuple[tuple[str, str], ...] = (
    ("period", "period"),
    ("time_range", "period"),
    ("when", "period"),
    ("window", "period"),
    ("date", "period"),
    ("since", "period"),
    ("line", "line"),
    ("work_center", "line"),
    ("equipment", "equipment"),
    ("machine", "equipment"),
    ("asset", "equipment"),
    ("station", "equipment"),
    ("product", "product"),
    ("sku", "product"),
    ("material", "material"),
    ("component", "material"),
    ("item", "material"),
    ("supplier", "supplier"),
    ("vendor", "supplier"),
    ("customer", "customer"),
    ("characteristic", "characteristic"),
    ("tag", "tag"),
    ("sensor", "tag"),
    ("signal", "tag"),
    ("alarm", "alarm_code"),
    ("defect", "defect_code"),
    ("reason", "downtime_reason"),
    ("failure_mode", "failure_mode"),
    ("location", "location"),
    ("warehouse", "location"),
    ("purchase_order", "purchase_order"),
    ("po", "purchase_order"),
    ("sales_order", "sales_order"),
    ("so", "sales_order"),
    ("production_order", "production_order"),
    ("mo", "production_order"),
    ("maintenance_order", "maintenance_order"),
    ("work_order", "maintenance_order"),
    ("wo", "maintenance_order"),
    ("delivery", "delivery"),
    ("query", "text"),
    ("problem", "text"),
    ("description", "text"),
    ("question", "text"),
    ("text", "text"),
    ("q", "text"),
    ("limit", "count"),
    ("top", "count"),
    ("top_n", "count"),
    ("n", "count"),
    ("k", "count"),
    ("document", "document"),
    ("area", "area"),
    ("site", "site"),
)
ORDER_KINDS: tuple[str, ...] = ("production_order", "purchase_order", "maintenance_order", "sales_order", "delivery")
_ORDER_DESCRIPTION = re.compile(r"\b(purchase|sales|production|manufacturing|maintenance|work)\s+order", re.I)
_ORDER_WORDS = {
    "purchase": "purchase_order",
    "sales": "sales_order",
    "production": "production_order",
    "manufacturing": "production_order",
    "maintenance": "maintenance_order",
    "work": "maintenance_order",
}
# Description words that reveal the kind when the name does not ("code: Line code or name, e.g. L2").
_DESCRIPTION_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\btime expression\b|\bperiod\b", re.I), "period"),
    (re.compile(r"\balarm code\b", re.I), "alarm_code"),
    (re.compile(r"\bline\b", re.I), "line"),
    (re.compile(r"\b(?:equipment|machine)\b", re.I), "equipment"),
    (re.compile(r"\bmaterial\b", re.I), "material"),
    (re.compile(r"\bsupplier\b", re.I), "supplier"),
    (re.compile(r"\bproduct\b", re.I), "product"),
)


def parameter_kind(name: str, schema: Mapping[str, Any]) -> str | None:
    """The kind of value a parameter takes, from its name, then its description."""
    lowered = name.lower()
    words = lowered.split("_")
    for key, kind in _NAME_KINDS:
        if lowered == key or (("_" in key and key in lowered) or key in words):
            if kind in ORDER_KINDS and "order" not in lowered and lowered not in {"po", "so", "mo", "wo"}:
                continue
            return kind
    description = str(schema.get("description") or "")
    if "order" in words:
        # "order": the description says which kind ("Purchase order code, e.g. PO-260042"), else any order.
        found = _ORDER_DESCRIPTION.search(description)
        return _ORDER_WORDS[found.group(1).lower()] if found else "order"
    kinds = [kind for pattern, kind in _DESCRIPTION_KINDS if pattern.search(description)]
    if "period" in kinds:
        return "period"
    # "target: Line or equipment code or name" takes either kind: the first one the request names.
    return "|".join(kinds) if kinds else None


def accepts(kind: str, entity_kind: str) -> bool:
    """A parameter of `kind` can take an entity of `entity_kind` (a tag can be named by its machine)."""
    return (
        entity_kind in kind.split("|")
        or (kind == "order" and entity_kind in ORDER_KINDS)
        or (kind == "tag" and entity_kind == "equipment")
    )
