"""Per-run figures computed from graded attempts: what the reports show and `--fail-under` compares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evals.metrics import OUT_OF_SCOPE, confusion_matrix, macro_f1, pass_at_k, pass_hat_k, percentile, route_label
from evals.records import AttemptRecord
from evals.schema import CaseSpec, SuiteSpec

__all__ = ["ANSWER_GRADERS", "CaseSummary", "RunSummary", "summarize"]

ANSWER_GRADERS = frozenset({"numeric", "contains", "regex", "gold_text"})


class CaseSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: str
    case_id: str
    agent: str | None
    level: str
    domains: list[str]
    tags: list[str]
    attempts: int
    passes: int
    passed: bool = Field(description="Every attempt passed.")
    reasons: list[str] = Field(default_factory=list, description="Why attempts failed (deduplicated).")
    safety_violations: int = 0


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


class RunSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cases: int
    attempts: int
    pass_rate: float | None = Field(description="Share of attempts that passed every check.")
    routing_accuracy: float | None
    routing_macro_f1: float | None
    multi_domain_exact_set: float | None = Field(
        None, description="Cases expecting several domains that were routed to exactly that set."
    )
    routing_labels: list[str]
    confusion: list[list[int]] = Field(description="confusion[expected][predicted], labels as routing_labels.")
    out_of_scope_recall: float | None
    tool_call_accuracy: float | None
    answer_accuracy: float | None
    citation_accuracy: float | None
    refusal_accuracy: float | None
    proposal_accuracy: float | None
    ungrounded_numbers: int
    answers_with_ungrounded_numbers: int
    safety_violations: int
    safety_violation_cases: list[str]
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latencies_ms: list[float]
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    errors: int
    pass_hat_k: dict[str, float | None] = Field(description="k -> pass^k over repeats (tau-bench).")
    pass_at_k: dict[str, float | None]
    by_domain: dict[str, dict[str, Any]]
    by_level: dict[str, dict[str, Any]]
    by_suite: dict[str, dict[str, Any]]
    case_results: list[CaseSummary]


def _check_rate(records: Sequence[AttemptRecord], graders: frozenset[str] | set[str]) -> float | None:
    """Attempts whose checks of these graders all passed, among attempts that have such checks."""
    relevant = [[c for c in r.checks if c.grader in graders] for r in records]
    relevant = [checks for checks in relevant if checks]
    return _rate(sum(1 for checks in relevant if all(c.passed for c in checks)), len(relevant))


def _groups(summaries: list[CaseSummary], key: str) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[CaseSummary]] = defaultdict(list)
    for summary in summaries:
        values = summary.domains if key == "domain" else [getattr(summary, key)]
        for value in values or ["(no route expected)"]:
            grouped[str(value)].append(summary)
    return {
        name: {
            "cases": len(items),
            "passed": sum(1 for s in items if s.passed),
            "pass_rate": _rate(sum(s.passes for s in items), sum(s.attempts for s in items)),
        }
        for name, items in sorted(grouped.items())
    }


def _routing(cases: dict[tuple[str, str], CaseSpec], records: Sequence[AttemptRecord]) -> dict[str, Any]:
    pairs: list[tuple[str, str]] = []
    for record in records:
        case = cases.get((record.suite, record.case_id))
        if case is None or not case.expect.domains or case.expect.domains_match != "exact":
            continue
        pairs.append((route_label(case.expect.domains), route_label(record.outcome.domains)))
    labels, counts = confusion_matrix(pairs)
    oos = [p for p in pairs if p[0] == OUT_OF_SCOPE]
    multi = [
        set(case.expect.domains) == set(record.outcome.domains)
        for record in records
        if (case := cases.get((record.suite, record.case_id))) is not None and len(case.expect.domains) > 1
    ]
    return {
        "routing_accuracy": _check_rate(records, {"route"}),
        "routing_macro_f1": macro_f1(pairs),
        "multi_domain_exact_set": _rate(sum(multi), len(multi)),
        "routing_labels": labels,
        "confusion": counts,
        "out_of_scope_recall": _rate(sum(1 for e, p in oos if e == p), len(oos)),
    }


def summarize(suites: Sequence[SuiteSpec], records: Sequence[AttemptRecord], *, repeats: int) -> RunSummary:
    """Every run-level figure from the graded attempts."""
    cases = {(s.suite, c.id): c for s in suites for c in s.cases}
    per_case: dict[tuple[str, str], list[AttemptRecord]] = defaultdict(list)
    for record in records:
        per_case[(record.suite, record.case_id)].append(record)
    summaries = []
    for (suite, case_id), case in cases.items():
        attempts = per_case.get((suite, case_id), [])
        if not attempts:
            continue
        reasons = list(dict.fromkeys(f"{c.grader}: {c.reason}" for a in attempts for c in a.failures))
        summaries.append(
            CaseSummary(
                suite=suite,
                case_id=case_id,
                agent=case.card_agent,
                level=case.level,
                domains=list(case.expect.domains),
                tags=list(case.tags),
                attempts=len(attempts),
                passes=sum(1 for a in attempts if a.passed),
                passed=all(a.passed for a in attempts),
                reasons=reasons,
                safety_violations=sum(len(a.safety_violations) for a in attempts),
            )
        )
    trials = [(s.attempts, s.passes) for s in summaries]
    latencies = [r.outcome.latency_ms for r in records if not r.outcome.error]
    ungrounded = [len(r.outcome.ungrounded_numbers) for r in records]
    return RunSummary(
        cases=len(summaries),
        attempts=len(records),
        pass_rate=_rate(sum(1 for r in records if r.passed), len(records)),
        **_routing(cases, records),
        tool_call_accuracy=_check_rate(records, {"tool_calls"}),
        answer_accuracy=_check_rate(records, ANSWER_GRADERS),
        citation_accuracy=_check_rate(records, {"citations"}),
        refusal_accuracy=_check_rate(records, {"refuse"}),
        proposal_accuracy=_check_rate(records, {"propose"}),
        ungrounded_numbers=sum(ungrounded),
        answers_with_ungrounded_numbers=sum(1 for n in ungrounded if n),
        safety_violations=sum(len(r.safety_violations) for r in records),
        safety_violation_cases=sorted({f"{r.suite}/{r.case_id}" for r in records if r.safety_violations}),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        latencies_ms=latencies,
        prompt_tokens=sum(r.outcome.usage.prompt_tokens for r in records),
        completion_tokens=sum(r.outcome.usage.completion_tokens for r in records),
        cost_usd=round(sum(r.outcome.usage.cost_usd for r in records), 6),
        errors=sum(1 for r in records if r.outcome.error),
        pass_hat_k={str(k): pass_hat_k(trials, k) for k in range(1, repeats + 1)},
        pass_at_k={str(k): pass_at_k(trials, k) for k in range(1, repeats + 1)},
        by_domain=_groups(summaries, "domain"),
        by_level=_groups(summaries, "level"),
        by_suite=_groups(summaries, "suite"),
        case_results=summaries,
    )
