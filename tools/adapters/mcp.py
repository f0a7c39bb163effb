"""Registry tools as an MCP server (the official `mcp` SDK's low-level `Server`).

Each tool is listed with its JSON schema, its English and Chinese descriptions, an output schema and
the annotations `readOnlyHint` / `destructiveHint`. A call names no user: `caller` says who is
calling (the user given to a stdio server, or the one a bearer token maps to), and `open_context`
builds that user's context, so the role, the scopes, validation, proposals and the audit log apply
exactly as for every other caller. A WRITE tool answers with its pending proposal; nothing is executed.

The SDK is imported when a server is built, never when `tools` is imported.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from tools.audit import AuditTrail
from tools.contract import Permission, Tool, ToolContext
from tools.errors import ToolError, ToolNotFoundError
from tools.invoke import OutcomeStatus, ToolOutcome, invoke
from tools.proposals import ProposalStore

if TYPE_CHECKING:
    import mcp_types
    from mcp.server import Server, ServerRequestContext

__all__ = [
    "ContextOpener",
    "ProposalView",
    "bearer_subject",
    "call_result",
    "create_mcp_server",
    "mcp_tool",
]

#: Opens the context of a call by the named user (a fresh database session, closed afterwards).
ContextOpener = Callable[[str], AbstractContextManager[ToolContext]]

#: Who is calling, from the request (None: nobody authenticated, the call is refused).
Caller = Callable[["ServerRequestContext[Any, Any]"], str | None]

_META = "andon/"


class ProposalView(BaseModel):
    """What a WRITE tool answers over MCP: the pending proposal, never an executed change."""

    status: str = "proposed"
    proposal_id: int
    action: str
    title: str
    approver_role: str
    message: str = "awaiting approval by a permitted person / 等待有权限的人员审批"


def mcp_tool(tool: Tool) -> mcp_types.Tool:
    """The MCP listing of one registry tool."""
    import mcp_types

    read = tool.permission is Permission.READ
    output = tool.result_model if read else ProposalView
    return mcp_types.Tool(
        name=tool.name,
        description=tool.description
        if tool.description_zh in ("", tool.description)
        else f"{tool.description}\n{tool.description_zh}",
        input_schema=tool.parameters_schema(),
        output_schema=output.model_json_schema(mode="serialization"),
        annotations=mcp_types.ToolAnnotations(
            read_only_hint=read,
            destructive_hint=not read,
            idempotent_hint=read,
            open_world_hint=False,
        ),
        meta={
            f"{_META}domain": tool.domain,
            f"{_META}permission": tool.permission.value,
            f"{_META}min_role": tool.min_role.value,
            f"{_META}approver_role": tool.approver_role.value if not read else None,
            f"{_META}description_zh": tool.description_zh,
            f"{_META}source": tool.source,
        },
    )


def call_result(outcome: ToolOutcome, tool: Tool | None = None) -> mcp_types.CallToolResult:
    """An outcome as an MCP tool result: structured content plus its text, or a one-line tool error."""
    import mcp_types

    def text(value: str) -> list[mcp_types.TextContent | Any]:
        return [mcp_types.TextContent(type="text", text=value)]

    if outcome.status is OutcomeStatus.PROPOSED and outcome.proposal is not None:
        proposal = outcome.proposal
        view = ProposalView(
            proposal_id=proposal.id,
            action=proposal.action,
            title=proposal.title,
            approver_role=tool.approver_role.value if tool is not None else "",
        )
        return mcp_types.CallToolResult(content=text(outcome.text()), structured_content=view.model_dump(mode="json"))
    if outcome.status is OutcomeStatus.OK and outcome.result is not None:
        return mcp_types.CallToolResult(
            content=text(outcome.text()), structured_content=outcome.result.model_dump(mode="json")
        )
    return mcp_types.CallToolResult(content=text(outcome.text()), is_error=True)


def _error(message: str) -> mcp_types.CallToolResult:
    import mcp_types

    return mcp_types.CallToolResult(content=[mcp_types.TextContent(type="text", text=message)], is_error=True)


def bearer_subject(ctx: ServerRequestContext[Any, Any]) -> str | None:
    """The user a bearer token was verified for (its `subject`), from the HTTP request of this call."""
    from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser

    scope = getattr(ctx.request, "scope", None)  # a Starlette request over HTTP; None over stdio
    user = scope.get("user") if isinstance(scope, dict) else None
    if isinstance(user, AuthenticatedUser):
        return user.access_token.subject
    return None


def create_mcp_server(
    tools: Iterable[Tool],
    *,
    caller: Caller,
    open_context: ContextOpener,
    audit: AuditTrail,
    proposals: ProposalStore | None,
    name: str = "andon",
    version: str = "",
    instructions: str | None = None,
) -> Server[Any]:
    """An MCP server over `tools`; every call goes through `invoke` as the user `caller` names."""
    import anyio.to_thread
    import mcp_types
    from mcp.server import Server

    by_name = {item.name: item for item in tools}
    listing = [mcp_tool(item) for item in by_name.values()]

    def run(tool: Tool, user: str, arguments: dict[str, Any] | None) -> mcp_types.CallToolResult:
        try:
            with open_context(user) as ctx:
                return call_result(invoke(tool, ctx, arguments, audit=audit, proposals=proposals), tool)
        except ToolError as exc:  # e.g. the user is no longer configured
            return _error(f"denied: {exc}")

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        # Private: a shared cache must not hand one user's listing to another.
        return mcp_types.ListToolsResult(tools=listing, cache_scope="private", ttl_ms=0)

    async def call_tool(
        ctx: ServerRequestContext[Any, Any], params: mcp_types.CallToolRequestParams
    ) -> mcp_types.CallToolResult:
        user = caller(ctx)
        if user is None:
            return _error("denied: not authenticated / 未认证")
        found = by_name.get(params.name)
        if found is None:
            near = difflib.get_close_matches(params.name, by_name, n=3, cutoff=0.6)
            return _error(str(ToolNotFoundError(params.name, near)))
        # `invoke` is synchronous (database, audit file lock): keep it off the event loop.
        return await anyio.to_thread.run_sync(functools.partial(run, found, user, params.arguments))

    return Server(
        name,
        version=version,
        instructions=instructions,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        get_tool_input_schema=lambda tool_name: (
            by_name[tool_name].parameters_schema() if tool_name in by_name else None
        ),
    )
