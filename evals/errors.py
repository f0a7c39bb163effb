"""Errors of the evals layer. Messages are one line, meant for the person at the keyboard."""

from __future__ import annotations

__all__ = ["EvalError", "GoldError", "JudgeError", "SuiteError"]


class EvalError(Exception):
    """Base of every user-facing error raised by `evals` (the CLI exits with code 2)."""


class SuiteError(EvalError):
    """A suite file is missing, not YAML, or does not match the schema (names file, case id, field)."""


class GoldError(EvalError):
    """A gold reference function is unknown or cannot compute its value from the plant data."""


class JudgeError(EvalError):
    """The LLM judge is misconfigured, e.g. it is the same model as the one under test."""
