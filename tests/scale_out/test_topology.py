"""Two console workers behind one plant, over HTTP as browsers use them: a sign-in made on one is valid
on the other (until sign-out), a conversation continues there, a proposal raised on one is approved
on the other, documents uploaded on one are listed by the other, the same file uploaded to both at
once is stored once, and every call of both lands in one intact audit chain."""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from tests.scale_out.conftest import Topology, client
from tools import DatabaseAuditLog, ProposalStatus, ProposalStore
from ui.console.load import message_text

pytestmark = pytest.mark.scale_out

HOIST_SOP = """---
id: {doc_id}
title: Overhead hoist daily check
type: sop
language: en
version: "1.0"
access_level: operator
---
# Overhead hoist daily check

## 1 Before the first lift
1. Check the hoist chain HC-7731 for twisted links.
2. Press the pendant emergency stop; the hoist must not move.

## 2 After the last lift
1. Park the hook block at the wall marked P-7.
"""


def _answer(output: Any) -> str:
    """The turn's answer: the last assistant message without trace metadata."""
    history = output[0] if isinstance(output, list | tuple) else []
    answers = [
        message_text(m.get("content"))
        for m in history
        if isinstance(m, dict) and m.get("role") == "assistant" and not m.get("metadata")
    ]
    return answers[-1] if answers else ""


def _signed_in(worker: str, user: str) -> Any:
    browser = client(worker)
    browser.predict(user, user, api_name="/sign_in")
    return browser


def test_a_sign_in_and_its_conversation_continue_on_the_other_worker(topology: Topology) -> None:
    first = _signed_in(topology.workers[0], "operator")
    answer = _answer(first.predict("2号线昨天的OEE是多少?", [], api_name="/ask"))
    assert "L2" in answer
    assert "2026-11-19 00:00, 2026-11-20 00:00" in answer
    token = first.predict(api_name="/sign_in_token")
    assert len(token) == 43
    second = client(topology.workers[1])
    who = second.predict(token, api_name="/restore_sign_in")
    assert "operator" in who
    follow = _answer(second.predict("那前天呢?", [], api_name="/ask"))
    assert "L2" in follow
    assert "2026-11-18 00:00, 2026-11-19 00:00" in follow
    first.predict(api_name="/sign_out")
    third = client(topology.workers[1])
    assert third.predict(token, api_name="/restore_sign_in") == ""


def test_a_proposal_raised_on_one_worker_is_approved_on_the_other(topology: Topology) -> None:
    operator = _signed_in(topology.workers[0], "operator")
    answer = _answer(operator.predict("给CNC-04报修，冷却液泄漏", [], api_name="/ask"))
    found = re.search(r"#(\d+)", answer)
    assert found, answer
    proposal_id = int(found.group(1))
    engine = create_engine(topology.database_url)
    store = ProposalStore(engine)
    assert (store.get(proposal_id).status, store.get(proposal_id).requested_by) == (ProposalStatus.PENDING, "operator")
    engineer = _signed_in(topology.workers[1], "engineer")
    engineer.predict(api_name="/refresh")
    result = engineer.predict(str(proposal_id), "", api_name="/approve_pending")
    assert f"#{proposal_id}" in result[0]
    decided = store.get(proposal_id)
    assert (decided.status, decided.decided_by) == (ProposalStatus.EXECUTED, "engineer")
    trail = DatabaseAuditLog(engine)
    events = [(e.event, e.user) for e in trail.entries() if e.proposal_id == proposal_id]
    assert events[0] == ("call", "operator")
    assert ("approve", "engineer") in events
    report = trail.verify()
    assert report.ok, report.problem
    engine.dispose()


def test_documents_uploaded_on_one_worker_are_listed_on_the_other_and_stored_once(
    topology: Topology, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    doc_id = f"SOP-HOIST-{uuid.uuid4().hex[:8]}"  # new on every run against a long-lived topology
    path = tmp_path / "hoist.md"
    path.write_text(HOIST_SOP.replace("{doc_id}", doc_id), encoding="utf-8")
    engineers = [_signed_in(url, "engineer") for url in topology.workers]
    reports: list[Any] = [None, None]

    def upload(number: int) -> None:
        reports[number] = engineers[number].predict([handle_file(str(path))], api_name="/ingest")

    threads = [threading.Thread(target=upload, args=(number,)) for number in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    # One worker writes the document; the other waits for it and finds it unchanged.
    assert sorted(str(report[0]) for report in reports) == [
        "0 added, 0 updated, 1 unchanged, 0 failed; 0 chunks written",
        "1 added, 0 updated, 0 unchanged, 0 failed; 2 chunks written",
    ]
    for browser in engineers:
        listed = browser.predict(api_name="/documents")
        rows = {row[0]: row for row in listed["data"]}
        assert rows[doc_id][1] == "Overhead hoist daily check"
    import chromadb
    from chromadb.config import Settings

    host, port = topology.chroma_url.removeprefix("http://").split(":")
    chroma = chromadb.HttpClient(host=host, port=int(port), settings=Settings(anonymized_telemetry=False))
    stored = chroma.get_collection("andon_documents_chunks").get(where={"doc_id": doc_id})
    chunks = rows[doc_id][6]
    assert len(stored["ids"]) == len(set(stored["ids"])) == chunks
    assert chunks == 2
