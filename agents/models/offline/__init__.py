"""The offline model: tool calling and template answers with no LLM and no network."""

from agents.extraction.parameter_kinds import parameter_kind
from agents.models.offline.arguments import FilledArguments, fill_arguments
from agents.models.offline.chat_model import OfflineChatModel, OfflineDecision
from agents.models.offline.followups import is_follow_up, rewrite_follow_up
from agents.models.offline.tool_choice import ScoredTool, ToolIndex
from agents.models.offline.tool_specs import ToolSpec, to_tool_spec

__all__ = [
    "FilledArguments",
    "OfflineChatModel",
    "OfflineDecision",
    "ScoredTool",
    "ToolIndex",
    "ToolSpec",
    "fill_arguments",
    "is_follow_up",
    "parameter_kind",
    "rewrite_follow_up",
    "to_tool_spec",
]
