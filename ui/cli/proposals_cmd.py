"""`andon proposals ...`: list, approve and reject what WRITE tools proposed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ui.cli.common import console, decision_lines, print_json, settings
from ui.cli.tools_cmd import JsonOption, RoleOption, UserOption

if TYPE_CHECKING:
    from tools import Proposal, ProposalStore
    from ui.system import ToolSystem

__all__ = ["proposals_app"]

proposals_app = typer.Typer(
    help="Proposed changes awaiting a person's decision. / 待审批的变更提议。", no_args_is_help=True
)


def _system() -> ToolSystem:
    from ui.system import tool_system

    return tool_system(settings())


def _store() -> ProposalStore:
    # Listing and showing need no tools: no plugin is imported and no MCP server started for them.
    from tools import ProposalStore
    from ui.system import open_plant

    return ProposalStore(open_plant(settings()))


def _print(proposal: Proposal, as_json: bool) -> None:
    if as_json:
        print_json(proposal.model_dump(mode="json"))
        return
    detail = proposal.decision_reason if proposal.status.value == "rejected" else proposal.result_summary
    for line in decision_lines(
        proposal.status.value, proposal.id, proposal.title, by=proposal.decided_by or "", detail=detail or ""
    ):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@proposals_app.command("list")
def list_proposals(
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="pending, approved, rejected, ... / 状态")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List proposals, newest first. / 列出提议（最新在前）。"""
    from tools import InvalidArgumentsError, ProposalStatus

    try:
        wanted = ProposalStatus(status) if status else None
    except ValueError:
        allowed = ", ".join(item.value for item in ProposalStatus)
        raise InvalidArgumentsError(f"--status: unknown status {status!r}; allowed: {allowed}") from None
    found = _store().list(wanted)
    if as_json:
        print_json([proposal.model_dump(mode="json") for proposal in found])
        return
    table = Table(title=f"Proposals / 提议 ({len(found)})")
    for column in ("id", "status", "action", "title", "requested by", "decided by"):
        table.add_column(column)
    for item in found:
        requested = f"{item.requested_by} ({item.requested_role.value})"
        table.add_row(str(item.id), item.status.value, item.action, item.title, requested, item.decided_by or "")
    console.print(table)


@proposals_app.command("show")
def show(proposal_id: Annotated[int, typer.Argument(help="Proposal id. / 提议编号")]) -> None:
    """Show one proposal with its evidence and payload. / 显示提议详情。"""
    print_json(_store().get(proposal_id).model_dump(mode="json"))


@proposals_app.command("approve")
def approve(
    proposal_id: Annotated[int, typer.Argument(help="Proposal id. / 提议编号")],
    user: UserOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a pending proposal: its action is executed. / 批准提议并执行。"""
    proposal = _system().approve(proposal_id, user=user, role=role)
    _print(proposal, as_json)
    if proposal.status.value == "failed":
        raise typer.Exit(1)


@proposals_app.command("reject")
def reject(
    proposal_id: Annotated[int, typer.Argument(help="Proposal id. / 提议编号")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected (recorded). / 驳回理由（会记录）")],
    user: UserOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a pending proposal; nothing is executed. / 驳回提议（不执行）。"""
    _print(_system().reject(proposal_id, reason, user=user, role=role), as_json)
