"""The report of a run as one typed object: the manifest, the summary, the agents' cards and every attempt
(its JSON form is `report.json`, see `evals.reports.json_report`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from evals.levels import AgentCard, grade_agents
from evals.records import AttemptRecord, RunManifest
from evals.summary import RunSummary, summarize

__all__ = ["REPORT_FILE", "REPORT_SCHEMA_VERSION", "RunReport", "build_report"]

REPORT_SCHEMA_VERSION = 1
REPORT_FILE = "report.json"


class RunReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = REPORT_SCHEMA_VERSION
    manifest: RunManifest
    summary: RunSummary
    cards: list[AgentCard]
    attempts: list[AttemptRecord]


def build_report(manifest: RunManifest, records: list[AttemptRecord]) -> RunReport:
    """Summary and cards computed from the graded attempts."""
    settings = manifest.settings
    return RunReport(
        manifest=manifest,
        summary=summarize(manifest.suites, records, repeats=settings.repeats),
        cards=grade_agents(manifest.suites, records, k=settings.effective_k, threshold=settings.level_threshold),
        attempts=records,
    )
