"""An external MCP server's tool as a registry tool.

Its name is prefixed with the server's (`historian.read_tag`); domain and roles come from the
configuration. It is READ only when the configuration allow-lists it as read-only and the server
does not mark it destructive; every other tool is WRITE: a call returns a proposal, and only the
approval performs the MCP call. What the server answers is data: every text in it passes
`withhold_instructions` before it reaches a model or a person.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import mcp_types
from pydantic import BaseModel, Field

from tools.contract import Permission, ProposalDraft, Provenance, Tool, ToolContext, ToolResult
from tools.mcp_client.arguments import SchemaArguments, arguments_model
from tools.mcp_client.config import McpServerConfig
from tools.mcp_client.sessions import McpServerError, ServerLink
from tools.screening import withhold_instructions

__all__ = ["McpTool", "McpToolResult", "permission_of"]

_SUMMARY_CHARS = 160


class McpToolResult(ToolResult):
    """What an external MCP tool answered: its text and structured content, screened."""

    server: str
    remote_tool: str
    text: str = Field(description="The text content, with sentences addressed to an assistant withheld.")
    structured: dict[str, Any] | None = None
    withheld: int = Field(0, description="Sentences withheld because they read as instructions to an assistant.")


def permission_of(remote: mcp_types.Tool, config: McpServerConfig) -> Permission:
    """READ only for allow-listed tools the server does not mark destructive; WRITE otherwise.

    The server's `readOnlyHint` is not trusted on its own: the integrator's allow-list decides.
    """
    destructive = remote.annotations is not None and remote.annotations.destructive_hint is True
    return Permission.READ if remote.name in config.read_only and not destructive else Permission.WRITE


def _screen(value: Any) -> tuple[Any, int]:
    """`value` with every string screened, and how many sentences were withheld."""
    if isinstance(value, str):
        screened = withhold_instructions(value)
        return screened.text, screened.withheld
    if isinstance(value, dict):
        total, out = 0, {}
        for key, item in value.items():
            out[key], count = _screen(item)
            total += count
        return out, total
    if isinstance(value, list):
        total, items = 0, []
        for item in value:
            screened_item, count = _screen(item)
            items.append(screened_item)
            total += count
        return items, total
    return value, 0


def _content_text(content: list[Any]) -> str:
    parts: list[str] = []
    for block in content:
        if isinstance(block, mcp_types.TextContent):
            parts.append(block.text)
        else:
            kind = getattr(block, "mime_type", None) or getattr(block, "type", "content")
            parts.append(f"[{kind} omitted / 已省略]")
    return "\n".join(parts)


def _first_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SUMMARY_CHARS else line[: _SUMMARY_CHARS - 1] + "…"


def _placeholder(name: str, description: str) -> Callable[..., BaseModel]:
    # `Tool` reads the description from a function's docstring; the call itself goes to the server.
    def remote(ctx: ToolContext) -> BaseModel:
        raise NotImplementedError(name)

    remote.__doc__ = description or f"Tool {name} of an external MCP server."
    remote.__name__ = name
    return remote


class McpTool(Tool):
    """A tool of an external MCP server, reached through a kept session (`ServerLink`)."""

    def __init__(self, remote: mcp_types.Tool, config: McpServerConfig, link: ServerLink) -> None:
        self.remote = remote
        self.server = config.name
        self.link = link
        self._input_schema = dict(remote.input_schema)
        description = " ".join((remote.description or remote.title or "").split())
        name = f"{config.name}.{remote.name}"
        super().__init__(
            _placeholder(name, description.replace("Args:", "Args -")),
            domain=config.domain,
            permission=permission_of(remote, config),
            description_zh=config.description_zh.get(remote.name) or description,
            examples=list(config.examples.get(remote.name, ())),
            name=name,
            min_role=config.min_role,
            approver_role=config.approver_role,
        )
        self.description = description or self.description
        if self.permission is Permission.WRITE:
            self.executor(self._execute)

    def _build_models(self, param_docs: dict[str, str]) -> tuple[type[BaseModel], type[BaseModel]]:
        try:
            args_model = arguments_model(self.name, self._input_schema)
        except ValueError as exc:
            raise TypeError(f"tool {self.name}: {exc}") from None
        return args_model, ProposalDraft if self.permission is Permission.WRITE else McpToolResult

    @property
    def input_schema(self) -> dict[str, Any]:
        """The server's JSON schema of the arguments (what a model is shown)."""
        return dict(self._input_schema)

    def call(self, ctx: ToolContext, args: BaseModel) -> BaseModel:
        arguments = args.arguments() if isinstance(args, SchemaArguments) else args.model_dump()
        if self.permission is Permission.READ:
            return self._perform(arguments, retry=True)
        why = (
            "the server marks it destructive"
            if self.remote.annotations is not None and self.remote.annotations.destructive_hint
            else "it is not in the read-only allow-list"
        )
        shown = json.dumps(arguments, ensure_ascii=False, sort_keys=True)
        call = ", ".join(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in arguments.items())
        return ProposalDraft(
            action=self.name,
            title=f"{self.name}({_first_line(call)}) on MCP server {self.server} / 调用外部 MCP 工具",
            reason=self.description or f"MCP tool {self.remote.name}",
            evidence=[f"arguments: {shown}", f"needs approval because {why} / 需要审批"],
            payload={"server": self.server, "tool": self.remote.name, "arguments": arguments},
        )

    def _execute(self, ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
        # The server's schema may have changed since the proposal: check the arguments again.
        args = self.validate_args(payload.get("arguments") or {})
        arguments = args.arguments() if isinstance(args, SchemaArguments) else args.model_dump()
        return self._perform(arguments, retry=False)

    def _perform(self, arguments: dict[str, Any], *, retry: bool) -> McpToolResult:
        answer = self.link.call_tool(self.remote.name, arguments, retry=retry)
        text, withheld = _screen(_content_text(list(answer.content)))
        if answer.is_error:
            raise McpServerError(f"{self.name} failed / 外部工具出错: {_first_line(text) or 'no message'}")
        structured, withheld_structured = _screen(answer.structured_content)
        return McpToolResult(
            summary=f"{self.name}: {_first_line(text) or 'no text'}",
            scope={"mcp_server": self.server},
            provenance=Provenance(
                tables=[f"mcp:{self.server}/{self.remote.name}"],
                filters={key: json.dumps(value, ensure_ascii=False) for key, value in arguments.items()},
            ),
            server=self.server,
            remote_tool=self.remote.name,
            text=text,
            structured=structured if isinstance(structured, dict) else None,
            # Servers often repeat the text as structured content: count each withheld sentence once.
            withheld=max(withheld, withheld_structured),
        )
