"""Reports are written, parseable and complete; compare finds improvements and regressions by case."""

from __future__ import annotations

import asyncio
import json
from html.parser import HTMLParser
from pathlib import Path

from evals.graders import grade_case
from evals.outcome import CaseOutcome
from evals.records import RunSettings
from evals.reports import build_report, compare_runs, comparison_markdown, load_report, write_reports
from evals.runner import run_suites
from evals.schema import CaseSpec
from evals.testing import ScriptedExecutor, route_case, suite_of

SUITE = suite_of(
    [
        route_case("p1", "production", route_only=False),
        route_case("q1", "quality", text="上周2号线的报废率是多少?", route_only=False),
        route_case("k1", "knowledge", level="L1", text="换刀作业指导书第3步是什么?", route_only=False),
        route_case("o1", "out_of_scope", level="L1", text="明天天气怎么样?", route_only=False),
    ]
)


def route_to(mapping: dict[str, str]) -> ScriptedExecutor:
    def answer(case: CaseSpec, attempt: int) -> CaseOutcome:
        domain = mapping.get(case.id, case.expect.domains[0])
        return CaseOutcome(domains=[domain], latency_ms=100.0 + 10 * attempt, events=[{"type": "routed"}])

    return ScriptedExecutor(answer)


def make_run(out: Path, mapping: dict[str, str], repeats: int = 1) -> Path:
    settings = RunSettings(model_id="fake-model", repeats=repeats)
    result = asyncio.run(run_suites([SUITE], route_to(mapping), settings, out))
    write_reports(build_report(result.manifest, result.records), out)
    return out


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and "://" in value:
                self.external.append(value)


def test_json_report_holds_what_is_needed_to_regrade(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {"q1": "production"}, repeats=2)
    data = json.loads((run / "report.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert data["manifest"]["settings"]["model_id"] == "fake-model"
    assert data["manifest"]["settings"]["seed"] == 7
    assert [c["id"] for c in data["manifest"]["suites"][0]["cases"]] == ["p1", "q1", "k1", "o1"]
    summary = data["summary"]
    assert summary["routing_accuracy"] == 0.75
    assert summary["routing_labels"] == ["knowledge", "out_of_scope", "production", "quality"]
    assert summary["confusion"][3] == [0, 0, 2, 0]
    assert summary["out_of_scope_recall"] == 1.0
    assert summary["latency_p50_ms"] == 105.0
    assert summary["pass_hat_k"] == {"1": 0.75, "2": 0.75}
    # Re-grading an attempt from the report gives the same checks.
    report = load_report(run)
    case = report.manifest.suites[0].cases[1]
    attempt = next(a for a in report.attempts if a.case_id == "q1")
    assert grade_case(case, attempt.outcome, report.manifest.golds) == attempt.checks


def test_cards_in_the_report_show_levels(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {"q1": "production"})
    report = load_report(run)
    grades = {card.agent: card.grade for card in report.cards}
    assert grades == {
        "production": "L2",
        "quality": None,
        "maintenance": None,
        "equipment": None,
        "supply_chain": None,
        "knowledge": "L1",
    }


def test_html_is_self_contained_and_shows_the_card_and_charts(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {"q1": "production"})
    html = (run / "report.html").read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(html)
    assert parser.external == []
    assert "script" not in parser.tags
    assert parser.tags.count("svg") == 4  # domain bars, level bars, confusion heat map, latency histogram
    assert "分类分级卡" in html
    assert '<span class="grade">L2</span>' in html
    assert "tiny/q1" in html


def test_markdown_summary_lists_failures(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {"q1": "production"})
    text = (run / "summary.md").read_text(encoding="utf-8")
    # macro-F1: production 2/3, quality 0, knowledge 1, out_of_scope 1 -> 2.667 / 4
    assert "| routing accuracy / macro-F1 | 75.0% / 66.7% |" in text
    assert "- `tiny/q1` (L2): route: routed to ['production'], expected ['quality'] (exact)" in text


def test_report_can_be_rebuilt_from_results_when_report_json_is_missing(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {})
    (run / "report.json").unlink()
    assert load_report(run).summary.pass_rate == 1.0


def test_compare_reports_improved_and_regressed_cases(tmp_path: Path) -> None:
    a = load_report(make_run(tmp_path / "a", {"q1": "production"}))
    b = load_report(make_run(tmp_path / "b", {"p1": "quality"}))
    comparison = compare_runs(a, b)
    assert [(c.case, c.change) for c in comparison.changes] == [("tiny/p1", "regressed"), ("tiny/q1", "improved")]
    assert comparison.unchanged == 2
    assert comparison.grades["production"] == ("L2", None)
    text = comparison_markdown(comparison)
    assert "## Regressed / 退步 (1)" in text
    assert "- `tiny/p1`: 100.0% → 0.0% — route: routed to ['quality'], expected ['production'] (exact)" in text


def test_attempts_csv_has_one_row_per_attempt_linking_to_its_trace(tmp_path: Path) -> None:
    import csv

    from evals.reports import CSV_COLUMNS

    run = make_run(tmp_path / "run", {"q1": "production"}, repeats=2)
    rows = list(csv.DictReader((run / "attempts.csv").read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == 8  # 4 cases x 2 attempts
    q1 = [r for r in rows if r["case"] == "q1"]
    assert [(r["attempt"], r["passed"], r["routed"], r["latency_ms"]) for r in q1] == [
        ("0", "false", "production", "100.0"),
        ("1", "false", "production", "110.0"),
    ]
    assert q1[0]["failed_checks"] == "route: routed to ['production'], expected ['quality'] (exact)"
    assert q1[0]["level"] == "L2"
    assert q1[1]["trace"] == "report.html#case-tiny-q1-attempt-1"
    html = (run / "report.html").read_text(encoding="utf-8")
    assert 'id="case-tiny-q1-attempt-1"' in html
    assert 'id="case-tiny-q1"' in html
    assert sum(r["passed"] == "true" for r in rows) == 6


def test_junit_xml_has_one_testcase_per_case_and_fails_the_failed_ones(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from evals.reports import render_junit

    run = make_run(tmp_path / "run", {"q1": "production"}, repeats=2)
    root = ET.fromstring(render_junit(load_report(run)))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "tiny"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == ["p1", "q1", "k1", "o1"]
    assert cases["q1"].get("classname") == "tiny.L2"
    assert cases["q1"].get("time") == "0.210"  # 100 ms + 110 ms
    failure = cases["q1"].find("failure")
    assert failure is not None
    assert failure.get("message") == "2/2 attempts failed"
    assert failure.get("type") == "route"
    assert failure.text == (
        "attempt 0: route: routed to ['production'], expected ['quality'] (exact)\n"
        "attempt 1: route: routed to ['production'], expected ['quality'] (exact)"
    )
    assert cases["p1"].find("failure") is None
    trace = cases["k1"].find("properties/property[@name='trace']")
    assert trace is not None
    assert trace.get("value") == "report.html#case-tiny-k1"
