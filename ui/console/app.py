"""The Gradio operator console: sign-in, chat with trace and evidence, charts, approvals, knowledge,
evaluations and audit tabs, zh / en switch.

The sign-in lives inside the app (not Gradio's `auth=`), so the page structure is served to
anyone while every handler checks the signed-in account held in server-side session state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from ui.console.backend import ConsoleBackend
from ui.console.handlers import EMPTY_CHART, Handlers, session_state
from ui.console.i18n import Lang, t

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


@dataclass
class _ChatTab:
    chatbot: Any
    question: Any
    send: Any
    new_chat: Any
    comment: Any
    feedback_note: Any
    proposal_card: Any
    approve: Any
    reject: Any
    reason: Any
    evidence: Any
    line_plot: Any
    bar_plot: Any
    table: Any
    status: Any


def _chat_tab(labels: _Labels, backend: ConsoleBackend) -> _ChatTab:
    lang = labels.lang
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = labels(gr.Chatbot(label=t(lang, "chatbot"), height=520, elem_id="chatbot"), "chatbot")
            question = labels.textbox("question", placeholder=t(lang, "question_placeholder"), elem_id="question")
            with gr.Row():
                send = labels.button("send", variant="primary", elem_id="send")
                new_chat = labels.button("new_chat", elem_id="new-chat")
            gr.Examples(examples=backend.example_questions(), inputs=question, label=t(lang, "examples"))
            status = gr.Markdown("", elem_id="turn-status")
            comment = labels.textbox("feedback_comment", elem_id="feedback-comment")
            feedback_note = gr.Markdown("", elem_id="feedback-note")
        with gr.Column(scale=2):
            proposal_card = gr.Markdown(t(lang, "proposal_none"), elem_id="proposal-card")
            with gr.Row():
                approve = labels.button("approve", variant="primary", visible=False, elem_id="approve")
                reject = labels.button("reject", variant="stop", visible=False, elem_id="reject")
            reason = labels.textbox("reject_reason", visible=False, elem_id="reject-reason")
            evidence = gr.Markdown(t(lang, "no_evidence"), elem_id="evidence")
            line_plot = gr.LinePlot(EMPTY_CHART, x="x", y="y", visible=False, elem_id="line-chart")
            bar_plot = gr.BarPlot(EMPTY_CHART, x="x", y="y", visible=False, elem_id="bar-chart")
            table = labels(gr.Dataframe(visible=False, label=t(lang, "table"), elem_id="data-table"), "table")
    return _ChatTab(
        chatbot, question, send, new_chat, comment, feedback_note, proposal_card, approve, reject, reason, evidence,
        line_plot, bar_plot, table, status,
    )


def _knowledge_tab(labels: _Labels, handlers: Handlers, state: Any) -> None:
    upload = labels(gr.File(label=t(labels.lang, "upload"), file_count="multiple", elem_id="upload"), "upload")
    ingest = labels.button("ingest", elem_id="ingest")
    report = gr.Markdown("", elem_id="ingest-report")
    refresh = labels.button("refresh", size="sm", elem_id="refresh-documents")
    documents = labels(gr.Dataframe(label=t(labels.lang, "documents"), elem_id="documents"), "documents")
    with gr.Row():
        remove_id = labels.textbox("remove_doc")
        remove = labels.button("remove", variant="stop")
    ingest.click(handlers.ingest, [upload, state], [report, documents])
    refresh.click(handlers.documents, [state], [documents])
    remove.click(handlers.remove_document, [remove_id, state], [report, documents])


def _evals_tab(labels: _Labels, handlers: Handlers, state: Any, backend: ConsoleBackend) -> None:
    lang = labels.lang
    suite = labels(gr.Dropdown(choices=backend.eval_suites(), label=t(lang, "suite"), elem_id="eval-suite"), "suite")
    run = labels.button("run_eval", elem_id="run-eval")
    card = gr.Markdown("", elem_id="eval-card")
    report = labels.textbox("report", interactive=False, elem_id="eval-report")
    with gr.Row():
        run_a = labels(gr.Dropdown(choices=backend.eval_runs(), label=t(lang, "compare_a")), "compare_a")
        run_b = labels(gr.Dropdown(choices=backend.eval_runs(), label=t(lang, "compare_b")), "compare_b")
    compare = labels.button("compare")
    comparison = gr.Markdown("")
    run.click(handlers.run_eval, [suite, state], [card, report, run_a])
    compare.click(handlers.compare, [run_a, run_b, state], [comparison])


def _audit_tab(labels: _Labels, handlers: Handlers, state: Any) -> None:
    note = gr.Markdown("", elem_id="audit-note")
    refresh = labels.button("refresh", size="sm", elem_id="refresh-audit")
    table = gr.Dataframe(elem_id="audit-table")
    refresh.click(handlers.audit, [state], [note, table])


def _wire_chat(chat: _ChatTab, handlers: Handlers, state: Any) -> None:
    outputs = [
        chat.chatbot, chat.question, state, chat.evidence, chat.line_plot, chat.bar_plot, chat.table,
        chat.proposal_card, chat.approve, chat.reject, chat.reason, chat.status,
    ]
    chat.send.click(handlers.ask, [chat.question, chat.chatbot, state], outputs, api_name="ask")
    chat.question.submit(handlers.ask, [chat.question, chat.chatbot, state], outputs)
    chat.approve.click(handlers.approve, [chat.reason, chat.chatbot, state], outputs)
    chat.reject.click(handlers.reject, [chat.reason, chat.chatbot, state], outputs)
    chat.new_chat.click(
        handlers.new_chat,
        [state],
        [
            chat.chatbot, state, chat.evidence, chat.line_plot, chat.bar_plot, chat.table, chat.proposal_card,
            chat.approve, chat.reject,
        ],
    )
    chat.chatbot.like(handlers.feedback, [chat.comment, chat.chatbot, state], [chat.feedback_note])


def build_console(backend: ConsoleBackend) -> gr.Blocks:
    """The console as a Gradio Blocks app (serve it with `ui.console.launch_console`)."""
    handlers = Handlers(backend)
    lang: Lang = "en"
    labels = _Labels(lang)
    app: gr.Blocks
    with gr.Blocks(title=t(lang, "title"), analytics_enabled=False) as app:
        state = gr.State(session_state(lang))
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
                with labels(gr.Tab(t(lang, "tab_chat"), id="chat"), "tab_chat"):
                    chat = _chat_tab(labels, backend)
                with labels(gr.Tab(t(lang, "tab_knowledge"), id="knowledge"), "tab_knowledge"):
                    _knowledge_tab(labels, handlers, state)
                with labels(gr.Tab(t(lang, "tab_evals"), id="evals"), "tab_evals"):
                    _evals_tab(labels, handlers, state, backend)
                with labels(gr.Tab(t(lang, "tab_audit"), id="audit"), "tab_audit"):
                    _audit_tab(labels, handlers, state)

        login_outputs = [state, login_error, login_panel, main_panel, who]
        login.click(handlers.sign_in, [username, password, state], login_outputs, api_name="sign_in")
        password.submit(handlers.sign_in, [username, password, state], login_outputs)
        logout.click(handlers.sign_out, [state], [state, login_panel, main_panel, chat.chatbot, who])
        if not backend.auth_required:
            app.load(handlers.auto_sign_in, [state], [state, login_panel, main_panel, who])
        _wire_chat(chat, handlers, state)

        def switch_language(choice: Lang, current: dict[str, Any]) -> list[Any]:
            return [{**current, "lang": choice}, *labels.updates(choice)]

        language.change(switch_language, [language, state], [state, *[item[0] for item in labels.items]])
    return app
