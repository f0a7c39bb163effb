"""JUnit XML of a run, for CI systems: one test suite per eval suite, one test case per eval case.

A case fails when any of its attempts fails; the failure message lists the failed checks of each
failed attempt, and every case links to its block of `report.html` (a `<property name="trace">`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from evals.reports.anchors import case_link

if TYPE_CHECKING:
    from evals.records import AttemptRecord
    from evals.reports.model import RunReport

__all__ = ["render_junit"]


def _failure_text(attempts: list[AttemptRecord]) -> str:
    lines = []
    for attempt in attempts:
        if attempt.passed:
            continue
        reasons = [f"{c.grader}: {c.reason}" + (" (safety)" if c.safety else "") for c in attempt.failures]
        if attempt.outcome.error:
            reasons.append(f"error: {attempt.outcome.error}")
        lines.append(f"attempt {attempt.attempt}: " + "; ".join(reasons or ["failed"]))
    return "\n".join(lines)


def render_junit(report: RunReport) -> str:
    """The run as a JUnit XML document (a `<testsuites>` root)."""
    # Suites and cases in the order the suites list them (records arrive in completion order).
    grouped: dict[str, dict[str, list[AttemptRecord]]] = {
        spec.suite: {case.id: [] for case in spec.cases} for spec in report.manifest.suites
    }
    for record in sorted(report.attempts, key=lambda r: r.attempt):
        grouped.setdefault(record.suite, {}).setdefault(record.case_id, []).append(record)
    grouped = {suite: {c: a for c, a in cases.items() if a} for suite, cases in grouped.items()}
    grouped = {suite: cases for suite, cases in grouped.items() if cases}
    levels = {(s.suite, c.id): c.level for s in report.manifest.suites for c in s.cases}
    model = report.manifest.settings.model_id
    root = ET.Element("testsuites", name=f"andon eval {report.manifest.run_id}")
    total_tests = total_failures = 0
    total_time = 0.0
    for suite, cases in grouped.items():
        element = ET.SubElement(root, "testsuite", name=suite)
        failures = 0
        suite_time = 0.0
        for case_id, attempts in cases.items():
            seconds = sum(a.outcome.latency_ms for a in attempts) / 1000.0
            suite_time += seconds
            case = ET.SubElement(
                element, "testcase", classname=f"{suite}.{levels.get((suite, case_id), '')}", name=case_id
            )
            case.set("time", f"{seconds:.3f}")
            properties = ET.SubElement(case, "properties")
            ET.SubElement(properties, "property", name="trace", value=case_link(suite, case_id))
            ET.SubElement(properties, "property", name="model", value=model)
            if not all(a.passed for a in attempts):
                failures += 1
                failed = [a for a in attempts if not a.passed]
                first = failed[0].failures[0].grader if failed[0].failures else "error"
                failure = ET.SubElement(case, "failure", message=f"{len(failed)}/{len(attempts)} attempts failed")
                failure.set("type", first)
                failure.text = _failure_text(attempts)
        element.set("tests", str(len(cases)))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("time", f"{suite_time:.3f}")
        total_tests += len(cases)
        total_failures += failures
        total_time += suite_time
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
