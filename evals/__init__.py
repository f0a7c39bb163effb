"""Graded evaluation harness: suites, runner, graders, metrics, levels (classification & grading) and reports.

    suites = load_suites(["routing", "data_questions"])
    result = asyncio.run(run_suites(suites, executor, RunSettings(model_id="offline"), Path("run")))
    write_reports(build_report(result.manifest, result.records), Path("run"))

Suite format: `evals.schema` (and evals/SUITES.md). Report format: `evals.reports.json_report`.
"""

from evals.cache import ResponseCache, cache_key, source_fingerprint
from evals.errors import EvalError, GoldError, JudgeError, SuiteError
from evals.executor import CaseExecutor, TransportError, is_transport_error
from evals.executors import AssistantExecutor, CompositeExecutor, RouterExecutor, outcome_from_events
from evals.graders import CheckResult, grade_case
from evals.judge import LLMJudge
from evals.levels import AgentCard, card_json, grade_agents
from evals.loader import builtin_suites, load_suite, load_suites, resolve_suite
from evals.metrics import confusion_matrix, macro_f1, pass_at_k, pass_hat_k, percentile
from evals.outcome import CaseOutcome, CitationRecord, ProposalRecord, ToolCallRecord, Usage
from evals.records import AttemptRecord, RunManifest, RunSettings
from evals.reports import (
    RunComparison,
    RunReport,
    build_report,
    compare_runs,
    comparison_markdown,
    load_report,
    write_reports,
)
from evals.runner import Judge, RunResult, compute_golds, load_records, run_suites
from evals.schema import CaseSpec, GoldRef, SuiteSpec
from evals.summary import RunSummary, summarize
from evals.workers import ExecutorFactory, ProcessExecutor, RemoteCaseError

__all__ = [
    "AgentCard",
    "AssistantExecutor",
    "AttemptRecord",
    "CaseExecutor",
    "CaseOutcome",
    "CaseSpec",
    "CheckResult",
    "CitationRecord",
    "CompositeExecutor",
    "EvalError",
    "ExecutorFactory",
    "GoldError",
    "GoldRef",
    "Judge",
    "JudgeError",
    "LLMJudge",
    "ProcessExecutor",
    "ProposalRecord",
    "RemoteCaseError",
    "ResponseCache",
    "RouterExecutor",
    "RunComparison",
    "RunManifest",
    "RunReport",
    "RunResult",
    "RunSettings",
    "RunSummary",
    "SuiteError",
    "SuiteSpec",
    "ToolCallRecord",
    "TransportError",
    "Usage",
    "build_report",
    "builtin_suites",
    "cache_key",
    "card_json",
    "compare_runs",
    "comparison_markdown",
    "compute_golds",
    "confusion_matrix",
    "grade_agents",
    "grade_case",
    "is_transport_error",
    "load_records",
    "load_report",
    "load_suite",
    "load_suites",
    "macro_f1",
    "outcome_from_events",
    "pass_at_k",
    "pass_hat_k",
    "percentile",
    "resolve_suite",
    "run_suites",
    "source_fingerprint",
    "summarize",
    "write_reports",
]
