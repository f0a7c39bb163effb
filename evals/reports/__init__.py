"""Reports of a run: JSON (complete, re-gradable), self-contained HTML, Markdown for CI logs, and comparison."""

from evals.reports.compare import CaseChange, RunComparison, compare_runs, comparison_markdown
from evals.reports.html_report import render_html
from evals.reports.json_report import REPORT_SCHEMA_VERSION, RunReport, build_report, load_report, write_reports
from evals.reports.markdown import render_markdown

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "CaseChange",
    "RunComparison",
    "RunReport",
    "build_report",
    "compare_runs",
    "comparison_markdown",
    "load_report",
    "render_html",
    "render_markdown",
    "write_reports",
]
