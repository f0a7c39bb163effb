"""Event handlers of the operator console: every handler checks the signed-in account first."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from typing import Any

import gradio as gr
import pandas as pd

from agents.events import Token
from tools import ProposalError, ProposalStatus, Role, parse_role
from ui.console.approvals import ApprovalsTab, already_decided_message
from ui.console.backend import ConsoleBackend, SignedIn
from ui.console.charts import ChartSpec, table_rows
from ui.console.i18n import Lang, t
from ui.console.reset import CHAT_OUTPUTS, CHAT_VIEWS, EMPTY_CHART, blank_updates
from ui.console.turn_view import TurnView

__all__ = ["EMPTY_CHART", "Handlers", "session_state"]
#: How often streamed tokens are sent to the browser; every update carries the whole conversation.
TOKEN_INTERVAL_S = 0.08


def session_state(lang: Lang = "en") -> dict[str, Any]:
    """A browser session's server-side state; the client never sees or sets it."""
    return {"account": None, "lang": lang, "session_id": uuid.uuid4().hex, "proposal": None, "last_answer": ""}


def _signed_in(state: dict[str, Any]) -> SignedIn:
    account = state.get("account")
    if not isinstance(account, SignedIn):
        raise gr.Error("Please sign in first / 请先登录")
    expires_at = state.get("expires_at")
    if expires_at is not None and time.monotonic() >= expires_at:
        state["account"] = None  # the server-side state forgets who it was
        raise gr.Error(t("en", "session_expired") + " / " + t("zh", "session_expired"))
    return account


def _client_of(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "unknown")


def _chart_updates(spec: ChartSpec | None) -> tuple[Any, Any]:
    if spec is None:
        return gr.update(visible=False, value=EMPTY_CHART), gr.update(visible=False, value=EMPTY_CHART)
    frame = pd.DataFrame(spec.rows)
    if spec.kind == "line":
        line = gr.update(
            visible=True,
            value=frame,
            x=spec.x,
            y=spec.y,
            color=spec.series,
            title=spec.title,
            x_title=spec.x_title,
            y_title=spec.y_title,
        )
        return line, gr.update(visible=False, value=EMPTY_CHART)
    bar = gr.update(
        visible=True,
        value=frame,
        x=spec.x,
        y=spec.y,
        title=spec.title,
        sort="-y",
        x_title=spec.x_title,
        y_title=spec.y_title,
    )
    return gr.update(visible=False, value=EMPTY_CHART), bar


def _table_update(view: TurnView) -> Any:
    if view.table_result is None:
        return gr.update(visible=False, value=None)
    headers, rows = table_rows(view.table_result)
    if not headers:
        return gr.update(visible=False, value=None)
    return gr.update(visible=True, value=pd.DataFrame(rows, columns=headers))


def _proposal_updates(state: dict[str, Any], view: TurnView) -> tuple[Any, Any, Any, Any]:
    """Card text, approve button, reject button, reason box for the turn's pending proposal."""
    lang: Lang = state["lang"]
    proposal = view.proposal
    if proposal is None:
        state["proposal"] = None
        hidden = gr.update(visible=False)
        return gr.update(value=t(lang, "proposal_none")), hidden, hidden, hidden
    state["proposal"] = {"id": proposal.proposal_id, "approver_role": proposal.approver_role or "engineer"}
    evidence = "\n".join(f"- {item}" for item in proposal.evidence)
    card = (
        f"### {t(lang, 'proposal_title')} #{proposal.proposal_id}\n\n**{proposal.title}**\n\n{proposal.reason}\n\n"
        f"{evidence}\n\n`{proposal.tool}`"
    )
    if proposal.already_pending:
        card = f"> {t(lang, 'proposal_already_pending', id=proposal.proposal_id, title=proposal.title)}\n\n{card}"
    account = _signed_in(state)
    needed = parse_role(proposal.approver_role or "engineer")
    if not account.role.at_least(needed):
        card += "\n\n> " + t(lang, "not_permitted_approve", role=needed.value)
        hidden = gr.update(visible=False)
        return gr.update(value=card), hidden, hidden, hidden
    shown = gr.update(visible=True)
    return gr.update(value=card), shown, shown, shown


