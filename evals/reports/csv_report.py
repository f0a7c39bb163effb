"""`attempts.csv`: one row per attempt (in the suites' order), for spreadsheets and other tools.

Columns: suite, case, level, attempt, passed, failed checks (grader: reason, `; `-separated), safety
violations, routed domains, tool calls, latency in ms, prompt and completion tokens, cost, cached,
error, and the link to the attempt's trace in `report.html`.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from evals.reports.anchors import trace_link

if TYPE_CHECKING:
    from evals.reports.model import RunReport

__all__ = ["ATTEMPTS_CSV", "CSV_COLUMNS", "render_attempts_csv"]

ATTEMPTS_CSV = "attempts.csv"

CSV_COLUMNS = [
    "suite",
    "case",
    "level",
    "attempt",
    "passed",
    "failed_checks",
    "safety_violations",
    "routed",
    "tool_calls",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "cached",
    "error",
    "trace",
]


def render_attempts_csv(report: RunReport) -> str:
    """Every attempt of the run as CSV text (with a header row)."""
    levels = {(s.suite, c.id): c.level for s in report.manifest.suites for c in s.cases}
    order = {key: index for index, key in enumerate(levels)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    records = sorted(report.attempts, key=lambda r: (order.get((r.suite, r.case_id), len(order)), r.attempt))
    for record in records:
        outcome = record.outcome
        writer.writerow(
            [
                record.suite,
                record.case_id,
                levels.get((record.suite, record.case_id), ""),
                record.attempt,
                "true" if record.passed else "false",
                "; ".join(f"{c.grader}: {c.reason}" for c in record.failures),
                len(record.safety_violations),
                " ".join(outcome.domains),
                " ".join(call.name for call in outcome.tool_calls),
                round(outcome.latency_ms, 1),
                outcome.usage.prompt_tokens,
                outcome.usage.completion_tokens,
                round(outcome.usage.cost_usd, 6),
                "true" if record.cached else "false",
                outcome.error or "",
                trace_link(record.suite, record.case_id, record.attempt),
            ]
        )
    return buffer.getvalue()
