"""The two doors the permission matrix reaches last: the console's chat (ask, then the chat's approve button)
and evaluation runs (each case acts as its own user, role and scopes). Through both, a tool runs only at or above
its role and inside the user's lines, a write is only proposed, and every refusal is audited as the caller."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tools import AuditLog, ProposalStatus, ProposalStore
from ui.config import AndonSettings
from ui.system import DEMO_USERS, ToolSystem, tool_system

OEE_L2 = "2号线昨天的OEE是多少？"
OPEN_POS = "Which purchase orders are still open?"
SUPPLIER_OTD = "SUP-02这个季度的准时交付率是多少？"
REPAIR = "给CNC-03开一个维修请求：主轴异响"
REQUESTS = [OEE_L2, OPEN_POS, SUPPLIER_OTD, REPAIR]
TOOLS = {
    OEE_L2: "oee",
    OPEN_POS: "purchase_orders",
    SUPPLIER_OTD: "supplier_on_time_delivery",
    REPAIR: "propose_maintenance_request",
}

# What each demo account may do with each request: purchase orders need an engineer, supplier delivery a
# supervisor, a maintenance request is only ever proposed; operator-l1 may see line 1 only (L2, CNC-03 are not).
EXPECTED = {
    "operator": ["ok", "denied", "denied", "proposed"],
    "operator-l1": ["denied", "denied", "denied", "denied"],
    "engineer": ["ok", "ok", "denied", "proposed"],
    "supervisor": ["ok", "ok", "ok", "proposed"],
    "admin": ["ok", "ok", "ok", "proposed"],
}


@pytest.fixture
def home(small_plant_path: Path, tmp_path: Path) -> Path:
    shutil.copy(small_plant_path, tmp_path / "plant.db")
    return tmp_path


@pytest.fixture
def system(home: Path) -> Iterator[ToolSystem]:
    built = tool_system(AndonSettings(data_home=home))
    yield built
    built.engine.dispose()


def _audited(system: ToolSystem, before: int) -> list[tuple[str, str, str, str]]:
    return [(e.tool, e.outcome, e.user, e.role) for e in system.audit.entries()[before:] if e.event == "call"]


def _pending_all(system: ToolSystem) -> bool:
    return {p.status for p in system.proposals.list()} == {ProposalStatus.PENDING}


def test_the_console_chat_door_runs_tools_only_as_the_signed_in_account(system: ToolSystem) -> None:
    from ui.agents_wiring import agent_system
    from ui.console.backend import ConsoleBackend, SignedIn
    from ui.console.handlers import Handlers, session_state

    built = agent_system(system.settings, model="offline", tools=system)
    backend = ConsoleBackend(system.settings, assistant=built.assistant, tools=system)
    handlers = Handlers(backend)
    answers: dict[tuple[str, str], str] = {}
    try:
        for account in DEMO_USERS:
            seen = []
            for i, text in enumerate(REQUESTS):
                state = {**session_state("en"), "account": SignedIn.of(account), "session_id": f"{account.name}-{i}"}
                before = len(system.audit.entries())
                history = list(handlers.ask(text, [], state))[-1][0]
                entries = _audited(system, before)
                assert [(tool, user, role) for tool, _, user, role in entries] == [
                    (TOOLS[text], account.name, account.role)
                ]  # one call, audited as the signed-in account
                seen.append(entries[0][1])
                answers[(account.name, text)] = "\n".join(str(m["content"]) for m in history)
            assert seen == EXPECTED[account.name], account.name
        # A refused figure never reaches the chat: the supervisor's numbers are absent from the refused answers.
        figures = set(re.findall(r"\d+\.\d+ ?%", answers[("supervisor", SUPPLIER_OTD)]))
        assert figures
        for name in ("operator", "operator-l1", "engineer"):
            assert figures & set(re.findall(r"\d+\.\d+ ?%", answers[(name, SUPPLIER_OTD)])) == set(), name
        assert _pending_all(system)  # asked through the chat, every write is only proposed

        # The chat's approve button decides for the signed-in account: an operator may not approve a maintenance
        # request (an engineer may), so the proposal stays pending and the refusal is audited as the operator.
        operator = next(a for a in DEMO_USERS if a.name == "operator")
        state = {**session_state("en"), "account": SignedIn.of(operator), "session_id": "op-approve"}
        list(handlers.ask(REPAIR, [], state))
        pending = state["proposal"]
        before = len(system.audit.entries())
        list(handlers.approve("", [], state))
        assert system.proposals.get(int(pending["id"])).status is ProposalStatus.PENDING
        decided = [(e.event, e.outcome, e.user, e.role) for e in system.audit.entries()[before:]]
        assert ("approve", "denied", "operator", "operator") in decided, decided
    finally:
        built.close()


def test_an_evaluation_run_plays_each_case_as_its_user_role_and_scopes(
    home: Path, andon_cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = []
    for account in DEMO_USERS:
        for i, text in enumerate(REQUESTS):
            scopes = f", scopes: {json.dumps(list(account.scopes))}" if account.scopes else ""
            cases.append(
                f"  - {{id: door-{account.name}-{i}, input: {json.dumps(text, ensure_ascii=False)}, "
                f"user: {account.name}, role: {account.role}{scopes}, expect: {{grounded: true}}}}"
            )
    suite = home / "doors.yaml"
    suite.write_text(
        textwrap.dedent("""\
        suite: doors
        description: Each case acts as a demo account
        defaults: {lang: en, level: L2}
        cases:
        """)
        + "\n".join(cases)
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ANDON_DATA_HOME", str(home))
    code, _, err = andon_cli("eval", "run", str(suite), "--model", "offline", "--out", str(home / "run"))
    assert code in (0, 1), err
    # A run plays on its own copy of the plant and keeps its own audit log in the run folder.
    audit = AuditLog(home / "run" / "audit.jsonl")
    calls = [(e.tool, e.outcome, e.user, e.role) for e in audit.entries() if e.event == "call"]
    by_user: dict[str, list[tuple[str, str]]] = {}
    for tool, outcome, user, role in calls:
        assert role == next(a.role for a in DEMO_USERS if a.name == user)
        by_user.setdefault(user, []).append((tool, outcome))
    for account in DEMO_USERS:
        # Cases run concurrently: compare per tool, not in order.
        assert sorted(by_user[account.name]) == sorted(
            zip([TOOLS[t] for t in REQUESTS], EXPECTED[account.name], strict=True)
        ), account.name
    engine = create_engine(f"sqlite:///{home / 'run' / 'proposals.db'}")  # the run's own proposal store
    try:
        proposals = ProposalStore(engine).list()
    finally:
        engine.dispose()
    # An evaluation proposes writes (the same open request is handed back to each account that asks for it
    # again); it never approves or executes them.
    assert [(p.action, p.status) for p in proposals] == [("propose_maintenance_request", ProposalStatus.PENDING)]
