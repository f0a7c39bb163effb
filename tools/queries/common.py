"""Small SQL building blocks shared by the built-in tools (parameterised SQLAlchemy expressions only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_

from tools.contract import PeriodSpan

__all__ = ["MAX_LIMIT", "columns", "day_span", "fmt_period", "within"]

MAX_LIMIT = 100


def columns(model: type[Any]) -> Any:
    """The SQL columns of a plant model (`columns(Equipment).code`), typed loosely so `select()` accepts them."""
    return model.__table__.c


def within(column: Any, period: PeriodSpan) -> ColumnElement[bool]:
    """`column` in [start, end)."""
    return and_(column >= period.start, column < period.end)


def day_span(period: PeriodSpan) -> tuple[date, date]:
    """Calendar days [first, last_exclusive) covering a period, for date columns (promised / received dates)."""
    last_instant = period.end - timedelta(microseconds=1)
    return period.start.date(), last_instant.date() + timedelta(days=1)


def fmt_period(period: PeriodSpan) -> str:
    """A compact [start, end) label for provenance filters."""
    return f"[{period.start:%Y-%m-%d %H:%M}, {period.end:%Y-%m-%d %H:%M})"
