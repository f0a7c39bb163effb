"""Composition helpers: build the plant engine, tool registry, audit log, proposal store and tool
contexts from the settings. The CLI, the console and the agents' runtime all start here.

Users come from `settings.users`; without it, the demo user set below applies. A caller acts as
one user and may choose a role at or below that user's own role, never above it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from connectors import DatabaseConfig, open_engine, plant_clock
from tools import (
    AuditLog,
    AuditTrail,
    CheckpointStore,
    DatabaseAuditLog,
    DocumentSearch,
    PermissionDeniedError,
    Proposal,
    ProposalStore,
    Registry,
    Role,
    ToolContext,
    ToolOutcome,
    create_audit_tables,
    create_tool_tables,
    invoke,
    load_registry,
    parse_role,
)
from ui.config import AndonSettings, McpServerSettings, UserAccount

if TYPE_CHECKING:
    from knowledge import DocumentIndex, KnowledgeConfig
    from tools.mcp_client import McpServerConfig

__all__ = [
    "AUDIT_FILE_NAME",
    "DEMO_USERS",
    "DatabaseDocumentLocks",
    "ToolSystem",
    "acting_role",
    "audit_checkpoints",
    "audit_log",
    "clock_of",
    "database_config",
    "document_index",
    "document_search",
    "find_user",
    "knowledge_config",
    "live_context",
    "live_extras",
    "load_tools",
    "mcp_server_config",
    "open_plant",
    "schema_lock",
    "tool_context",
    "tool_system",
    "users",
]

AUDIT_FILE_NAME = "audit.jsonl"

#: The demo users (no passwords): one per role, plus an operator who may only see line L1.
DEMO_USERS: tuple[UserAccount, ...] = (
    UserAccount(name="operator", role="operator", display_name="Demo operator / 演示操作员"),
    UserAccount(name="operator-l1", role="operator", scopes=["L1"], display_name="Line 1 operator / 1号线操作员"),
    UserAccount(name="engineer", role="engineer", display_name="Demo engineer / 演示工程师"),
    UserAccount(name="supervisor", role="supervisor", display_name="Demo supervisor / 演示主管"),
    UserAccount(name="admin", role="admin", display_name="Administrator / 管理员"),
)


def users(settings: AndonSettings) -> list[UserAccount]:
    """The configured users, or the demo users when none are configured."""
    return list(settings.users) if settings.users is not None else list(DEMO_USERS)


def find_user(settings: AndonSettings, name: str | None = None) -> UserAccount:
    """The account named `name` (default: `settings.default_user`); unknown names are refused."""
    wanted = name or settings.default_user
    for account in users(settings):
        if account.name == wanted:
            return account
    known = ", ".join(account.name for account in users(settings))
    raise PermissionDeniedError(f"unknown user {wanted!r} / 未知用户; known users: {known}")


def acting_role(account: UserAccount, role: str | None = None) -> Role:
    """The role to act with: the account's own, or a lower one if asked; never a higher one."""
    own = parse_role(account.role)
    if role is None:
        return own
    wanted = parse_role(role)
    if not own.at_least(wanted):
        raise PermissionDeniedError(
            f"not permitted / 无权限: {account.name} is {own.value} and cannot act as {wanted.value} "
            "(不能以高于自身的角色操作)"
        )
    return wanted


def database_config(settings: AndonSettings) -> DatabaseConfig:
    """The plant database configuration the connectors layer receives."""
    return DatabaseConfig(url=settings.effective_database_url)


#: The advisory lock workers take while they create tables, so several starting at once do not race.
_SCHEMA_LOCK = 0x616E646F6E02


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold the plant's schema lock (PostgreSQL advisory lock; SQLite serialises DDL by itself)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    from sqlalchemy import text

    with engine.connect() as conn:
        # Polled, never waited for inside a statement: a waiting statement would hold up another
        # worker's CREATE INDEX CONCURRENTLY (the checkpointer's migrations), which holds the lock.
        while not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _SCHEMA_LOCK}).scalar():
            conn.commit()
            time.sleep(0.1)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK})
            conn.commit()


def open_plant(settings: AndonSettings) -> Engine:
    """The plant database engine (probed), with the tool layer's tables present (and the audit chain's
    when it lives in the database)."""
    engine = open_engine(database_config(settings))
    with schema_lock(engine):
        create_tool_tables(engine)
        if settings.state_in_database:
            create_audit_tables(engine)
    return engine


