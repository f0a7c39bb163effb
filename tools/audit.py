"""Append-only, hash-chained audit log of every tool call, approval and rejection.

One JSON object per line in a file (by default `audit.jsonl` in the data home). Each entry holds
the hash of the entry before it and its own sha256 over a canonical JSON form, so changing,
deleting or reordering a line breaks the chain. A small head file remembers the last sequence
number and hash, so cutting entries off the end is detected too. Writers take an exclusive file
lock, so several processes (CLI, UI workers) can append to the same log.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "GENESIS_HASH",
    "AuditEntry",
    "AuditLog",
    "AuditTrail",
    "VerifyReport",
    "check_record",
    "entry_fields",
    "new_record",
]

GENESIS_HASH = "0" * 64
_TAIL_CHUNK = 8192


def _jsonable(value: Any) -> Any:
    """A JSON-safe copy: string keys, lists for tuples/sets, str() for anything else."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # NaN and infinities are not JSON; keep them readable instead of breaking the line.
        return value if value == value and abs(value) != float("inf") else repr(value)
    if hasattr(value, "model_dump"):
        return _jsonable(value.model_dump(mode="json"))
    return str(value)


def _canonical(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _entry_hash(record: Mapping[str, Any]) -> str:
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(_canonical(body)).hexdigest()


def _seq_positions(lines: list[tuple[int, str]]) -> dict[int, int]:
    """Sequence number -> line number, for telling a moved entry from a deleted one."""
    positions: dict[int, int] = {}
    for line_no, line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        seq = record.get("seq") if isinstance(record, dict) else None
        if isinstance(seq, int):
            positions.setdefault(seq, line_no)
    return positions


def _check_line(line: str, expected_seq: int, prev_hash: str, positions: Mapping[int, int]) -> str | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return "not valid JSON (entry modified)"
    if not isinstance(record, dict) or "seq" not in record or "hash" not in record:
        return "not an audit entry (entry modified)"
    return check_record(record, expected_seq, prev_hash, positions)


def check_record(
    record: Mapping[str, Any], expected_seq: int, prev_hash: str, positions: Mapping[int, int]
) -> str | None:
    """The problem with `record` as the entry after `prev_hash`, or None; `positions` maps seq -> place."""
    seq = record["seq"]
    if record["hash"] != _entry_hash(record):
        return f"entry {seq} was modified (its hash does not match its content)"
    if seq != expected_seq:
        found = f"expected entry {expected_seq}, found entry {seq}"
        if expected_seq in positions:
            return f"{found}: entries reordered (entry {expected_seq} is on line {positions[expected_seq]})"
        return f"{found}: entry {expected_seq} was deleted"
    if record.get("prev_hash") != prev_hash:
        return f"entry {seq} does not follow the entry before it (entries modified, deleted or reordered)"
    return None


def entry_fields(
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
) -> dict[str, Any]:
    """What an entry records of a call or a decision, as every audit trail stores it."""
    return {
        "event": event,
        "user": user,
        "role": role,
        "tool": tool,
        "outcome": outcome,
        "arguments": dict(arguments or {}),
        "summary": summary,
        "duration_ms": round(duration_ms, 3),
        "proposal_id": proposal_id,
    }


def new_record(last: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The next entry after `last` (None: the first), with its timestamp, chain link and hash."""
    record = _jsonable(
        {
            "seq": (int(last["seq"]) + 1) if last else 1,
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            **fields,
            "prev_hash": last["hash"] if last else GENESIS_HASH,
        }
    )
    record["hash"] = _entry_hash(record)
    return dict(record)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log."""

    seq: int
    ts: str
    event: str
    user: str
    role: str
    tool: str
    outcome: str
    arguments: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    duration_ms: float = 0.0
    proposal_id: int | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> AuditEntry:
        return cls(**{name: record[name] for name in cls.__dataclass_fields__ if name in record})

    def to_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class VerifyReport:
    """Result of `AuditLog.verify`: ok, how many entries were checked, and the first problem found."""

    ok: bool
    entries: int
    problem: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit log ok / 审计日志完好: {self.entries} entries, hash chain intact"
        where = f" (line {self.line})" if self.line is not None else ""
        return f"audit log BROKEN / 审计日志已被篡改{where}: {self.problem}"


class AuditTrail(Protocol):
    """What the tool layer writes calls and decisions to: the JSONL file or the database table."""

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
    ) -> AuditEntry: ...

    def entries(self) -> list[AuditEntry]: ...

    def tail(self, n: int = 20) -> list[AuditEntry]: ...

    def verify(self) -> VerifyReport: ...


class AuditLog:
    """The audit log at `path` (created on first append).

    `durable` flushes every entry to disk before the call returns (fsync); tests that write
    thousands of entries to a throwaway log turn it off.
    """

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        self._head_path = self.path.with_name(self.path.name + ".head")
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _last_record(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        with self.path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            buffer = b""
            pos = end
            # Read backwards until the last complete line is in the buffer.
            while pos > 0 and buffer.rstrip(b"\n").count(b"\n") < 1:
                step = min(_TAIL_CHUNK, pos)
                pos -= step
                handle.seek(pos)
                buffer = handle.read(step) + buffer
            lines = buffer.rstrip(b"\n").split(b"\n")
            last = lines[-1] if lines else b""
        return json.loads(last) if last.strip() else None

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
        """Append one entry (under an exclusive lock) and return it with its hash."""
        with self._locked():
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
            record = new_record(self._last_record(), fields)
            with self.path.open("ab") as handle:
                handle.write(_canonical(record) + b"\n")
                handle.flush()
                if self.durable:
                    os.fsync(handle.fileno())
            self._head_path.write_text(json.dumps({"seq": record["seq"], "hash": record["hash"]}) + "\n")
        return AuditEntry.from_record(record)

    def entries(self) -> list[AuditEntry]:
        """Every entry, oldest first (unverified; see `verify`)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [AuditEntry.from_record(json.loads(line)) for line in handle if line.strip()]

    def tail(self, n: int = 20) -> list[AuditEntry]:
        """The last `n` entries, oldest first."""
        return self.entries()[-n:] if n > 0 else []

    def verify(self) -> VerifyReport:
        """Check the whole chain; report the first modified, deleted or reordered entry, and which."""
        if not self.path.exists():
            return self._check_head(0, GENESIS_HASH)
        with self.path.open(encoding="utf-8") as handle:
            lines = [(number, line) for number, line in enumerate(handle, start=1) if line.strip()]
        positions = _seq_positions(lines)
        prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
        for line_no, line in lines:
            problem = _check_line(line, expected_seq, prev_hash, positions)
            if problem:
                return VerifyReport(False, count, problem, line_no)
            record = json.loads(line)
            prev_hash, expected_seq, count = record["hash"], record["seq"] + 1, count + 1
        return self._check_head(count, prev_hash)

    def _check_head(self, count: int, last_hash: str) -> VerifyReport:
        if not self._head_path.exists():
            if count == 0:
                return VerifyReport(True, 0)
            return VerifyReport(False, count, f"the head file {self._head_path.name} is missing")
        head = json.loads(self._head_path.read_text())
        if head.get("seq") != count or head.get("hash") != last_hash:
            return VerifyReport(
                False, count, f"the log ends at entry {count} but {head.get('seq')} were written (entries deleted)"
            )
        return VerifyReport(True, count)
