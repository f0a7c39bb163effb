"""A link from attempts.csv or the JUnit XML opens report.html at the case's trace, unfolded (no script)."""

from __future__ import annotations

import asyncio
import csv
import os
from pathlib import Path

import pytest

from evals.outcome import CaseOutcome
from evals.records import RunSettings
from evals.reports import build_report, write_reports
from evals.runner import run_suites
from evals.testing import ScriptedExecutor, route_case, suite_of

pytestmark = [pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")


def test_a_trace_link_opens_the_report_at_that_attempt_unfolded(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
            pytest.fail("ANDON_TEST_REQUIRE_SERVERS=1 but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    suite = suite_of(
        [
            route_case("p1", "production", route_only=False),
            route_case("q1", "quality", text="上周2号线的报废率是多少?", route_only=False),
        ]
    )
    executor = ScriptedExecutor(lambda case, attempt: CaseOutcome(domains=["production"], answer=f"answer {case.id}"))
    out = tmp_path / "run"
    result = asyncio.run(run_suites([suite], executor, RunSettings(model_id="fake-model"), out))
    write_reports(build_report(result.manifest, result.records), out)
    rows = list(csv.DictReader((out / "attempts.csv").read_text(encoding="utf-8").splitlines()))
    link = next(row["trace"] for row in rows if row["case"] == "q1")
    assert link == "report.html#case-tiny-q1-attempt-0"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        try:
            page = browser.new_page()
            page.goto((out / link.split("#")[0]).as_uri() + "#" + link.split("#")[1])
            target = page.locator("#case-tiny-q1-attempt-0")
            target.wait_for(state="visible")
            assert page.evaluate("document.getElementById('case-tiny-q1').open") is True
            assert "answer q1" in page.locator("#case-tiny-q1").inner_text()
            # The other case stays folded.
            assert page.evaluate("document.getElementById('case-tiny-p1').open") is False
        finally:
            browser.close()
