"""The JSON report (`report.json`): everything needed to re-grade a run.

Schema (version 1)::

    {
      "schema_version": 1,
      "manifest": {                     # evals.records.RunManifest
        "run_id", "created",
        "settings": {model_id, seed, scale, repeats, k, level_threshold, concurrency, timeout_s, retries,
                     judge_model_id},
        "suites": [SuiteSpec ...],      # every case: inputs and expectations, as validated
        "versions": {package: version},
        "golds": {gold_key: value}      # gold values computed from the plant (seed above)
      },
      "summary": RunSummary,            # routing accuracy, macro-F1, confusion, latency, pass^k, ...
      "cards": [AgentCard ...],         # classification & grade per agent
      "attempts": [AttemptRecord ...]   # outcome (answer, tool calls, citations, proposals, events)
                                        # and checks (grader, args, passed, reason, safety)
    }

Re-grading: for each attempt, `evals.graders.grade_case(case, attempt.outcome, manifest.golds)`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from evals.errors import EvalError
from evals.records import RunManifest
from evals.reports.csv_report import ATTEMPTS_CSV, render_attempts_csv
from evals.reports.html_report import render_html
from evals.reports.markdown import render_markdown
from evals.reports.model import REPORT_FILE, RunReport, build_report
from evals.runner import MANIFEST_FILE, load_records

__all__ = ["load_report", "write_reports"]


def write_reports(report: RunReport, out_dir: Path) -> dict[str, Path]:
    """report.json, report.html, summary.md and attempts.csv in the run folder."""
    paths = {
        "json": out_dir / REPORT_FILE,
        "html": out_dir / "report.html",
        "markdown": out_dir / "summary.md",
        "csv": out_dir / ATTEMPTS_CSV,
    }
    paths["json"].write_text(report.model_dump_json(indent=1), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    paths["markdown"].write_text(render_markdown(report), encoding="utf-8")
    paths["csv"].write_text(render_attempts_csv(report), encoding="utf-8")
    return paths


def load_report(run: Path) -> RunReport:
    """A run's report from its folder (report.json, or rebuilt from run.json + results.jsonl) or a JSON file."""
    path = run / REPORT_FILE if run.is_dir() else run
    try:
        if path.exists():
            return RunReport.model_validate_json(path.read_text(encoding="utf-8"))
        if run.is_dir() and (run / MANIFEST_FILE).exists():
            manifest = RunManifest.model_validate_json((run / MANIFEST_FILE).read_text(encoding="utf-8"))
            return build_report(manifest, load_records(run))
    except (ValidationError, ValueError) as exc:
        raise EvalError(f"{path}: not an Andon eval report ({str(exc).splitlines()[0]}) / 不是评测报告") from None
    raise EvalError(f"{run}: no eval run here (expected {REPORT_FILE} or {MANIFEST_FILE}) / 找不到评测运行")
