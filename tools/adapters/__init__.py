"""Adapters from registry tools to agent frameworks. Each adapter imports its framework lazily."""

from tools.adapters.langchain import ContextFactory, to_langchain_tool, to_langchain_tools

__all__ = ["ContextFactory", "to_langchain_tool", "to_langchain_tools"]
