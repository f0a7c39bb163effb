"""`andon tools ...`: list, describe and call tools."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ui.cli.common import console, err_console, print_json, settings

if TYPE_CHECKING:
    from tools import Registry, Tool, ToolOutcome

__all__ = ["tool_info", "tools_app"]

tools_app = typer.Typer(
    help="Tools agents can use: list, describe, call. / 工具：列出、说明、调用。", no_args_is_help=True
)

UserOption = Annotated[
    str | None,
    typer.Option("--user", "-u", help="Act as this user (default: default_user). / 以该用户身份（默认 default_user）"),
]
RoleOption = Annotated[
    str | None,
    typer.Option("--role", "-r", help="Act with this role (at most the user's own). / 以该角色执行（不高于用户本身）"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON. / 以JSON输出")]


def tool_info(tool: Tool) -> dict[str, Any]:
    """What `tools list --json` prints for one tool."""
    return {
        "name": tool.name,
        "domain": tool.domain,
        "permission": tool.permission.value,
        "min_role": tool.min_role.value,
        "approver_role": tool.approver_role.value if tool.permission.value == "write" else None,
        "description": tool.description,
        "description_zh": tool.description_zh,
        "examples": tool.examples,
        "sample_args": tool.sample_args,
        "parameters": tool.parameters_schema(),
        "source": tool.source,
    }


def _registry() -> Registry:
    from ui.system import load_tools

    return load_tools(settings())


@tools_app.command("list")
def list_tools(
    as_json: JsonOption = False,
    domain: Annotated[str | None, typer.Option("--domain", "-d", help="Only this domain. / 仅该领域")] = None,
) -> None:
    """List every loaded tool, and plugins that failed to load. / 列出所有工具及加载失败的插件。"""
    registry = _registry()
    shown = registry.by_domain(domain) if domain else registry.tools
    broken = [{"name": plugin.name, "error": plugin.error} for plugin in registry.broken]
    if as_json:
        print_json({"tools": [tool_info(item) for item in shown], "broken": broken})
        return
    table = Table(title=f"Tools / 工具 ({len(shown)})")
    for column in ("name", "domain", "permission", "min role", "source", "description"):
        table.add_column(column)
    for item in shown:
        table.add_row(item.name, item.domain, item.permission.value, item.min_role.value, item.source, item.description)
    console.print(table)
    for plugin in broken:
        err_console.print(
            f"broken plugin / 插件加载失败: {plugin['name']}: {plugin['error']}", markup=False, soft_wrap=True
        )


@tools_app.command("describe")
def describe(
    name: Annotated[str, typer.Argument(help="Tool name, e.g. oee. / 工具名")],
    as_json: JsonOption = False,
) -> None:
    """Show one tool: descriptions, examples, permission and parameter schema. / 显示工具详情。"""
    info = tool_info(_registry().get(name))
    if as_json:
        print_json(info)
        return
    console.print(
        f"[bold]{info['name']}[/bold]  ({info['domain']}, {info['permission']}, source / 来源 {info['source']})"
    )
    console.print(info["description"], markup=False)
    console.print(info["description_zh"], markup=False)
    console.print(f"min role / 最低角色: {info['min_role']}")
    if info["approver_role"]:
        console.print(f"approved by / 审批角色: {info['approver_role']} or above / 及以上")
    console.print("examples / 示例:")
    for example in info["examples"]:
        console.print(f"  - {example}", markup=False)
    if info["sample_args"] is not None:
        console.print(
            f"sample call / 示例调用: andon tools call {name} --args '{json.dumps(info['sample_args'])}'", markup=False
        )
    console.print("parameters / 参数:")
    console.print_json(data=info["parameters"])


def _parse_args(raw: str) -> dict[str, Any]:
    from tools import InvalidArgumentsError

    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentsError(f"--args is not valid JSON ({exc.msg}) / --args 不是有效的 JSON") from None
    if not isinstance(parsed, dict):
        raise InvalidArgumentsError('--args must be a JSON object, e.g. \'{"line": "L2"}\' / --args 必须是 JSON 对象')
    return parsed


def _print_outcome(outcome: ToolOutcome, as_json: bool) -> None:
    """Print an outcome; failures go to stderr and end the command with exit code 2 (1 for a tool bug)."""
    if as_json:
        print_json(outcome.to_dict())
    elif outcome.proposal is not None:
        proposal = outcome.proposal
        if outcome.already_pending:
            note = f"{outcome.message}: {proposal.title} (nothing new created / 未重复创建)"
            console.print(note, markup=False, highlight=False, soft_wrap=True)
        else:
            console.print(f"proposal {proposal.id} created / 已创建提议 {proposal.id}: {proposal.title}", markup=False)
        console.print(f"awaiting approval / 等待审批: andon proposals approve {proposal.id}", markup=False)
    elif outcome.result is not None:
        console.print_json(outcome.result.model_dump_json())
    if not outcome.ok:
        err_console.print(
            f"error: {outcome.status.value}: {outcome.message}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(1 if outcome.internal else 2)


@tools_app.command("call")
def call(
    name: Annotated[str, typer.Argument(help="Tool name, e.g. oee. / 工具名")],
    args: Annotated[str, typer.Option("--args", "-a", help="Arguments as a JSON object. / 参数（JSON 对象）")] = "{}",
    user: UserOption = None,
    role: RoleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Call a tool as a user; the call is checked and audited like an agent's. / 以某用户身份调用工具。"""
    from ui.system import tool_system

    parsed = _parse_args(args)
    system = tool_system(settings(), registry=_registry())
    _print_outcome(system.call(name, parsed, user=user, role=role), as_json)
