"""The WRITE tool `propose_setpoint_change`: a setpoint write to an OPC UA server, only ever as a proposal.

It is registered only when the live mapping enables writes (`opcua.writes_enabled: true`), and then
only for nodes the mapping lists as `kind: setpoint`, within their configured limits. Interlock and
safety nodes are refused outright, at proposal and again at approval. Approval performs the OPC UA
write (and reads the value back); the proposal store audits both steps. Chat requests to change PLC
setpoints are refused earlier still, by the safety rules (category control_write).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

from pydantic import Field

from connectors.live.errors import SetpointRefusedError
from connectors.live.mapping import OpcUaSetpoint, OpcUaSource
from tools.builtin.live_data import live_of
from tools.contract import Permission, ProposalDraft, Provenance, Role, ToolContext, ToolResult, tool
from tools.errors import InvalidArgumentsError, PermissionDeniedError
from tools.resolvers import resolve_equipment

__all__ = ["SetpointWritten", "propose_setpoint_change"]

T = TypeVar("T")


def _writable(ctx: ToolContext, name: str) -> tuple[OpcUaSource, OpcUaSetpoint]:
    live = live_of(ctx)
    source = live.mapping.opcua if live else None
    if source is None or not source.writes_enabled:
        raise PermissionDeniedError(
            "setpoint writes are disabled (opcua.writes_enabled is false in the live mapping) / 未启用设定值写入"
        )
    setpoint = live.mapping.setpoint(name) if live else None
    if setpoint is None:
        known = ", ".join(s.name for s in source.setpoints if s.kind == "setpoint") or "none"
        raise InvalidArgumentsError(f"unknown setpoint {name!r} (setpoints: {known})", field="setpoint")
    resolve_equipment(ctx, setpoint.equipment)  # the caller's scopes must include the machine's line
    return source, setpoint


def _checked(setpoint: OpcUaSetpoint, value: float) -> None:
    from connectors.opcua.connector import check_setpoint  # asyncua loads only when a setpoint is touched

    try:
        check_setpoint(setpoint, value)
    except SetpointRefusedError as exc:
        if setpoint.kind != "setpoint":
            raise PermissionDeniedError(str(exc)) from None
        raise InvalidArgumentsError(str(exc), field="value") from None


@tool(
    domain="equipment",
    permission=Permission.WRITE,
    description_zh="提议修改OPC UA设定值（需审批；仅限配置的设定值节点和范围，联锁与安全节点一律拒绝）",
    examples=[
        "Propose lowering the CNC-03 spindle speed setpoint to 7000 rpm",
        "Change setpoint CNC-03.SPEED_SP to 7500",
        "提议把3号数控机床主轴转速设定值改为7000",
        "申请修改CNC-03.SPEED_SP设定值为7500",
    ],
    sample_args={"setpoint": "CNC-03.SPEED_SP", "value": 7000, "reason": "Spindle vibration high, run slower"},
    min_role=Role.ENGINEER,
    approver_role=Role.SUPERVISOR,
)
def propose_setpoint_change(
    ctx: ToolContext,
    setpoint: str,
    value: float,
    reason: Annotated[str, Field(min_length=3, max_length=500)],
) -> ProposalDraft:
    """Propose writing a new value to a configured OPC UA setpoint. Nothing is written until a supervisor approves;
    the value must lie within the setpoint's configured limits, and interlock or safety nodes are never written.

    Args:
        setpoint: Setpoint name from the live mapping, e.g. "CNC-03.SPEED_SP".
        value: The new value, in the setpoint's unit.
        reason: Why, in the engineer's words (3-500 characters).
    """
    source, target = _writable(ctx, setpoint)
    _checked(target, value)
    return ProposalDraft(
        action="propose_setpoint_change",
        title=f"Set {target.name} to {value:g} {target.unit} / 设定值修改 {target.name} → {value:g} {target.unit}",
        reason=" ".join(reason.split()),
        evidence=[
            f"{target.name}: node {target.node} on {source.endpoint}",
            f"configured limits [{target.low:g}, {target.high:g}] {target.unit}",
        ],
        payload={
            "setpoint": target.name,
            "node": target.node,
            "endpoint": source.endpoint,
            "equipment": target.equipment,
            "value": value,
            "unit": target.unit,
        },
    )


class SetpointWritten(ToolResult):
    """An approved setpoint write, read back from the server."""

    setpoint: str
    node: str
    before: float
    after: float


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion, also from a thread that already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


@propose_setpoint_change.executor
def _write(ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
    """Check the approved proposal against the mapping as it is now, then write and read back."""
    from connectors.opcua.connector import write_setpoint

    source, target = _writable(ctx, str(payload.get("setpoint", "")))
    if target.node != payload.get("node") or source.endpoint != payload.get("endpoint"):
        raise PermissionDeniedError(f"{target.name} is mapped to another node or server now; propose it again")
    value = float(payload["value"])
    _checked(target, value)
    before, after = _run(write_setpoint(source, target, value))
    return SetpointWritten(
        summary=f"Wrote {target.name} = {after:g} {target.unit} (was {before:g}) on {source.endpoint}",
        unit=target.unit,
        scope={"equipment": target.equipment},
        provenance=Provenance(tables=[], filters={"node": target.node, "endpoint": source.endpoint}, row_count=1),
        setpoint=target.name,
        node=target.node,
        before=before,
        after=after,
    )
