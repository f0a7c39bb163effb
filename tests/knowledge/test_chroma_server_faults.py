"""A Chroma server killed (SIGKILL) under a running index and started again on the same data: the search in
between fails with one line through the tool layer, the next search after the restart finds what was ingested,
and nothing was lost or written twice."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from knowledge import KnowledgeConfig
from knowledge.index import DocumentIndex
from knowledge.store import open_chroma
from tools import AuditLog, OutcomeStatus, Role, ToolContext, invoke
from tools.builtin.documents import search_documents
from tools.testing import memory_engine

from .conftest import HashEmbeddingFunction


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(port: int, data: Path) -> subprocess.Popen[bytes]:
    chroma = shutil.which("chroma")
    if chroma is None:
        if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
            pytest.fail("Chroma server required but the `chroma` command is not installed")
        pytest.skip("the `chroma` command is not installed")
    process = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                return process
        except OSError:
            assert process.poll() is None, "chroma run exited"
            assert time.monotonic() < deadline, "chroma run did not come up"
            time.sleep(0.3)


class _Documents:
    """The tools' document search over one index (as the CLI and the console hand it to tools)."""

    def __init__(self, index: DocumentIndex) -> None:
        self.index = index

    def search(self, query: str, *, k: int, role: str, filters: Any = None) -> Any:
        return self.index.search(query, k=k, role=role, filters=filters)


def test_a_chroma_server_killed_and_restarted(tmp_path: Path, markdown_file: Callable[..., Path]) -> None:
    port, data = _free_port(), tmp_path / "chroma"
    server = _start(port, data)
    try:
        config = KnowledgeConfig(persist_dir=tmp_path / "knowledge", chroma_url=f"http://127.0.0.1:{port}")
        index = DocumentIndex(config, open_chroma(config), HashEmbeddingFunction())
        body = "# Hoist check\n## 1 Chain\nCheck the hoist chain HC-7731 for twisted links.\n"
        report = index.ingest([markdown_file("hoist.md", body, id="SOP-HOIST")])
        assert report.added == ["SOP-HOIST"]
        with memory_engine().connect() as connection:
            from sqlmodel import Session

            session = Session(bind=connection)
            ctx = ToolContext(
                user="op", role=Role.OPERATOR, session=session, clock=datetime(2026, 11, 20, 6),
                documents=_Documents(index),
            )  # fmt: skip
            audit = AuditLog(tmp_path / "audit.jsonl")

            def search() -> tuple[OutcomeStatus, list[str], str]:
                out = invoke(search_documents, ctx, {"query": "hoist chain HC-7731"}, audit=audit)
                found = [p.document for p in getattr(out.result, "passages", [])]
                return out.status, found, out.message

            assert search()[:2] == (OutcomeStatus.OK, ["SOP-HOIST"])
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=30)
            status, found, message = search()
            assert (status, found) == (OutcomeStatus.ERROR, [])
            assert message.startswith("internal error in search_documents: ")
            assert "\n" not in message
            server = _start(port, data)  # the same data, the same address
            assert search()[:2] == (OutcomeStatus.OK, ["SOP-HOIST"])
            ids = index.chunks.get()["ids"]
            assert len(ids) == len(set(ids)) == 1
            assert [e.outcome for e in audit.entries()] == ["ok", "error", "ok"]
    finally:
        server.kill()
        server.wait(timeout=30)
