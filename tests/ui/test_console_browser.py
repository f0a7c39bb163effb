"""The operator console in a real browser: sign in, ask in Chinese and English, see the streamed
answer with its trace and a chart, approve and reject proposals, switch language, upload a
document and find it, and check an operator never sees an engineer-only document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

# Generous: on a machine busy with other work a turn waits its turn; only a wrong page fails a test.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]


def sign_in(page: Any, user: str, password: str | None = None) -> None:
    page.locator("#login-user textarea, #login-user input").first.fill(user)
    page.locator("#login-password input").fill(password if password is not None else user)
    page.locator("#login-button").click()
    page.locator("#logout-button").wait_for(state="visible")


def bot_messages(page: Any) -> list[str]:
    texts: list[str] = page.locator("#chatbot [data-testid='bot']").all_inner_texts()
    return [text.strip() for text in texts]


def ask(page: Any, question: str) -> str:
    """Send a question and wait for the turn to finish; the answer text."""
    before = len(bot_messages(page))
    box = page.locator("#question textarea")
    box.fill(question)
    page.locator("#send").click()
    # The status line shows "Working…" while the turn streams and "✓ Done · N ms" when it has ended.
    page.wait_for_function(
        """([before]) => {
            const bots = document.querySelectorAll("#chatbot [data-testid='bot']");
            const status = document.querySelector("#turn-status");
            return bots.length >= before + 2 && status !== null && status.innerText.includes("✓");
        }""",
        arg=[before],
        timeout=600_000,
    )
    return bot_messages(page)[before]


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"console-{name}.png"), full_page=True)


def test_sign_in_rejects_a_wrong_password(page: Any, artifacts_dir: Path) -> None:
    page.locator("#login-user textarea, #login-user input").first.fill("engineer")
    page.locator("#login-password input").fill("not-the-password")
    page.locator("#login-button").click()
    page.locator("#login-error").get_by_text("wrong password").wait_for()
    assert not page.locator("#chatbot").is_visible()
    shot(page, artifacts_dir, "login-failed")


def test_english_question_streams_an_answer_with_trace_and_chart(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "engineer")
    answer = ask(page, "Top downtime reasons on line 2 last week")
    assert re.search(r"\d", answer), answer
    trace = page.locator("#chatbot").get_by_text(re.compile(r"Trace: production"))
    assert trace.count() >= 1
    page.locator("#bar-chart").wait_for(state="visible")
    assert "downtime_event" in page.locator("#evidence").inner_text()
    shot(page, artifacts_dir, "en-downtime-pareto")


def test_chinese_question_gets_a_chinese_answer_with_figures(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "operator")
    answer = ask(page, "2号线昨天的OEE是多少？")
    assert re.search(r"[\u4e00-\u9fff]", answer), answer
    assert re.search(r"\d+(\.\d+)?\s*%", answer), answer
    assert page.locator("#chatbot").get_by_text(re.compile(r"过程：production")).count() >= 1
    shot(page, artifacts_dir, "zh-oee")


def test_language_switch_changes_the_labels(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "operator")
    assert page.locator("#send").inner_text().strip() == "Ask"
    page.locator("#language").get_by_text("中文").click()
    page.wait_for_function("() => document.querySelector('#send').innerText.trim() === '提问'")
    assert page.locator("#new-chat").inner_text().strip() == "新对话"
    assert page.get_by_role("tab", name="知识库").count() == 1
    shot(page, artifacts_dir, "zh-labels")


def _propose(page: Any) -> None:
    ask(page, "Please raise a maintenance request for CNC-03: vibration keeps rising")
    page.locator("#proposal-card").get_by_text(re.compile(r"#\d+")).wait_for()


def test_engineer_approves_a_proposal_and_the_outcome_is_audited(page: Any, artifacts_dir: Path, console: Any) -> None:
    sign_in(page, "engineer")
    _propose(page)
    shot(page, artifacts_dir, "proposal-card")
    page.locator("#approve").click()
    page.wait_for_function(
        "() => /approved|executed|已批准|已执行/i.test(document.querySelector('#chatbot').innerText)", timeout=600_000
    )
    from tools import AuditLog

    events = [entry.event for entry in AuditLog(console.data_home / "audit.jsonl").entries()]
    assert any("approv" in event for event in events), events
    shot(page, artifacts_dir, "proposal-approved")


def test_engineer_rejects_a_proposal(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "engineer")
    _propose(page)
    page.locator("#reject-reason textarea").fill("already scheduled for Friday")
    page.locator("#reject").click()
    page.wait_for_function("() => /rejected|驳回/i.test(document.querySelector('#chatbot').innerText)", timeout=600_000)
    shot(page, artifacts_dir, "proposal-rejected")


def test_operator_cannot_approve(page: Any) -> None:
    sign_in(page, "operator")
    _propose(page)
    assert not page.locator("#approve").is_visible()
    assert "engineer" in page.locator("#proposal-card").inner_text()


def test_uploaded_document_is_found_by_a_question(page: Any, artifacts_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "coolant.md"
    doc.write_text(
        "---\nid: WI-TEST-COOLANT\ntitle: Coolant concentration check\ntype: work_instruction\nlanguage: en\n"
        'version: "1.0"\naccess_level: operator\n---\n# Coolant concentration check\n\n'
        "## 1 Refractometer reading\nRead the refractometer RF-2290; the coolant concentration must be 6 to 8 Brix.\n",
        encoding="utf-8",
    )
    sign_in(page, "engineer")
    page.get_by_role("tab", name="Knowledge").click()
    page.locator("#upload input[type='file']").set_input_files(str(doc))
    page.locator("#ingest").click()
    page.locator("#ingest-report").get_by_text(re.compile(r"1 added")).wait_for(timeout=600_000)
    assert "WI-TEST-COOLANT" in page.locator("#documents").inner_text()
    page.get_by_role("tab", name="Chat").click()
    ask(page, "How do I check the coolant concentration with the refractometer RF-2290?")
    assert "WI-TEST-COOLANT" in page.locator("#evidence").inner_text()
    shot(page, artifacts_dir, "uploaded-document-cited")


def _download(page: Any, locator: Any) -> Any:
    with page.expect_download() as info:
        locator.click()
    return info.value


def _csv_rows(download: Any) -> list[list[str]]:
    import csv

    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(text.splitlines()))


def test_answers_copy_tables_download_as_csv_and_charts_as_png(page: Any, artifacts_dir: Path, console: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.url.rstrip("/"))
    sign_in(page, "engineer")
    answer = ask(page, "Top downtime reasons on line 2 last week")
    assert "downtime 4922 min, stops 623" in answer
    copied = []
    for button in page.locator("#chatbot button[aria-label='Copy message']").all():
        button.click()
        copied.append(page.evaluate("navigator.clipboard.readText()"))
    assert any("D-401 Minor stop: part jam: downtime 961 min" in text for text in copied), copied

    page.locator("#data-table-csv").wait_for(state="visible")
    table = _download(page, page.locator("#data-table-csv"))
    assert table.suggested_filename == "andon-data.csv"
    header, *rows = _csv_rows(table)
    assert header == ["reason", "name_en", "name_zh", "category", "minutes", "events", "share", "cumulative_share"]
    first = ["D-401", "Minor stop: part jam", "小停机：卡料", "minor_stop", "961", "219", "0.195246", "0.195246"]
    assert rows[0] == first
    assert [row[0] for row in rows] == ["D-401", "D-403", "D-201", "D-402", "D-301", "D-501", "D-302", "D-202", "D-502"]
    # The same totals as the answer: 4922 minutes in 623 stops.
    assert (sum(int(row[4]) for row in rows), sum(int(row[5]) for row in rows)) == (4922, 623)

    chart = _download(page, page.locator("#bar-chart button[aria-label='Export']"))
    png = Path(chart.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 200
    assert height > 100
    (artifacts_dir / "console-chart-export.png").write_bytes(png)

    page.get_by_role("tab", name="Knowledge").click()
    page.locator("#refresh-documents").click()
    page.locator("#documents").get_by_text("MM-TEST-SERVO").wait_for()
    header, *rows = _csv_rows(_download(page, page.locator("#documents-csv")))
    assert header[0] == "id"
    assert {"SOP-TEST-HOIST", "MM-TEST-SERVO"} <= {row[0] for row in rows}


def test_a_first_visit_follows_the_browsers_locale_then_the_users_choice(browser: Any, console: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(180_000)
    try:
        page = context.new_page()
        page.goto(console.url)
        page.wait_for_function("() => document.querySelector('#login-button')?.innerText.trim() === '登录'")
        assert page.locator("#language input[value='zh']").is_checked()
        page.locator("#language").get_by_text("English").click()
        page.wait_for_function("() => document.querySelector('#login-button')?.innerText.trim() === 'Sign in'")
        page.reload()
        page.locator("#login-button").wait_for()
        page.wait_for_timeout(2_000)  # the first-visit check runs on load; the user's choice must win
        assert page.locator("#login-button").inner_text().strip() == "Sign in"
        sign_in(page, "operator")
        assert page.locator("#send").inner_text().strip() == "Ask"
    finally:
        context.close()


def test_operator_never_sees_an_engineer_only_document(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "operator")
    ask(page, "What is the turret servo gain code ZX-4417 range after tuning?")
    evidence = page.locator("#evidence").inner_text()
    chat = page.locator("#chatbot").inner_text()
    assert "MM-TEST-SERVO" not in evidence
    assert "42 and 48" not in chat
    page.get_by_role("tab", name="Knowledge").click()
    page.locator("#refresh-documents").click()
    page.locator("#documents").get_by_text("SOP-TEST-HOIST").wait_for()
    assert "MM-TEST-SERVO" not in page.locator("#documents").inner_text()
    shot(page, artifacts_dir, "operator-documents")


def test_audit_tab_is_for_supervisors_only(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "operator")
    page.get_by_role("tab", name="Audit").click()
    page.locator("#refresh-audit").click()
    page.locator("#audit-note").get_by_text("supervisors and above").wait_for()
    page.locator("#logout-button").click()
    sign_in(page, "supervisor")
    page.get_by_role("tab", name="Chat").click()
    ask(page, "What was the OEE of line 1 yesterday?")
    page.get_by_role("tab", name="Audit").click()
    page.locator("#refresh-audit").click()
    page.locator("#audit-table").get_by_text("oee").first.wait_for()
    assert "supervisor" in page.locator("#audit-table").inner_text()
    shot(page, artifacts_dir, "audit")


def test_evaluations_tab_runs_a_suite_and_shows_the_card(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "engineer")
    page.get_by_role("tab", name="Evaluations").click()
    page.locator("#eval-suite input").fill("analysis")
    page.keyboard.press("Enter")
    page.locator("#run-eval").click()
    page.locator("#eval-card").get_by_text(re.compile(r"L[1-5]")).first.wait_for(timeout=900_000)
    assert "report.html" in page.locator("#eval-report textarea, #eval-report input").first.input_value()
    shot(page, artifacts_dir, "evaluations")


def _new_page(browser: Any, console: Any) -> Any:
    """A page in a browser context of its own: another person at another PC (no shared cookies or storage)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.set_default_timeout(180_000)
    opened = context.new_page()
    opened.goto(console.url)
    return opened


