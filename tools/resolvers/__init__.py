"""Shared resolvers: time expressions (en / zh) against the plant clock, and plant entities by code, name or alias."""

from tools.resolvers.entities import (
    Entity,
    EntityKind,
    entity_key,
    resolve_entity,
    resolve_equipment,
    resolve_line,
    resolve_line_or_equipment,
)
from tools.resolvers.period_description import describe_period, describe_span
from tools.resolvers.periods import resolve_shift, resolve_tool_period, shift_windows
from tools.resolvers.time_expressions import ACCEPTED_FORMS, MAX_SPAN, ShiftWindow, resolve_period
from tools.resolvers.time_scan import FoundTime, TimeScan, scan_time_text

__all__ = [
    "ACCEPTED_FORMS",
    "MAX_SPAN",
    "Entity",
    "EntityKind",
    "FoundTime",
    "ShiftWindow",
    "TimeScan",
    "describe_period",
    "describe_span",
    "entity_key",
    "resolve_entity",
    "resolve_equipment",
    "resolve_line",
    "resolve_line_or_equipment",
    "resolve_period",
    "resolve_shift",
    "resolve_tool_period",
    "scan_time_text",
    "shift_windows",
]
