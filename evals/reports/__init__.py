"""Reports of a run: JSON (complete, re-gradable), self-contained HTML, Markdown for CI logs, CSV of the attempts,
JUnit XML for CI systems, and comparison."""

from evals.reports.anchors import case_anchor, case_link, trace_anchor, trace_link
from evals.reports.compare import CaseChange, RunComparison, compare_runs, comparison_markdown
from evals.reports.csv_report import ATTEMPTS_CSV, CSV_COLUMNS, render_attempts_csv
from evals.reports.html_report import render_html
from evals.reports.json_report import load_report, write_reports
from evals.reports.junit import render_junit
from evals.reports.markdown import render_markdown
from evals.reports.model import REPORT_SCHEMA_VERSION, RunReport, build_report

__all__ = [
    "ATTEMPTS_CSV",
    "CSV_COLUMNS",
    "REPORT_SCHEMA_VERSION",
    "CaseChange",
    "RunComparison",
    "RunReport",
    "build_report",
    "case_anchor",
    "case_link",
    "compare_runs",
    "comparison_markdown",
    "load_report",
    "render_attempts_csv",
    "render_html",
    "render_junit",
    "render_markdown",
    "trace_anchor",
    "trace_link",
    "write_reports",
]
