"""Contexts and throwaway databases for tool tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from tools.contract import Role, ToolContext

__all__ = ["context_for", "memory_engine"]


def memory_engine() -> Engine:
    """An in-memory SQLite engine shared by every session of the test (one connection)."""
    return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)


def context_for(
    session: Session,
    *,
    user: str = "tester",
    role: Role = Role.ADMIN,
    scopes: Iterable[str] = (),
    clock: datetime = datetime(2026, 1, 1, 8, 0),
) -> ToolContext:
    """A tool context for tests: admin on the whole plant unless told otherwise."""
    return ToolContext(user=user, role=role, session=session, clock=clock, scopes=frozenset(scopes))
