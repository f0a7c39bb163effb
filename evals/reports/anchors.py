"""Stable anchors of `report.html`: each case and each attempt's trace has one, so other files can link to it."""

from __future__ import annotations

import re

__all__ = ["REPORT_HTML", "case_anchor", "case_link", "trace_anchor", "trace_link"]

REPORT_HTML = "report.html"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def case_anchor(suite: str, case_id: str) -> str:
    """The HTML id of a case's block: `case-<suite>-<case id>` with unsafe characters as `-`."""
    return f"case-{_slug(suite)}-{_slug(case_id)}"


def trace_anchor(suite: str, case_id: str, attempt: int) -> str:
    """The HTML id of one attempt's trace inside the case's block."""
    return f"{case_anchor(suite, case_id)}-attempt-{attempt}"


def case_link(suite: str, case_id: str) -> str:
    return f"{REPORT_HTML}#{case_anchor(suite, case_id)}"


def trace_link(suite: str, case_id: str, attempt: int) -> str:
    return f"{REPORT_HTML}#{trace_anchor(suite, case_id, attempt)}"
