"""Response cache: a re-run with the same model, inputs and plant seed reuses the recorded outcome.

Keys hash the model id, the case's inputs (messages, language, user, role, route-only), the plant
seed and the attempt number (so repeats stay distinct but each is reproducible), plus a salt: the
offline model is code, so the CLI salts the cache with a fingerprint of the system's sources and a
changed agent is never graded on its predecessor's answers. Entries are small JSON files written
atomically; failed attempts are never cached.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from evals.outcome import CaseOutcome
from evals.schema import CaseSpec

__all__ = ["ResponseCache", "cache_key", "source_fingerprint"]


def cache_key(model_id: str, case: CaseSpec, seed: int, attempt: int, salt: str = "") -> str:
    """Stable hash of everything that decides what the model under test sees."""
    material = {
        "salt": salt,
        "model": model_id,
        "messages": case.messages,
        "lang": case.lang,
        "user": case.user,
        "role": case.role,
        "scopes": case.scopes,
        "route_only": case.expect.route_only,
        "seed": seed,
        "attempt": attempt,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ResponseCache:
    """Outcomes on disk under `root`, one file per key."""

    def __init__(self, root: Path, salt: str = "") -> None:
        self.root = root
        self.salt = salt

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> CaseOutcome | None:
        path = self._path(key)
        try:
            return CaseOutcome.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A missing or half-written entry is a miss, not an error.
            return None

    def put(self, key: str, outcome: CaseOutcome) -> None:
        if outcome.error:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(outcome.model_dump_json(), encoding="utf-8")
        tmp.replace(path)


_SOURCE_SUFFIXES = (".py", ".yaml", ".jsonl", ".json", ".md", ".html")


def source_fingerprint(roots: list[Path], suffixes: tuple[str, ...] = _SOURCE_SUFFIXES) -> str:
    """Hash of the files under `roots` (paths and contents): changes whenever the system under test does."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in suffixes and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
