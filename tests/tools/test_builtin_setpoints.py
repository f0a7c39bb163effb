"""Setpoint changes through the tool layer, against the OPC UA simulator serving the tiny plant's CNC-03.

`propose_setpoint_change` only ever creates a proposal (engineer or above); a supervisor's approval
writes the OPC UA node and reads it back; a rejection writes nothing; values outside the configured
limits and interlock / safety nodes are refused in one line; every step is in the audit log.
The simulator starts CNC-03.SPEED_SP at 8000 rpm; the mapping allows [2000, 12000] rpm.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from connectors.live.mapping import LiveMapping, parse_mapping
from connectors.opcua.connector import read_node_values
from tests.live.conftest import free_port
from tests.tools.conftest import CLOCK, build_tiny_plant
from tools import (
    AuditLog,
    OutcomeStatus,
    PermissionDeniedError,
    ProposalStatus,
    ProposalStore,
    Registry,
    Role,
    ToolContext,
    ToolOutcome,
    create_tool_tables,
    invoke,
)
from tools.builtin.live_data import LIVE_EXTRA, LiveContext
from tools.builtin.setpoints import SetpointWritten, propose_setpoint_change
from ui.live_runtime import LiveRuntime

pytestmark = [pytest.mark.slow]

SPEED = "ns=2;s=CNC-03.SPEED_SP"
INTERLOCK = "ns=2;s=CNC-03.DOOR_INTERLOCK"
REGISTRY = Registry.of(propose_setpoint_change)


def _mapping(endpoint: str, *, writes: bool = True, speed_kind: str = "setpoint") -> LiveMapping:
    speed: dict[str, Any] = {"name": "CNC-03.SPEED_SP", "equipment": "CNC-03", "node": SPEED, "kind": speed_kind}
    if speed_kind == "setpoint":
        speed.update(unit="rpm", low=2000, high=12000)
    return parse_mapping(
        {
            "opcua": {
                "endpoint": endpoint,
                "writes_enabled": writes,
                "setpoints": [
                    speed,
                    {"name": "CNC-03.DOOR_INTERLOCK", "equipment": "CNC-03", "node": INTERLOCK, "kind": "interlock"},
                ],
            }
        },
        "live.yaml",
    )


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The OPC UA simulator of the tiny plant on a free port, for the whole module."""
    engine = build_tiny_plant()
    runtime = LiveRuntime(engine, tmp_path_factory.mktemp("sim_home"), report=lambda line: None)
    sim, clock = runtime.simulation(speed=1.0, interval=1.0)
    served = f"opc.tcp://127.0.0.1:{free_port()}/andon/"
    runtime.start_opcua_server(sim, clock, served, None, 1.0)
    yield served
    runtime.stop()


def _speed_on_server(endpoint: str) -> float:
    return float(asyncio.run(read_node_values(endpoint, [SPEED]))[SPEED].Value.Value)


def _set_speed(endpoint: str, rpm: float) -> None:
    """Put the server's setpoint back where a test expects it (as the machine's own HMI would)."""
    from connectors.opcua.connector import write_setpoint

    mapping = _mapping(endpoint)
    assert mapping.opcua is not None
    target = mapping.setpoint("CNC-03.SPEED_SP")
    assert target is not None
    asyncio.run(write_setpoint(mapping.opcua, target, rpm))


@pytest.fixture
def plant() -> Engine:
    engine = build_tiny_plant()
    create_tool_tables(engine)
    return engine


@pytest.fixture
def session(plant: Engine) -> Iterator[Session]:
    with Session(plant) as session:
        yield session


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


def _propose(
    ctx: ToolContext, audit: AuditLog, store: ProposalStore | None, setpoint: str, value: float, reason: str
) -> ToolOutcome:
    """What an agent's or the CLI's call of the tool does: invoke with raw arguments."""
    arguments = {"setpoint": setpoint, "value": value, "reason": reason}
    return invoke(propose_setpoint_change, ctx, arguments, audit=audit, proposals=store)


def _ctx(session: Session, user: str, role: Role, mapping: LiveMapping) -> ToolContext:
    return ToolContext(
        user=user, role=role, session=session, clock=CLOCK, extras={LIVE_EXTRA: LiveContext(mapping=mapping)}
    )


def test_a_supervisor_approval_writes_the_node_and_reads_it_back(
    endpoint: str, plant: Engine, session: Session, audit: AuditLog
) -> None:
    _set_speed(endpoint, 8000)
    mapping = _mapping(endpoint)
    store = ProposalStore(plant)
    args = {"setpoint": "cnc-03.speed_sp", "value": 7000, "reason": "Spindle vibration high, run slower"}

    operator = invoke(propose_setpoint_change, _ctx(session, "op1", Role.OPERATOR, mapping), args, audit=audit)
    assert operator.status is OutcomeStatus.DENIED
    proposed = invoke(
        propose_setpoint_change, _ctx(session, "eng1", Role.ENGINEER, mapping), args, audit=audit, proposals=store
    )
    assert proposed.status is OutcomeStatus.PROPOSED
    assert proposed.proposal is not None
    assert proposed.proposal.payload == {
        "setpoint": "CNC-03.SPEED_SP",
        "node": SPEED,
        "endpoint": endpoint,
        "equipment": "CNC-03",
        "value": 7000.0,
        "unit": "rpm",
    }
    assert _speed_on_server(endpoint) == 8000.0  # a proposal writes nothing

    with pytest.raises(PermissionDeniedError, match="needs role supervisor"):
        store.approve(
            proposed.proposal.id, _ctx(session, "eng2", Role.ENGINEER, mapping), lookup=REGISTRY.get, audit=audit
        )
    assert _speed_on_server(endpoint) == 8000.0
    approved = store.approve(
        proposed.proposal.id, _ctx(session, "sup1", Role.SUPERVISOR, mapping), lookup=REGISTRY.get, audit=audit
    )
    assert approved.status is ProposalStatus.EXECUTED
    assert approved.result_summary == f"Wrote CNC-03.SPEED_SP = 7000 rpm (was 8000) on {endpoint}"
    assert _speed_on_server(endpoint) == 7000.0

    trail = [(e.event, e.user, e.outcome) for e in audit.entries()]
    assert trail == [
        ("call", "op1", "denied"),
        ("call", "eng1", "proposed"),
        ("approve", "eng2", "denied"),
        ("approve", "sup1", "executed"),
    ]
    assert audit.entries()[-1].arguments == {"proposal_id": proposed.proposal.id, **proposed.proposal.payload}
    assert audit.verify().ok


