"""The Gradio operator console: sign-in, chat with trace and evidence, charts, approvals, knowledge,
evaluations and audit tabs, zh / en switch (a first visit follows the browser's locale). Answers have
copy buttons, charts a PNG export, every data table a CSV download.

The sign-in lives inside the app (not Gradio's `auth=`), so the page structure is served to
anyone while every handler checks the signed-in account held in server-side session state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from ui.console.backend import ConsoleBackend
from ui.console.exports import FIRST_VISIT_LANGUAGE_JS, REMEMBER_LANGUAGE_JS, csv_download_js, has_rows
from ui.console.handlers import Handlers, session_state
from ui.console.i18n import Lang, t
from ui.console.reset import CHAT_OUTPUTS, CHAT_VIEWS, CLEARED_ON_SIGN_OUT, EMPTY_CHART

__all__ = ["build_console"]

_LANG_CHOICES = [("English", "en"), ("中文", "zh")]


@dataclass
class _Labels:
    """Components whose text follows the language switch: (component, string key, what to update)."""

    lang: Lang
    items: list[tuple[Any, str, str]] = field(default_factory=list)

    def __call__(self, component: Any, key: str, prop: str = "label") -> Any:
        self.items.append((component, key, prop))
        return component

    def button(self, key: str, **kwargs: Any) -> Any:
        return self(gr.Button(t(self.lang, key), **kwargs), key, "value")

    def csv_button(self, table: Any, file_name: str, elem_id: str, *, shown_after: Any = None) -> Any:
        """A "Download CSV" button for `table` (its rows, downloaded by the browser).

        With `shown_after`, the button is shown only while the table has rows, checked whenever that
        component changes (a table that starts hidden is not mounted, so it reports no change itself).
        """
        button = self.button("download_csv", size="sm", elem_id=elem_id, visible=shown_after is None)
        button.click(None, [table], None, js=csv_download_js(file_name))
        if shown_after is not None:
            shown_after.change(has_rows, [table], [button], show_progress="hidden")
        return button

    def textbox(self, key: str, **kwargs: Any) -> Any:
        return self(gr.Textbox(label=t(self.lang, key), **kwargs), key)

    def updates(self, lang: Lang) -> list[Any]:
        out: list[Any] = []
        for _component, key, prop in self.items:
            text = t(lang, key)
            if prop == "heading":
                out.append(gr.update(value=f"# {text}"))
            elif prop == "heading2":
                out.append(gr.update(value=f"## {text}"))
            elif prop == "value":
                out.append(gr.update(value=text))
            elif key == "question":
                out.append(gr.update(label=text, placeholder=t(lang, "question_placeholder")))
            else:
                out.append(gr.update(label=text))
        return out


def _chat_tab(labels: _Labels, backend: ConsoleBackend, views: dict[str, Any]) -> None:
    lang = labels.lang
    with gr.Row():
        with gr.Column(scale=3):
            views["chatbot"] = labels(
                gr.Chatbot(label=t(lang, "chatbot"), height=520, elem_id="chatbot", buttons=["copy", "copy_all"]),
                "chatbot",
            )
            views["question"] = labels.textbox(
                "question", placeholder=t(lang, "question_placeholder"), elem_id="question"
            )
            with gr.Row():
                views["send"] = labels.button("send", variant="primary", elem_id="send")
                views["new_chat"] = labels.button("new_chat", elem_id="new-chat")
            gr.Examples(examples=backend.example_questions(), inputs=views["question"], label=t(lang, "examples"))
            views["status"] = gr.Markdown("", elem_id="turn-status")
            views["comment"] = labels.textbox("feedback_comment", elem_id="feedback-comment")
            views["feedback_note"] = gr.Markdown("", elem_id="feedback-note")
        with gr.Column(scale=2):
            views["proposal_card"] = gr.Markdown(t(lang, "proposal_none"), elem_id="proposal-card")
            with gr.Row():
                views["approve"] = labels.button("approve", variant="primary", visible=False, elem_id="approve")
                views["reject"] = labels.button("reject", variant="stop", visible=False, elem_id="reject")
            views["reason"] = labels.textbox("reject_reason", visible=False, elem_id="reject-reason")
            views["evidence"] = gr.Markdown(t(lang, "no_evidence"), elem_id="evidence")
            # "export" downloads the chart as shown as a PNG image.
            views["line_plot"] = gr.LinePlot(
                EMPTY_CHART, x="x", y="y", visible=False, elem_id="line-chart", buttons=["fullscreen", "export"]
            )
            views["bar_plot"] = gr.BarPlot(
                EMPTY_CHART, x="x", y="y", visible=False, elem_id="bar-chart", buttons=["fullscreen", "export"]
            )
            views["table"] = labels(gr.Dataframe(visible=False, label=t(lang, "table"), elem_id="data-table"), "table")
            # The status line changes when a turn starts and ends, and when the chat is cleared.
            views["table_csv"] = labels.csv_button(
                views["table"], "andon-data.csv", "data-table-csv", shown_after=views["status"]
            )


def _approvals_tab(labels: _Labels, handlers: Handlers, state: Any, views: dict[str, Any], tab: Any) -> None:
    lang = labels.lang
    views["approvals_note"] = note = gr.Markdown("", elem_id="approvals-note")
    refresh = labels.button("refresh", size="sm", elem_id="refresh-approvals")
    views["approvals_table"] = table = gr.Dataframe(interactive=False, elem_id="approvals-table")
    labels.csv_button(table, "andon-approvals.csv", "approvals-table-csv")
    views["approvals_choice"] = choice = labels(
        gr.Dropdown(choices=[], value=None, label=t(lang, "approvals_choice"), elem_id="approvals-choice"),
        "approvals_choice",
    )
    views["approvals_card"] = card = gr.Markdown("", elem_id="approvals-card")
    views["approvals_reason"] = reason = labels.textbox("reject_reason", elem_id="approvals-reason")
    with gr.Row():
        approve = labels.button("approve", variant="primary", elem_id="approvals-approve")
        reject = labels.button("reject", variant="stop", elem_id="approvals-reject")
    views["approvals_result"] = result = gr.Markdown("", elem_id="approvals-result")
    listing = [note, table, choice, card]
    tab.select(handlers.approvals.refresh, [state], listing)
    refresh.click(handlers.approvals.refresh, [state, choice], listing)
    choice.input(handlers.approvals.show, [choice, state], [card])
    decided = [result, *listing, reason]
    approve.click(handlers.approvals.approve, [choice, reason, state], decided, api_name="approve_pending")
    reject.click(handlers.approvals.reject, [choice, reason, state], decided, api_name="reject_pending")


def _knowledge_tab(labels: _Labels, handlers: Handlers, state: Any, views: dict[str, Any]) -> None:
    views["upload"] = upload = labels(
        gr.File(label=t(labels.lang, "upload"), file_count="multiple", elem_id="upload"), "upload"
    )
    ingest = labels.button("ingest", elem_id="ingest")
    views["ingest_report"] = report = gr.Markdown("", elem_id="ingest-report")
    refresh = labels.button("refresh", size="sm", elem_id="refresh-documents")
    views["documents"] = documents = labels(
        gr.Dataframe(label=t(labels.lang, "documents"), elem_id="documents"), "documents"
    )
    labels.csv_button(documents, "andon-documents.csv", "documents-csv")
    with gr.Row():
        views["remove_id"] = remove_id = labels.textbox("remove_doc")
        remove = labels.button("remove", variant="stop")
    ingest.click(handlers.ingest, [upload, state], [report, documents])
    refresh.click(handlers.documents, [state], [documents])
    remove.click(handlers.remove_document, [remove_id, state], [report, documents])


def _evals_tab(labels: _Labels, handlers: Handlers, state: Any, backend: ConsoleBackend, views: dict[str, Any]) -> None:
    lang = labels.lang
    suite = labels(gr.Dropdown(choices=backend.eval_suites(), label=t(lang, "suite"), elem_id="eval-suite"), "suite")
    run = labels.button("run_eval", elem_id="run-eval")
    views["eval_card"] = card = gr.Markdown("", elem_id="eval-card")
    views["eval_report"] = report = labels.textbox("report", interactive=False, elem_id="eval-report")
    with gr.Row():
        views["run_a"] = run_a = labels(
            gr.Dropdown(choices=backend.eval_runs(), label=t(lang, "compare_a")), "compare_a"
        )
        views["run_b"] = run_b = labels(
            gr.Dropdown(choices=backend.eval_runs(), label=t(lang, "compare_b")), "compare_b"
        )
    compare = labels.button("compare")
    views["comparison"] = comparison = gr.Markdown("")
    run.click(handlers.run_eval, [suite, state], [card, report, run_a])
    compare.click(handlers.compare, [run_a, run_b, state], [comparison])


def _audit_tab(labels: _Labels, handlers: Handlers, state: Any, views: dict[str, Any]) -> None:
    views["audit_note"] = note = gr.Markdown("", elem_id="audit-note")
    refresh = labels.button("refresh", size="sm", elem_id="refresh-audit")
    views["audit_table"] = table = gr.Dataframe(elem_id="audit-table")
    labels.csv_button(table, "andon-audit.csv", "audit-table-csv")
    refresh.click(handlers.audit, [state], [note, table])


def _wire_chat(views: dict[str, Any], handlers: Handlers) -> list[Any]:
    """Connect the chat tab; returns the running events sign-out must cancel."""
    outputs = [views[name] for name in CHAT_OUTPUTS]
    asking = [views["question"], views["chatbot"], views["state"]]
    deciding = [views["reason"], views["chatbot"], views["state"]]
    running = [
        views["send"].click(handlers.ask, asking, outputs, api_name="ask"),
        views["question"].submit(handlers.ask, asking, outputs),
        views["approve"].click(handlers.approve, deciding, outputs),
        views["reject"].click(handlers.reject, deciding, outputs),
    ]
    # "New conversation" and the chat's own clear button both start a new conversation: a fresh
    # session id, so the next question is never read as a follow-up of the cleared ones.
    new_conversation = [views["state"], *(views[name] for name in CHAT_VIEWS)]
    views["new_chat"].click(handlers.new_chat, [views["state"]], new_conversation)
    views["chatbot"].clear(handlers.new_chat, [views["state"]], new_conversation)
    views["chatbot"].like(
        handlers.feedback, [views["comment"], views["chatbot"], views["state"]], [views["feedback_note"]]
    )
    return running


def build_console(backend: ConsoleBackend) -> gr.Blocks:
    """The console as a Gradio Blocks app (serve it with `ui.console.launch_console`)."""
    handlers = Handlers(backend)
    lang: Lang = "en"
    labels = _Labels(lang)
    views: dict[str, Any] = {}
    app: gr.Blocks
    with gr.Blocks(title=t(lang, "title"), analytics_enabled=False) as app:
        views["state"] = state = gr.State(session_state(lang))
        labels(gr.Markdown(f"# {t(lang, 'title')}"), "title", "heading")
        with gr.Row():
            language = gr.Radio(_LANG_CHOICES, value=lang, label=t(lang, "language"), scale=1, elem_id="language")
            who = gr.Markdown("", elem_id="who")
        with gr.Column(visible=True) as login_panel:
            labels(gr.Markdown(f"## {t(lang, 'login_title')}"), "login_title", "heading2")
            username = labels.textbox("username", elem_id="login-user")
            password = labels.textbox("password", type="password", elem_id="login-password")
            login = labels.button("login", variant="primary", elem_id="login-button")
            login_error = gr.Markdown("", visible=False, elem_id="login-error")
        with gr.Column(visible=False) as main_panel:
            logout = labels.button("logout", size="sm", elem_id="logout-button")
            if backend.settings.live_mapping is not None:
                from ui.console.live import live_panel

                live_panel(backend.settings)
            with gr.Tabs():
                with labels(gr.Tab(t(lang, "tab_chat"), id="chat"), "tab_chat") as chat:
                    _chat_tab(labels, backend, views)
                with labels(
                    gr.Tab(t(lang, "tab_approvals"), id="approvals", elem_id="approvals-tab"), "tab_approvals"
                ) as approvals:
                    _approvals_tab(labels, handlers, state, views, approvals)
                with labels(gr.Tab(t(lang, "tab_knowledge"), id="knowledge"), "tab_knowledge"):
                    _knowledge_tab(labels, handlers, state, views)
                with labels(gr.Tab(t(lang, "tab_evals"), id="evals"), "tab_evals"):
                    _evals_tab(labels, handlers, state, backend, views)
                with labels(gr.Tab(t(lang, "tab_audit"), id="audit"), "tab_audit"):
                    _audit_tab(labels, handlers, state, views)

        running = _wire_chat(views, handlers)
        card = [views[name] for name in ("proposal_card", "approve", "reject", "reason")]
        chat.select(handlers.refresh_card, [state], card)
        # Sign-in and sign-out blank every component that can hold someone's data (see ui.console.reset).
        cleared = [views[name] for name in CLEARED_ON_SIGN_OUT]
        login_outputs = [state, login_error, login_panel, main_panel, who, *cleared]
        # The browser keeps the sign-in token, sealed with the secret all workers share: a page opened on
        # any worker behind the same address continues the sign-in and its conversation.
        browser = gr.BrowserState("", storage_key="andon-sign-in", secret=backend.browser_secret())
        login.click(handlers.sign_in, [username, password, state], login_outputs, api_name="sign_in").then(
            handlers.sign_in_token, [state], [browser]
        )
        password.submit(handlers.sign_in, [username, password, state], login_outputs).then(
            handlers.sign_in_token, [state], [browser]
        )
        # A turn still streaming would write the signed-out session back: cancel it first.
        logout.click(handlers.sign_out, [state], login_outputs, cancels=running, api_name="sign_out").then(
            handlers.sign_in_token, [state], [browser]
        )
        if backend.auth_required:
            app.load(handlers.restore_sign_in, [browser, state], [state, login_panel, main_panel, who])
        else:
            app.load(handlers.auto_sign_in, [state], [state, login_panel, main_panel, who])

        def switch_language(choice: Lang, current: dict[str, Any]) -> list[Any]:
            return [{**current, "lang": choice}, *labels.updates(choice)]

        language.change(switch_language, [language, state], [state, *[item[0] for item in labels.items]])
        language.change(None, [language], None, js=REMEMBER_LANGUAGE_JS)
        # A first visit speaks the browser's language; setting the switch relabels everything as above.
        app.load(None, None, [language], js=FIRST_VISIT_LANGUAGE_JS)
    return app