def _changed(shown: dict[str, Any], key: str, value: Any) -> bool:
    """Whether `value` is not what `shown[key]` last sent (recording it as sent)."""
    if key in shown and shown[key] is value:
        return False
    shown[key] = value
    return True


class Handlers:
    """Holds the backend; its methods are the Gradio event handlers."""

    def __init__(self, backend: ConsoleBackend) -> None:
        self.backend = backend
        self.approvals = ApprovalsTab(backend, _signed_in)

    # -- sign-in -----------------------------------------------------------------------------------

    def sign_in(
        self, name: str, password: str, state: dict[str, Any], request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        account = self.backend.sign_in(name.strip(), password, _client_of(request))
        lang: Lang = state["lang"]
        if not isinstance(account, SignedIn):
            message = (
                t(lang, "login_locked", minutes=str(max(1, math.ceil(account / 60))))
                if isinstance(account, float)
                else t(lang, "login_failed")
            )
            failed = gr.update(value=message, visible=True)
            return state, failed, gr.update(), gr.update(), "", *blank_updates(lang)
        expires_at = time.monotonic() + self.backend.settings.ui_session_ttl_s
        state = {**session_state(lang), "account": account, "expires_at": expires_at}
        state["token"] = self.backend.start_sign_in(account, state["session_id"])
        who = t(lang, "signed_in_as", user=account.display, role=account.role.value)
        shown = (gr.update(value="", visible=False), gr.update(visible=False), gr.update(visible=True))
        return state, *shown, who, *blank_updates(lang)

    @staticmethod
    def sign_in_token(state: dict[str, Any]) -> str:
        """What the browser keeps of the sign-in (sealed): the token, or nothing once signed out."""
        return str(state.get("token") or "")

    def restore_sign_in(self, token: str, state: dict[str, Any]) -> tuple[Any, ...]:
        """On page load: a sign-in made on any worker, still valid, continues here with its conversation."""
        found = self.backend.resume_sign_in(token or "")
        if found is None:
            return state, gr.update(visible=True), gr.update(visible=False), ""
        account, session_id = found
        expires_at = time.monotonic() + self.backend.settings.ui_session_ttl_s  # the token expires sooner, if anything
        state = {
            **session_state(state["lang"]),
            "account": account,
            "session_id": session_id,
            "token": token,
            "expires_at": expires_at,
        }
        who = t(state["lang"], "signed_in_as", user=account.display, role=account.role.value)
        return state, gr.update(visible=False), gr.update(visible=True), who

    def auto_sign_in(self, state: dict[str, Any]) -> tuple[Any, ...]:
        """Without authentication (loopback only), everyone is the configured default user."""
        account = self.backend.default_account()
        if account is None:
            return state, gr.update(visible=True), gr.update(visible=False), ""
        state = {**state, "account": account}
        who = t(state["lang"], "signed_in_as", user=account.display, role=account.role.value)
        return state, gr.update(visible=False), gr.update(visible=True), who

    def sign_out(self, state: dict[str, Any]) -> tuple[Any, ...]:
        """Forget the session on the server and blank every component: the next person starts clean."""
        account = state.get("account")
        if isinstance(account, SignedIn):
            self.backend.end_session(state["session_id"], account)
        if state.get("token"):
            self.backend.end_sign_in(state["token"])
        lang: Lang = state["lang"]
        fresh = session_state(lang)
        shown = (gr.update(value="", visible=False), gr.update(visible=True), gr.update(visible=False))
        return fresh, *shown, "", *blank_updates(lang)

    # -- chat --------------------------------------------------------------------------------------

    def ask(self, text: str, history: list[dict[str, Any]], state: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        account = _signed_in(state)
        text = (text or "").strip()
        if not text:
            return
        lang: Lang = state["lang"]
        view = TurnView(lang="zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else lang)
        base = [*history, {"role": "user", "content": text}]
        events = self.backend.ask(text, session_id=state["session_id"], account=account, lang=view.lang)
        yield from self._stream(view, base, events, state)

    def _stream(
        self, view: TurnView, base: list[dict[str, Any]], events: Iterator[Any], state: dict[str, Any]
    ) -> Iterator[tuple[Any, ...]]:
        # What the chart and table last showed: a value they already show is not sent again (Gradio
        # converts a chart's or table's frame for every value it is sent).
        shown: dict[str, Any] = {}
        yield self._outputs(view, base, state, final=False, shown=shown)
        last_sent = time.monotonic()
        for event in events:
            view.apply(event)
            # Every update costs the server a rebuild of each output component it names, so updates go
            # out at most every TOKEN_INTERVAL_S; an event that comes sooner is carried by the next one
            # (the final update always carries everything). Tokens only change the chat: sent alone.
            if time.monotonic() - last_sent < TOKEN_INTERVAL_S:
                continue
            if isinstance(event, Token):
                yield self._chat_only(view, base)
            else:
                yield self._outputs(view, base, state, final=False, shown=shown)
            last_sent = time.monotonic()
        view.done = True
        state["last_answer"] = view.answer
        yield self._outputs(view, base, state, final=True, shown=shown)

    def _chat_only(self, view: TurnView, base: list[dict[str, Any]]) -> tuple[Any, ...]:
        history = [*base, *view.messages()]
        return (history, *([gr.skip()] * (len(CHAT_OUTPUTS) - 1)))

    def _outputs(
        self, view: TurnView, base: list[dict[str, Any]], state: dict[str, Any], *, final: bool, shown: dict[str, Any]
    ) -> tuple[Any, ...]:
        history = [*base, *view.messages()]
        line, bar = _chart_updates(view.chart) if _changed(shown, "chart", view.chart) else (gr.skip(), gr.skip())
        card, approve, reject, reason = _proposal_updates(state, view) if final else (gr.skip(),) * 4
        table = _table_update(view) if _changed(shown, "table", view.table_result) else gr.skip()
        status = view.status_line if final else f"⏳ {t(view.lang, 'working')}"
        return (history, "", state, view.evidence_markdown, line, bar, table, card, approve, reject, reason, status)

    def decide(
        self, decision: str, reason: str, history: list[dict[str, Any]], state: dict[str, Any]
    ) -> Iterator[tuple[Any, ...]]:
        """Decide the proposal this conversation waits for, then let the paused run finish.

        A proposal decided meanwhile elsewhere (Approvals tab, CLI, another session) is not decided again:
        the chat says who decided it, and the run continues with that outcome."""
        account = _signed_in(state)
        pending = state.get("proposal")
        lang: Lang = state["lang"]
        if not pending:
            yield self._notice(history, state, t(lang, "proposal_none"), card=t(lang, "proposal_none"))
            return
        if decision == "reject" and not (reason or "").strip():
            yield self._notice(history, state, t(lang, "reason_needed"))
            return
        base = [*history, {"role": "user", "content": f"{t(lang, decision)} #{pending['id']}"}]
        decided = self._decided_elsewhere(int(pending["id"]), lang)
        if decided:
            base.append({"role": "assistant", "content": decided})
        events = self.backend.resume(
            state["session_id"], pending["id"], "approve" if decision == "approve" else "reject", account, reason
        )
        yield from self._stream(TurnView(lang=lang), base, events, state)

    def refresh_card(self, state: dict[str, Any]) -> tuple[Any, ...]:
        """On returning to the chat: a card whose proposal was decided meanwhile says so (card, 3 widgets)."""
        _signed_in(state)
        pending = state.get("proposal")
        decided = self._decided_elsewhere(int(pending["id"]), state["lang"]) if pending else ""
        if not decided:
            return (gr.update(),) * 4
        hidden = gr.update(visible=False)
        return decided, hidden, hidden, hidden

    def _decided_elsewhere(self, proposal_id: int, lang: Lang) -> str:
        try:
            current = self.backend.proposal(proposal_id)
        except ProposalError as exc:
            return str(exc)
        return "" if current.status is ProposalStatus.PENDING else already_decided_message(current, lang)

    @staticmethod
    def _notice(
        history: list[dict[str, Any]], state: dict[str, Any], text: str, *, card: str | None = None
    ) -> tuple[Any, ...]:
        """Chat outputs that leave everything as it is and say `text` on the status line; with `card`, the
        proposal card shows it and the approval buttons are hidden."""
        keep, hidden = gr.update(), gr.update(visible=False)
        approval = (keep,) * 4 if card is None else (card, hidden, hidden, hidden)
        return (history, keep, state, keep, keep, keep, keep, *approval, text)

    def approve(self, reason: str, history: list[dict[str, Any]], state: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        yield from self.decide("approve", reason, history, state)

    def reject(self, reason: str, history: list[dict[str, Any]], state: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        yield from self.decide("reject", reason, history, state)

    def new_chat(self, state: dict[str, Any]) -> tuple[Any, ...]:
        state = {**state, "session_id": uuid.uuid4().hex, "proposal": None, "last_answer": ""}
        if state.get("token"):
            self.backend.move_sign_in(state["token"], state["session_id"])
        return state, *blank_updates(state["lang"], CHAT_VIEWS)

    def feedback(self, data: gr.LikeData, comment: str, history: list[dict[str, Any]], state: dict[str, Any]) -> str:
        account = _signed_in(state)
        index = data.index if isinstance(data.index, int) else int(data.index[0])
        answer = history[index]["content"] if 0 <= index < len(history) else ""
        self.backend.record_feedback(
            session_id=state["session_id"],
            account=account,
            message_index=index,
            answer=str(answer),
            liked=bool(data.liked),
            comment=comment or "",
        )
        return t(state["lang"], "feedback_saved")

    # -- knowledge, evaluations, audit -----------------------------------------------------------

    def documents(self, state: dict[str, Any]) -> Any:
        account = _signed_in(state)
        return pd.DataFrame(self.backend.list_documents(account), columns=self.backend.document_columns)

    def ingest(
        self,
        files: list[str] | None,
        state: dict[str, Any],
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, Any]:
        """Ingest uploaded files; Gradio injects `progress` (a default gr.Progress asks it to) for the bar."""
        account = _signed_in(state)
        lang: Lang = state["lang"]
        if not account.role.at_least(Role.ENGINEER):
            return t(lang, "knowledge_denied"), gr.update()
        report = self.backend.ingest([str(f) for f in files or []], progress=progress)
        return report, self.documents(state)

    def remove_document(self, doc_id: str, state: dict[str, Any]) -> tuple[str, Any]:
        account = _signed_in(state)
        if not account.role.at_least(Role.ENGINEER):
            return t(state["lang"], "knowledge_denied"), gr.update()
        return self.backend.remove_document(doc_id.strip()), self.documents(state)

    def run_eval(
        self,
        suite: str,
        state: dict[str, Any],
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, Any]:
        """Run a suite in this process; Gradio injects `progress` for the bar (one step per graded attempt)."""
        account = _signed_in(state)
        if not account.role.at_least(Role.ENGINEER):
            return t(state["lang"], "evals_denied"), "", gr.update()
        card, report_path = self.backend.run_eval(suite, progress=progress)
        return card, report_path, gr.update(choices=self.backend.eval_runs())

    def compare(self, run_a: str, run_b: str, state: dict[str, Any]) -> str:
        _signed_in(state)
        return self.backend.compare_runs(run_a, run_b)

    def audit(self, state: dict[str, Any]) -> tuple[str, Any]:
        account = _signed_in(state)
        if not account.role.at_least(Role.SUPERVISOR):
            return t(state["lang"], "audit_denied"), gr.update(value=None)
        rows = self.backend.audit_tail(100)
        return t(state["lang"], "audit_recent"), pd.DataFrame(rows)