def mcp_server_config(server: McpServerSettings) -> McpServerConfig:
    """The tool layer's view of one `[[mcp_servers]]` entry."""
    from tools.mcp_client import McpServerConfig

    headers = {"Authorization": f"Bearer {server.bearer_token.get_secret_value()}"} if server.bearer_token else {}
    return McpServerConfig(
        name=server.name,
        domain=server.domain,
        command=server.command,
        args=tuple(server.args),
        env=dict(server.env),
        cwd=server.cwd,
        url=server.url,
        headers=headers,
        min_role=parse_role(server.min_role),
        approver_role=parse_role(server.approver_role),
        read_only=frozenset(server.read_only),
        examples={name: tuple(texts) for name, texts in server.examples.items()},
        description_zh=dict(server.description_zh),
        connect_timeout_s=server.connect_timeout_s,
        call_timeout_s=server.call_timeout_s,
    )


def load_tools(settings: AndonSettings) -> Registry:
    """A fresh registry of the built-in tools, every allowed plugin's tools, the configured MCP servers' tools
    and setpoint proposals when the live mapping enables OPC UA writes.

    MCP sessions stay open for the life of the process (closed at exit); the SDK is imported only
    when `mcp_servers` are configured.
    """
    registry = load_registry(settings.tools_allow, settings=settings.plugins)
    if settings.mcp_servers:
        from tools.mcp_client import McpSessions, add_mcp_servers

        add_mcp_servers(registry, [mcp_server_config(server) for server in settings.mcp_servers], McpSessions())
    live = live_context(settings)
    if live is not None and live.mapping.opcua is not None and live.mapping.opcua.writes_enabled:
        from tools.builtin.setpoints import propose_setpoint_change

        registry.add_all([propose_setpoint_change], source="builtin")
    return registry


_LIVE_CACHE: dict[tuple[str, float], Any] = {}


def live_context(settings: AndonSettings) -> Any:
    """The tools' `LiveContext` from the configured mapping file (read once per file version), or None."""
    if settings.live_mapping is None:
        return None
    from connectors.live.mapping import load_mapping
    from tools.builtin.live_data import LiveContext

    path = settings.live_mapping
    key = (str(path), path.stat().st_mtime if path.exists() else 0.0)
    if key not in _LIVE_CACHE:
        _LIVE_CACHE[key] = LiveContext(mapping=load_mapping(path))
    return _LIVE_CACHE[key]


def audit_log(settings: AndonSettings, engine: Engine | None = None) -> AuditTrail:
    """The audit chain: the `audit_entry` table of the plant database when shared state lives there
    (`engine`, or one opened from the settings), else the JSONL log in the data home."""
    if settings.state_in_database:
        return DatabaseAuditLog(engine if engine is not None else open_engine(database_config(settings)))
    return AuditLog(settings.data_home / AUDIT_FILE_NAME)


def audit_checkpoints(settings: AndonSettings) -> CheckpointStore | None:
    """The signed checkpoints of the audit chain, or None without a checkpoint key."""
    if settings.audit_checkpoint_key is None:
        return None
    return CheckpointStore(
        settings.effective_audit_checkpoints, settings.audit_checkpoint_key.get_secret_value().encode("utf-8")
    )


def knowledge_config(settings: AndonSettings) -> KnowledgeConfig:
    """The knowledge layer's config: store in `<data_home>/knowledge`, or a Chroma server when configured."""
    from knowledge import EmbeddingConfig, KnowledgeConfig

    return KnowledgeConfig(
        persist_dir=settings.data_home / "knowledge",
        chroma_url=settings.chroma_url,
        embedding=EmbeddingConfig(
            provider=settings.embedding_provider,
            base_url=settings.embedding_base_url,
            model=settings.embedding_model,
            api_key=settings.embedding_api_key,
        ),
    )


