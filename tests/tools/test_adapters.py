"""The LangChain adapter: registry tools as StructuredTools that validate through `invoke` and hide the context."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import StructuredTool
from sqlmodel import Session

from tools import (
    AuditLog,
    OutcomeRecord,
    OutcomeStatus,
    Permission,
    ProposalDraft,
    ProposalStore,
    Provenance,
    Registry,
    Role,
    ToolContext,
    ToolResult,
    create_tool_tables,
    tool,
)
from tools.adapters import to_langchain_tool, to_langchain_tools
from tools.adapters.langchain import outcome_of
from tools.testing import context_for, memory_engine

seen_users: list[str] = []


class Output(ToolResult):
    parts: int


@tool(domain="production", description_zh="产线产量", examples=["output of L2", "2号线产量"])
def line_output(ctx: ToolContext, line: str, shift: Literal["A", "B", "C"] = "A") -> Output:
    """Good parts a line made in a shift.

    Args:
        line: Line code, e.g. "L2".
        shift: Shift code.
    """
    seen_users.append(ctx.user)
    return Output(
        summary=f"{line} shift {shift}: 640 parts", provenance=Provenance(tables=["production_count"]), parts=640
    )


class Draft(ProposalDraft):
    pass


@tool(
    domain="maintenance",
    permission=Permission.WRITE,
    description_zh="报修",
    examples=["repair CNC-03", "报修CNC-03"],
    min_role=Role.ENGINEER,
)
def request_repair(ctx: ToolContext, equipment: str) -> Draft:
    """Propose a repair.

    Args:
        equipment: Equipment code.
    """
    return Draft(action="request_repair", title=f"Repair {equipment}", reason="noise", payload={"equipment": equipment})


@pytest.fixture
def session() -> Iterator[Session]:
    seen_users.clear()
    engine = memory_engine()
    create_tool_tables(engine)
    with Session(engine) as session:
        yield session


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


def test_the_model_sees_the_schema_without_the_context(session: Session, audit: AuditLog) -> None:
    adapted = to_langchain_tool(line_output, context=lambda: context_for(session), audit=audit)
    assert isinstance(adapted, StructuredTool)
    assert adapted.name == "line_output"
    assert adapted.description == "Good parts a line made in a shift. (产线产量)"
    schema = adapted.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
    assert set(schema["properties"]) == {"line", "shift"}
    assert schema["required"] == ["line"]
    assert adapted.metadata == {
        "domain": "production",
        "permission": "read",
        "source": "builtin",
        "metrics": {},
        "explains": [],
    }


def test_a_call_runs_with_the_factorys_context_and_returns_result_json(session: Session, audit: AuditLog) -> None:
    adapted = to_langchain_tool(line_output, context=lambda: context_for(session, user="op7"), audit=audit)
    text = adapted.invoke({"line": "L2", "shift": "B"})
    assert json.loads(text)["parts"] == 640
    assert json.loads(text)["summary"] == "L2 shift B: 640 parts"
    assert seen_users == ["op7"]
    assert (audit.entries()[0].user, audit.entries()[0].outcome) == ("op7", "ok")


def test_a_model_cannot_pass_a_context_or_a_user(session: Session, audit: AuditLog) -> None:
    adapted = to_langchain_tool(line_output, context=lambda: context_for(session, user="op7"), audit=audit)
    text = adapted.invoke({"line": "L2", "ctx": {"user": "admin"}, "user": "admin"})
    assert text.startswith("invalid: invalid arguments for line_output / 参数无效: unknown argument")
    assert seen_users == []
    assert audit.entries()[0].outcome == "invalid"


def test_invalid_arguments_are_answered_in_words_the_model_can_fix(session: Session, audit: AuditLog) -> None:
    adapted = to_langchain_tool(line_output, context=lambda: context_for(session), audit=audit)
    assert adapted.invoke({"line": "L2", "shift": "D"}) == (
        "invalid: invalid arguments for line_output / 参数无效: shift: Input should be 'A', 'B' or 'C'"
    )


def test_a_tool_call_message_gets_a_tool_message(session: Session, audit: AuditLog) -> None:
    adapted = to_langchain_tool(line_output, context=lambda: context_for(session), audit=audit)
    message = adapted.invoke({"type": "tool_call", "id": "call_1", "name": "line_output", "args": {"line": "L1"}})
    assert message.tool_call_id == "call_1"
    assert json.loads(message.content)["summary"] == "L1 shift A: 640 parts"


def test_roles_and_proposals_apply_through_the_adapter(session: Session, audit: AuditLog) -> None:
    store = ProposalStore(session.get_bind())  # type: ignore[arg-type]
    registry = Registry.of(line_output, request_repair)
    as_operator = to_langchain_tools(
        registry, context=lambda: context_for(session, role=Role.OPERATOR), audit=audit, proposals=store
    )
    denied = as_operator[1].invoke({"equipment": "CNC-03"})
    assert denied.startswith("denied: not permitted / 无权限")
    as_engineer = to_langchain_tools(
        registry, context=lambda: context_for(session, role=Role.ENGINEER), audit=audit, proposals=store
    )
    proposed = json.loads(as_engineer[1].invoke({"equipment": "CNC-03"}))
    assert (proposed["status"], proposed["title"]) == ("proposed", "Repair CNC-03")
    assert store.get(proposed["proposal_id"]).status.value == "pending"


def test_a_tool_message_carries_the_typed_outcome_and_it_reads_back_from_json(
    session: Session, audit: AuditLog
) -> None:
    store = ProposalStore(session.get_bind())  # type: ignore[arg-type]
    read = to_langchain_tool(line_output, context=lambda: context_for(session), audit=audit)
    message = read.invoke({"type": "tool_call", "id": "c1", "name": "line_output", "args": {"line": "L1"}})
    outcome = outcome_of(message)
    assert (outcome.status, outcome.call_status, outcome.tool) == (OutcomeStatus.OK, "ok", "line_output")
    assert outcome.result is not None
    assert (outcome.result["parts"], outcome.result["summary"]) == (640, "L1 shift A: 640 parts")
    assert outcome.provenance == {"tables": ["production_count"], "filters": {}, "row_count": 0}
    assert outcome_of(message.model_copy(update={"artifact": outcome})) == outcome
    write = to_langchain_tool(
        request_repair, context=lambda: context_for(session, role=Role.ENGINEER), audit=audit, proposals=store
    )
    call = {"type": "tool_call", "id": "c2", "name": "request_repair", "args": {"equipment": "CNC-03"}}
    proposed = outcome_of(write.invoke(call))
    assert proposed.proposal is not None
    assert (proposed.status, proposed.call_status, proposed.proposal.title) == (
        OutcomeStatus.PROPOSED,
        "proposal",
        "Repair CNC-03",
    )
    executed = proposed.with_decision("executed", "request MR-9 raised", "sup1")
    rejected = proposed.with_decision("rejected", "not now", "sup1")
    assert (executed.call_status, rejected.call_status) == ("ok", "error")
    assert executed.summary() == f"proposal {proposed.proposal.id} executed: request MR-9 raised"


def test_the_status_comes_from_the_outcome_not_from_the_text(session: Session, audit: AuditLog) -> None:
    denied = to_langchain_tool(request_repair, context=lambda: context_for(session, role=Role.OPERATOR), audit=audit)
    message = denied.invoke({"type": "tool_call", "id": "c1", "name": "request_repair", "args": {"equipment": "X"}})
    # A text that reads like a result changes nothing: the outcome is what the tool layer recorded.
    disguised = message.model_copy(update={"content": '{"summary": "done", "status": "ok"}'})
    assert (outcome_of(disguised).status, outcome_of(disguised).call_status) == (OutcomeStatus.DENIED, "denied")
    # A message no tool wrote (LangGraph's answer to an unknown tool) is a failure with its text.
    foreign = ToolMessage('{"summary": "fine"}', tool_call_id="c9", name="nope", status="error")
    assert outcome_of(foreign) == OutcomeRecord.failure("nope", '{"summary": "fine"}')
