"""Signed checkpoints of the audit chain's head, kept apart from the chain.

The hash chain alone shows a changed or removed entry in the middle, but whoever can write the log
can also cut its end off (and fix the head) or replace it wholesale with a new, self-consistent
chain. A checkpoint records the sequence number and hash of the newest entry at one moment, signed
with HMAC-SHA256 under a key the log's writers need not hold, in a file kept elsewhere (another
host, a write-once share). Later, every checkpoint must still match the chain: a chain shorter than
a checkpoint was truncated, a different hash at a checkpointed position means it was rewritten or
replaced. Entries written after the newest checkpoint have only the chain's own protection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tools.audit import GENESIS_HASH, AuditTrail, VerifyReport

__all__ = ["AuditCheckpoint", "CheckpointStore"]


@dataclass(frozen=True)
class AuditCheckpoint:
    """The chain's head at one moment: how many entries, the newest one's hash, when, and the signature."""

    seq: int
    hash: str
    ts: str
    signature: str = ""

    def signed_text(self) -> bytes:
        return json.dumps({"seq": self.seq, "hash": self.hash, "ts": self.ts}, sort_keys=True).encode("utf-8")


def _sign(key: bytes, checkpoint: AuditCheckpoint) -> str:
    return hmac.new(key, checkpoint.signed_text(), hashlib.sha256).hexdigest()


class CheckpointStore:
    """Checkpoints appended, one JSON line each, to `path` and signed with `key`."""

    def __init__(self, path: Path, key: bytes) -> None:
        if not key:
            raise ValueError("an audit checkpoint key is required / 需要审计检查点密钥")
        self.path = Path(path)
        self._key = key

    def checkpoints(self) -> list[AuditCheckpoint]:
        """Every checkpoint written, oldest first (signatures unchecked)."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                found.append(AuditCheckpoint(**{name: record[name] for name in ("seq", "hash", "ts", "signature")}))
        return found

    def write(self, trail: AuditTrail) -> AuditCheckpoint:
        """Check the chain, then record and sign its head; a broken chain is refused (ValueError)."""
        report = trail.verify()
        if not report.ok:
            raise ValueError(f"the chain is broken, no checkpoint written: {report.problem}")
        tail = trail.tail(1)
        head = tail[0] if tail else None
        checkpoint = AuditCheckpoint(
            seq=head.seq if head else 0,
            hash=head.hash if head else GENESIS_HASH,
            ts=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        signed = AuditCheckpoint(checkpoint.seq, checkpoint.hash, checkpoint.ts, _sign(self._key, checkpoint))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(signed), sort_keys=True) + "\n")
        return signed

    def verify(self, trail: AuditTrail) -> VerifyReport:
        """The chain's own check, then every checkpoint against it: forged, truncated or replaced."""
        report = trail.verify()
        if not report.ok:
            return report
        try:
            checkpoints = self.checkpoints()
        except (json.JSONDecodeError, KeyError, TypeError):
            return VerifyReport(False, report.entries, f"the checkpoint file {self.path.name} is not readable")
        hashes = {entry.seq: entry.hash for entry in trail.entries()} if checkpoints else {}
        for number, checkpoint in enumerate(checkpoints, start=1):
            if not hmac.compare_digest(checkpoint.signature, _sign(self._key, checkpoint)):
                return VerifyReport(
                    False,
                    report.entries,
                    f"checkpoint {number} ({checkpoint.ts}) has a bad signature (forged or key changed)",
                )
            if checkpoint.seq > report.entries:
                return VerifyReport(
                    False,
                    report.entries,
                    f"the chain ends at entry {report.entries} but checkpoint {number} ({checkpoint.ts}) saw entry "
                    f"{checkpoint.seq} (entries cut off the end)",
                )
            if checkpoint.seq and hashes.get(checkpoint.seq) != checkpoint.hash:
                return VerifyReport(
                    False,
                    report.entries,
                    f"entry {checkpoint.seq} is not the one checkpoint {number} ({checkpoint.ts}) saw "
                    "(the chain was rewritten or replaced)",
                )
        return VerifyReport(True, report.entries)