def test_a_rejected_proposal_never_writes(endpoint: str, plant: Engine, session: Session, audit: AuditLog) -> None:
    _set_speed(endpoint, 8000)
    mapping = _mapping(endpoint)
    store = ProposalStore(plant)
    proposed = _propose(
        _ctx(session, "eng1", Role.ENGINEER, mapping), audit, store, "CNC-03.SPEED_SP", 11000, "试切新刀具"
    )
    assert proposed.proposal is not None
    rejected = store.reject(
        proposed.proposal.id,
        _ctx(session, "sup1", Role.SUPERVISOR, mapping),
        "not during this order",
        lookup=REGISTRY.get,
        audit=audit,
    )
    assert rejected.status is ProposalStatus.REJECTED
    assert _speed_on_server(endpoint) == 8000.0
    assert [(e.event, e.outcome, e.summary) for e in audit.entries()][-1] == (
        "reject",
        "rejected",
        "not during this order",
    )


def test_out_of_range_values_and_interlocks_are_refused_in_one_line(
    endpoint: str, plant: Engine, session: Session, audit: AuditLog
) -> None:
    mapping = _mapping(endpoint)
    store = ProposalStore(plant)
    engineer = _ctx(session, "eng1", Role.ENGINEER, mapping)
    too_fast = _propose(engineer, audit, store, "CNC-03.SPEED_SP", 20000, "faster")
    assert too_fast.status is OutcomeStatus.INVALID
    assert too_fast.message == (
        "CNC-03.SPEED_SP: 20000 rpm is outside the configured limits [2000, 12000] rpm / 超出设定范围"
    )
    interlock = _propose(engineer, audit, store, "CNC-03.DOOR_INTERLOCK", 0, "door switch is faulty")
    assert interlock.status is OutcomeStatus.DENIED
    assert interlock.message == (
        "CNC-03.DOOR_INTERLOCK is an interlock node: Andon never writes interlocks or safety functions "
        "/ 联锁和安全功能节点禁止写入"
    )
    unknown = _propose(engineer, audit, store, "CNC-03.FEED", 1, "feed")
    assert unknown.status is OutcomeStatus.INVALID
    assert unknown.message == "unknown setpoint 'CNC-03.FEED' (setpoints: CNC-03.SPEED_SP)"
    for outcome in (too_fast, interlock, unknown):
        assert "\n" not in outcome.message
    assert store.list() == []
    assert [(e.tool, e.outcome) for e in audit.entries()] == [
        ("propose_setpoint_change", "invalid"),
        ("propose_setpoint_change", "denied"),
        ("propose_setpoint_change", "invalid"),
    ]


def test_a_node_reclassified_as_safety_is_refused_at_approval(
    endpoint: str, plant: Engine, session: Session, audit: AuditLog
) -> None:
    _set_speed(endpoint, 8000)
    store = ProposalStore(plant)
    proposed = _propose(
        _ctx(session, "eng1", Role.ENGINEER, _mapping(endpoint)), audit, store, "CNC-03.SPEED_SP", 6000, "slower"
    )
    assert proposed.proposal is not None
    now_safety = _mapping(endpoint, speed_kind="safety")  # the mapping changed before anyone approved
    with pytest.raises(PermissionDeniedError, match="is a safety node: Andon never writes"):
        store.approve(
            proposed.proposal.id, _ctx(session, "sup1", Role.SUPERVISOR, now_safety), lookup=REGISTRY.get, audit=audit
        )
    assert _speed_on_server(endpoint) == 8000.0
    assert store.get(proposed.proposal.id).status is ProposalStatus.PENDING
    assert audit.entries()[-1].outcome == "denied"


def test_writes_disabled_in_the_mapping_refuse_every_proposal(plant: Engine, session: Session, audit: AuditLog) -> None:
    mapping = _mapping("opc.tcp://127.0.0.1:4840/andon/", writes=False)
    outcome = _propose(
        _ctx(session, "eng1", Role.ENGINEER, mapping), audit, ProposalStore(plant), "CNC-03.SPEED_SP", 7000, "slower"
    )
    assert outcome.status is OutcomeStatus.DENIED
    assert outcome.message.startswith("setpoint writes are disabled (opcua.writes_enabled is false")


def test_the_written_result_names_the_node(endpoint: str, session: Session) -> None:
    _set_speed(endpoint, 8000)
    result = propose_setpoint_change.execute(
        _ctx(session, "sup1", Role.SUPERVISOR, _mapping(endpoint)),
        {"setpoint": "CNC-03.SPEED_SP", "node": SPEED, "endpoint": endpoint, "value": 9000},
    )
    assert isinstance(result, SetpointWritten)
    assert (result.before, result.after, result.node) == (8000.0, 9000.0, SPEED)
    assert result.provenance.filters == {"node": SPEED, "endpoint": endpoint}
    assert _speed_on_server(endpoint) == 9000.0
