"""Shared resolvers: time expressions (en / zh) against the plant clock, and plant entities by code, name or alias."""

from tools.resolvers.time_expressions import ACCEPTED_FORMS, MAX_SPAN, ShiftWindow, resolve_period

__all__ = ["ACCEPTED_FORMS", "MAX_SPAN", "ShiftWindow", "resolve_period"]
