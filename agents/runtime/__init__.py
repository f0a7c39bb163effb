"""Agent runtime: assistant facade, domain agent graphs, approvals, conversation memory, event translation."""

from agents.runtime.approvals import ApprovalGate
from agents.runtime.assistant import Assistant, ModelKind
from agents.runtime.context import Caller, ToolBackend
from agents.runtime.domain_agents import DomainAgents, QuotedToolData
from agents.runtime.memory import ConversationMemory, SessionRecord
from agents.runtime.memory_postgres import PostgresConversationMemory
from agents.runtime.replies import clarify_reply, out_of_scope_reply
from agents.runtime.summary import awaiting_text, turn_json

__all__ = [
    "ApprovalGate",
    "Assistant",
    "Caller",
    "ConversationMemory",
    "DomainAgents",
    "ModelKind",
    "PostgresConversationMemory",
    "QuotedToolData",
    "SessionRecord",
    "ToolBackend",
    "awaiting_text",
    "clarify_reply",
    "out_of_scope_reply",
    "turn_json",
]
