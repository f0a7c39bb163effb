"""Contexts and throwaway databases for tool tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from tools.contract import Role, ToolContext
from tools.proposals import Proposal, ProposalStatus

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


def pending_proposal(
    proposal_id: int,
    action: str,
    *,
    title: str = "t",
    payload: dict[str, Any] | None = None,
    requested_by: str = "op",
) -> Proposal:
    """A pending proposal's snapshot, as the store would return it, for tests of what reads proposals."""
    return Proposal(
        id=proposal_id,
        action=action,
        title=title,
        reason="r",
        evidence=[],
        payload=dict(payload or {}),
        requested_by=requested_by,
        requested_role=Role.OPERATOR,
        requested_at=datetime(2026, 11, 20, 8, 0),
        status=ProposalStatus.PENDING,
    )
