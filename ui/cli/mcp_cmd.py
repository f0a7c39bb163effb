"""`andon mcp serve`: Andon's tools for other agents (IDE assistants, plant copilots) over MCP."""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated

import typer

from ui.cli.common import err_console, settings
from ui.cli.tools_cmd import RoleOption, UserOption

__all__ = ["mcp_app"]

mcp_app = typer.Typer(
    help="Serve Andon's tools over MCP (Model Context Protocol). / 通过 MCP 提供 Andon 的工具。", no_args_is_help=True
)


@mcp_app.command("serve")
def serve(
    http: Annotated[
        bool,
        typer.Option(
            "--http", help="Streamable HTTP instead of stdio (bearer tokens). / 使用 HTTP 而非 stdio（令牌认证）"
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="Address to bind with --http. / --http 的监听地址")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port with --http (default 7861). / --http 的端口")] = None,
    user: UserOption = None,
    role: RoleOption = None,
) -> None:
    """Expose every tool over MCP; calls are checked, proposed and audited like any other. / 通过 MCP 提供工具。"""
    from tools import InvalidArgumentsError
    from ui.mcp_serve import DEFAULT_MCP_PORT, check_http_bind, serve_http, serve_stdio
    from ui.system import acting_role, find_user, tool_system

    current = settings()
    if http:
        if user is not None or role is not None:
            raise InvalidArgumentsError(
                "--user/--role apply to stdio; over HTTP the bearer token names the user / HTTP 模式由令牌确定用户"
            )
        check_http_bind(current, host)
    else:
        if port is not None or host != "127.0.0.1":
            raise InvalidArgumentsError("--host/--port need --http / --host/--port 需要 --http")
        acting_role(find_user(current, user), role)  # refuse an unknown user or a higher role before starting
    # Over stdio, stdout is the protocol's: nothing printed while the tools load may land there.
    with contextlib.redirect_stdout(sys.stderr):
        system = tool_system(current)
    for plugin in system.registry.broken:
        err_console.print(f"broken plugin / 插件加载失败: {plugin.name}: {plugin.error}", markup=False, soft_wrap=True)
    if http:
        serve_http(system, host=host, port=port or DEFAULT_MCP_PORT)
    else:
        serve_stdio(system, user, role)
