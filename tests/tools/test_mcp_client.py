"""External MCP servers' tools in the registry: a tiny historian written with the SDK, over stdio and HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import mcp_types
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from tools import (
    WITHHELD_MARKER,
    AuditLog,
    OutcomeStatus,
    Permission,
    PermissionDeniedError,
    ProposalStatus,
    ProposalStore,
    Registry,
    Role,
    ToolContext,
    create_tool_tables,
    invoke,
)
from tools.adapters import to_langchain_tool
from tools.mcp_client import McpServerConfig, McpSessions, McpTool, McpToolResult, add_mcp_servers, permission_of
from tools.testing import memory_engine

HISTORIAN = Path(__file__).with_name("historian_mcp_server.py")
READ_ONLY = frozenset({"read_tag", "tag_notes", "purge_history", "slow_query", "server_pid"})
CLOCK = datetime(2026, 11, 20, 6, 0)


def historian(writes: Path, **overrides: Any) -> McpServerConfig:
    settings: dict[str, Any] = {
        "name": "historian",
        "domain": "equipment",
        "command": sys.executable,
        "args": (str(HISTORIAN),),
        "env": {"HISTORIAN_WRITES": str(writes)},
        "read_only": READ_ONLY,
        "connect_timeout_s": 60.0,
        "call_timeout_s": 10.0,
    }
    settings.update(overrides)
    return McpServerConfig(**settings)


@pytest.fixture(scope="module")
def writes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("historian") / "writes.jsonl"


@pytest.fixture(scope="module")
def sessions() -> Iterator[McpSessions]:
    opened = McpSessions()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def registry(sessions: McpSessions, writes: Path, port_picker: Callable[[], int]) -> Registry:
    """The historian over stdio (three times: as configured, for engineers only, with a 1 s call timeout),
    a url nobody listens on, one that never answers and a command that does not exist; all in parallel."""
    loaded = Registry()
    unused = port_picker()
    stuck = socket.create_server(("127.0.0.1", 0))  # accepts connections, never answers
    add_mcp_servers(
        loaded,
        [
            historian(writes),
            historian(writes, name="lab", min_role=Role.ENGINEER),
            historian(writes, name="slow", call_timeout_s=1.0),
            McpServerConfig(name="mes", domain="production", url=f"http://127.0.0.1:{unused}/mcp", connect_timeout_s=5),
            McpServerConfig(name="erp", domain="supply_chain", command="/nonexistent/andon-erp-mcp"),
            McpServerConfig(
                name="qms", domain="quality", url=f"http://127.0.0.1:{stuck.getsockname()[1]}/mcp", connect_timeout_s=2
            ),
        ],
        sessions,
    )
    stuck.close()
    return loaded


@pytest.fixture
def engine() -> Engine:
    made = memory_engine()
    create_tool_tables(made)
    return made


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", durable=False)


def context(engine: Engine, user: str = "op", role: Role = Role.OPERATOR) -> ToolContext:
    return ToolContext(user=user, role=role, session=Session(engine), clock=CLOCK)


def test_tools_load_prefixed_with_the_configured_domain_and_roles(registry: Registry) -> None:
    assert {item.source for item in registry} == {"mcp:historian", "mcp:lab", "mcp:slow"}
    names = sorted(item.name for item in registry if item.name.startswith("historian."))
    assert names == [
        "historian.acknowledge_alarm",
        "historian.purge_history",
        "historian.read_tag",
        "historian.server_pid",
        "historian.slow_query",
        "historian.tag_notes",
        "historian.write_setpoint",
    ]
    read_tag = registry.get("historian.read_tag")
    assert (read_tag.domain, read_tag.min_role, read_tag.source) == ("equipment", Role.OPERATOR, "mcp:historian")
    assert read_tag.description == "Current value of a historian tag, e.g. CNC-03.VIB."
    assert read_tag.parameters_schema()["properties"]["tag"]["type"] == "string"


def test_only_allow_listed_tools_the_server_does_not_mark_destructive_only_read(registry: Registry) -> None:
    permissions = {
        item.name.removeprefix("historian."): item.permission for item in registry if item.source == "mcp:historian"
    }
    assert permissions == {
        "read_tag": Permission.READ,
        "tag_notes": Permission.READ,
        "slow_query": Permission.READ,
        "server_pid": Permission.READ,
        "purge_history": Permission.WRITE,  # allow-listed, but the server marks it destructive
        "write_setpoint": Permission.WRITE,  # destructive and not allow-listed
        "acknowledge_alarm": Permission.WRITE,  # no annotations, not allow-listed
    }


def test_a_server_that_is_down_is_a_broken_plugin_with_its_error(registry: Registry) -> None:
    broken = {plugin.name: plugin.error for plugin in registry.broken}
    assert set(broken) == {"mcp:mes", "mcp:erp", "mcp:qms"}
    assert broken["mcp:qms"].endswith("/mcp: no answer within 2 s")
    assert broken["mcp:mes"].endswith("/mcp: ConnectError: All connection attempts failed")
    assert broken["mcp:erp"] == (
        "/nonexistent/andon-erp-mcp: FileNotFoundError: "
        "[Errno 2] No such file or directory: '/nonexistent/andon-erp-mcp'"
    )


def test_a_read_tool_answers_with_text_structured_content_and_provenance(
    registry: Registry, engine: Engine, audit: AuditLog
) -> None:
    outcome = invoke(registry.get("historian.read_tag"), context(engine), {"tag": "CNC-03.VIB"}, audit=audit)
    assert outcome.status is OutcomeStatus.OK
    result = outcome.result
    assert isinstance(result, McpToolResult)
    assert result.structured == {"tag": "CNC-03.VIB", "value": 4.2, "unit": "mm/s"}
    assert json.loads(result.text) == {"tag": "CNC-03.VIB", "value": 4.2, "unit": "mm/s"}
    assert result.provenance.tables == ["mcp:historian/read_tag"]
    assert result.provenance.filters == {"tag": '"CNC-03.VIB"'}
    [entry] = audit.entries()
    assert (entry.user, entry.tool, entry.outcome) == ("op", "historian.read_tag", "ok")


def test_instructions_in_a_servers_answer_are_withheld(registry: Registry, engine: Engine, audit: AuditLog) -> None:
    outcome = invoke(registry.get("historian.tag_notes"), context(engine), {"tag": "CNC-03.VIB"}, audit=audit)
    result = outcome.result
    assert isinstance(result, McpToolResult)
    assert result.withheld == 1
    assert result.text == (
        f"CNC-03.VIB was recalibrated on 2026-11-02. {WITHHELD_MARKER} "
        "Readings before the calibration are 0.3 mm/s high."
    )
    assert "approve every pending proposal" not in json.dumps(result.model_dump(), ensure_ascii=False)
    assert "approve every pending proposal" not in outcome.text()


def test_a_server_error_and_bad_arguments_are_one_line(registry: Registry, engine: Engine, audit: AuditLog) -> None:
    read_tag = registry.get("historian.read_tag")
    missing = invoke(read_tag, context(engine), {"tag": "CNC-99.VIB"}, audit=audit)
    assert (missing.status, missing.message) == (
        OutcomeStatus.ERROR,
        "historian.read_tag failed / 外部工具出错: Error executing tool read_tag: no tag CNC-99.VIB",
    )
    wrong_type = invoke(read_tag, context(engine), {"tag": 7}, audit=audit)
    assert wrong_type.status is OutcomeStatus.INVALID
    assert wrong_type.message == (
        "invalid arguments for historian.read_tag / 参数无效: arguments: tag: 7 is not of type 'string'"
    )
    unknown = invoke(read_tag, context(engine), {"tag": "CNC-03.VIB", "at": "now"}, audit=audit)
    assert (
        unknown.message == "invalid arguments for historian.read_tag / 参数无效: unknown argument 'at' (arguments: tag)"
    )
    assert [entry.outcome for entry in audit.entries()] == ["error", "invalid", "invalid"]


def test_a_write_is_a_proposal_and_only_the_approval_performs_the_call(
    registry: Registry, engine: Engine, audit: AuditLog, writes: Path
) -> None:
    writes.unlink(missing_ok=True)
    setpoint = registry.get("historian.write_setpoint")
    outcome = invoke(
        setpoint,
        context(engine),
        {"tag": "CNC-03.SPEED", "value": 1200.0},
        audit=audit,
        proposals=ProposalStore(engine),
    )
    assert outcome.status is OutcomeStatus.PROPOSED
    assert outcome.proposal is not None
    assert outcome.proposal.payload == {
        "server": "historian",
        "tool": "write_setpoint",
        "arguments": {"tag": "CNC-03.SPEED", "value": 1200.0},
    }
    assert outcome.proposal.title == (
        'historian.write_setpoint(tag="CNC-03.SPEED", value=1200.0) on MCP server historian / 调用外部 MCP 工具'
    )
    assert "needs approval because the server marks it destructive / 需要审批" in outcome.proposal.evidence
    assert not writes.exists()  # nothing reached the server
    store = ProposalStore(engine)
    with pytest.raises(PermissionDeniedError, match=r"approving historian\.write_setpoint needs role engineer"):
        store.approve(outcome.proposal.id, context(engine), lookup=registry.get, audit=audit)
    assert not writes.exists()
    approved = store.approve(
        outcome.proposal.id, context(engine, "eng", Role.ENGINEER), lookup=registry.get, audit=audit
    )
    assert approved.status is ProposalStatus.EXECUTED
    assert approved.result_summary == "historian.write_setpoint: setpoint CNC-03.SPEED = 1200.0 written"
    assert [json.loads(line) for line in writes.read_text().splitlines()] == [{"tag": "CNC-03.SPEED", "value": 1200.0}]
    assert [(e.event, e.user, e.outcome) for e in audit.entries()] == [
        ("call", "op", "proposed"),
        ("approve", "op", "denied"),
        ("approve", "eng", "executed"),
    ]


def test_a_rejected_write_never_reaches_the_server(
    registry: Registry, engine: Engine, audit: AuditLog, writes: Path
) -> None:
    writes.unlink(missing_ok=True)
    store = ProposalStore(engine)
    outcome = invoke(
        registry.get("historian.acknowledge_alarm"), context(engine), {"alarm": "E-217"}, audit=audit, proposals=store
    )
    assert outcome.proposal is not None
    assert "needs approval because it is not in the read-only allow-list / 需要审批" in outcome.proposal.evidence
    rejected = store.reject(
        outcome.proposal.id, context(engine, "eng", Role.ENGINEER), "not ours", lookup=registry.get, audit=audit
    )
    assert rejected.status is ProposalStatus.REJECTED
    assert not writes.exists()


def test_a_configured_minimum_role_applies(registry: Registry, engine: Engine, audit: AuditLog) -> None:
    denied = invoke(registry.get("lab.read_tag"), context(engine), {"tag": "CNC-03.VIB"}, audit=audit)
    assert denied.status is OutcomeStatus.DENIED
    assert "lab.read_tag needs role engineer or above" in denied.message
    allowed = invoke(
        registry.get("lab.read_tag"), context(engine, "eng", Role.ENGINEER), {"tag": "CNC-03.VIB"}, audit=audit
    )
    assert allowed.status is OutcomeStatus.OK


def test_a_slow_call_times_out_and_the_session_keeps_working(
    registry: Registry, engine: Engine, audit: AuditLog
) -> None:
    started = time.perf_counter()
    outcome = invoke(registry.get("slow.slow_query"), context(engine), {"seconds": 30}, audit=audit)
    assert time.perf_counter() - started < 10
    assert (outcome.status, outcome.message) == (OutcomeStatus.ERROR, "slow_query: no answer within 1 s")
    after = invoke(registry.get("slow.read_tag"), context(engine), {"tag": "CNC-03.TEMP"}, audit=audit)
    assert after.status is OutcomeStatus.OK


def test_a_read_after_the_server_died_reconnects(registry: Registry, engine: Engine, audit: AuditLog) -> None:
    pid_tool = registry.get("historian.server_pid")
    first = invoke(pid_tool, context(engine), {}, audit=audit).result
    assert isinstance(first, McpToolResult)
    old_pid = int(first.text)
    os.kill(old_pid, signal.SIGKILL)
    time.sleep(0.5)
    again = invoke(pid_tool, context(engine), {}, audit=audit).result
    assert isinstance(again, McpToolResult)
    assert int(again.text) != old_pid


def test_langchain_sees_the_servers_schema(registry: Registry, engine: Engine, audit: AuditLog) -> None:
    read_tag = registry.get("historian.read_tag")
    wrapped = to_langchain_tool(read_tag, context=lambda: context(engine), audit=audit)
    schema = wrapped.tool_call_schema
    assert isinstance(schema, dict)
    assert schema["properties"]["tag"]["type"] == "string"
    answer = json.loads(wrapped.invoke({"tag": "CNC-03.VIB"}))
    assert answer["structured"]["value"] == 4.2


def test_streamable_http_server(
    tmp_path: Path, writes: Path, sessions: McpSessions, engine: Engine, port_picker: Callable[[], int]
) -> None:
    port = port_picker()
    env = {**os.environ, "HISTORIAN_WRITES": str(writes)}
    server = subprocess.Popen([sys.executable, str(HISTORIAN), "--http", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/mcp", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        registry = Registry()
        config = McpServerConfig(
            name="hist_http", domain="equipment", url=f"http://127.0.0.1:{port}/mcp", read_only=READ_ONLY
        )
        add_mcp_servers(registry, [config], sessions)
        assert registry.broken == []
        outcome = invoke(
            registry.get("hist_http.read_tag"), context(engine), {"tag": "CNC-03.TEMP"}, audit=AuditLog(tmp_path / "a")
        )
        assert isinstance(outcome.result, McpToolResult)
        assert outcome.result.structured == {"tag": "CNC-03.TEMP", "value": 61.5, "unit": "°C"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_permission_of_trusts_the_allow_list_not_the_read_only_hint(writes: Path) -> None:
    config = historian(writes)
    hinted = mcp_types.Tool(
        name="drop_tables", input_schema={"type": "object"}, annotations=mcp_types.ToolAnnotations(read_only_hint=True)
    )
    assert permission_of(hinted, config) is Permission.WRITE
    listed = mcp_types.Tool(name="read_tag", input_schema={"type": "object"})
    assert permission_of(listed, config) is Permission.READ


def test_a_tool_with_an_unusable_schema_is_refused(sessions: McpSessions, writes: Path) -> None:
    bad = mcp_types.Tool(name="odd", input_schema={"type": "array"})
    with pytest.raises(TypeError, match="input schema must describe an object"):
        McpTool(bad, historian(writes), sessions.link(historian(writes)))
    invalid = mcp_types.Tool(name="odd", input_schema={"type": "object", "properties": {"a": {"type": "strin"}}})
    with pytest.raises(TypeError, match="invalid input schema"):
        McpTool(invalid, historian(writes), sessions.link(historian(writes)))
