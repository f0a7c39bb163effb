"""Shared state of the console workers: sign-ins, feedback and the eval runs' index in the plant
database; and two workers (separate processes' worth of objects, separate data homes) on one
PostgreSQL plant: a proposal raised on one is approved on the other, a conversation started on one
continues on the other, a sign-in made on one is valid on the other until sign-out."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from agents.events import ToolStarted
from agents.routing.decision import RoutingDecision
from connectors import DatabaseConfig, open_engine, seed_plant
from tools import DatabaseAuditLog, ProposalStatus
from ui.config import AndonSettings
from ui.console.backend import ConsoleBackend
from ui.console.handlers import Handlers, session_state
from ui.console.shared_state import SharedConsoleState, SignInRecord


class _Router:
    def route(self, text: str) -> RoutingDecision:
        domain = "maintenance" if "报修" in text else "production"
        return RoutingDecision(domains=[domain], confidence=0.97, kind="single")

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        return [self.route(t) for t in texts]


def test_a_sign_in_is_found_by_token_until_signed_out(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    one, other = SharedConsoleState(engine), SharedConsoleState(engine)
    token = one.sign_in("engineer", "conv-1")
    assert other.resume(token) == SignInRecord(user="engineer", session_id="conv-1")
    other.move_to(token, "conv-2")
    assert one.resume(token) == SignInRecord(user="engineer", session_id="conv-2")
    assert one.resume("not-a-token") is None
    one.sign_out(token)
    assert other.resume(token) is None
    expired = one.sign_in("engineer", "conv-3", hours=-1)
    assert one.resume(expired) is None
    assert one.browser_secret() == other.browser_secret()
    assert len(one.browser_secret()) == 43


def test_feedback_and_eval_runs_are_kept_in_the_table(tmp_path: Path) -> None:
    shared = SharedConsoleState(create_engine(f"sqlite:///{tmp_path / 'plant.db'}"))
    entry = {
        "ts": "2026-11-20T06:01:00",
        "session_id": "s1",
        "user": "operator",
        "role": "operator",
        "message_index": 1,
        "liked": False,
        "comment": "wrong line",
        "answer": "OEE 71.2 %",
    }
    shared.add_feedback(entry)
    assert shared.feedback() == [entry]
    shared.index_eval_run("20261120-060000-analysis", "analysis", "# card", '{"x": 1}')
    shared.index_eval_run("20261121-060000-safety", "safety", "# card 2", '{"x": 2}')
    assert shared.eval_runs() == ["20261121-060000-safety", "20261120-060000-analysis"]
    assert shared.eval_report_json("20261120-060000-analysis") == '{"x": 1}'
    assert shared.eval_report_json("missing") is None


@pytest.fixture(scope="module")
def postgres_plant_url(postgres_database: Callable[[str], str]) -> str:
    url = postgres_database("andon_workers")
    engine = open_engine(DatabaseConfig(url=url))
    seed_plant(engine, scale="small", seed=7)
    engine.dispose()
    return url


@pytest.fixture
def workers(postgres_plant_url: str, tmp_path: Path) -> Iterator[list[tuple[Any, Handlers]]]:
    """Two console workers on one plant; each has a data home of its own (nothing shared through files)."""
    from ui.agents_wiring import agent_system

    built = []
    for name in ("worker-a", "worker-b"):
        settings = AndonSettings(data_home=tmp_path / name, database_url=postgres_plant_url, ui_auth=True)
        system = agent_system(settings, model="offline", router=_Router())
        built.append((system, Handlers(ConsoleBackend(settings, system.assistant, tools=system.tools))))
    yield built
    for system, _ in built:
        system.close()
    for name in ("worker-a", "worker-b"):
        shutil.rmtree(tmp_path / name, ignore_errors=True)


def _tool_calls(events: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(e.name, e.args) for e in events if isinstance(e, ToolStarted)]


@pytest.mark.postgres
def test_a_conversation_started_on_one_worker_continues_on_the_other(workers: list[tuple[Any, Handlers]]) -> None:
    (a, _), (b, _) = workers
    first = list(a.assistant.ask("2号线昨天的OEE是多少?", session_id="conv-x", user="operator", role="operator"))
    assert _tool_calls(first) == [("oee", {"target": "L2", "period": "昨天"})]
    follow = list(b.assistant.ask("那前天呢?", session_id="conv-x", user="operator", role="operator"))
    assert _tool_calls(follow) == [("oee", {"target": "L2", "period": "前天"})]


@pytest.mark.postgres
def test_a_proposal_raised_on_one_worker_is_approved_on_the_other(
    workers: list[tuple[Any, Handlers]], postgres_plant_url: str
) -> None:
    (a, _), (_, handlers_b) = workers
    outcome = a.tools.call(
        "propose_maintenance_request", {"equipment": "CNC-03", "problem": "spindle noise"}, user="operator"
    )
    assert outcome.proposal is not None
    proposal_id = int(outcome.proposal.id)
    engineer = handlers_b.backend.authenticate("engineer", "engineer")
    assert engineer is not None
    pending = [p.proposal.id for p in handlers_b.backend.pending_proposals(engineer)]
    assert proposal_id in pending
    decided = handlers_b.backend.decide(engineer, proposal_id, "approve")
    assert (decided.status, decided.decided_by) == (ProposalStatus.EXECUTED, "engineer")
    assert a.tools.proposals.get(proposal_id).status is ProposalStatus.EXECUTED
    # Both workers wrote to one chain in the database.
    trail = DatabaseAuditLog(create_engine(postgres_plant_url))
    mine = [(e.event, e.user, e.proposal_id) for e in trail.entries() if e.proposal_id == proposal_id]
    assert mine[0] == ("call", "operator", proposal_id)
    assert ("approve", "engineer", proposal_id) in mine
    assert trail.verify().ok


@pytest.mark.postgres
def test_a_sign_in_made_on_one_worker_is_valid_on_the_other_until_sign_out(
    workers: list[tuple[Any, Handlers]],
) -> None:
    (_, handlers_a), (_, handlers_b) = workers
    signed = handlers_a.sign_in("supervisor", "supervisor", session_state("en"))[0]
    token = handlers_a.sign_in_token(signed)
    restored = handlers_b.restore_sign_in(token, session_state("en"))[0]
    assert (restored["account"].name, restored["account"].role.value) == ("supervisor", "supervisor")
    assert restored["session_id"] == signed["session_id"]
    handlers_a.sign_out(signed)
    again = handlers_b.restore_sign_in(token, session_state("en"))[0]
    assert again["account"] is None


def test_with_shared_state_in_the_database_feedback_goes_to_the_table_not_a_file(tmp_path: Path) -> None:
    from ui.console.backend import SignedIn
    from ui.system import DEMO_USERS, tool_system

    settings = AndonSettings(data_home=tmp_path, shared_state="database")
    backend = ConsoleBackend(settings, assistant=None, tools=tool_system(settings))
    account = SignedIn.of(DEMO_USERS[0])
    backend.record_feedback(session_id="s9", account=account, message_index=3, answer="42 %", liked=True, comment="")
    [stored] = backend.shared.feedback()
    assert (stored["session_id"], stored["user"], stored["message_index"], stored["liked"]) == (
        "s9",
        "operator",
        3,
        True,
    )
    assert not backend.feedback_path.exists()
    assert backend.eval_runs() == []


@pytest.mark.postgres
def test_document_locks_in_postgres_exclude_other_engines(postgres_database: Callable[[str], str]) -> None:
    import threading

    from ui.system import DatabaseDocumentLocks

    url = postgres_database("andon_locks")
    one, other = DatabaseDocumentLocks(create_engine(url)), DatabaseDocumentLocks(create_engine(url))
    order: list[str] = []

    def second() -> None:
        with other.hold("SOP-BRG"):
            order.append("second")

    with one.hold("SOP-BRG"):
        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive()
        with other.hold("SOP-OTHER"):  # another document is not held up
            order.append("other document")
        order.append("first")
    waiter.join(30)
    assert order == ["other document", "first", "second"]
    one.engine.dispose()
    other.engine.dispose()


@pytest.mark.postgres
def test_approvals_at_the_same_moment_on_two_workers_get_distinct_work_orders(
    workers: list[tuple[Any, Handlers]],
) -> None:
    import threading

    (a, _), (b, _) = workers
    machines = ["CNC-01", "CNC-02", "CNC-03", "CNC-04", "ROB-01", "PRS-01", "LAS-01", "ASM-01"]
    ids = []
    for machine in machines:
        outcome = a.tools.call(
            "propose_maintenance_request", {"equipment": machine, "problem": "noise"}, user="operator"
        )
        assert outcome.proposal is not None
        ids.append(int(outcome.proposal.id))
    decided: dict[int, Any] = {}

    def approve(system: Any, proposal_id: int) -> None:
        decided[proposal_id] = system.tools.approve(proposal_id, user="engineer")

    threads = [threading.Thread(target=approve, args=((a, b)[n % 2], pid)) for n, pid in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert {p.status for p in decided.values()} == {ProposalStatus.EXECUTED}
    summaries = [str(decided[pid].result_summary) for pid in ids]
    orders = {summary.split()[4] for summary in summaries}  # "Created maintenance work order WO-… for …"
    assert all(summary.startswith("Created maintenance work order WO-") for summary in summaries)
    assert len(orders) == len(machines)


def test_approvals_at_the_same_moment_on_sqlite_get_distinct_work_orders(
    small_plant_path: Path, tmp_path: Path
) -> None:
    import threading

    from ui.system import tool_system

    shutil.copy(small_plant_path, tmp_path / "plant.db")
    settings = AndonSettings(data_home=tmp_path)
    systems = [tool_system(settings), tool_system(settings)]
    ids = []
    for machine in ["CNC-01", "CNC-02", "CNC-03", "CNC-04", "ROB-01", "PRS-01"]:
        outcome = systems[0].call(
            "propose_maintenance_request", {"equipment": machine, "problem": "leak"}, user="operator"
        )
        assert outcome.proposal is not None
        ids.append(int(outcome.proposal.id))
    decided: dict[int, Any] = {}

    def approve(number: int, proposal_id: int) -> None:
        decided[proposal_id] = systems[number % 2].approve(proposal_id, user="engineer")

    threads = [threading.Thread(target=approve, args=(n, pid)) for n, pid in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert {p.status for p in decided.values()} == {ProposalStatus.EXECUTED}
    assert len({str(p.result_summary).split()[4] for p in decided.values()}) == 6
