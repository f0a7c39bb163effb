"""The audit chain in a database table: same hashes as the JSONL log, safe appends from several
processes under the head row's lock, and modified, deleted or truncated entries detected."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text, update

from tools import AuditLog, DatabaseAuditLog
from tools.audit import GENESIS_HASH
from tools.audit_table import AUDIT_TABLE


def _fill(log: AuditLog | DatabaseAuditLog, n: int, user: str = "op1") -> None:
    for i in range(n):
        log.append(
            event="call",
            user=user,
            role="operator",
            tool="line_oee",
            outcome="ok",
            arguments={"line": f"L{i}", "period": {"start": "2026-11-19"}},
            summary=f"OEE {i}",
            duration_ms=1.25,
            proposal_id=i if i % 2 else None,
        )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'plant.db'}"


def test_entries_chain_and_read_back_exactly(sqlite_url: str) -> None:
    log = DatabaseAuditLog(create_engine(sqlite_url))
    _fill(log, 3)
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert entries[1].arguments == {"line": "L1", "period": {"start": "2026-11-19"}}
    assert (entries[1].user, entries[1].proposal_id, entries[2].proposal_id, entries[2].duration_ms) == (
        "op1",
        1,
        None,
        1.25,
    )
    assert [e.seq for e in log.tail(2)] == [2, 3]
    assert (log.verify().ok, log.verify().entries) == (True, 3)


def test_a_row_hashes_as_the_same_entry_in_the_jsonl_log(sqlite_url: str, tmp_path: Path) -> None:
    table = DatabaseAuditLog(create_engine(sqlite_url))
    entry = table.append(event="call", user="u", role="operator", tool="t", outcome="ok", arguments={"a": 1})
    # The JSONL verifier accepts the very record the table stored: one canonical form, one hash.
    file_log = AuditLog(tmp_path / "audit.jsonl")
    import json

    file_log.path.write_text(json.dumps(entry.to_record()) + "\n", encoding="utf-8")
    file_log._head_path.write_text(json.dumps({"seq": 1, "hash": entry.hash}))
    assert (file_log.verify().ok, file_log.verify().entries) == (True, 1)


def test_a_modified_row_is_detected(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    log = DatabaseAuditLog(engine)
    _fill(log, 4)
    with engine.begin() as conn:
        conn.execute(update(AUDIT_TABLE).where(AUDIT_TABLE.c.seq == 2).values(summary="OEE 99"))
    report = log.verify()
    assert (report.ok, report.entries, report.line) == (False, 1, 2)
    assert report.problem == "entry 2 was modified (its hash does not match its content)"


def test_a_deleted_middle_row_is_detected(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    log = DatabaseAuditLog(engine)
    _fill(log, 4)
    with engine.begin() as conn:
        conn.execute(delete(AUDIT_TABLE).where(AUDIT_TABLE.c.seq == 3))
    report = log.verify()
    assert (report.ok, report.entries) == (False, 2)
    assert report.problem == "expected entry 3, found entry 4: entry 3 was deleted"


def test_a_cut_off_tail_is_detected_by_the_head_row(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    log = DatabaseAuditLog(engine)
    _fill(log, 4)
    with engine.begin() as conn:
        conn.execute(delete(AUDIT_TABLE).where(AUDIT_TABLE.c.seq >= 3))
    report = log.verify()
    assert (report.ok, report.entries) == (False, 2)
    assert report.problem == "the log ends at entry 2 but 4 were written (entries deleted)"


# Each writer is its own interpreter that imports only the installed package (the test module is not
# importable from a child process under pytest's importlib import mode).
_WRITER = """
import sys
from sqlalchemy import create_engine
from tools import DatabaseAuditLog
log = DatabaseAuditLog(create_engine(sys.argv[1]))
for i in range(int(sys.argv[3])):
    log.append(event="call", user=sys.argv[2], role="operator", tool="line_oee", outcome="ok",
               arguments={"line": f"L{i}"}, summary=f"OEE {i}", duration_ms=1.25, proposal_id=None)
"""


def _appended_by_processes(url: str) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, url, f"worker{i}", "25"], stderr=subprocess.PIPE, text=True)
        for i in range(3)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    log = DatabaseAuditLog(create_engine(url))
    entries = log.entries()
    assert [e.seq for e in entries] == list(range(1, 76))
    assert sorted({e.user for e in entries}) == ["worker0", "worker1", "worker2"]
    assert sum(1 for e in entries if e.user == "worker1") == 25
    assert (log.verify().ok, log.verify().entries) == (True, 75)


def test_three_processes_append_one_unbroken_chain_on_sqlite(sqlite_url: str) -> None:
    _appended_by_processes(sqlite_url)


@pytest.mark.postgres
def test_three_processes_append_one_unbroken_chain_on_postgres(postgres_database: Callable[[str], str]) -> None:
    _appended_by_processes(postgres_database("andon_audit"))


@pytest.mark.postgres
def test_a_cut_off_tail_is_detected_on_postgres(postgres_database: Callable[[str], str]) -> None:
    engine = create_engine(postgres_database("andon_audit"))
    log = DatabaseAuditLog(engine)
    _fill(log, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 5"))
    report = log.verify()
    assert (report.ok, report.entries, report.problem) == (
        False,
        4,
        "the log ends at entry 4 but 5 were written (entries deleted)",
    )
    engine.dispose()
