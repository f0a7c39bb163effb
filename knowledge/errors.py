"""The knowledge layer's user-facing error."""

from __future__ import annotations

__all__ = ["KnowledgeError"]


class KnowledgeError(Exception):
    """Bad input, a missing document or an unreachable store; the message is one line for the user."""
