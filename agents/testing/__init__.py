"""Test doubles that ship with the library: a scripted OpenAI-compatible HTTP server."""

from agents.testing.scripted_server import (
    ScriptedRequest,
    ScriptedServer,
    ScriptedToolCall,
    ScriptedTurn,
    broken_stream,
    call_tool,
    http_error,
    reply,
    slow,
)

__all__ = [
    "ScriptedRequest",
    "ScriptedServer",
    "ScriptedToolCall",
    "ScriptedTurn",
    "broken_stream",
    "call_tool",
    "http_error",
    "reply",
    "slow",
]
