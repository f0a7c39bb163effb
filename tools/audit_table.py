"""The audit chain as a database table, for several processes and hosts writing to one plant database.

Entries have the same fields, canonical form and hashes as the JSONL log (`tools.audit`), so one
verifier reads both. An append locks the one row of `audit_head` first (an UPDATE, which takes a
row lock on PostgreSQL and the write lock on SQLite), reads the last entry, inserts the next one and
moves the head, all in one transaction: two writers never get the same sequence number, and a
deleted tail is seen because the head still names the last entry written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError

from tools.audit import GENESIS_HASH, AuditEntry, VerifyReport, check_record, entry_fields, new_record

__all__ = ["AUDIT_TABLE", "DatabaseAuditLog", "create_audit_tables"]

_metadata = MetaData()

AUDIT_TABLE = Table(
    "audit_entry",
    _metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("ts", String(40), nullable=False),
    Column("event", String(40), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("tool", String(200), nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("arguments", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("proposal_id", Integer, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

_HEAD_TABLE = Table(
    "audit_head",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

_FIELDS = ("event", "role", "tool", "outcome", "summary", "duration_ms", "proposal_id", "prev_hash", "hash", "ts")


def create_audit_tables(engine: Engine) -> None:
    """Create the audit tables and their head row if absent (safe when several processes start at once)."""
    try:
        _metadata.create_all(engine)
    except (ProgrammingError, IntegrityError):  # another process created a table between check and create
        _metadata.create_all(engine)
    try:
        with engine.begin() as conn:
            if conn.execute(select(_HEAD_TABLE.c.id)).first() is None:
                conn.execute(insert(_HEAD_TABLE).values(id=1, seq=0, hash=GENESIS_HASH))
    except IntegrityError:  # another process inserted the head row first
        pass


def _record(row: Any) -> dict[str, Any]:
    """An entry record from a table row (a SQLAlchemy row mapping)."""
    record = {name: row[name] for name in _FIELDS}
    record["seq"] = row["seq"]
    record["user"] = row["user_name"]
    record["arguments"] = json.loads(row["arguments"])
    return record


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: record[name] for name in _FIELDS}
    row["seq"] = record["seq"]
    row["user_name"] = record["user"]
    row["arguments"] = json.dumps(record["arguments"], sort_keys=True, ensure_ascii=False)
    return row


class DatabaseAuditLog:
    """The audit chain in the `audit_entry` table of `engine` (tables created on first use)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ready = False

    def _ensure(self) -> None:
        if not self._ready:
            create_audit_tables(self.engine)
            self._ready = True

    def _last(self, conn: Connection) -> dict[str, Any] | None:
        row = conn.execute(select(AUDIT_TABLE).order_by(AUDIT_TABLE.c.seq.desc()).limit(1)).mappings().first()
        return _record(row) if row is not None else None

    def append(
        self,
        *,
        event: str,
        user: str,
        role: str,
        tool: str,
        outcome: str,
        arguments: Mapping[str, Any] | None = None,
        summary: str = "",
        duration_ms: float = 0.0,
        proposal_id: int | None = None,
    ) -> AuditEntry:
        """Append one entry under the head row's lock and return it with its hash."""
        self._ensure()
        fields = entry_fields(
            event=event,
            user=user,
            role=role,
            tool=tool,
            outcome=outcome,
            arguments=arguments,
            summary=summary,
            duration_ms=duration_ms,
            proposal_id=proposal_id,
        )
        with self.engine.begin() as conn:
            # The lock: every writer updates the head row before reading the last entry.
            conn.execute(update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == 1).values(seq=_HEAD_TABLE.c.seq))
            record = new_record(self._last(conn), fields)
            conn.execute(insert(AUDIT_TABLE).values(**_row(record)))
            conn.execute(
                update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == 1).values(seq=record["seq"], hash=record["hash"])
            )
        return AuditEntry.from_record(record)

    def _records(self, *, newest: int | None = None) -> Iterator[dict[str, Any]]:
        self._ensure()
        query = select(AUDIT_TABLE).order_by(AUDIT_TABLE.c.seq)
        if newest is not None:
            query = select(AUDIT_TABLE).order_by(AUDIT_TABLE.c.seq.desc()).limit(newest)
        with self.engine.connect() as conn:
            rows = [_record(row) for row in conn.execute(query).mappings()]
        yield from (reversed(rows) if newest is not None else rows)

    def entries(self) -> list[AuditEntry]:
        """Every entry, oldest first (unverified; see `verify`)."""
        return [AuditEntry.from_record(record) for record in self._records()]

    def tail(self, n: int = 20) -> list[AuditEntry]:
        """The last `n` entries, oldest first."""
        return [AuditEntry.from_record(record) for record in self._records(newest=n)] if n > 0 else []

    def verify(self) -> VerifyReport:
        """Check the whole chain and the head row; the first modified or deleted entry, and which."""
        prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
        for record in self._records():
            problem = check_record(record, expected_seq, prev_hash, {})
            if problem:
                return VerifyReport(False, count, problem, record["seq"])
            prev_hash, expected_seq, count = record["hash"], record["seq"] + 1, count + 1
        with self.engine.connect() as conn:
            head = conn.execute(select(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash)).first()
        if head is None:
            return VerifyReport(False, count, "the head row of audit_head is missing")
        if head.seq != count or head.hash != prev_hash:
            return VerifyReport(
                False, count, f"the log ends at entry {count} but {head.seq} were written (entries deleted)"
            )
        return VerifyReport(True, count)
