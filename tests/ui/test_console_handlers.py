"""The console's handlers without a browser, on a copy of the small demo plant: the pending-approvals
list across users and sessions, decisions through the tool layer, the chat's approval card, sign-out."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import SecretStr

from agents.routing.decision import RoutingDecision
from tools import AuditLog, ProposalStatus
from ui.config import AndonSettings, UserAccount
from ui.console.auth import hash_password
from ui.console.backend import ConsoleBackend, SignedIn
from ui.console.handlers import Handlers, session_state
from ui.console.reset import CLEARED_ON_SIGN_OUT
from ui.system import DEMO_USERS

ROBOT_REPAIR = "给ROB-01报修：抓手真空经常丢失"  # ROB-01 is on line L3


class _MaintenanceRouter:
    """Routing is measured on its own; here repair requests go to maintenance, the rest to production."""

    def route(self, text: str) -> RoutingDecision:
        domain = "maintenance" if "报修" in text or "maintenance" in text.lower() else "production"
        return RoutingDecision(domains=[domain], confidence=0.97, kind="single")

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        return [self.route(t) for t in texts]


USERS = [
    *(account for account in DEMO_USERS if account.name != "operator-l1"),
    UserAccount(name="operator-l1", role="operator", scopes=["L1"], password_hash=SecretStr(hash_password("班组-1"))),
    UserAccount(name="engineer-l1", role="engineer", scopes=["L1"], display_name="Line 1 engineer"),
]


@pytest.fixture
def settings(small_plant_path: Path, tmp_path: Path) -> AndonSettings:
    shutil.copy(small_plant_path, tmp_path / "plant.db")
    return AndonSettings(data_home=tmp_path, ui_auth=True, users=USERS)


@pytest.fixture
def system(settings: AndonSettings) -> Iterator[Any]:
    from ui.agents_wiring import agent_system

    built = agent_system(settings, model="offline", router=_MaintenanceRouter())
    yield built
    built.close()


@pytest.fixture
def handlers(settings: AndonSettings, system: Any) -> Handlers:
    return Handlers(ConsoleBackend(settings, system.assistant, tools=system.tools))


def _state(settings: AndonSettings, user: str) -> dict[str, Any]:
    account = next(a for a in USERS if a.name == user)
    return {**session_state("en"), "account": SignedIn.of(account)}


def _propose(system: Any, user: str, problem: str = "抓手真空经常丢失", equipment: str = "ROB-01") -> int:
    outcome = system.tools.call("propose_maintenance_request", {"equipment": equipment, "problem": problem}, user=user)
    assert outcome.proposal is not None, outcome.message
    return int(outcome.proposal.id)


def _listed(refreshed: tuple[Any, ...]) -> list[int]:
    table = refreshed[1]
    assert isinstance(table, pd.DataFrame)
    return [int(value) for value in table.iloc[:, 0].tolist()]


def _last(events: Iterator[tuple[Any, ...]]) -> tuple[Any, ...]:
    outputs: list[tuple[Any, ...]] = list(events)
    return outputs[-1]


# --- the pending-approvals list ------------------------------------------------------------------


def test_an_operators_proposal_reaches_every_approver_who_may_decide_it(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    robot = _propose(system, "operator")
    press = _propose(system, "operator", "液压油温度过高", equipment="PRS-01")
    by_supervisor = _propose(system, "supervisor", "guard door switch broken", equipment="CNC-01")

    note, table, choice, card = handlers.approvals.refresh(_state(settings, "engineer"))
    assert note == "2 proposal(s) wait for your decision."
    assert _listed((note, table)) == [robot, press]  # not the supervisor's own request: above an engineer
    assert table.iloc[0].tolist()[2:5] == [
        "operator (operator)",
        system.tools.proposals.get(robot).title,
        "抓手真空经常丢失",
    ]
    assert [value for _, value in choice["choices"]] == [str(robot), str(press)]
    assert (choice["value"], card) == (None, "")  # nothing chosen until the approver chooses

    assert _listed(handlers.approvals.refresh(_state(settings, "supervisor"))) == [robot, press, by_supervisor]
    assert _listed(handlers.approvals.refresh(_state(settings, "engineer-l1"))) == []  # L3 / L4 / above its role
    operator = handlers.approvals.refresh(_state(settings, "operator"))
    assert (operator[0], _listed(operator)) == ("No proposal waits for your decision.", [])

    shown = handlers.approvals.show(str(robot), _state(settings, "engineer"))
    assert shown.startswith(f"### #{robot} · Maintenance request for ROB-01")
    assert "Requested by operator (operator)" in shown
    assert "Needs engineer or above to decide" in shown


def test_the_list_is_read_from_the_database_each_time(settings: AndonSettings, system: Any, handlers: Handlers) -> None:
    supervisor = _state(settings, "supervisor")
    assert _listed(handlers.approvals.refresh(supervisor)) == []
    # Proposed meanwhile by someone else, in another process (the CLI): the same tab sees it on refresh.
    from ui.system import tool_system

    other = tool_system(settings).call("propose_maintenance_request", {"equipment": "ROB-01", "problem": "no air"})
    assert other.proposal is not None
    assert _listed(handlers.approvals.refresh(supervisor)) == [other.proposal.id]


def test_approving_from_the_list_executes_once_and_is_audited_like_the_cli(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    proposal_id = _propose(system, "operator")
    supervisor = _state(settings, "supervisor")
    result, note, table, choice, card, reason = handlers.approvals.approve(str(proposal_id), "", supervisor)
    done = system.tools.proposals.get(proposal_id)
    assert (done.status, done.decided_by) == (ProposalStatus.EXECUTED, "supervisor")
    assert result == f"✓ Approved #{proposal_id}: {done.title}. {done.result_summary}"
    assert done.result_summary.startswith("Created maintenance work order WO-")
    assert (note, _listed((note, table)), choice["value"], card, reason) == (
        "No proposal waits for your decision.",
        [],
        None,
        "",
        "",
    )
    audit = [(e.event, e.user, e.outcome) for e in AuditLog(settings.data_home / "audit.jsonl").entries()]
    assert audit[-1] == ("approve", "supervisor", "executed")

    # A second click on the stale choice, or another approver a moment later: a clear message, nothing runs.
    again = handlers.approvals.approve(str(proposal_id), "", _state(settings, "admin"))[0]
    assert again == (
        f"Proposal #{proposal_id} is no longer pending: approved and executed by supervisor. Nothing was changed now."
    )
    audit = [(e.event, e.user, e.outcome) for e in AuditLog(settings.data_home / "audit.jsonl").entries()]
    assert audit[-1] == ("approve", "admin", "refused")
    assert [p.status for p in system.tools.proposals.list()] == [ProposalStatus.EXECUTED]


def test_rejecting_from_the_list_asks_for_a_reason_first(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    proposal_id = _propose(system, "operator")
    engineer = _state(settings, "engineer")
    asked = handlers.approvals.reject(str(proposal_id), "  ", engineer)
    assert asked[0] == "A rejection needs a reason: write it in the reason box."
    assert asked[3]["value"] == str(proposal_id)  # still chosen, nothing decided
    assert system.tools.proposals.get(proposal_id).status is ProposalStatus.PENDING
    rejected = handlers.approvals.reject(str(proposal_id), "vacuum pump replaced yesterday", engineer)
    stored = system.tools.proposals.get(proposal_id)
    assert (stored.status, stored.decision_reason) == (ProposalStatus.REJECTED, "vacuum pump replaced yesterday")
    assert rejected[0] == f"Rejected #{proposal_id}: {stored.title}. Reason: vacuum pump replaced yesterday"
    assert handlers.approvals.approve(None, "", engineer)[0] == "Choose a proposal in the list first."


def test_the_tool_layer_refuses_a_decision_outside_the_list(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    proposal_id = _propose(system, "operator")
    # Through the HTTP API an operator could send any id; the tool layer refuses and audits it.
    refused = handlers.approvals.approve(str(proposal_id), "", _state(settings, "operator"))[0]
    assert refused.startswith("✗ Not decided: not permitted / 无权限: approving propose_maintenance_request needs")
    scoped = handlers.approvals.approve(str(proposal_id), "", _state(settings, "engineer-l1"))[0]
    assert "engineer-l1 may only see L1" in scoped
    assert system.tools.proposals.get(proposal_id).status is ProposalStatus.PENDING
    outcomes = [
        (e.user, e.outcome) for e in AuditLog(settings.data_home / "audit.jsonl").entries() if e.event == "approve"
    ]
    assert outcomes == [("operator", "denied"), ("engineer-l1", "denied")]


def test_the_approvals_list_speaks_chinese(settings: AndonSettings, system: Any, handlers: Handlers) -> None:
    _propose(system, "operator")
    state = {**_state(settings, "engineer"), "lang": "zh"}
    note, table, _, _ = handlers.approvals.refresh(state)
    assert note == "有 1 项提议等待您审批。"
    assert list(table.columns) == ["编号", "提出时间", "提出人", "提议", "原因", "审批角色"]


# --- the chat's approval card --------------------------------------------------------------------


def test_an_approver_asking_twice_gets_the_pending_proposal_and_can_approve_it(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    engineer = _state(settings, "engineer")
    first = _last(handlers.ask(ROBOT_REPAIR, [], engineer))
    again = _last(handlers.ask(ROBOT_REPAIR, first[0], engineer))
    [proposal] = system.tools.proposals.list()
    answer = again[0][-2]["content"]
    assert answer.startswith(f"已有待审批的提案 #{proposal.id}：Maintenance request for ROB-01")  # asked in Chinese
    assert "未重复创建" in answer
    assert "This request is already pending" in again[7]["value"]  # the card, in the console's language
    assert again[8]["visible"] is True  # and the engineer may approve it right there
    done = _last(handlers.approve("", again[0], engineer))
    assert system.tools.proposals.get(proposal.id).status is ProposalStatus.EXECUTED
    assert done[7]["value"] == "No proposal waiting."


def test_the_card_of_a_proposal_decided_elsewhere_says_so_and_decides_nothing(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    engineer = _state(settings, "engineer")
    asked = _last(handlers.ask(ROBOT_REPAIR, [], engineer))
    [proposal] = system.tools.proposals.list()
    assert engineer["proposal"]["id"] == str(proposal.id)
    handlers.approvals.reject(str(proposal.id), "duplicate of WO-1", _state(settings, "supervisor"))
    done = _last(handlers.approve("", asked[0], engineer))
    texts = [m["content"] for m in done[0] if m["role"] == "assistant" and not m.get("metadata")]
    assert f"Proposal #{proposal.id} is no longer pending: rejected by supervisor. Nothing was changed now." in texts
    stored = system.tools.proposals.get(proposal.id)
    assert (stored.status, stored.decided_by) == (ProposalStatus.REJECTED, "supervisor")
    assert (done[7]["value"], done[8]["visible"]) == ("No proposal waiting.", False)


def test_an_operators_card_tells_them_once_a_supervisor_decided(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    operator = _state(settings, "operator")
    asked = _last(handlers.ask(ROBOT_REPAIR, [], operator))
    assert asked[8]["visible"] is False  # no buttons: an operator may not decide it
    assert handlers.refresh_card(operator) == ({"__type__": "update"},) * 4  # still pending: unchanged
    [proposal] = system.tools.proposals.list()
    handlers.approvals.approve(str(proposal.id), "", _state(settings, "supervisor"))
    card, approve, reject, reason = handlers.refresh_card(operator)
    assert card == (
        f"Proposal #{proposal.id} is no longer pending: approved and executed by supervisor. Nothing was changed now."
    )
    assert (approve["visible"], reject["visible"], reason["visible"]) == (False, False, False)


def test_the_card_asks_for_a_reason_before_rejecting(settings: AndonSettings, system: Any, handlers: Handlers) -> None:
    engineer = _state(settings, "engineer")
    asked = _last(handlers.ask(ROBOT_REPAIR, [], engineer))
    notice = _last(handlers.reject("", asked[0], engineer))
    assert notice[-1] == "A rejection needs a reason: write it in the reason box."
    assert notice[0] == asked[0]
    assert [p.status for p in system.tools.proposals.list()] == [ProposalStatus.PENDING]


# --- sign-out --------------------------------------------------------------------------------------


def test_sign_out_blanks_every_component_and_forgets_the_session(
    settings: AndonSettings, system: Any, handlers: Handlers
) -> None:
    engineer = _state(settings, "engineer")
    _last(handlers.ask("Top downtime reasons on line 3 last week", [], engineer))
    session_id = engineer["session_id"]
    memory = system.assistant.memory
    assert memory.session(session_id) is not None
    thread = {"configurable": {"thread_id": f"engineer:{session_id}::production"}}
    assert memory.checkpointer.get_tuple(thread) is not None

    fresh, login_error, login_panel, main_panel, who, *cleared = handlers.sign_out(engineer)
    assert memory.session(session_id) is None
    assert memory.checkpointer.get_tuple(thread) is None
    assert (fresh["account"], fresh["proposal"], fresh["last_answer"]) == (None, None, "")
    assert fresh["session_id"] != session_id
    assert (login_panel["visible"], main_panel["visible"], who, login_error["visible"]) == (True, False, "", False)
    blank = dict(zip(CLEARED_ON_SIGN_OUT, cleared, strict=True))
    assert blank["chatbot"] == []
    assert (blank["evidence"], blank["proposal_card"], blank["status"]) == (
        "No evidence yet.",
        "No proposal waiting.",
        "",
    )
    for chart in ("line_plot", "bar_plot"):
        assert blank[chart]["visible"] is False
        assert blank[chart]["value"].empty
    assert (blank["table"]["visible"], blank["table"]["value"]) == (False, None)
    assert blank["approvals_choice"] == {"__type__": "update", "choices": [], "value": None}
    for name in ("approvals_table", "documents", "audit_table"):
        assert blank[name]["value"] is None
    for name in (
        "question",
        "comment",
        "approvals_note",
        "approvals_card",
        "approvals_result",
        "eval_card",
        "audit_note",
    ):
        assert blank[name] == ""
    # Whoever signs in next starts clean too, and the engineer's session is not theirs.
    after = handlers.sign_in("operator-l1", "班组-1", fresh)
    assert after[0]["account"].name == "operator-l1"
    assert after[5:] == tuple(cleared)
    with pytest.raises(Exception, match="sign in first"):
        _last(handlers.ask("OEE of line 1 yesterday", [], fresh))


def test_sign_out_outputs_cover_every_component_a_handler_writes(settings: AndonSettings, system: Any) -> None:
    from ui.console.app import build_console

    app = build_console(ConsoleBackend(settings, system.assistant, tools=system.tools))
    functions = list(app.fns.values())
    [sign_out] = [fn for fn in functions if fn.api_name == "sign_out"]
    cleared = {block._id for block in sign_out.outputs}
    assert len(cleared) == len(CLEARED_ON_SIGN_OUT) + 5  # + state, login error, both panels, who
    # The browser's sealed copy of the sign-in is written right after sign-in, and blanked right after sign-out.
    [blank_token] = [fn for fn in functions if fn.name == "sign_in_token" and fn.trigger_after == sign_out._id]
    assert [type(block).__name__ for block in blank_token.outputs] == ["BrowserState"]
    for fn in functions:
        if fn.name in ("switch_language", "sign_in_token"):
            continue  # labels only; the sign-in token (see above)
        if [getattr(block, "elem_id", None) for block in fn.outputs] == ["language"]:
            continue  # the first visit's language (from the browser's locale) is a preference, not data
        missed = [
            getattr(block, "elem_id", None) or type(block).__name__ for block in fn.outputs if block._id not in cleared
        ]
        assert not missed, f"{fn.name} writes {missed}, which sign-out leaves as they were"
    assert {fn.name for fn in functions} >= {"ask", "approve", "refresh", "ingest", "run_eval", "audit", "new_chat"}
    # A turn still streaming is cancelled by sign-out, so it cannot write the signed-out session back.
    turns = {fn._id for fn in functions if fn.name in ("ask", "approve", "reject") and len(fn.outputs) == 12}
    assert len(turns) == 4
    cancelling = [fn for fn in functions if fn.is_cancel_function and fn.targets == sign_out.targets]
    assert [set(fn.cancels) for fn in cancelling] == [turns]


# --- a new conversation -------------------------------------------------------------------------


def _turn_text(history: list[dict[str, Any]], before: list[dict[str, Any]]) -> str:
    """Everything the console showed for the last turn: its trace and its answer."""
    return "\n".join(str(message["content"]) for message in history[len(before) :])


def test_clearing_the_chat_starts_a_new_conversation(settings: AndonSettings, system: Any, handlers: Handlers) -> None:
    from ui.console.app import build_console

    state = _state(settings, "supervisor")
    first = _last(handlers.ask("1号线昨天的OEE是多少?", [], state))
    same = _last(handlers.ask("前天呢?", first[0], first[2]))
    # In the same conversation "前天呢?" is the OEE of line 1 the day before yesterday.
    assert '**oee** `{"target": "L1", "period": "前天"}`' in _turn_text(same[0], first[0])
    cleared = handlers.new_chat(same[2])
    assert cleared[0]["session_id"] != same[2]["session_id"]
    assert cleared[0]["account"] == state["account"]
    assert cleared[1] == []  # the conversation shown
    after = _last(handlers.ask("前天呢?", cleared[1], cleared[0]))
    # After clearing, it follows nothing: no OEE is looked up for "前天呢?" on its own.
    assert "**oee**" not in _turn_text(after[0], [])
    assert "OEE" not in _turn_text(after[0], [])
    # The chat's own clear button is wired to the same handler as "New conversation".
    app = build_console(ConsoleBackend(settings, system.assistant, tools=system.tools))
    chatbot = next(block for block in app.blocks.values() if getattr(block, "elem_id", None) == "chatbot")
    wired = {fn.name for fn in app.fns.values() if (chatbot._id, "clear") in [(t[0], t[1]) for t in fn.targets]}
    assert wired == {"new_chat"}


# --- updates sent while a turn streams -----------------------------------------------------------


def test_a_turn_sends_its_chart_once_and_the_card_at_the_end(settings: AndonSettings, handlers: Handlers) -> None:
    from ui.console.reset import CHAT_OUTPUTS

    outputs = list(handlers.ask("1号线上周的停机原因帕累托", [], _state(settings, "engineer")))
    position = {name: i for i, name in enumerate(CHAT_OUTPUTS)}

    def sent(name: str) -> list[dict[str, Any]]:
        """The updates of one output that set something (an empty update leaves it as it is)."""
        return [o[position[name]] for o in outputs if o[position[name]] != {"__type__": "update"}]

    # The bar chart is hidden once at the start (clearing the last turn's) and shown once with the Pareto.
    hidden, shown = sent("bar_plot")
    assert (hidden["visible"], hidden["value"].empty) == (False, True)
    assert shown["visible"] is True
    assert len(shown["value"]) >= 1
    assert shown["value"][shown["y"]].is_monotonic_decreasing  # a Pareto: the biggest cause first
    assert [update["visible"] for update in sent("line_plot")] == [False, False]  # with each chart change
    # The approval card is set once, at the end of the turn; the last update is no longer "working".
    assert [update["value"] for update in sent("proposal_card")] == ["No proposal waiting."]
    assert "⏳" not in outputs[-1][position["status"]]
