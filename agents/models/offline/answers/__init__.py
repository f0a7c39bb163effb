"""Template answers of the offline model, in English and Chinese."""

from agents.models.offline.answers.formatting import format_figure, format_number, period_text, provenance_text
from agents.models.offline.answers.messages import (
    cannot_do,
    clarify_missing,
    no_data,
    proposal_submitted,
    tool_failed,
    unreadable_period,
    which_one,
)
from agents.models.offline.answers.render import read_outcome, render_tool_answer, tool_title

__all__ = [
    "cannot_do",
    "clarify_missing",
    "format_figure",
    "format_number",
    "no_data",
    "period_text",
    "proposal_submitted",
    "provenance_text",
    "read_outcome",
    "render_tool_answer",
    "tool_failed",
    "tool_title",
    "unreadable_period",
    "which_one",
]
