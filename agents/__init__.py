"""Domain agents, router, models (offline small model and OpenAI-compatible), runtime and grounding.

The public API is re-exported here and imported on first use, so that `import agents.errors` or
`import agents.routing` does not load LangChain.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.errors import AgentError
    from agents.events import (
        Citation,
        Error,
        Event,
        FinalAnswer,
        ProposalAwaitingApproval,
        Routed,
        Token,
        ToolCallRecord,
        ToolFinished,
        ToolStarted,
        Usage,
    )
    from agents.grounding import find_ungrounded_numbers
    from agents.models import LLMConfig, ModelKind, make_chat_model, make_openai_chat_model
    from agents.models.offline import OfflineChatModel
    from agents.routing import (
        DecisionPolicy,
        LLMRouter,
        RoutingCase,
        RoutingReport,
        SmallModelConfig,
        builtin_heldout_set,
        evaluate_router,
        examples_from_tools,
    )
    from agents.routing.decision import Router, RoutingDecision
    from agents.routing.small_model import SmallModelRouter
    from agents.runtime import (
        Assistant,
        Caller,
        ConversationMemory,
        ToolBackend,
        turn_json,
    )
    from agents.safety import SafetyVerdict, check_request, refusal_text
    from agents.specs import AGENT_SPECS, AgentCategory, AgentSpec, get_spec
    from agents.supervisor import Supervisor
    from agents.testing import ScriptedServer, call_tool, reply

_EXPORTS: dict[str, str] = {
    "AgentError": "agents.errors",
    "Citation": "agents.events",
    "Error": "agents.events",
    "Event": "agents.events",
    "FinalAnswer": "agents.events",
    "ProposalAwaitingApproval": "agents.events",
    "Routed": "agents.events",
    "Token": "agents.events",
    "ToolCallRecord": "agents.events",
    "ToolFinished": "agents.events",
    "ToolStarted": "agents.events",
    "Usage": "agents.events",
    "find_ungrounded_numbers": "agents.grounding",
    "LLMConfig": "agents.models",
    "ModelKind": "agents.models",
    "make_chat_model": "agents.models",
    "make_openai_chat_model": "agents.models",
    "OfflineChatModel": "agents.models.offline",
    "Router": "agents.routing.decision",
    "RoutingDecision": "agents.routing.decision",
    "SmallModelRouter": "agents.routing.small_model",
    "Assistant": "agents.runtime",
    "Caller": "agents.runtime",
    "ConversationMemory": "agents.runtime",
    "LLMRouter": "agents.routing",
    "SmallModelConfig": "agents.routing",
    "DecisionPolicy": "agents.routing",
    "RoutingCase": "agents.routing",
    "RoutingReport": "agents.routing",
    "evaluate_router": "agents.routing",
    "examples_from_tools": "agents.routing",
    "builtin_heldout_set": "agents.routing",
    "ToolBackend": "agents.runtime",
    "turn_json": "agents.runtime",
    "SafetyVerdict": "agents.safety",
    "check_request": "agents.safety",
    "refusal_text": "agents.safety",
    "AGENT_SPECS": "agents.specs",
    "AgentCategory": "agents.specs",
    "AgentSpec": "agents.specs",
    "get_spec": "agents.specs",
    "Supervisor": "agents.supervisor",
    "ScriptedServer": "agents.testing",
    "call_tool": "agents.testing",
    "reply": "agents.testing",
}

__all__ = [
    "AGENT_SPECS",
    "AgentCategory",
    "AgentError",
    "AgentSpec",
    "Assistant",
    "Caller",
    "Citation",
    "ConversationMemory",
    "DecisionPolicy",
    "Error",
    "Event",
    "FinalAnswer",
    "LLMConfig",
    "LLMRouter",
    "ModelKind",
    "OfflineChatModel",
    "ProposalAwaitingApproval",
    "Routed",
    "Router",
    "RoutingCase",
    "RoutingDecision",
    "RoutingReport",
    "SafetyVerdict",
    "ScriptedServer",
    "SmallModelConfig",
    "SmallModelRouter",
    "Supervisor",
    "Token",
    "ToolBackend",
    "ToolCallRecord",
    "ToolFinished",
    "ToolStarted",
    "Usage",
    "builtin_heldout_set",
    "call_tool",
    "check_request",
    "evaluate_router",
    "examples_from_tools",
    "find_ungrounded_numbers",
    "get_spec",
    "make_chat_model",
    "make_openai_chat_model",
    "refusal_text",
    "reply",
    "turn_json",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agents' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
