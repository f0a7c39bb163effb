"""`andon chat`: an interactive terminal conversation with streaming answers and inline approvals."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from ui.cli.ask_cmd import LangOption, ModelOption, check_lang, open_agents, render_event
from ui.cli.common import console

if TYPE_CHECKING:
    from agents.events import Event, ProposalAwaitingApproval
    from agents.runtime import Assistant
    from tools import Role

__all__ = ["chat_loop", "register_chat"]

_HELP = (
    "Type a question in Chinese or English. /new starts a new conversation, /quit leaves.\n"
    "用中文或英文提问。/new 开始新对话，/quit 退出。"
)


def _play(events: Iterable[Event]) -> list[ProposalAwaitingApproval]:
    from agents.events import ProposalAwaitingApproval

    waiting: list[ProposalAwaitingApproval] = []
    state: dict[str, Any] = {}
    for event in events:
        render_event(event, state)
        if isinstance(event, ProposalAwaitingApproval):
            waiting.append(event)
    return waiting


def _decide(
    assistant: Assistant,
    proposal: ProposalAwaitingApproval,
    *,
    session_id: str,
    user: str,
    role: Role,
    scopes: frozenset[str],
    read: Callable[[str], str],
) -> list[ProposalAwaitingApproval]:
    from agents.errors import AgentError
    from tools import Role as RoleEnum
    from tools import ToolError

    needed = RoleEnum(proposal.approver_role) if proposal.approver_role else RoleEnum.ENGINEER
    if not role.at_least(needed):
        console.print(
            f"Your role ({role.value}) cannot approve this; someone with role {needed.value} or above can run "
            f"`andon proposals approve {proposal.proposal_id}`. / 您的角色无权审批，请{needed.value}或以上角色审批。"
        )
        return []
    answer = read("approve? / 批准? [y]es / [n]o / [l]ater: ").strip().lower()
    decision: Literal["approve", "reject"]
    if answer in ("y", "yes", "是", "批准"):
        decision, reason = "approve", None
    elif answer in ("n", "no", "否", "驳回"):
        decision, reason = "reject", read("reason / 理由: ").strip() or None
    else:
        console.print("left pending / 保持待审批")
        return []
    try:
        return _play(
            assistant.resume(
                session_id,
                proposal.proposal_id,
                decision,
                user=user,
                role=role,
                reason=reason,
                scopes=scopes,
            )
        )
    except (ToolError, AgentError) as exc:
        console.print(f"error: {exc}", markup=False, highlight=False)
        return []


def chat_loop(
    assistant: Assistant,
    *,
    user: str,
    role: Role,
    scopes: frozenset[str],
    lang: str | None,
    read: Callable[[str], str] = input,
) -> None:
    """Read requests until /quit or end of input; answer each, asking for approval when a proposal appears."""
    session_id = f"chat-{uuid.uuid4().hex[:12]}"
    console.print(_HELP, style="dim")
    while True:
        try:
            text = read("\n> ").strip()
        except EOFError:
            return
        if text in ("/quit", "/exit", "/q"):
            return
        if text == "/new":
            session_id = f"chat-{uuid.uuid4().hex[:12]}"
            console.print("new conversation / 新对话", style="dim")
            continue
        if not text:
            continue
        waiting = _play(
            assistant.ask(text, session_id=session_id, user=user, role=role, lang=lang, scopes=scopes)  # type: ignore[arg-type]
        )
        while waiting:
            waiting = _decide(
                assistant, waiting[0], session_id=session_id, user=user, role=role, scopes=scopes, read=read
            )


def register_chat(app: typer.Typer) -> None:
    """Add the `chat` command to the root app."""

    @app.command("chat")
    def chat(
        model: ModelOption = None,
        user: Annotated[str | None, typer.Option("--user", "-u", help="Chat as this user. / 以该用户身份对话")] = None,
        role: Annotated[
            str | None,
            typer.Option(
                "--role", "-r", help="Act with this role (at most the user's). / 以该角色执行（不高于用户本身）"
            ),
        ] = None,
        lang: LangOption = None,
    ) -> None:
        """Talk with the plant's agents in the terminal. / 在终端与工厂智能体对话。"""
        from ui.system import acting_role, find_user

        wanted_lang = check_lang(lang)
        system = open_agents(model)
        try:
            account = find_user(system.tools.settings, user)
            chat_loop(
                system.assistant,
                user=account.name,
                role=acting_role(account, role),
                scopes=frozenset(account.scopes),
                lang=wanted_lang,
            )
        finally:
            system.close()
