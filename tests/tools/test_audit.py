"""The audit log is append-only and hash-chained: changing, deleting or reordering a line is detected."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from tools import AuditLog
from tools.audit import GENESIS_HASH


def _fill(log: AuditLog, n: int = 4) -> None:
    for i in range(n):
        log.append(
            event="call",
            user="op1",
            role="operator",
            tool="line_oee",
            outcome="ok",
            arguments={"line": f"L{i}"},
            summary=f"OEE {i}",
            duration_ms=1.5,
        )


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    audit = AuditLog(tmp_path / "audit.jsonl")
    _fill(audit)
    return audit


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text(encoding="utf-8").splitlines()


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_entries_chain_to_each_other(log: AuditLog) -> None:
    entries = log.entries()
    assert [entry.seq for entry in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [entry.prev_hash for entry in entries[1:]] == [entry.hash for entry in entries[:-1]]
    assert entries[2].arguments == {"line": "L2"}
    assert (entries[2].user, entries[2].role, entries[2].outcome, entries[2].duration_ms) == (
        "op1",
        "operator",
        "ok",
        1.5,
    )


def test_an_intact_log_verifies(log: AuditLog) -> None:
    report = log.verify()
    assert (report.ok, report.entries, report.problem) == (True, 4, None)


def test_an_empty_or_missing_log_verifies(tmp_path: Path) -> None:
    report = AuditLog(tmp_path / "none.jsonl").verify()
    assert (report.ok, report.entries) == (True, 0)


def test_a_modified_entry_is_detected(log: AuditLog) -> None:
    lines = _lines(log)
    record = json.loads(lines[1])
    record["outcome"] = "denied"
    lines[1] = json.dumps(record)
    _write(log, lines)
    report = log.verify()
    assert (report.ok, report.line, report.entries) == (False, 2, 1)
    assert report.problem == "entry 2 was modified (its hash does not match its content)"


def test_a_modified_entry_with_a_recomputed_hash_breaks_the_next_link(log: AuditLog) -> None:
    from tools.audit import _entry_hash

    lines = _lines(log)
    record = json.loads(lines[1])
    record["user"] = "someone_else"
    record["hash"] = _entry_hash(record)
    lines[1] = json.dumps(record)
    _write(log, lines)
    report = log.verify()
    assert (report.ok, report.line) == (False, 3)
    assert report.problem == "entry 3 does not follow the entry before it (entries modified, deleted or reordered)"


def test_a_deleted_entry_is_detected(log: AuditLog) -> None:
    lines = _lines(log)
    del lines[1]
    _write(log, lines)
    report = log.verify()
    assert (report.ok, report.line) == (False, 2)
    assert report.problem == "expected entry 2, found entry 3: entry 2 was deleted"


def test_deleting_the_last_entries_is_detected(log: AuditLog) -> None:
    _write(log, _lines(log)[:2])
    report = log.verify()
    assert not report.ok
    assert report.problem == "the log ends at entry 2 but 4 were written (entries deleted)"


def test_reordered_entries_are_detected(log: AuditLog) -> None:
    lines = _lines(log)
    lines[1], lines[2] = lines[2], lines[1]
    _write(log, lines)
    report = log.verify()
    assert (report.ok, report.line) == (False, 2)
    assert report.problem == "expected entry 2, found entry 3: entries reordered (entry 2 is on line 3)"


def test_a_line_that_is_not_json_is_detected(log: AuditLog) -> None:
    lines = _lines(log)
    lines[0] = lines[0][:-5]
    _write(log, lines)
    report = log.verify()
    assert (report.ok, report.line, report.problem) == (False, 1, "not valid JSON (entry modified)")


def test_tail_returns_the_last_entries_oldest_first(log: AuditLog) -> None:
    assert [entry.seq for entry in log.tail(2)] == [3, 4]
    assert log.tail(0) == []
    assert len(log.tail(100)) == 4


def test_arguments_of_any_shape_are_stored_as_json(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(
        event="call",
        user="u",
        role="admin",
        tool="t",
        outcome="invalid",
        arguments={1: {"x", "y"}, "n": float("nan"), "q": "'; DROP TABLE alarm; --"},
    )
    entry = log.entries()[0]
    assert entry.arguments == {"1": ["x", "y"], "n": "nan", "q": "'; DROP TABLE alarm; --"}
    assert log.verify().ok


def _append_many(path: str, worker: int) -> None:
    log = AuditLog(Path(path))
    for i in range(25):
        log.append(event="call", user=f"w{worker}", role="operator", tool="t", outcome="ok", arguments={"i": i})


def test_concurrent_writers_keep_one_unbroken_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    processes = [multiprocessing.Process(target=_append_many, args=(str(path), w)) for w in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    log = AuditLog(path)
    report = log.verify()
    assert (report.ok, report.entries) == (True, 75)
    assert sorted(entry.user for entry in log.entries()).count("w1") == 25
