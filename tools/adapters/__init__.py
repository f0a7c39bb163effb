"""Adapters from registry tools to agent frameworks and protocols. Each imports its library lazily."""

from tools.adapters.langchain import ContextFactory, to_langchain_tool, to_langchain_tools
from tools.adapters.mcp import ContextOpener, ProposalView, bearer_subject, call_result, create_mcp_server, mcp_tool

__all__ = [
    "ContextFactory",
    "ContextOpener",
    "ProposalView",
    "bearer_subject",
    "call_result",
    "create_mcp_server",
    "mcp_tool",
    "to_langchain_tool",
    "to_langchain_tools",
]
