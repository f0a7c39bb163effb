"""Importers turn external benchmarks into validated suites (evaluation only, never training data)."""

from __future__ import annotations

from pathlib import Path

from evals.errors import SuiteError
from evals.importers.assetopsbench import import_assetopsbench
from evals.schema import SuiteSpec

__all__ = ["import_assetopsbench", "import_external"]


def import_external(reference: str) -> SuiteSpec:
    """`assetopsbench:/path/to/dir` (routing checks) or `assetopsbench+behaviour:/path` (through the agents)."""
    kind, _, location = reference.partition(":")
    if kind in ("assetopsbench", "assetopsbench+behaviour"):
        return import_assetopsbench(Path(location), behaviour=kind.endswith("+behaviour"))
    raise SuiteError(f"unknown external suite kind {kind!r} (known: assetopsbench) / 未知的外部评测集")
