"""Who is asking and what the tools run against, for one turn.

The domain agents' LangChain tools are built once; the assistant opens the caller's `ToolContext`
for a turn (`turn_context`) and streams each agent graph with it as LangChain's runtime context,
so every tool call of that run, and only of that run, acts for that caller: concurrent turns never
see each other's caller, and nothing is kept in a global.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tools import AuditTrail, DocumentSearch, ProposalStore, Registry, Role, ToolContext, parse_role

__all__ = ["Caller", "ToolBackend", "turn_context"]


@dataclass(frozen=True)
class Caller:
    """The person a turn runs for: name, acting role and scopes (lines / sites; empty = whole plant)."""

    user: str
    role: Role
    scopes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, user: str, role: str | Role, scopes: frozenset[str] | set[str] | list[str] = frozenset()) -> Caller:
        return cls(user=user, role=parse_role(role), scopes=frozenset(scopes))


@dataclass
class ToolBackend:
    """What the tools run against: registry, plant database, audit log, proposals, plant clock, documents."""

    registry: Registry
    engine: Engine
    audit: AuditTrail
    proposals: ProposalStore
    clock: Callable[[Session], datetime]
    documents: DocumentSearch | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@contextmanager
def turn_context(backend: ToolBackend, caller: Caller, lang: Literal["en", "zh"]) -> Iterator[ToolContext]:
    """Open a database session for one turn and the caller's context over it."""
    with Session(backend.engine) as session:
        ctx = ToolContext(
            user=caller.user,
            role=caller.role,
            session=session,
            clock=backend.clock(session),
            scopes=caller.scopes,
            lang=lang,
            documents=backend.documents,
            extras=dict(backend.extras),
        )
        yield ctx
