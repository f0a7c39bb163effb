"""The agents' event stream becomes a graded outcome; the router executor routes in batches."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from agents.events import Citation, FinalAnswer, ProposalAwaitingApproval, Routed, ToolFinished, ToolStarted, Usage
from agents.routing.decision import RoutingDecision
from evals.executors import RouterExecutor, outcome_from_events
from evals.outcome import ToolCallRecord
from evals.schema import CaseSpec
from tools import OutcomeRecord, OutcomeStatus, Proposal
from tools.testing import pending_proposal


def _finished(name: str, status: OutcomeStatus, call_id: str, **fields: object) -> ToolFinished:
    outcome = OutcomeRecord(tool=name, status=status, **fields)  # type: ignore[arg-type]
    return ToolFinished(name=name, summary=outcome.summary(), outcome=outcome, call_id=call_id)


def _proposal(proposal_id: int, action: str) -> Proposal:
    return pending_proposal(proposal_id, action, payload={"equipment": "CNC-03"})


def test_events_become_an_outcome() -> None:
    events = [
        Routed(domains=["maintenance"], confidence=0.9, kind="single"),
        ToolStarted(name="mtbf_mttr", args={"target": "CNC-03", "period": "last 30 days"}, call_id="c1"),
        _finished("mtbf_mttr", OutcomeStatus.OK, "c1", result={"summary": "MTBF 625.9 h", "mtbf_h": 625.9}),
        ToolStarted(
            name="propose_maintenance_request", args={"equipment": "CNC-03", "problem": "vibration"}, call_id="c2"
        ),
        _finished(
            "propose_maintenance_request",
            OutcomeStatus.PROPOSED,
            "c2",
            proposal=_proposal(4, "propose_maintenance_request"),
        ),
        ProposalAwaitingApproval(
            proposal_id="4", tool="propose_maintenance_request", title="t", reason="r", payload={"equipment": "CNC-03"}
        ),
        FinalAnswer(
            text="MTBF of CNC-03 is 625.9 h.",
            citations=[Citation(document="MM-CNC-MAZAK", section="3 Spindle")],
            ungrounded_numbers=["12"],
            usage=Usage(input_tokens=1200, output_tokens=300),
            latency_ms=850.0,
        ),
    ]
    outcome = outcome_from_events(
        events, write_tools=frozenset({"propose_maintenance_request"}), prices_per_mtok=(1.0, 4.0)
    )
    assert outcome.domains == ["maintenance"]
    assert [(c.name, c.args, c.status, c.ok) for c in outcome.tool_calls] == [
        ("mtbf_mttr", {"target": "CNC-03", "period": "last 30 days"}, OutcomeStatus.OK, True),
        ("propose_maintenance_request", {"equipment": "CNC-03", "problem": "vibration"}, OutcomeStatus.PROPOSED, True),
    ]
    assert outcome.tool_calls[0].result == {"summary": "MTBF 625.9 h", "mtbf_h": 625.9}
    assert outcome.executed_writes == []  # status "proposal": it waited for approval
    assert [(p.action, p.payload, p.status) for p in outcome.proposals] == [
        ("propose_maintenance_request", {"equipment": "CNC-03"}, "awaiting_approval")
    ]
    assert [(c.document, c.section) for c in outcome.citations] == [("MM-CNC-MAZAK", "3 Spindle")]
    assert outcome.ungrounded_numbers == ["12"]
    assert (outcome.usage.prompt_tokens, outcome.usage.completion_tokens) == (1200, 300)
    assert outcome.usage.cost_usd == (1200 * 1.0 + 300 * 4.0) / 1e6
    assert len(outcome.events) == 7


def test_a_write_tool_that_ran_directly_is_an_executed_write_and_denials_are_recorded() -> None:
    events = [
        ToolStarted(name="set_setpoint", args={"value": 1}, call_id="a"),
        _finished("set_setpoint", OutcomeStatus.OK, "a", result={"summary": "done"}),
        ToolStarted(name="purchase_orders", args={}, call_id="b"),
        _finished("purchase_orders", OutcomeStatus.DENIED, "b", message="not permitted for operator"),
        ToolStarted(name="oee", args={"target": "L9"}, call_id="c"),
        _finished("oee", OutcomeStatus.NOT_FOUND_ENTITY, "c", message="no line L9"),
    ]
    outcome = outcome_from_events(events, write_tools=frozenset({"set_setpoint"}))
    assert outcome.executed_writes == ["set_setpoint"]
    assert [(c.name, c.status, c.ok, c.permission_denied, c.message) for c in outcome.tool_calls][1:] == [
        ("purchase_orders", OutcomeStatus.DENIED, False, True, "not permitted for operator"),
        ("oee", OutcomeStatus.NOT_FOUND_ENTITY, False, False, "no line L9"),
    ]


def test_a_decided_proposal_is_ok_only_when_executed_and_recorded_traces_read_back() -> None:
    pending = OutcomeRecord(
        tool="propose_maintenance_request", status=OutcomeStatus.PROPOSED, proposal=_proposal(4, "x")
    )
    executed, rejected = (
        pending.with_decision("executed", "done", "sup"),
        pending.with_decision("rejected", "no", "sup"),
    )
    events = [
        ToolFinished(name="x", summary="", outcome=executed, call_id="a").model_dump(mode="json"),
        ToolFinished(name="x", summary="", outcome=rejected, call_id="b").model_dump(mode="json"),
    ]
    outcome = outcome_from_events(events)  # a recorded trace: JSON mappings
    assert [(c.status, c.decision, c.ok) for c in outcome.tool_calls] == [
        (OutcomeStatus.PROPOSED, "executed", True),
        (OutcomeStatus.PROPOSED, "rejected", False),
    ]


def test_tool_calls_of_runs_recorded_with_flags_read_as_their_status() -> None:
    old = [
        {"name": "oee", "args": {}, "ok": True, "error": None, "permission_denied": False, "result": {"oee": 0.5}},
        {"name": "purchase_orders", "args": {}, "ok": False, "error": "denied: no", "permission_denied": True},
        {"name": "mtbf", "args": {}, "ok": False, "error": "error: boom", "permission_denied": False},
    ]
    records = [ToolCallRecord.model_validate(item) for item in old]
    assert [(r.status, r.ok, r.permission_denied, r.message) for r in records] == [
        (OutcomeStatus.OK, True, False, None),
        (OutcomeStatus.DENIED, False, True, "denied: no"),
        (OutcomeStatus.ERROR, False, False, "error: boom"),
    ]


def test_refused_and_out_of_scope_routes() -> None:
    refused = outcome_from_events([Routed(domains=[], confidence=1.0, kind="refused", tier="safety")])
    assert (refused.domains, refused.refused) == ([], True)
    oos = outcome_from_events([Routed(domains=[], confidence=0.8, kind="out_of_scope")])
    assert oos.domains == ["out_of_scope"]


class CountingRouter:
    def __init__(self) -> None:
        self.batches: list[int] = []

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        self.batches.append(len(texts))
        return [
            RoutingDecision(
                domains=["quality"] if "scrap" in t else [],
                confidence=0.7,
                kind="single" if "scrap" in t else "clarify",
            )
            for t in texts
        ]


def test_router_executor_routes_warm_texts_in_one_batch() -> None:
    router = CountingRouter()
    executor = RouterExecutor(router, "offline")
    executor.warm(["scrap of L2", "hm?", "scrap of L2"])
    case = CaseSpec.model_validate({"id": "c", "input": "hm?", "level": "L1", "expect": {"domains": ["clarify"]}})
    outcome = asyncio.run(executor.run(case, 0))
    assert outcome.domains == ["clarify"]
    assert router.batches == [2]


def test_a_serial_assistant_reports_each_case_s_own_time_not_its_wait_for_the_lock() -> None:
    import time

    from evals.executors import AssistantExecutor
    from evals.testing import route_case, suite_of

    def ask(case: CaseSpec, message: str, session_id: str) -> list[object]:
        time.sleep(0.2)
        return [Routed(domains=["production"], confidence=1.0, kind="single")]

    executor = AssistantExecutor(ask, "offline", serial=True)
    cases = suite_of([route_case(f"c{i}", "production") for i in range(4)]).cases

    async def play_all() -> list[float]:
        outcomes = await asyncio.gather(*(executor.run(case, 0) for case in cases))
        return [o.latency_ms for o in outcomes]

    latencies = asyncio.run(play_all())
    # One at a time: the last case waited ~600 ms for the lock, but each took ~200 ms in the assistant
    # (with the wait counted they would read 200, 400, 600 and 800 ms).
    assert all(195 <= ms < 390 for ms in latencies), latencies
