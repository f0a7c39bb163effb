"""A WRITE tool call pauses the run; approve or reject resumes it; rejected actions never execute."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents.errors import AgentError
from agents.events import Event, FinalAnswer, ProposalAwaitingApproval, ToolFinished
from agents.runtime import Assistant, ToolBackend
from agents.testing import ScriptedServer, call_tool, reply
from tools import PermissionDeniedError, ProposalStatus, Role


def _final(events: list[Event]) -> FinalAnswer:
    finals = [e for e in events if isinstance(e, FinalAnswer)]
    assert len(finals) == 1, events
    return finals[0]


def _tool_data(content: str) -> dict[str, object]:
    # The LLM sees tool results quoted as data: <data>...</data>.
    assert content.startswith("<data>\n")
    assert content.endswith("\n</data>")
    loaded: dict[str, object] = json.loads(content.removeprefix("<data>\n").removesuffix("\n</data>"))
    return loaded


def _pause(assistant: Assistant, scripted: ScriptedServer, session: str) -> ProposalAwaitingApproval:
    scripted.extend([call_tool("create_maintenance_request", equipment="CNC-03", problem="spindle noise")])
    events = list(
        assistant.ask(
            "Open a maintenance request for CNC-03, spindle noise", session_id=session, user="ann", role="operator"
        )
    )
    assert not any(isinstance(e, FinalAnswer) for e in events)
    proposals = [e for e in events if isinstance(e, ProposalAwaitingApproval)]
    assert len(proposals) == 1
    return proposals[0]


def test_write_call_pauses_with_a_stored_pending_proposal(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    proposal = _pause(llm_assistant, scripted, "a1")
    assert (proposal.tool, proposal.title, proposal.reason) == (
        "create_maintenance_request",
        "Maintenance request for CNC-03",
        "spindle noise",
    )
    assert proposal.evidence == ["CNC-03: 3 breakdowns in 30 days"]
    assert proposal.approver_role == "engineer"
    stored = backend.proposals.get(int(proposal.proposal_id))
    assert stored.status is ProposalStatus.PENDING
    assert stored.requested_by == "ann"
    assert executed == []
    # The model has not been asked to continue yet: one request so far.
    assert len(scripted.chat_requests) == 1


def test_approval_by_an_engineer_executes_once_and_the_run_continues(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    proposal = _pause(llm_assistant, scripted, "a2")
    scripted.extend([reply("Maintenance request MR-1 was created after approval.")])
    events = list(llm_assistant.resume("a2", proposal.proposal_id, "approve", user="eve", role="engineer"))

    assert executed == [{"equipment": "CNC-03", "problem": "spindle noise"}]
    assert backend.proposals.get(int(proposal.proposal_id)).status is ProposalStatus.EXECUTED
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert finished[0].status == "ok"
    final = _final(events)
    assert final.text == "Maintenance request MR-1 was created after approval."
    assert final.proposals == [
        {
            "proposal_id": int(proposal.proposal_id),
            "tool": "create_maintenance_request",
            "status": "executed",
            "title": "Maintenance request for CNC-03",
        }
    ]
    # The model learnt the outcome in place of the pending proposal.
    outcome = _tool_data(scripted.chat_requests[-1].messages[-1]["content"])
    assert (outcome["status"], outcome["decided_by"]) == ("executed", "eve")


def test_rejection_never_executes_and_the_model_hears_why(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    proposal = _pause(llm_assistant, scripted, "a3")
    scripted.extend([reply("The request was rejected: not needed, spindle replaced yesterday.")])
    events = list(
        llm_assistant.resume(
            "a3",
            proposal.proposal_id,
            "reject",
            user="eve",
            role="engineer",
            reason="not needed, spindle replaced yesterday",
        )
    )
    assert executed == []
    stored = backend.proposals.get(int(proposal.proposal_id))
    assert (stored.status, stored.decision_reason) == (
        ProposalStatus.REJECTED,
        "not needed, spindle replaced yesterday",
    )
    assert _final(events).proposals[0]["status"] == "rejected"
    outcome = _tool_data(scripted.chat_requests[-1].messages[-1]["content"])
    assert outcome["message"] == "not needed, spindle replaced yesterday"


def test_an_operator_cannot_approve_and_the_run_stays_paused(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    proposal = _pause(llm_assistant, scripted, "a4")
    with pytest.raises(PermissionDeniedError, match="approving create_maintenance_request needs role engineer"):
        list(llm_assistant.resume("a4", proposal.proposal_id, "approve", user="bob", role="operator"))
    assert backend.proposals.get(int(proposal.proposal_id)).status is ProposalStatus.PENDING
    assert executed == []
    # Still paused: an engineer can approve afterwards.
    scripted.extend([reply("Created.")])
    assert (
        _final(list(llm_assistant.resume("a4", proposal.proposal_id, "approve", user="eve", role="engineer"))).text
        == "Created."
    )


def test_a_proposal_approved_elsewhere_resumes_with_that_outcome(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    from agents.runtime.context import Caller, turn_context

    proposal = _pause(llm_assistant, scripted, "a5")
    with turn_context(backend, Caller.of("sam", "supervisor"), "en") as ctx:
        backend.proposals.approve(int(proposal.proposal_id), ctx, lookup=backend.registry.get, audit=backend.audit)
    scripted.extend([reply("Done.")])
    list(llm_assistant.resume("a5", proposal.proposal_id, "approve", user="eve", role="engineer"))
    assert len(executed) == 1


def test_resume_without_a_paused_run_names_the_session(llm_assistant: Assistant) -> None:
    with pytest.raises(AgentError, match="session 'nope' has no run waiting for proposal 9"):
        list(llm_assistant.resume("nope", 9, "approve", user="eve", role="engineer"))


def test_a_role_below_the_tool_minimum_is_denied_by_the_tool_layer(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    backend.registry.get("failure_count").min_role = Role.ENGINEER
    scripted.extend([call_tool("failure_count", equipment="CNC-03"), reply("You are not permitted to see that.")])
    events = list(llm_assistant.ask("How many failures on CNC-03?", session_id="p1", user="bob", role="operator"))
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert finished[0].status == "denied"
    assert "needs role engineer" in finished[0].summary
    backend.registry.get("failure_count").min_role = Role.OPERATOR


def test_turn_json_of_a_paused_run_lists_the_pending_proposal(
    llm_assistant: Assistant, scripted: ScriptedServer
) -> None:
    from agents.runtime import turn_json

    scripted.extend([call_tool("create_maintenance_request", equipment="CNC-03", problem="spindle noise")])
    events = list(
        llm_assistant.ask("Open a maintenance request for CNC-03", session_id="j1", user="ann", role="operator")
    )
    data = turn_json(events, "en")
    assert data["domains"] == ["maintenance"]
    assert data["awaiting_approval"] is True
    assert [(p["proposal_id"], p["tool"], p["status"]) for p in data["proposals"]] == [
        ("1", "create_maintenance_request", "pending")
    ]
    assert data["answer"] == (
        "Proposed #1: Maintenance request for CNC-03. It awaits approval by an engineer or above; "
        "nothing has been executed."
    )
    assert (
        turn_json(events, "zh")["answer"]
        == "已提出提议 #1：Maintenance request for CNC-03，等待engineer审批，尚未执行。"
    )


def test_a_new_question_while_paused_leaves_the_proposal_pending_and_is_answered(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    proposal = _pause(llm_assistant, scripted, "a6")
    scripted.extend([call_tool("failure_count", equipment="CNC-03"), reply("CNC-03 had 3 breakdowns.")])
    events = list(llm_assistant.ask("How many failures on CNC-03?", session_id="a6", user="ann", role="operator"))
    assert _final(events).text.endswith("\n\nCNC-03 had 3 breakdowns.")
    assert backend.proposals.get(int(proposal.proposal_id)).status is ProposalStatus.PENDING
    assert executed == []


def test_the_llm_asked_twice_is_told_the_request_is_already_pending(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend
) -> None:
    first = _pause(llm_assistant, scripted, "d1")
    again = _pause(llm_assistant, scripted, "d2")
    assert (again.proposal_id, again.already_pending, again.requested_by) == (first.proposal_id, True, "ann")
    assert [p.id for p in backend.proposals.list()] == [int(first.proposal_id)]


def test_a_scoped_approver_cannot_approve_another_lines_machine_in_conversation(
    llm_assistant: Assistant, scripted: ScriptedServer, backend: ToolBackend, executed: list[dict[str, Any]]
) -> None:
    proposal = _pause(llm_assistant, scripted, "s1")
    with pytest.raises(PermissionDeniedError, match="may only see L1"):
        list(
            llm_assistant.resume(
                "s1", proposal.proposal_id, "approve", user="eve", role="engineer", scopes=frozenset({"L1"})
            )
        )
    assert executed == []
    assert backend.proposals.get(int(proposal.proposal_id)).status is ProposalStatus.PENDING


def test_ending_a_session_forgets_its_conversation(
    llm_assistant: Assistant, scripted: ScriptedServer, memory: Any
) -> None:
    scripted.extend([call_tool("failure_count", equipment="CNC-03"), reply("CNC-03 had 3 breakdowns.")])
    list(llm_assistant.ask("How many failures on CNC-03?", session_id="e1", user="ann", role="engineer"))
    thread = {"configurable": {"thread_id": "ann:e1::maintenance"}}
    assert memory.checkpointer.get_tuple(thread) is not None
    assert memory.session("e1") is not None
    llm_assistant.end_session("e1", "someone-else")  # not theirs: nothing is forgotten
    assert memory.session("e1") is not None
    llm_assistant.end_session("e1", "ann")
    assert memory.checkpointer.get_tuple(thread) is None
    assert memory.session("e1") is None
