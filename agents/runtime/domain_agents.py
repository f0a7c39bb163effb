"""Domain agents: LangChain `create_agent` graphs, one per domain and language, over that domain's tools."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver

from agents.runtime.approvals import ApprovalGate
from agents.runtime.context import ToolBackend
from agents.runtime.guards import TurnGuard
from agents.runtime.turn import message_text
from agents.specs import AgentSpec
from tools import ToolContext
from tools.adapters.langchain import to_langchain_tools

__all__ = ["MAX_MODEL_CALLS", "DomainAgents", "QuotedToolData"]

#: Model calls one domain agent may make for one request before it is stopped with a clear answer.
MAX_MODEL_CALLS = 6


class QuotedToolData(AgentMiddleware):  # type: ignore[type-arg]
    """Show tool results to an LLM as quoted data, so instructions inside documents read as text, not orders.

    Only what the model sees changes; the conversation state keeps the tool results as they were.
    """

    def wrap_model_call(
        self, request: ModelRequest[Any], handler: Callable[[ModelRequest[Any]], ModelResponse[Any]]
    ) -> ModelResponse[Any]:
        messages = [
            message.model_copy(update={"content": f"<data>\n{message_text(message)}\n</data>"})
            if isinstance(message, ToolMessage)
            else message
            for message in request.messages
        ]
        return handler(request.override(messages=messages))


class DomainAgents:
    """Builds each domain's agent graph on first use and keeps it; graphs are shared across sessions."""

    def __init__(
        self,
        model: BaseChatModel,
        backend: ToolBackend,
        checkpointer: BaseCheckpointSaver[Any],
        *,
        quote_tool_data: bool,
        max_model_calls: int = MAX_MODEL_CALLS,
    ) -> None:
        self.model = model
        self.max_model_calls = max_model_calls
        self.backend = backend
        self.checkpointer = checkpointer
        self.quote_tool_data = quote_tool_data
        self._graphs: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def tool_names(self, spec: AgentSpec) -> list[str]:
        return [t.name for domain in spec.tool_domains for t in self.backend.registry.by_domain(domain)]

    def graph(self, spec: AgentSpec, lang: str) -> Any:
        """The compiled agent graph of `spec` with its system prompt in `lang`."""
        key = (spec.name, lang)
        with self._lock:
            if key not in self._graphs:
                self._graphs[key] = self._build(spec, lang)
            return self._graphs[key]

    def _build(self, spec: AgentSpec, lang: str) -> Any:
        registry_tools = [t for domain in spec.tool_domains for t in self.backend.registry.by_domain(domain)]
        # Each call's caller comes from the run's runtime context (`stream_graph(..., context=ctx)`).
        tools = to_langchain_tools(registry_tools, audit=self.backend.audit, proposals=self.backend.proposals)
        # The approval gate runs first: a fresh proposal pauses the run even when the step limit is reached.
        middleware: list[AgentMiddleware[Any, Any, Any]] = [ApprovalGate(), TurnGuard(lang, self.max_model_calls)]
        if self.quote_tool_data:
            middleware.append(QuotedToolData())
        return create_agent(
            self.model,
            tools,
            system_prompt=spec.system_prompt(lang),
            middleware=middleware,
            checkpointer=self.checkpointer,
            name=spec.name,
            context_schema=ToolContext,
        )
