"""What agents can do: tool contract, registry and plugins, permissions, approvals, audit, built-in tools."""

from tools.audit import AuditEntry, AuditLog, AuditTrail, VerifyReport
from tools.audit_anchor import AuditCheckpoint, CheckpointStore
from tools.audit_table import DatabaseAuditLog, create_audit_tables
from tools.contract import (
    DOMAINS,
    DataSource,
    DocumentSearch,
    Domain,
    PeriodReading,
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
from tools.invoke import ToolOutcome, invoke
from tools.metrics import BUILTIN_METRICS, Metric
from tools.outcome import CallStatus, OutcomeRecord, OutcomeStatus
from tools.permissions import can_approve, check_role, in_scope, parse_role, require_scope
from tools.plugins import ENTRY_POINT_GROUP, RegisterTools, discover_plugins, load_registry, plugin_settings
from tools.proposals import (
    Proposal,
    ProposalStatus,
    ProposalStore,
    Submission,
    already_pending_note,
    create_tool_tables,
    request_fingerprint,
    reset_tool_tables,
)
from tools.registry import BrokenPlugin, Registry
from tools.screening import WITHHELD_MARKER, ScreenedText, screen_result, withhold_instructions

__all__ = [
    "BUILTIN_METRICS",
    "DOMAINS",
    "ENTRY_POINT_GROUP",
    "WITHHELD_MARKER",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditLog",
    "AuditTrail",
    "BrokenPlugin",
    "CallStatus",
    "CheckpointStore",
    "DataSource",
    "DatabaseAuditLog",
    "DocumentSearch",
    "Domain",
    "InvalidArgumentsError",
    "Metric",
    "OutcomeRecord",
    "OutcomeStatus",
    "PeriodReading",
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
    "Submission",
    "Tool",
    "ToolContext",
    "ToolError",
    "ToolNotFoundError",
    "ToolOutcome",
    "ToolResult",
    "UnknownEntityError",
    "VerifyReport",
    "already_pending_note",
    "can_approve",
    "check_role",
    "create_audit_tables",
    "create_tool_tables",
    "discover_plugins",
    "in_scope",
    "invoke",
    "load_registry",
    "parse_role",
    "plugin_settings",
    "request_fingerprint",
    "require_scope",
    "reset_tool_tables",
    "screen_result",
    "tool",
    "withhold_instructions",
]
