"""Conversation memory in PostgreSQL: LangGraph's PostgreSQL checkpointer and the session facts table
on one connection pool, so any console worker on any host continues any conversation."""

from __future__ import annotations

import time
from typing import Any

from agents.runtime.memory import SESSION_TABLE, ConversationMemory, SessionRecord, SessionStatements

__all__ = ["PostgresConversationMemory", "libpq_url"]

_POSTGRES = SessionStatements.with_placeholder("%s")
_COLUMNS = ("session_id", "domains", "lang", "paused_thread", "paused_domain", "paused_proposals", "owner")

# Taken while the checkpointer's migrations run, so workers starting together do not race them.
_SETUP_LOCK = 0x616E646F6E01


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://...`) as the libpq connection string psycopg takes."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresConversationMemory(ConversationMemory):
    """Checkpoints and session facts in the PostgreSQL database at `url` (tables created if absent)."""

    def __init__(self, url: str, *, max_connections: int = 8) -> None:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self._pool: ConnectionPool[Any] = ConnectionPool(
            libpq_url(url),
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
            open=True,
        )
        self.checkpointer = PostgresSaver(self._pool)  # type: ignore[arg-type]
        with self._pool.connection() as conn:
            # Poll instead of waiting inside a statement: the migrations run CREATE INDEX CONCURRENTLY,
            # which waits for every statement in progress, so a worker blocked in pg_advisory_lock would
            # deadlock with the worker holding the lock.
            while not conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (_SETUP_LOCK,)).fetchone()["got"]:
                time.sleep(0.1)
            try:
                self.checkpointer.setup()
                conn.execute(SESSION_TABLE)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))

    def session(self, session_id: str) -> SessionRecord | None:
        with self._pool.connection() as conn:
            row = conn.execute(_POSTGRES.select, (session_id,)).fetchone()
        return None if row is None else SessionRecord.of_row([row[column] for column in _COLUMNS])

    def remember(
        self,
        session_id: str,
        *,
        owner: str,
        domains: list[str],
        lang: str,
        paused_thread: str | None = None,
        paused_domain: str | None = None,
        paused_proposals: tuple[int, ...] = (),
    ) -> None:
        record = SessionRecord(session_id, domains, lang, paused_thread, paused_domain, paused_proposals, owner)
        with self._pool.connection() as conn:
            conn.execute(_POSTGRES.upsert, record.row())

    def forget(self, session_id: str, *, owner: str, threads: list[str]) -> None:
        for thread in threads:
            self.checkpointer.delete_thread(thread)
        with self._pool.connection() as conn:
            conn.execute(_POSTGRES.delete, (session_id, owner))

    def close(self) -> None:
        self._pool.close()
