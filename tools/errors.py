"""Errors of the tool layer. Each message is one line a user can act on; the CLI prints it as `error: ...`."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "InvalidArgumentsError",
    "PermissionDeniedError",
    "ProposalError",
    "ToolError",
    "ToolNotFoundError",
    "UnknownEntityError",
]


class ToolError(Exception):
    """A tool could not do what was asked, for a reason the caller can fix."""


class ToolNotFoundError(ToolError):
    """No tool of that name is registered."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        shown = ", ".join(self.suggestions)
        hint = f"; did you mean {shown}? / 您是否要找 {shown}?" if shown else ""
        super().__init__(f"unknown tool {name!r} / 未知工具 {name!r}{hint}")


class PermissionDeniedError(ToolError):
    """The caller's role or scopes do not allow this call."""


class InvalidArgumentsError(ToolError):
    """An argument is missing or not allowed; the message names the field and the allowed values."""

    def __init__(self, message: str, *, field: str | None = None, allowed: Sequence[str] = ()) -> None:
        self.field = field
        self.allowed = list(allowed)
        super().__init__(message)


class UnknownEntityError(ToolError):
    """A line, equipment, material, ... was not found; `suggestions` lists near matches for "did you mean"."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = list(suggestions)
        if self.suggestions and "did you mean" not in message:
            shown = ", ".join(self.suggestions)
            message = f"{message}; did you mean {shown}? / 您是否指 {shown}?"
        super().__init__(message)


class ProposalError(ToolError):
    """A proposal does not exist or cannot change state (e.g. it was already approved)."""
