"""Signed checkpoints of the audit chain's head catch what the chain alone cannot: a tail cut off
together with its head, and a chain replaced wholesale by a new self-consistent one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, update

from tools import AuditLog, CheckpointStore, DatabaseAuditLog
from tools.audit_table import _HEAD_TABLE, AUDIT_TABLE

KEY = b"checkpoint-key"


def _fill(log: AuditLog | DatabaseAuditLog, n: int, summary: str = "OEE") -> None:
    for i in range(n):
        log.append(event="call", user="op1", role="operator", tool="line_oee", outcome="ok", summary=f"{summary} {i}")


def test_a_checkpoint_records_the_head_and_an_intact_chain_verifies(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    _fill(log, 3)
    store = CheckpointStore(tmp_path / "anchor" / "checkpoints.jsonl", KEY)
    written = store.write(log)
    assert (written.seq, written.hash) == (3, log.entries()[-1].hash)
    _fill(log, 2)
    report = store.verify(log)
    assert (report.ok, report.entries) == (True, 5)
    assert [c.seq for c in store.checkpoints()] == [3]


def test_a_tail_cut_with_its_head_passes_the_chain_but_not_the_checkpoint(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    _fill(log, 5)
    store = CheckpointStore(tmp_path / "checkpoints.jsonl", KEY)
    store.write(log)
    lines = log.path.read_text(encoding="utf-8").splitlines()[:3]
    log.path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    last = json.loads(lines[-1])
    log._head_path.write_text(json.dumps({"seq": 3, "hash": last["hash"]}))
    assert log.verify().ok  # the chain on its own cannot tell
    report = store.verify(log)
    assert report.ok is False
    assert report.problem is not None
    assert report.problem.startswith("the chain ends at entry 3 but checkpoint 1 (")
    assert report.problem.endswith("saw entry 5 (entries cut off the end)")


def test_a_replaced_chain_is_detected(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    _fill(log, 4)
    store = CheckpointStore(tmp_path / "checkpoints.jsonl", KEY)
    store.write(log)
    log.path.unlink()
    log._head_path.unlink()
    _fill(log, 6, summary="forged")  # a new, longer, self-consistent chain
    assert log.verify().ok
    report = store.verify(log)
    assert report.ok is False
    assert report.problem is not None
    assert report.problem.startswith("entry 4 is not the one checkpoint 1 (")
    assert report.problem.endswith("(the chain was rewritten or replaced)")


def test_a_forged_checkpoint_is_detected(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    _fill(log, 2)
    store = CheckpointStore(tmp_path / "checkpoints.jsonl", KEY)
    store.write(log)
    other = CheckpointStore(tmp_path / "checkpoints.jsonl", b"another key")
    report = other.verify(log)
    assert report.ok is False
    assert report.problem is not None
    assert "has a bad signature (forged or key changed)" in report.problem


def test_a_broken_chain_gets_no_checkpoint(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    _fill(log, 2)
    log._head_path.unlink()
    store = CheckpointStore(tmp_path / "checkpoints.jsonl", KEY)
    with pytest.raises(ValueError, match="the chain is broken, no checkpoint written"):
        store.write(log)
    assert store.checkpoints() == []


def test_the_table_chain_truncated_with_its_head_is_caught(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    log = DatabaseAuditLog(engine)
    _fill(log, 4)
    store = CheckpointStore(tmp_path / "checkpoints.jsonl", KEY)
    store.write(log)
    kept = log.entries()[1]
    with engine.begin() as conn:
        conn.execute(delete(AUDIT_TABLE).where(AUDIT_TABLE.c.seq > 2))
        conn.execute(update(_HEAD_TABLE).values(seq=2, hash=kept.hash))
    assert log.verify().ok
    report = store.verify(log)
    assert (report.ok, report.entries) == (False, 2)
    assert report.problem is not None
    assert report.problem.endswith("saw entry 4 (entries cut off the end)")
