"""Who is asking and what the tools run against, for one turn.

The domain agents' LangChain tools are built once; each call asks `current_context()` for the
caller's `ToolContext`, which the assistant sets for the duration of a turn. LangGraph copies
context variables into the threads that run tools, so concurrent turns never see each other's caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tools import AuditTrail, DocumentSearch, ProposalStore, Registry, Role, ToolContext, parse_role

__all__ = ["Caller", "ToolBackend", "current_context", "turn_context"]

_CURRENT: ContextVar[ToolContext | None] = ContextVar("andon_tool_context", default=None)


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


def current_context() -> ToolContext:
    """The caller's context of the running turn; a tool called outside a turn is a programming error."""
    ctx = _CURRENT.get()
    if ctx is None:
        raise RuntimeError("a tool was called outside an assistant turn")
    return ctx


@contextmanager
def turn_context(backend: ToolBackend, caller: Caller, lang: Literal["en", "zh"]) -> Iterator[ToolContext]:
    """Open a database session for one turn and make the caller's context current."""
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
        token = _CURRENT.set(ctx)
        try:
            yield ctx
        finally:
            _CURRENT.reset(token)
