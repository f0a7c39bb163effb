"""Small SQL building blocks shared by the built-in tools (parameterised SQLAlchemy expressions only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session

from tools.contract import PeriodSpan

__all__ = ["columns", "day_span", "elapsed_days", "fmt_period", "within"]


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


def elapsed_days(session: Session, start: Any, end: Any) -> Any:
    """SQL expression for `end - start` in days, on SQLite (julianday) and PostgreSQL (epoch seconds)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86_400.0
