"""The MCP adapter: registry tools served by the SDK's low-level Server, called with the SDK's own Client.

The client connects in-process here (the transports are tested through `andon mcp serve` in
tests/ui/test_mcp_cli.py); the caller is fixed per server, as over stdio.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from connectors import DatabaseConfig, open_engine, plant_clock
from connectors.schema import MaintenanceWorkOrder
from tools import AuditLog, ProposalStatus, ProposalStore, Role, ToolContext, create_tool_tables, invoke, load_registry
from tools.adapters import ProposalView, create_mcp_server
from tools.builtin import BUILTIN_TOOLS

REGISTRY = load_registry()

ROLES = {"op": Role.OPERATOR, "op-l1": Role.OPERATOR, "eng": Role.ENGINEER}


def opener(engine: Engine, clock: Any = None) -> Callable[[str], Any]:
    @contextmanager
    def open_context(user: str) -> Iterator[ToolContext]:
        with Session(engine) as session:
            yield ToolContext(
                user=user,
                role=ROLES[user],
                session=session,
                clock=clock or plant_clock(session),
                scopes=frozenset({"L1"}) if user == "op-l1" else frozenset(),
            )

    return open_context


def call(server: Any, name: str, arguments: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with Client(server, cache=None) as client:
            await client.list_tools()
            return await client.call_tool(name, arguments)

    return anyio.run(go)


def listing(server: Any) -> list[Any]:
    async def go() -> list[Any]:
        async with Client(server, cache=None) as client:
            return list((await client.list_tools()).tools)

    return anyio.run(go)


@pytest.fixture
def plant(tmp_path: Path, small_plant_path: Path) -> Iterator[Engine]:
    """A private copy of the small demo plant (WRITE tools store proposals in it)."""
    shutil.copy(small_plant_path, tmp_path / "plant.db")
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path / 'plant.db'}"))
    create_tool_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", durable=False)


def demo_server(engine: Engine, audit: AuditLog, user: str) -> Any:
    return create_mcp_server(
        REGISTRY.tools,
        caller=lambda ctx: user,
        open_context=opener(engine),
        audit=audit,
        proposals=ProposalStore(engine),
    )


def test_every_tool_is_listed_with_schema_descriptions_and_annotations(plant: Engine, audit: AuditLog) -> None:
    tools = {item.name: item for item in listing(demo_server(plant, audit, "op"))}
    assert list(tools) == REGISTRY.names
    assert len(tools) == len(BUILTIN_TOOLS) + 1  # and the document search
    oee = tools["oee"]
    assert oee.input_schema == REGISTRY.get("oee").parameters_schema()
    assert "target" in oee.input_schema["properties"]
    assert "OEE (ISO 22400)" in (oee.description or "")
    assert "设备综合效率" in (oee.description or "")
    assert (oee.annotations.read_only_hint, oee.annotations.destructive_hint) == (True, False)
    assert oee.meta is not None
    assert (oee.meta["andon/domain"], oee.meta["andon/min_role"]) == ("production", "operator")
    assert oee.output_schema is not None
    assert "figures" in oee.output_schema["properties"]
    assert tools["search_documents"].meta["andon/domain"] == "knowledge"
    write = tools["propose_maintenance_request"]
    assert (write.annotations.read_only_hint, write.annotations.destructive_hint) == (False, True)
    assert write.output_schema == ProposalView.model_json_schema(mode="serialization")
    assert write.meta is not None
    assert write.meta["andon/approver_role"] == "engineer"


def test_a_call_over_mcp_returns_the_same_result_as_in_process(
    tiny_engine: Engine, audit: AuditLog, tmp_path: Path
) -> None:
    server = create_mcp_server(
        BUILTIN_TOOLS, caller=lambda ctx: "op", open_context=opener(tiny_engine), audit=audit, proposals=None
    )
    answer = call(server, "oee", {"target": "3号数控机床", "period": "2026-11-19"})
    assert answer.is_error is False
    figures = answer.structured_content["figures"]
    # 700 parts x 30 s, 680 good, 7.5 h planned busy time: OEE = PRU x GQ / PBT.
    assert figures["oee"] == pytest.approx(30 * 680 / 27_000, abs=1e-6)
    assert figures["availability"] == pytest.approx(6.5 / 7.5, abs=1e-6)
    assert answer.structured_content["scope"] == {"equipment": "CNC-03"}
    with opener(tiny_engine)("op") as ctx:
        oee = next(t for t in BUILTIN_TOOLS if t.name == "oee")
        direct = invoke(oee, ctx, {"target": "3号数控机床", "period": "2026-11-19"}, audit=AuditLog(tmp_path / "x"))
    assert direct.result is not None
    assert answer.structured_content == direct.result.model_dump(mode="json")
    assert answer.content[0].text == direct.text()
    [entry] = audit.entries()
    assert (entry.user, entry.role, entry.tool, entry.outcome) == ("op", "operator", "oee", "ok")


def test_a_write_tool_returns_the_pending_proposal_and_executes_nothing(plant: Engine, audit: AuditLog) -> None:
    def work_orders() -> int:
        with Session(plant) as session:
            return int(session.execute(select(func.count()).select_from(MaintenanceWorkOrder)).scalar_one())

    before = work_orders()
    answer = call(
        demo_server(plant, audit, "op"),
        "propose_maintenance_request",
        {"equipment": "CNC-03", "problem": "主轴异响"},
    )
    assert answer.is_error is False
    view = answer.structured_content
    assert (view["status"], view["action"], view["approver_role"]) == (
        "proposed",
        "propose_maintenance_request",
        "engineer",
    )
    proposal = ProposalStore(plant).get(view["proposal_id"])
    assert proposal.status is ProposalStatus.PENDING
    assert (proposal.requested_by, proposal.requested_role) == ("op", Role.OPERATOR)
    assert work_orders() == before
    assert f'"proposal_id": {proposal.id}' in answer.content[0].text
    [entry] = audit.entries()
    assert (entry.outcome, entry.proposal_id) == ("proposed", proposal.id)


def test_role_and_scope_denials_are_tool_errors_and_audited(plant: Engine, audit: AuditLog) -> None:
    scoped = call(demo_server(plant, audit, "op-l1"), "oee", {"target": "L2"})
    assert scoped.is_error is True
    assert scoped.structured_content is None
    assert scoped.content[0].text == "denied: not permitted / 无权限: op-l1 may only see L1 (仅限 L1), not L2"
    [entry] = audit.entries()
    assert (entry.user, entry.tool, entry.outcome) == ("op-l1", "oee", "denied")


def test_bad_arguments_and_unknown_tools_get_one_line_errors(plant: Engine, audit: AuditLog) -> None:
    server = demo_server(plant, audit, "op")
    invalid = call(server, "oee", {"target": "L2", "shift": "Z"})
    assert invalid.is_error is True
    assert invalid.content[0].text == (
        "invalid: invalid arguments for oee / 参数无效: unknown argument 'shift' (arguments: target, period)"
    )
    unknown = call(server, "oe", {})
    assert unknown.is_error is True
    assert unknown.content[0].text.startswith("unknown tool 'oe' / 未知工具 'oe'; did you mean oee")
    assert [entry.outcome for entry in audit.entries()] == ["invalid"]


def test_a_caller_nobody_authenticated_is_refused_before_any_tool_runs(plant: Engine, audit: AuditLog) -> None:
    server = create_mcp_server(
        BUILTIN_TOOLS, caller=lambda ctx: None, open_context=opener(plant), audit=audit, proposals=ProposalStore(plant)
    )
    answer = call(server, "oee", {"target": "L2"})
    assert answer.is_error is True
    assert answer.content[0].text == "denied: not authenticated / 未认证"
    assert audit.entries() == []


def test_every_read_tool_answers_over_mcp_as_in_process_and_matches_its_output_schema(
    plant: Engine, audit: AuditLog, tmp_path: Path
) -> None:
    # The SDK's client checks each structured result against the listed output schema and raises on a mismatch.
    samples = [(item, dict(item.sample_args or {})) for item in REGISTRY if item.sample_args is not None]
    samples = [(item, args) for item, args in samples if item.permission.value == "read"]
    assert len(samples) >= 25

    async def go() -> list[Any]:
        async with Client(demo_server(plant, audit, "eng"), cache=None) as client:
            await client.list_tools()
            return [await client.call_tool(item.name, args) for item, args in samples]

    answers = anyio.run(go)
    direct_audit = AuditLog(tmp_path / "direct.jsonl", durable=False)
    for (item, args), answer in zip(samples, answers, strict=True):
        with opener(plant)("eng") as ctx:
            direct = invoke(item, ctx, args, audit=direct_audit)
        assert answer.content[0].text == direct.text(), item.name
        if direct.status.value == "ok":
            assert answer.is_error is False, item.name
            assert answer.structured_content == direct.result.model_dump(mode="json"), item.name
        else:
            assert answer.is_error is True, item.name
    assert sum(1 for answer in answers if not answer.is_error) >= 25