class DatabaseDocumentLocks:
    """Per-document ingestion locks as PostgreSQL advisory locks: one lock for every host of the plant."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _held(self, doc_id: str) -> Iterator[None]:
        from sqlalchemy import text

        from knowledge.locks import lock_key

        key = lock_key(doc_id)
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()

    def hold(self, doc_id: str) -> AbstractContextManager[None]:
        return self._held(doc_id)


def document_index(settings: AndonSettings) -> DocumentIndex:
    """The document index for writing and searching; ingestion locks live in PostgreSQL when shared state
    does (several hosts on one Chroma server), else in files next to the store."""
    from knowledge import open_document_index

    locks = None
    url = settings.effective_database_url
    if settings.state_in_database and url.startswith("postgresql"):
        locks = DatabaseDocumentLocks(open_engine(database_config(settings)))
    return open_document_index(knowledge_config(settings), locks)


class _LazyDocumentSearch:
    """Opens the document index on the first search, so calls that never search pay nothing."""

    def __init__(self, config: KnowledgeConfig) -> None:
        self._config = config
        self._index: DocumentSearch | None = None

    def _opened(self) -> Any:
        if self._index is None:
            from knowledge import open_document_index

            self._index = open_document_index(self._config)
        return self._index

    def search(self, query: str, *, k: int, role: str, filters: Mapping[str, Any] | None = None) -> Any:
        return self._opened().search(query, k=k, role=role, filters=filters)

    def list_documents(self) -> list[Any]:
        """The documents readers can see (opens the index; an embedded store never created has none)."""
        if self._index is None and self._config.chroma_url is None and not self._config.persist_dir.exists():
            return []
        return list(self._opened().list_documents())


def document_search(settings: AndonSettings) -> DocumentSearch | None:
    """The process-document search service tools receive in their context (opened on first use)."""
    return _LazyDocumentSearch(knowledge_config(settings))


def tool_context(
    settings: AndonSettings,
    session: Session,
    user: str | None = None,
    role: str | None = None,
    *,
    lang: Literal["en", "zh"] = "en",
    documents: DocumentSearch | None = None,
    extras: dict[str, Any] | None = None,
) -> ToolContext:
    """The context of a call by `user` (acting as `role`) at the plant clock of `session`'s database."""
    account = find_user(settings, user)
    return ToolContext(
        user=account.name,
        role=acting_role(account, role),
        session=session,
        clock=clock_of(settings)(session),
        scopes=frozenset(account.scopes),
        lang=lang,
        documents=documents if documents is not None else document_search(settings),
        extras={**live_extras(settings), **(extras or {})},
    )


def clock_of(settings: AndonSettings) -> Callable[[Session], datetime]:
    """The tools' "now": the plant clock, or with live data configured the newest live timestamp."""
    if settings.live_mapping is None:
        return plant_clock
    from connectors.live.timebase import live_clock

    return live_clock


def live_extras(settings: AndonSettings) -> dict[str, Any]:
    """What tool contexts carry when live data is configured (the mapping, under `LIVE_EXTRA`); else nothing."""
    live = live_context(settings)
    if live is None:
        return {}
    from tools.builtin.live_data import LIVE_EXTRA

    return {LIVE_EXTRA: live}


@dataclass
class ToolSystem:
    """Everything a caller needs to use tools: registry, engine, audit log, proposals."""

    settings: AndonSettings
    engine: Engine
    registry: Registry
    audit: AuditTrail
    proposals: ProposalStore

    @contextmanager
    def context(self, user: str | None = None, role: str | None = None, **kwargs: Any) -> Iterator[ToolContext]:
        """A context over a fresh session, closed afterwards."""
        with Session(self.engine) as session:
            yield tool_context(self.settings, session, user, role, **kwargs)

    def call(self, name: str, args: dict[str, Any], *, user: str | None = None, role: str | None = None) -> ToolOutcome:
        """Invoke the tool `name` as `user`; unknown tool names raise ToolNotFoundError."""
        found = self.registry.get(name)
        with self.context(user, role) as ctx:
            return invoke(found, ctx, args, audit=self.audit, proposals=self.proposals)

    def approve(self, proposal_id: int, *, user: str | None = None, role: str | None = None) -> Proposal:
        """Approve (and execute) a pending proposal as `user`."""
        with self.context(user, role) as ctx:
            return self.proposals.approve(proposal_id, ctx, lookup=self.registry.get, audit=self.audit)

    def reject(self, proposal_id: int, reason: str, *, user: str | None = None, role: str | None = None) -> Proposal:
        """Reject a pending proposal as `user`, with a reason."""
        with self.context(user, role) as ctx:
            return self.proposals.reject(proposal_id, ctx, reason, lookup=self.registry.get, audit=self.audit)


def tool_system(settings: AndonSettings, *, registry: Registry | None = None) -> ToolSystem:
    """Open the plant database and load the tools for `settings`."""
    engine = open_plant(settings)
    return ToolSystem(
        settings=settings,
        engine=engine,
        registry=registry if registry is not None else load_tools(settings),
        audit=audit_log(settings, engine),
        proposals=ProposalStore(engine),
    )
