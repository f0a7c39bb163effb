"""Lookups shared by the gold functions: entities by code, periods by expression."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, select

from evals.errors import GoldError

__all__ = ["by_code", "period"]

T = TypeVar("T")


def by_code(session: Session, model: type[T], code: str) -> T:
    """The row of `model` with this code; GoldError when there is none."""
    row = session.exec(select(model).where(model.code == code)).first()  # type: ignore[attr-defined]
    if row is None:
        raise GoldError(f"no {model.__name__} with code {code!r} in the plant")
    return row


def period(expression: str, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of a time expression against the plant clock (the tools' resolver defines the words)."""
    from tools.resolvers.time_expressions import resolve_period

    span: Any = resolve_period(expression, now)
    return span.start, span.end
