"""What agents can do: tool contract, registry and plugins, permissions, approvals, audit, built-in tools."""

from tools.audit import AuditEntry, AuditLog, VerifyReport
from tools.contract import (
    DOMAINS,
    DataSource,
    DocumentSearch,
    Domain,
    PeriodSpan,
    Permission,
    ProposalDraft,
    Provenance,
    Role,
    Tool,
    ToolContext,
    ToolResult,
    tool,
)
from tools.errors import (
    InvalidArgumentsError,
    PermissionDeniedError,
    ProposalError,
    ToolError,
    ToolNotFoundError,
    UnknownEntityError,
)
from tools.invoke import OutcomeStatus, ToolOutcome, invoke
from tools.permissions import can_approve, check_role, in_scope, parse_role, require_scope
from tools.plugins import ENTRY_POINT_GROUP, RegisterTools, discover_plugins, load_registry
from tools.proposals import Proposal, ProposalStatus, ProposalStore, create_tool_tables, reset_tool_tables
from tools.registry import BrokenPlugin, Registry
from tools.screening import WITHHELD_MARKER, ScreenedText, withhold_instructions

__all__ = [
    "DOMAINS",
    "ENTRY_POINT_GROUP",
    "WITHHELD_MARKER",
    "AuditEntry",
    "AuditLog",
    "BrokenPlugin",
    "DataSource",
    "DocumentSearch",
    "Domain",
    "InvalidArgumentsError",
    "OutcomeStatus",
    "PeriodSpan",
    "Permission",
    "PermissionDeniedError",
    "Proposal",
    "ProposalDraft",
    "ProposalError",
    "ProposalStatus",
    "ProposalStore",
    "Provenance",
    "RegisterTools",
    "Registry",
    "Role",
    "ScreenedText",
    "Tool",
    "ToolContext",
    "ToolError",
    "ToolNotFoundError",
    "ToolOutcome",
    "ToolResult",
    "UnknownEntityError",
    "VerifyReport",
    "can_approve",
    "check_role",
    "create_tool_tables",
    "discover_plugins",
    "in_scope",
    "invoke",
    "load_registry",
    "parse_role",
    "require_scope",
    "reset_tool_tables",
    "tool",
    "withhold_instructions",
]
