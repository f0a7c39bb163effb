"""Andon's built-in factory tools, registered through the same `andon.tools` entry point as any plugin.

Modules by domain: production (`production`, `oee`, `downtime`), quality, maintenance, equipment,
supply chain, and the knowledge tool `search_documents` (`documents`).
"""

from __future__ import annotations

from collections.abc import Callable

from tools.builtin.downtime import downtime_pareto, top_downtime_events
from tools.builtin.oee import get_oee, oee_trend
from tools.builtin.production import (
    list_production_orders,
    production_order_status,
    production_output,
    schedule_adherence,
)
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
)


def _knowledge_tools() -> tuple[Tool, ...]:
    from tools.builtin.documents import search_documents

    return (search_documents,)


def register_tools(register: Callable[[Tool], None]) -> None:
    """Entry point `andon.tools: builtin`: register every built-in tool."""
    for item in (*BUILTIN_TOOLS, *_knowledge_tools()):
        register(item)
