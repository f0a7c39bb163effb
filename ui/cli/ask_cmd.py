"""`andon ask "..."`: one request, answered by the domain agents (offline model unless an LLM is configured)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ui.cli.common import console, decision_lines, err_console, print_json, settings

if TYPE_CHECKING:
    from agents.events import Event, FinalAnswer, ProposalAwaitingApproval, ToolFinished
    from ui.agents_wiring import AgentSystem

__all__ = ["ModelOption", "open_agents", "print_final", "print_proposal", "register_ask", "render_event"]

ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", "-m", help="offline or openai (default: openai if an LLM is configured). / 模型：offline 或 openai"
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        "-l",
        help="Answer language: zh or en (default: the request's). / 回答语言：zh 或 en（默认与提问相同）",
    ),
]


def open_agents(model: str | None) -> AgentSystem:
    """The agent system for the current settings, with the chosen model."""
    from agents.errors import AgentError
    from ui.agents_wiring import agent_system

    if model not in (None, "offline", "openai"):
        raise AgentError(f"--model: unknown model {model!r}; use offline or openai / 未知模型")
    return agent_system(settings(), model=model)  # type: ignore[arg-type]


def check_lang(lang: str | None) -> str | None:
    from agents.errors import AgentError

    if lang not in (None, "zh", "en"):
        raise AgentError(f"--lang: unknown language {lang!r}; use zh or en / 未知语言")
    return lang


def print_proposal(event: ProposalAwaitingApproval) -> None:
    if event.already_pending:
        from tools import already_pending_note

        note = already_pending_note(int(event.proposal_id))
        line = f"\n{note}: {event.title} (nothing new created / 未重复创建)"
        console.print(line, style="bold yellow", markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(f"\n[bold yellow]Proposal #{event.proposal_id} awaits approval / 提议待审批[/]: {event.title}")
    console.print(f"  tool / 工具: {event.tool}   reason / 理由: {event.reason}", markup=False)
    for item in event.evidence:
        console.print(f"  evidence / 依据: {item}", markup=False)
    if event.approver_role:
        console.print(f"  approver / 审批角色: {event.approver_role} or above / 或以上", markup=False)


def print_final(final: FinalAnswer, streamed: str) -> None:
    """Print what the streamed tokens did not show: the whole answer, or the flags and notes added to it."""
    if not streamed:
        console.print(final.text, markup=False, highlight=False)
    elif final.text.startswith(streamed):
        added = final.text[len(streamed) :].strip("\n")
        console.print("\n" + added if added else "", style="yellow", markup=False, highlight=False)
    else:  # what streamed was not the answer (e.g. the run stopped at its step limit)
        console.print("\n\n" + final.text, markup=False, highlight=False)
    for citation in final.citations:
        where = ", ".join(part for part in (citation.section, f"p. {citation.page}" if citation.page else "") if part)
        console.print(f"  [dim]source / 出处: {citation.document}{' — ' + where if where else ''}[/]")
    for item in final.provenance:
        tables = ", ".join(item.get("tables", []))
        console.print(f"  [dim]data / 数据: {item.get('tool')} ← {tables} ({item.get('row_count', 0)} rows)[/]")


_MARKS = {"ok": "✓", "data_unavailable": "✓", "proposal": "⏸"}


def _print_tool_finished(event: ToolFinished) -> None:
    """One trace line per tool result; a decided proposal says what was decided and why."""
    outcome = event.outcome
    if outcome.proposal is not None and outcome.decision is not None:
        status = outcome.decision
        lines = decision_lines(
            status, outcome.proposal.id, outcome.proposal.title, by=outcome.decided_by, detail=outcome.message
        )
        for line in lines:
            style = "green" if status == "executed" else "yellow"
            console.print(line, markup=False, highlight=False, soft_wrap=True, style=style)
        return
    mark = _MARKS.get(event.status, "✗")
    err_console.print(f"  {mark} {event.status}: {event.summary}", style="dim", markup=False, highlight=False)


def render_event(event: Event, state: dict[str, Any]) -> None:
    """Print one event for a person: tool trace on stderr, tokens as they stream, the answer's evidence."""
    from agents.events import Error, FinalAnswer, ProposalAwaitingApproval, Routed, Token, ToolFinished, ToolStarted

    if isinstance(event, Routed):
        err_console.print(f"[dim]→ {', '.join(event.domains) or event.kind} ({event.confidence:.2f})[/]")
    elif isinstance(event, ToolStarted):
        err_console.print(f"[dim]  ⚙ {event.name}({event.args})[/]", markup=True, highlight=False)
    elif isinstance(event, ToolFinished):
        _print_tool_finished(event)
    elif isinstance(event, Token):
        state["streamed"] = state.get("streamed", "") + event.text
        console.print(event.text, end="", markup=False, highlight=False)
    elif isinstance(event, ProposalAwaitingApproval):
        print_proposal(event)
    elif isinstance(event, FinalAnswer):
        print_final(event, state.get("streamed", ""))
        state["streamed"] = ""
    elif isinstance(event, Error):
        err_console.print(f"error: {event.message}", markup=False)


def register_ask(app: typer.Typer) -> None:
    """Add the `ask` command to the root app."""

    @app.command("ask")
    def ask(
        text: Annotated[str, typer.Argument(help="The request, in Chinese or English. / 请求（中文或英文）")],
        model: ModelOption = None,
        user: Annotated[str | None, typer.Option("--user", "-u", help="Ask as this user. / 以该用户身份提问")] = None,
        role: Annotated[
            str | None,
            typer.Option(
                "--role", "-r", help="Act with this role (at most the user's). / 以该角色执行（不高于用户本身）"
            ),
        ] = None,
        lang: LangOption = None,
        session: Annotated[
            str | None, typer.Option("--session", "-s", help="Continue this conversation. / 继续该会话")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object. / 输出一个 JSON 对象")] = False,
    ) -> None:
        """Ask the plant's agents one question. / 向工厂智能体提一个问题。"""
        from agents.errors import AgentError
        from agents.events import Error
        from agents.runtime import turn_json
        from ui.system import acting_role, find_user

        wanted_lang = check_lang(lang)
        system = open_agents(model)
        try:
            account = find_user(system.tools.settings, user)
            acting = acting_role(account, role)
            events = system.assistant.ask(
                text,
                session_id=session or f"ask-{uuid.uuid4().hex[:12]}",
                user=account.name,
                role=acting,
                lang=wanted_lang,  # type: ignore[arg-type]
                scopes=frozenset(account.scopes),
            )
            if as_json:
                collected = list(events)
                errors = [e for e in collected if isinstance(e, Error)]
                if errors:
                    raise AgentError(errors[-1].message)
                answer_lang = wanted_lang or ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en")
                print_json(turn_json(collected, answer_lang))
                return
            state: dict[str, Any] = {}
            for event in events:
                render_event(event, state)
                if isinstance(event, Error):
                    raise typer.Exit(2)
        finally:
            system.close()
