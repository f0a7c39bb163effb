"""Who may call what: roles (operator < engineer < supervisor < admin) and scopes (sites / lines).

The invoker checks a tool's `min_role` before every call; tools and resolvers check scopes with
`require_scope` whenever they resolve a line or a piece of equipment, so a scoped user never sees
another line's rows, whatever the model asks for.
"""

from __future__ import annotations

from tools.contract import Role, Tool, ToolContext
from tools.errors import PermissionDeniedError

__all__ = ["can_approve", "check_role", "in_scope", "parse_role", "require_scope"]


def parse_role(value: str | Role) -> Role:
    """A role from its name, case-insensitive; raises PermissionDeniedError naming the allowed roles."""
    if isinstance(value, Role):
        return value
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(role.value for role in Role)
        raise PermissionDeniedError(f"unknown role {value!r} / 未知角色; allowed: {allowed}") from None


def check_role(tool: Tool, ctx: ToolContext) -> None:
    """Raise PermissionDeniedError unless the caller's role is at least the tool's `min_role`."""
    if not ctx.role.at_least(tool.min_role):
        raise PermissionDeniedError(
            f"not permitted / 无权限: {tool.name} needs role {tool.min_role.value} or above "
            f"(需要{tool.min_role.value}或以上角色); {ctx.user} is {ctx.role.value}"
        )


def _norm(code: str) -> str:
    return code.strip().casefold()


def in_scope(ctx: ToolContext, line_code: str, *, site: str | None = None) -> bool:
    """Whether the caller may see a line (or its site). Empty scopes mean the whole plant."""
    if not ctx.scopes:
        return True
    allowed = {_norm(scope) for scope in ctx.scopes}
    return _norm(line_code) in allowed or (site is not None and _norm(site) in allowed)


def require_scope(ctx: ToolContext, line_code: str, *, site: str | None = None) -> None:
    """Raise PermissionDeniedError when the caller's scopes do not include the line (or its site)."""
    if not in_scope(ctx, line_code, site=site):
        shown = ", ".join(sorted(ctx.scopes))
        raise PermissionDeniedError(
            f"not permitted / 无权限: {ctx.user} may only see {shown} (仅限 {shown}), not {line_code}"
        )


def can_approve(ctx: ToolContext, tool: Tool, requested_role: Role) -> str | None:
    """Why the caller may not approve a proposal of `tool` requested with `requested_role`; None if they may.

    The approver needs the tool's `approver_role`, and at least the requester's role: a request
    made with more authority than the approver has is not theirs to decide.
    """
    if not ctx.role.at_least(tool.approver_role):
        return (
            f"not permitted / 无权限: approving {tool.name} needs role {tool.approver_role.value} or above "
            f"(审批需要{tool.approver_role.value}或以上角色); {ctx.user} is {ctx.role.value}"
        )
    if not ctx.role.at_least(requested_role):
        return (
            f"not permitted / 无权限: the request was made by a {requested_role.value}; "
            f"{ctx.user} ({ctx.role.value}) cannot approve above their role (不能审批高于自身角色的请求)"
        )
    return None
