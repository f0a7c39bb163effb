"""Errors of the agents layer that are the user's to fix (bad request, missing file, unknown model).

The CLI prints them as one line `error: ...` with exit code 2, so every message is one line that
names what was wrong.
"""

from __future__ import annotations

__all__ = ["AgentError"]


class AgentError(Exception):
    """A request the agents layer cannot serve; the message is one line for the user."""