def _open_approvals(page: Any) -> None:
    page.get_by_role("tab", name="Approvals").click()
    page.locator("#approvals-note").get_by_text(re.compile(r"wait for your decision|No proposal waits")).wait_for()


def _choose(page: Any, proposal_id: str) -> None:
    page.locator("#approvals-choice input").click()
    page.get_by_role("option", name=re.compile(rf"^#{proposal_id} ")).click()


def test_an_operators_proposal_reaches_a_supervisor_in_a_fresh_browser(
    browser: Any, console: Any, artifacts_dir: Path
) -> None:
    operator = _new_page(browser, console)
    engineer = _new_page(browser, console)
    supervisor = _new_page(browser, console)
    try:
        sign_in(operator, "operator")
        ask(operator, "给ROB-01报修：抓手真空经常丢失")
        card = operator.locator("#proposal-card").inner_text()
        proposal_id = re.search(r"#(\d+)", card).group(1)  # type: ignore[union-attr]
        assert not operator.locator("#approve").is_visible()  # an operator may not approve it

        # An engineer opened the list before anyone decided: the proposal is there.
        sign_in(engineer, "engineer")
        _open_approvals(engineer)
        engineer.locator("#approvals-table").get_by_text("ROB-01").first.wait_for()

        # The supervisor, at another PC, sees it, checks it and approves it.
        sign_in(supervisor, "supervisor")
        _open_approvals(supervisor)
        table = supervisor.locator("#approvals-table")
        table.get_by_text("抓手真空经常丢失").first.wait_for()
        assert "operator (operator)" in table.inner_text()
        _choose(supervisor, proposal_id)
        supervisor.locator("#approvals-card").get_by_text(f"#{proposal_id} · Maintenance request for ROB-01").wait_for()
        shot(supervisor, artifacts_dir, "approvals-list")
        supervisor.locator("#approvals-approve").click()
        supervisor.locator("#approvals-result").get_by_text(f"Approved #{proposal_id}").wait_for()
        assert "Created maintenance work order WO-" in supervisor.locator("#approvals-result").inner_text()
        supervisor.wait_for_function(
            "([id]) => !document.querySelector('#approvals-table').innerText.includes('抓手真空经常丢失')",
            arg=[proposal_id],
        )
        shot(supervisor, artifacts_dir, "approvals-approved")

        # The engineer's list is now out of date; deciding from it says who decided, and changes nothing.
        _choose(engineer, proposal_id)
        engineer.locator("#approvals-reason textarea").fill("not needed")
        engineer.locator("#approvals-reject").click()
        result = engineer.locator("#approvals-result")
        result.get_by_text(f"Proposal #{proposal_id} is no longer pending").wait_for()
        assert "approved and executed by supervisor" in result.inner_text()
        shot(engineer, artifacts_dir, "approvals-already-decided")
    finally:
        for page in (operator, engineer, supervisor):
            page.context.close()
    from tools import AuditLog

    decisions = [
        (entry.user, entry.outcome)
        for entry in AuditLog(console.data_home / "audit.jsonl").entries()
        if entry.event in ("approve", "reject") and entry.proposal_id == int(proposal_id)
    ]
    assert decisions == [("supervisor", "executed"), ("engineer", "refused")]


def test_sign_out_leaves_nothing_for_the_next_user(page: Any, artifacts_dir: Path) -> None:
    sign_in(page, "engineer")
    ask(page, "Top downtime reasons on line 3 last week")
    page.locator("#bar-chart").wait_for(state="visible")
    page.locator("#data-table").wait_for(state="visible")
    assert "downtime_event" in page.locator("#evidence").inner_text()
    page.locator("#logout-button").click()
    page.locator("#login-button").wait_for(state="visible")
    sign_in(page, "operator-l1")
    assert bot_messages(page) == []
    assert page.locator("#evidence").inner_text().strip() == "No evidence yet."
    assert not page.locator("#bar-chart").is_visible()
    assert not page.locator("#line-chart").is_visible()
    assert not page.locator("#data-table").is_visible()
    assert page.locator("#proposal-card").inner_text().strip() == "No proposal waiting."
    assert "L3" not in page.locator("#chatbot").inner_text()
    assert page.locator("#turn-status").inner_text().strip() == ""
    page.get_by_role("tab", name="Audit").click()
    assert page.locator("#audit-table").inner_text().count("engineer") == 0
    shot(page, artifacts_dir, "after-sign-out")
