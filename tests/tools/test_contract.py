"""The tool contract: a typed function plus metadata; the schema comes from the signature and docstring."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from tools import Permission, ProposalDraft, Provenance, Role, Tool, ToolContext, ToolResult, tool
from tools.testing import context_for, memory_engine


class CountResult(ToolResult):
    count: int


@tool(domain="production", description_zh="某产线的产量", examples=["output of line 2", "2号线产量"])
def line_output(ctx: ToolContext, line: str, shift: Literal["A", "B", "C"] = "A") -> CountResult:
    """Good parts a line made in a shift.

    Args:
        line: Line code, e.g. "L2".
        shift: Shift code.
    """
    return CountResult(summary=f"{line} {shift}", provenance=Provenance(tables=["production_count"]), count=42)


class RepairDraft(ProposalDraft):
    pass


@tool(
    domain="maintenance",
    permission=Permission.WRITE,
    description_zh="提出维修请求",
    examples=["request a repair of CNC-03", "给3号数控机床报修"],
    min_role=Role.OPERATOR,
    approver_role=Role.SUPERVISOR,
    sample_args={"equipment": "CNC-03"},
)
def request_repair(ctx: ToolContext, equipment: str) -> RepairDraft:
    """Propose a repair of a machine.

    Args:
        equipment: Equipment code.
    """
    return RepairDraft(action="request_repair", title=f"Repair {equipment}", reason="noise", payload={})


def test_schema_comes_from_signature_and_docstring() -> None:
    schema = line_output.parameters_schema()
    assert schema["required"] == ["line"]
    assert schema["properties"]["line"]["description"] == 'Line code, e.g. "L2".'
    assert schema["properties"]["shift"]["enum"] == ["A", "B", "C"]
    assert schema["properties"]["shift"]["default"] == "A"
    assert line_output.description == "Good parts a line made in a shift."


def test_context_is_not_a_model_visible_parameter() -> None:
    assert "ctx" not in line_output.parameters_schema()["properties"]
    assert list(line_output.args_model.model_fields) == ["line", "shift"]


def test_arguments_forbid_extras() -> None:
    with pytest.raises(ValidationError) as caught:
        line_output.validate_args({"line": "L2", "role": "admin"})
    assert caught.value.errors()[0]["type"] == "extra_forbidden"


def test_call_passes_validated_arguments() -> None:
    with Session(memory_engine()) as session:
        result = line_output.call(context_for(session), line_output.validate_args({"line": "L2", "shift": "B"}))
    assert isinstance(result, CountResult)
    assert (result.summary, result.count) == ("L2 B", 42)


def test_metadata_defaults_and_overrides() -> None:
    assert (line_output.name, line_output.domain, line_output.permission) == ("line_output", "production", "read")
    assert (line_output.min_role, line_output.approver_role) == (Role.OPERATOR, Role.ENGINEER)
    assert line_output.sample_args is None
    assert request_repair.approver_role is Role.SUPERVISOR
    assert request_repair.sample_args == {"equipment": "CNC-03"}


def test_sample_args_must_match_the_arguments() -> None:
    def fn(ctx: ToolContext, line: str) -> CountResult:
        """Doc."""
        raise NotImplementedError

    with pytest.raises(TypeError, match="sample_args"):
        Tool(fn, domain="production", permission=Permission.READ, description_zh="x", examples=[], sample_args={})


def test_write_tool_executes_only_through_its_executor() -> None:
    fresh = Tool(
        request_repair.fn, domain="maintenance", permission=Permission.WRITE, description_zh="报修", examples=[]
    )
    assert not fresh.has_executor
    with Session(memory_engine()) as session, pytest.raises(TypeError, match="no executor"):
        fresh.execute(context_for(session), {})

    @fresh.executor
    def run(ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
        return ToolResult(summary=f"done {payload['equipment']}", provenance=Provenance(tables=["work_order"]))

    assert fresh.has_executor
    with Session(memory_engine()) as session:
        assert fresh.execute(context_for(session), {"equipment": "CNC-03"}).summary == "done CNC-03"


def test_read_tools_have_no_executor() -> None:
    with pytest.raises(TypeError, match="only WRITE tools"):
        line_output.executor(lambda ctx, payload: ToolResult(summary="", provenance=Provenance(tables=[])))


@pytest.mark.parametrize(
    ("permission", "returns", "message"),
    [(Permission.READ, RepairDraft, "ToolResult"), (Permission.WRITE, CountResult, "ProposalDraft")],
)
def test_result_type_must_match_the_permission(permission: Permission, returns: type, message: str) -> None:
    def fn(ctx: ToolContext) -> Any:
        """Doc."""
        raise NotImplementedError

    fn.__annotations__["return"] = returns
    with pytest.raises(TypeError, match=message):
        Tool(fn, domain="production", permission=permission, description_zh="x", examples=[])


def test_first_parameter_must_be_the_context() -> None:
    def fn(line: str) -> CountResult:
        """Doc."""
        raise NotImplementedError

    with pytest.raises(TypeError, match="ctx: ToolContext"):
        Tool(fn, domain="production", permission=Permission.READ, description_zh="x", examples=[])


def test_docstring_is_required() -> None:
    def fn(ctx: ToolContext) -> CountResult:
        raise NotImplementedError

    with pytest.raises(TypeError, match="docstring"):
        Tool(fn, domain="production", permission=Permission.READ, description_zh="x", examples=[])


def test_roles_are_ordered() -> None:
    assert [role.rank for role in Role] == [0, 1, 2, 3]
    assert Role.SUPERVISOR.at_least(Role.ENGINEER)
    assert not Role.OPERATOR.at_least(Role.ENGINEER)


def test_context_scopes_default_to_the_whole_plant() -> None:
    with Session(memory_engine()) as session:
        ctx = ToolContext(user="u", role=Role.OPERATOR, session=session, clock=datetime(2026, 11, 20, 6))
    assert ctx.scopes == frozenset()
    assert ctx.documents is None
