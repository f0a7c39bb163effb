"""What the tool layer needs to know about one external MCP server (built by `ui.system` from andon.toml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tools.contract import Domain, Role

__all__ = ["McpServerConfig"]


@dataclass(frozen=True)
class McpServerConfig:
    """An external MCP server: how to reach it (a stdio command or a streamable HTTP url) and how its
    tools enter the registry (name prefix, domain, roles, which tools only read)."""

    name: str
    domain: Domain
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may carry a bearer token
    min_role: Role = Role.OPERATOR
    approver_role: Role = Role.ENGINEER
    read_only: frozenset[str] = frozenset()
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    description_zh: Mapping[str, str] = field(default_factory=dict)
    connect_timeout_s: float = 15.0
    call_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if (self.command is None) == (self.url is None):
            raise ValueError(f"mcp server {self.name!r}: give a command (stdio) or a url (HTTP), exactly one")

    @property
    def transport(self) -> Literal["stdio", "http"]:
        return "stdio" if self.command is not None else "http"

    @property
    def source(self) -> str:
        """How its tools' source reads in `andon tools list` and how a broken server is named."""
        return f"mcp:{self.name}"

    def where(self) -> str:
        """The command line or url, for messages."""
        if self.command is not None:
            return " ".join([self.command, *self.args])
        return str(self.url)
