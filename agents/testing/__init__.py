"""Test doubles that ship with the library: a scripted OpenAI-compatible HTTP server."""

from agents.testing.scripted_server import (
    ScriptedRequest,
    ScriptedServer,
    ScriptedToolCall,
    ScriptedTurn,
    call_tool,
    reply,
)

__all__ = ["ScriptedRequest", "ScriptedServer", "ScriptedToolCall", "ScriptedTurn", "call_tool", "reply"]
