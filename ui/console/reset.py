"""What the console shows when nobody's data may be on screen: after sign-out, and at the next sign-in.

Every component that can hold a person's answers, figures, evidence, proposals, documents, evaluation
results or audit rows is named here with its blank value; the app wires exactly these as the outputs of
sign-in and sign-out, and a test checks that no component a handler writes to is missing.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from ui.console.i18n import Lang, t

__all__ = ["CHAT_OUTPUTS", "CHAT_VIEWS", "CLEARED_ON_SIGN_OUT", "EMPTY_CHART", "blank_updates"]

EMPTY_CHART = pd.DataFrame({"x": [], "y": []})

#: What a turn shows next to the conversation: evidence, charts, table and the approval card.
_TURN_VIEWS = ("evidence", "line_plot", "bar_plot", "table", "proposal_card", "approve", "reject", "reason")
#: The outputs of a chat turn, in the order the handlers return them.
CHAT_OUTPUTS: tuple[str, ...] = ("chatbot", "question", "state", *_TURN_VIEWS, "status")
#: The chat tab's per-conversation components (also cleared by "New conversation").
CHAT_VIEWS: tuple[str, ...] = (*(name for name in CHAT_OUTPUTS if name != "state"), "comment", "feedback_note")

CLEARED_ON_SIGN_OUT: tuple[str, ...] = (
    *CHAT_VIEWS,
    "approvals_note",
    "approvals_table",
    "approvals_choice",
    "approvals_card",
    "approvals_reason",
    "approvals_result",
    "upload",
    "ingest_report",
    "documents",
    "remove_id",
    "eval_card",
    "eval_report",
    "run_a",
    "run_b",
    "comparison",
    "audit_note",
    "audit_table",
    "table_csv",
)


def blank_updates(lang: Lang, names: tuple[str, ...] = CLEARED_ON_SIGN_OUT) -> list[Any]:
    """The blank value of each named component, in the order of `names`."""
    hidden = gr.update(visible=False)
    blanks: dict[str, Any] = {
        "chatbot": [],
        "evidence": t(lang, "no_evidence"),
        "line_plot": gr.update(visible=False, value=EMPTY_CHART),
        "bar_plot": gr.update(visible=False, value=EMPTY_CHART),
        "table": gr.update(visible=False, value=None),
        "proposal_card": t(lang, "proposal_none"),
        "approve": hidden,
        "reject": hidden,
        "reason": gr.update(visible=False, value=""),
        "approvals_table": gr.update(value=None),
        "approvals_choice": gr.update(choices=[], value=None),
        "upload": None,
        "documents": gr.update(value=None),
        "run_a": gr.update(value=None),
        "run_b": gr.update(value=None),
        "audit_table": gr.update(value=None),
        "table_csv": hidden,
    }
    return [blanks.get(name, "") for name in names]
