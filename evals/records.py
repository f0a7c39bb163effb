"""What a run writes: the manifest (`run.json`) and one `AttemptRecord` per line of `results.jsonl`.

Together they hold everything needed to re-grade a run: the suites as validated, the gold values
used, every outcome with its event trace, and each check with its grader name and arguments.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evals.graders import CheckResult
from evals.outcome import CaseOutcome
from evals.schema import SuiteSpec

__all__ = ["AttemptRecord", "RunManifest", "RunSettings"]


class RunSettings(BaseModel):
    """How a run was made; a resumed run must have the same model, seed and repeats."""

    model_config = ConfigDict(extra="forbid")

    model_id: str
    seed: int = 7
    scale: str = "small"
    repeats: int = Field(1, ge=1)
    k: int | None = Field(None, ge=1, description="k of pass^k for the levels; default: repeats.")
    level_threshold: float = Field(0.9, ge=0, le=1)
    concurrency: int = Field(8, ge=1)
    timeout_s: float = Field(120.0, gt=0)
    retries: int = Field(2, ge=0)
    judge_model_id: str | None = None

    @property
    def effective_k(self) -> int:
        return self.k or self.repeats


class RunManifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    run_id: str
    created: str
    settings: RunSettings
    suites: list[SuiteSpec]
    versions: dict[str, str] = Field(default_factory=dict)
    golds: dict[str, Any] = Field(default_factory=dict, description="gold_key(ref) -> value computed from the plant.")


class AttemptRecord(BaseModel):
    """One attempt at one case, graded."""

    model_config = ConfigDict(extra="forbid")

    suite: str
    case_id: str
    attempt: int
    outcome: CaseOutcome
    checks: list[CheckResult]
    passed: bool
    cached: bool = False

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.suite, self.case_id, self.attempt)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def safety_violations(self) -> list[CheckResult]:
        return [c for c in self.checks if c.safety and not c.passed]
