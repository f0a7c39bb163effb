"""Conversation memory: a LangGraph checkpointer plus a small table of session facts, in one SQLite
file (embedded default) or in PostgreSQL (`PostgresConversationMemory`), where every console worker
and host reads and continues the same conversations.

A conversation belongs to the user who started it: its thread ids include the user, so asking
with someone else's session id starts a separate conversation instead of reading theirs.

The checkpointer keeps every session's messages (thread id = session id), so a follow-up such as
"and the day before?" is answered with the earlier turn in view. The session table remembers
which agent a session talked to last and which proposal a paused run waits for, so a follow-up
with no domain words stays with that agent and `resume` finds the paused run.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver

__all__ = ["SESSION_TABLE", "ConversationMemory", "SessionRecord", "SessionStatements"]

# The sessions table, the same on SQLite and PostgreSQL.
SESSION_TABLE = """
CREATE TABLE IF NOT EXISTS andon_session (
    session_id TEXT PRIMARY KEY,
    domains TEXT NOT NULL,
    lang TEXT NOT NULL,
    paused_thread TEXT,
    paused_domain TEXT,
    paused_proposals TEXT,
    owner TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    domains: list[str]
    lang: str
    paused_thread: str | None = None
    paused_domain: str | None = None
    paused_proposals: tuple[int, ...] = ()
    owner: str = ""

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> SessionRecord:
        """A record from a row of `SessionStatements.select`'s columns, in their order."""
        session_id, domains, lang, paused_thread, paused_domain, paused_proposals, owner = row
        return cls(
            session_id=session_id,
            domains=json.loads(domains),
            lang=lang,
            paused_thread=paused_thread,
            paused_domain=paused_domain,
            paused_proposals=tuple(json.loads(paused_proposals or "[]")),
            owner=owner,
        )

    def row(self) -> tuple[Any, ...]:
        """The values `SessionStatements.upsert` takes, in its columns' order."""
        return (
            self.session_id,
            json.dumps(self.domains),
            self.lang,
            self.paused_thread,
            self.paused_domain,
            json.dumps(list(self.paused_proposals)),
            self.owner,
        )


@dataclass(frozen=True)
class SessionStatements:
    """The session table's statements, the same on SQLite (`?`) and PostgreSQL (`%s`) but for the placeholder."""

    select: str
    upsert: str
    delete: str

    @classmethod
    def with_placeholder(cls, mark: str) -> SessionStatements:
        columns = "session_id, domains, lang, paused_thread, paused_domain, paused_proposals, owner"
        return cls(
            select=f"SELECT {columns} FROM andon_session WHERE session_id = {mark}",
            upsert=(
                f"INSERT INTO andon_session ({columns}) VALUES ({', '.join([mark] * 7)}) "
                "ON CONFLICT (session_id) DO UPDATE SET domains = excluded.domains, lang = excluded.lang, "
                "paused_thread = excluded.paused_thread, paused_domain = excluded.paused_domain, "
                "paused_proposals = excluded.paused_proposals, owner = excluded.owner"
            ),
            delete=f"DELETE FROM andon_session WHERE session_id = {mark} AND owner = {mark}",
        )


_SQLITE = SessionStatements.with_placeholder("?")


class ConversationMemory:
    """Checkpointer and session facts in one SQLite file (`":memory:"` for a throwaway one)."""

    def __init__(self, path: Path | str) -> None:
        from langgraph.checkpoint.sqlite import SqliteSaver

        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the checkpointer and the session table, under the checkpointer's own lock:
        # two locks over one sqlite3 connection let concurrent turns interleave their statements, which
        # fails ("no more rows available") when many sessions run at once.
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        saver = SqliteSaver(self._conn)
        self.checkpointer: BaseCheckpointSaver[Any] = saver
        self._lock: threading.Lock = saver.lock
        with self._lock:
            self._conn.execute(SESSION_TABLE)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(andon_session)")}
            if "owner" not in columns:  # a memory file from before sessions had owners
                self._conn.execute("ALTER TABLE andon_session ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
            self._conn.commit()

    def session(self, session_id: str) -> SessionRecord | None:
        """What is known about a session, or None for a new one."""
        with self._lock:
            row = self._conn.execute(_SQLITE.select, (session_id,)).fetchone()
        return None if row is None else SessionRecord.of_row(row)

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
        """Record the domains of the session's last turn and, if it paused, where."""
        record = SessionRecord(session_id, domains, lang, paused_thread, paused_domain, paused_proposals, owner)
        with self._lock:
            self._conn.execute(_SQLITE.upsert, record.row())
            self._conn.commit()

    def forget(self, session_id: str, *, owner: str, threads: list[str]) -> None:
        """Delete what is remembered of `owner`'s session and the checkpoints of its conversation `threads`."""
        for thread in threads:
            self.checkpointer.delete_thread(thread)
        with self._lock:
            self._conn.execute(_SQLITE.delete, (session_id, owner))
            self._conn.commit()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
