"""Every role x every tool x scope, through the Python API, the agents' tool adapter and the CLI, and every role x
every write tool's approval: a call runs only at or above the tool's role, a scoped user sees only their line, and
every refusal is in the audit log with the caller's user and role."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools import OutcomeStatus, Permission, ProposalStatus, Role, Tool, ToolError
from tools.adapters.langchain import to_langchain_tool
from tools.testing import sample_arguments
from ui.config import AndonSettings
from ui.system import DEMO_USERS, ToolSystem, tool_system

# Codes of lines L2-L4 and their machines: none may reach a user who may only see line L1.
OTHER_LINES = ["L2", "L3", "L4", "CNC-03", "CNC-04", "DBR-01", "WSH-02", "LT-01", "ROB-01", "ASM-01", "SCR-01",
               "EOL-01", "PRS-01", "LAS-01", "PKG-01"]  # fmt: skip
USERS = [(account.name, Role(account.role), frozenset(account.scopes)) for account in DEMO_USERS]


@pytest.fixture(scope="module")
def system(small_plant_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ToolSystem]:
    home = tmp_path_factory.mktemp("matrix")
    shutil.copy(small_plant_path, home / "plant.db")
    built = tool_system(AndonSettings(data_home=home))
    yield built
    built.engine.dispose()


def _calls(system: ToolSystem) -> list[tuple[Tool, dict[str, Any]]]:
    found = []
    for item in system.registry.tools:
        args = sample_arguments(item)
        if args is not None:
            found.append((item, args))
    return found


def _mentions_other_lines(outcome_json: str) -> list[str]:
    return [code for code in OTHER_LINES if f'"{code}"' in outcome_json or f"{code} " in outcome_json]


def test_every_role_and_scope_at_every_tool_through_the_python_api(system: ToolSystem) -> None:
    calls = _calls(system)
    assert len(calls) == len(system.registry.tools) >= 29
    leaks, wrong = [], []
    for user, role, scopes in USERS:
        for item, args in calls:
            before = len(system.audit.entries())
            outcome = system.call(item.name, args, user=user)
            entries = system.audit.entries()[before:]
            assert [(e.user, e.role, e.tool, e.outcome) for e in entries] == [
                (user, role.value, item.name, outcome.status.value)
            ]  # every call audited once, refusals included, as the caller
            allowed = role.at_least(item.min_role)
            denied = outcome.status is OutcomeStatus.DENIED
            # Below the tool's role: refused. At or above it: refused only for what lies outside the user's scope.
            if (not allowed and not denied) or (allowed and denied and not scopes):
                wrong.append((user, item.name, outcome.status.value))
            if denied:
                assert outcome.result is None
            if scopes and outcome.ok and outcome.result is not None:
                leaked = _mentions_other_lines(outcome.result.model_dump_json())
                if leaked:
                    leaks.append((user, item.name, leaked))
    assert wrong == []
    assert leaks == []


def test_the_agents_adapter_refuses_what_the_api_refuses(system: ToolSystem) -> None:
    from sqlmodel import Session

    from ui.system import tool_context

    refused = 0
    for item, args in _calls(system):
        if item.min_role is Role.OPERATOR:
            continue
        with Session(system.engine) as session:
            ctx = tool_context(system.settings, session, "operator")
            adapted = to_langchain_tool(
                item, context=lambda ctx=ctx: ctx, audit=system.audit, proposals=system.proposals
            )
            said = adapted.invoke(args)
        assert str(said).startswith("denied: "), (item.name, said)
        refused += 1
        assert system.audit.entries()[-1].outcome == "denied"
    assert refused == sum(1 for t in system.registry.tools if t.min_role is not Role.OPERATOR)


def test_every_role_at_every_write_tools_approval(system: ToolSystem) -> None:
    writes = [(item, args) for item, args in _calls(system) if item.permission is Permission.WRITE]
    assert writes
    decided = []
    for item, args in writes:
        for user, role, _ in USERS:
            outcome = system.call(item.name, args, user="admin")
            if outcome.proposal is None:
                continue  # e.g. nothing to propose for these arguments
            pid = int(outcome.proposal.id)
            try:
                proposal = system.approve(pid, user=user)
                decided.append((item.name, user, proposal.status.value))
            except ToolError as exc:
                refusal = str(exc)
                assert "无权限" in refusal, refusal
                assert system.proposals.get(pid).status is ProposalStatus.PENDING
                last = system.audit.entries()[-1]
                assert (last.user, last.role, last.outcome) == (user, role.value, "denied")
                system.reject(pid, "matrix", user="admin")
                continue
            assert role.at_least(item.approver_role), (item.name, user)
            assert role is Role.ADMIN  # the request was made by an admin: only an admin may decide it
    assert decided, "admins approved the admin's requests"


def test_the_cli_door_refuses_and_audits_like_the_api(
    system: ToolSystem, andon_cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANDON_DATA_HOME", str(system.settings.data_home))
    for item, args in _calls(system)[:12]:
        for user, role, _ in USERS[:2]:  # operator and the line-1 operator
            code, _, _ = andon_cli("tools", "call", item.name, "--args", json.dumps(args), "--user", user, "--json")
            last = system.audit.entries()[-1]
            assert (last.user, last.tool) == (user, item.name)
            if not role.at_least(item.min_role):
                assert code == 2
                assert last.outcome == "denied"


def test_the_mcp_door_refuses_what_the_api_refuses(system: ToolSystem) -> None:
    import anyio
    from mcp import Client

    from tools.adapters import create_mcp_server

    calls = _calls(system)
    for user, role, scopes in USERS:
        server = create_mcp_server(
            system.registry.tools,
            caller=lambda ctx, user=user: user,
            open_context=lambda name: system.context(name),
            audit=system.audit,
            proposals=system.proposals,
        )

        async def play(server: Any = server) -> list[Any]:
            async with Client(server, cache=None) as client:
                await client.list_tools()
                return [await client.call_tool(item.name, args) for item, args in calls]

        before = len(system.audit.entries())
        answers = anyio.run(play)
        entries = system.audit.entries()[before:]
        assert [(e.user, e.role) for e in entries] == [(user, role.value)] * len(calls)
        for (item, _), answer, entry in zip(calls, answers, entries, strict=True):
            denied = answer.is_error and answer.content[0].text.startswith("denied: ")
            assert denied == (entry.outcome == "denied"), (user, item.name)
            if not role.at_least(item.min_role):
                assert denied, (user, item.name)
            if scopes and not answer.is_error:
                assert _mentions_other_lines(json.dumps(answer.structured_content, ensure_ascii=False)) == []


def test_the_console_approvals_door_decides_only_for_permitted_roles(system: ToolSystem) -> None:
    from ui.console.backend import ConsoleBackend, SignedIn
    from ui.console.handlers import Handlers, session_state

    handlers = Handlers(ConsoleBackend(system.settings, assistant=None, tools=system))
    writes = [(item, args) for item, args in _calls(system) if item.permission is Permission.WRITE]
    decided = 0
    for item, args in writes:
        for account in DEMO_USERS:
            outcome = system.call(item.name, args, user="operator-l1" if "L1" in json.dumps(args) else "operator")
            if outcome.proposal is None:  # an identical open request is handed back: decided here too
                continue
            pid = int(outcome.proposal.id)
            state = {**session_state("en"), "account": SignedIn.of(account)}
            message = handlers.approvals.approve(str(pid), "", state)[0]
            status = system.proposals.get(pid).status
            last = system.audit.entries()[-1]
            assert (last.user, last.role) == (account.name, account.role)
            if status is ProposalStatus.PENDING:
                assert message.startswith("✗ Not decided: not permitted / 无权限"), message
                assert last.outcome == "denied"
                system.reject(pid, "matrix", user="admin")
            else:
                assert Role(account.role).at_least(item.approver_role), (item.name, account.name)
                decided += 1
    assert decided > 0


def test_the_assistant_doors_cross_domain_and_follow_ups_keep_a_scoped_user_on_their_line(
    system: ToolSystem,
) -> None:
    from agents.events import FinalAnswer
    from agents.routing.decision import RoutingDecision
    from ui.agents_wiring import agent_system

    class Fixed:
        def __init__(self, *domains: str) -> None:
            self.domains = list(domains)

        def route(self, text: str) -> RoutingDecision:
            kind = "multi" if len(self.domains) > 1 else "single"
            return RoutingDecision(domains=self.domains, confidence=0.9, kind=kind)

        def route_many(self, texts: Any) -> list[RoutingDecision]:
            return [self.route(t) for t in texts]

    router = Fixed("production", "maintenance")
    built = agent_system(system.settings, model="offline", router=router, tools=system)
    try:
        ask = built.assistant.ask
        turns = [
            ("x", "2号线昨天的OEE和CNC-03的故障次数"),  # the supervisor path: two domains, another line
            ("y", "1号线昨天的OEE"),
            ("y", "那2号线呢？"),  # a follow-up that moves to another line
        ]
        seen = []
        for session, text in turns:
            # The doors above the assistant (CLI, console, evals) pass the account's scopes, as here.
            events = list(ask(text, session_id=session, user="operator-l1", role="operator", scopes=frozenset({"L1"})))
            final = next(e for e in events if isinstance(e, FinalAnswer))
            for call in final.tool_calls:
                seen.append((call.name, call.status))
                if call.status == "ok":
                    assert _mentions_other_lines(json.dumps(call.result, ensure_ascii=False)) == [], call
            router.domains = ["production"]
        assert "denied" in {status for _, status in seen}, seen
        denials = [e for e in system.audit.entries() if e.user == "operator-l1" and e.outcome == "denied"]
        assert denials  # each refusal of the turns above is in the audit log
    finally:
        built.close()


def test_the_ask_door_applies_the_accounts_scopes(
    system: ToolSystem, andon_cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANDON_DATA_HOME", str(system.settings.data_home))
    code, out, _ = andon_cli("ask", "2号线昨天的OEE是多少？", "--model", "offline", "--user", "operator-l1", "--json")
    assert code == 0
    answer = json.loads(out)
    calls = answer["tool_calls"]
    assert [(c["name"], c["status"]) for c in calls] == [("oee", "denied")]
    assert "81.0%" not in answer["answer"]  # L2's OEE yesterday, as an unscoped user sees it
