"""The Approvals tab: every pending proposal the signed-in person may decide, from any user or session.

The list is read from the database whenever the tab is opened, refreshed or a decision is made (never
kept per browser tab). Approve and Reject go through the tool layer's permission check and audit, as
`andon proposals approve / reject` does; a proposal someone else decided meanwhile gets a clear message.
"""

from __future__ import annotations

from typing import Any, Literal

import gradio as gr
import pandas as pd

from tools import Proposal, ProposalError, ProposalStatus, ToolError
from ui.console.backend import ConsoleBackend, PendingProposal, SignedIn
from ui.console.i18n import Lang, t

__all__ = ["APPROVALS_OUTPUTS", "ApprovalsTab", "decided_message", "pending_card", "pending_table"]

#: What a refresh updates: note, table, proposal choice, card.
APPROVALS_OUTPUTS = 4
_COLUMNS = ("col_id", "col_requested", "col_by", "col_title", "col_reason", "col_approver")


def pending_table(items: list[PendingProposal], lang: Lang) -> pd.DataFrame:
    """One row per pending proposal, oldest first, with headers in `lang`."""
    rows = [
        [
            item.proposal.id,
            f"{item.proposal.requested_at:%Y-%m-%d %H:%M}",
            f"{item.proposal.requested_by} ({item.proposal.requested_role.value})",
            item.proposal.title,
            item.proposal.reason,
            item.approver_role,
        ]
        for item in items
    ]
    return pd.DataFrame(rows, columns=[t(lang, key) for key in _COLUMNS])


def _choice_label(item: PendingProposal) -> str:
    return f"#{item.proposal.id} · {item.proposal.title} — {item.proposal.requested_by}"


def pending_card(item: PendingProposal, lang: Lang) -> str:
    """What the chosen proposal asks for, who asked, the evidence and who may decide it."""
    proposal = item.proposal
    requested = t(
        lang,
        "requested_line",
        user=proposal.requested_by,
        role=proposal.requested_role.value,
        at=f"{proposal.requested_at:%Y-%m-%d %H:%M}",
    )
    evidence = "\n".join(f"- {line}" for line in proposal.evidence)
    approver = t(lang, "approver_line", role=item.approver_role)
    return (
        f"### #{proposal.id} · {proposal.title}\n\n{requested}\n\n> {proposal.reason}\n\n{evidence}\n\n"
        f"`{proposal.action}` · {approver}"
    )


def _status(proposal: Proposal, lang: Lang) -> str:
    return t(lang, f"status_{proposal.status.value}")


def decided_message(proposal: Proposal, lang: Lang) -> str:
    """What a decision just made did: executed (with the result), failed, or rejected (with the reason)."""
    if proposal.status is ProposalStatus.EXECUTED:
        return t(
            lang, "decided_executed", id=str(proposal.id), title=proposal.title, result=proposal.result_summary or ""
        )
    if proposal.status is ProposalStatus.FAILED:
        return t(lang, "decided_failed", id=str(proposal.id), result=proposal.result_summary or "")
    if proposal.status is ProposalStatus.REJECTED:
        reason = proposal.decision_reason or ""
        return t(lang, "decided_rejected", id=str(proposal.id), title=proposal.title, reason=reason)
    return already_decided_message(proposal, lang)


def already_decided_message(proposal: Proposal, lang: Lang) -> str:
    """A proposal that is no longer pending: its outcome and who decided it."""
    return t(
        lang, "already_decided", id=str(proposal.id), status=_status(proposal, lang), who=proposal.decided_by or "?"
    )


def _choice_id(choice: Any) -> int | None:
    text = str(choice or "").strip().lstrip("#")
    return int(text) if text.isdigit() else None


class ApprovalsTab:
    """The handlers of the Approvals tab; every one checks the signed-in account first."""

    def __init__(self, backend: ConsoleBackend, signed_in: Any) -> None:
        self.backend = backend
        self._signed_in = signed_in

    def refresh(self, state: dict[str, Any], keep: Any = None) -> tuple[Any, ...]:
        """Note, table, choice and card from the database, keeping the chosen proposal if still pending."""
        account: SignedIn = self._signed_in(state)
        lang: Lang = state["lang"]
        items = self.backend.pending_proposals(account)
        note = t(lang, "approvals_waiting", count=str(len(items))) if items else t(lang, "approvals_none")
        chosen = next((item for item in items if item.proposal.id == _choice_id(keep)), None)
        choices = [(_choice_label(item), str(item.proposal.id)) for item in items]
        choice = gr.update(choices=choices, value=str(chosen.proposal.id) if chosen else None)
        card = pending_card(chosen, lang) if chosen else ""
        return note, pending_table(items, lang), choice, card

    def show(self, choice: Any, state: dict[str, Any]) -> str:
        """The card of the chosen proposal (empty when it is no longer pending for this person)."""
        account: SignedIn = self._signed_in(state)
        wanted = _choice_id(choice)
        item = next((i for i in self.backend.pending_proposals(account) if i.proposal.id == wanted), None)
        return pending_card(item, state["lang"]) if item else ""

    def approve(self, choice: Any, reason: str, state: dict[str, Any]) -> tuple[Any, ...]:
        return self._decide("approve", choice, reason, state)

    def reject(self, choice: Any, reason: str, state: dict[str, Any]) -> tuple[Any, ...]:
        return self._decide("reject", choice, reason, state)

    def _decide(
        self, decision: Literal["approve", "reject"], choice: Any, reason: str, state: dict[str, Any]
    ) -> tuple[Any, ...]:
        """Result line, the refreshed list (no proposal chosen, so the next click cannot hit another one)
        and the reason box (cleared after a decision)."""
        account: SignedIn = self._signed_in(state)
        lang: Lang = state["lang"]
        proposal_id = _choice_id(choice)
        reason = (reason or "").strip()
        if proposal_id is None:
            return t(lang, "approvals_pick"), *self.refresh(state), gr.update()
        if decision == "reject" and not reason:
            return t(lang, "reason_needed"), *self.refresh(state, keep=choice), gr.update()
        try:
            message = decided_message(self.backend.decide(account, proposal_id, decision, reason), lang)
        except ProposalError as exc:
            message = self._not_pending(proposal_id, lang) or t(lang, "decision_refused", message=str(exc))
        except ToolError as exc:  # not permitted: the tool layer has audited the refusal
            message = t(lang, "decision_refused", message=str(exc))
        return message, *self.refresh(state), ""

    def _not_pending(self, proposal_id: int, lang: Lang) -> str | None:
        try:
            current = self.backend.proposal(proposal_id)
        except ProposalError:
            return None
        return None if current.status is ProposalStatus.PENDING else already_decided_message(current, lang)
