"""What the console needs from the rest of Andon, in one place: sign-in, the assistant, proposals,
documents, evaluations, audit and feedback. Built once per console process from the settings."""

from __future__ import annotations

import fcntl
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from agents.events import Error, Event
from tools import Proposal, Role, ToolError, parse_role
from ui.config import AndonSettings, UserAccount
from ui.console.auth import authenticate
from ui.console.signin_guard import SignInGuard, SignInLimits
from ui.system import acting_role, find_user

if TYPE_CHECKING:
    from ui.console.shared_state import SharedConsoleState
    from ui.system import ToolSystem

__all__ = ["ConsoleBackend", "PendingProposal", "SignedIn"]

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "What was the OEE of line 2 yesterday?",
    "2号线昨天的OEE是多少？",
    "Top downtime reasons on line 3 last week",
    "CNC-03最近7天的振动趋势",
    "Which materials are below their reorder point?",
    "哪个供应商交货最不准时？",
    "SPC of bore diameter on line 2 this month",
    "报警E-217是什么意思，怎么处理？",
    "How do I lock out the press before maintenance?",
    "Open maintenance work orders for CNC-03",
)


_DONE = object()


def _in_own_thread(start: Callable[[], Iterator[Event]]) -> Iterator[Event]:
    """Run a turn's event generator start to end in one thread of its own.

    Gradio advances a streaming handler from whichever worker thread is free; the agents' runtime
    keeps per-turn state in context variables, which must be entered and left in one context.
    """
    events: queue.Queue[object] = queue.Queue()

    def pump() -> None:
        try:
            for event in start():
                events.put(event)
        except Exception as exc:  # a refused approval or a failed turn is shown in the chat, never as a crash
            events.put(Error(message=str(exc)))
        finally:
            events.put(_DONE)

    threading.Thread(target=pump, name="andon-turn", daemon=True).start()
    while (item := events.get()) is not _DONE:
        yield cast(Event, item)


@dataclass(frozen=True)
class SignedIn:
    """The account a browser session acts as."""

    name: str
    role: Role
    scopes: frozenset[str]
    display: str

    @classmethod
    def of(cls, account: UserAccount) -> SignedIn:
        return cls(
            name=account.name,
            role=acting_role(account),
            scopes=frozenset(account.scopes),
            display=account.display_name or account.name,
        )


@dataclass(frozen=True)
class PendingProposal:
    """A pending proposal as the approvals list shows it: the stored proposal and who may decide it."""

    proposal: Proposal
    approver_role: str


class ConsoleBackend:
    """The console's services. `assistant` is anything with the `agents.Assistant` ask/resume API; `tools`
    is the tool system proposals are decided through (the one `andon proposals` uses; opened from the
    settings when not given)."""

    document_columns = ("id", "title", "doc_type", "language", "version", "access_level", "chunks", "pages")

    def __init__(
        self, settings: AndonSettings, assistant: Any, documents: Any | None = None, tools: ToolSystem | None = None
    ) -> None:
        self.settings = settings
        self.assistant = assistant
        self.documents = documents
        self._tools = tools
        self._shared: SharedConsoleState | None = None
        self.signin_guard = SignInGuard(
            SignInLimits(
                max_failures=settings.ui_signin_max_failures,
                max_failures_per_client=settings.ui_signin_max_failures_per_client,
                attempts_per_minute=settings.ui_signin_attempts_per_minute,
                window_s=settings.ui_signin_window_s,
                lockout_s=settings.ui_signin_lockout_s,
            )
        )
        self.feedback_path = settings.data_home / "feedback.jsonl"
        self.eval_dir = settings.data_home / "eval-runs"

    @property
    def tools(self) -> ToolSystem:
        if self._tools is None:
            from ui.system import tool_system

            self._tools = tool_system(self.settings)
        return self._tools

    @property
    def shared(self) -> SharedConsoleState:
        """Sign-ins (always) and, when shared state lives in the database, feedback and eval runs' index."""
        if self._shared is None:
            from ui.console.shared_state import SharedConsoleState

            self._shared = SharedConsoleState(self.tools.engine)
        return self._shared

    # -- accounts ----------------------------------------------------------------------------------

    @property
    def auth_required(self) -> bool:
        return self.settings.ui_auth

    def authenticate(self, name: str, password: str) -> SignedIn | None:
        account = authenticate(self.settings, name, password)
        return SignedIn.of(account) if account is not None else None

    def start_sign_in(self, account: SignedIn, session_id: str) -> str:
        """A token for this sign-in that every worker of the plant accepts until sign-out."""
        return self.shared.sign_in(account.name, session_id, hours=self.settings.ui_session_ttl_s / 3600)

    def resume_sign_in(self, token: str) -> tuple[SignedIn, str] | None:
        """The account and conversation of a sign-in token made by any worker, or None."""
        record = self.shared.resume(token)
        if record is None:
            return None
        try:
            return SignedIn.of(find_user(self.settings, record.user)), record.session_id
        except ToolError:  # the user was removed from the configuration meanwhile
            return None

    def move_sign_in(self, token: str, session_id: str) -> None:
        self.shared.move_to(token, session_id)

    def end_sign_in(self, token: str) -> None:
        self.shared.sign_out(token)

    def browser_secret(self) -> str:
        return self.shared.browser_secret()

    def sign_in(self, name: str, password: str, client: str) -> SignedIn | float | None:
        """The account; or the seconds to wait when `name` or `client` is locked or over the rate limit; or
        None for a wrong name or password (counted against both)."""
        wait = self.signin_guard.wait_s(name, client)
        if wait > 0:
            return wait
        account = self.authenticate(name, password)
        if account is None:
            self.signin_guard.failed(name, client)
        else:
            self.signin_guard.succeeded(name)
        return account

    def default_account(self) -> SignedIn | None:
        try:
            return SignedIn.of(find_user(self.settings))
        except ToolError:
            return None

    # -- chat --------------------------------------------------------------------------------------

    def ask(self, text: str, *, session_id: str, account: SignedIn, lang: Literal["en", "zh"]) -> Iterator[Event]:
        return _in_own_thread(
            lambda: self.assistant.ask(
                text, session_id=session_id, user=account.name, role=account.role, lang=lang, scopes=account.scopes
            )
        )

    def resume(
        self, session_id: str, proposal_id: str, decision: Literal["approve", "reject"], account: SignedIn, reason: str
    ) -> Iterator[Event]:
        return _in_own_thread(
            lambda: self.assistant.resume(
                session_id,
                proposal_id,
                decision,
                user=account.name,
                role=account.role,
                reason=reason or None,
                scopes=account.scopes,
            )
        )

    def end_session(self, session_id: str, account: SignedIn) -> None:
        """Forget the session's conversation on the server (sign-out)."""
        end = getattr(self.assistant, "end_session", None)
        if end is not None:
            end(session_id, account.name)

    # -- proposals ---------------------------------------------------------------------------------

    def pending_proposals(self, account: SignedIn) -> list[PendingProposal]:
        """Every pending proposal `account` may decide, from any user or session, read from the database now."""
        tools = self.tools
        with tools.context(account.name, account.role.value) as ctx:
            found = tools.proposals.decidable(ctx, tools.registry.get)
        return [PendingProposal(p, tools.registry.get(p.action).approver_role.value) for p in found]

    def proposal(self, proposal_id: int) -> Proposal:
        """The stored proposal as it is now (raises ProposalError for an unknown id)."""
        return self.tools.proposals.get(proposal_id)

    def decide(
        self, account: SignedIn, proposal_id: int, decision: Literal["approve", "reject"], reason: str = ""
    ) -> Proposal:
        """Approve (and execute) or reject a proposal as `account`: the tool layer's permission check and audit,
        exactly as `andon proposals approve / reject`. Raises ToolError when refused."""
        if decision == "approve":
            return self.tools.approve(proposal_id, user=account.name, role=account.role.value)
        return self.tools.reject(proposal_id, reason, user=account.name, role=account.role.value)

    def example_questions(self) -> list[str]:
        return list(EXAMPLE_QUESTIONS)

    def record_feedback(
        self, *, session_id: str, account: SignedIn, message_index: int, answer: str, liked: bool, comment: str
    ) -> None:
        """Append one feedback line (thumbs up / down and an optional comment) per answer."""
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "session_id": session_id,
            "user": account.name,
            "role": account.role.value,
            "message_index": message_index,
            "liked": liked,
            "comment": comment,
            "answer": answer,
        }
        if self.settings.state_in_database:
            self.shared.add_feedback(entry)
            return
        self.feedback_path.parent.mkdir(parents=True, exist_ok=True)
        with self.feedback_path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    # -- documents ---------------------------------------------------------------------------------

    def list_documents(self, account: SignedIn) -> list[list[Any]]:
        if self.documents is None:
            return []
        rows = []
        for doc in self.documents.list_documents():
            record = doc.model_dump()
            if not account.role.at_least(parse_role(str(record.get("access_level") or "operator"))):
                continue  # a user never sees a document above their level, not even its title
            rows.append([record.get(column) for column in self.document_columns])
        return rows

    def ingest(self, paths: list[str], progress: Callable[..., Any] | None = None) -> str:
        if self.documents is None:
            return "no document index configured / 未配置文档库"
        if not paths:
            return "no files / 未选择文件"

        def report(update: Any) -> None:
            if progress is not None and update.documents_total:
                progress((update.documents_done, update.documents_total), desc=update.document)

        result = self.documents.ingest([Path(p) for p in paths], progress=report)
        return "\n\n".join(result.lines())

    def remove_document(self, doc_id: str) -> str:
        if self.documents is None or not doc_id:
            return ""
        try:
            self.documents.remove(doc_id)
        except Exception as exc:  # an unknown id is reported, not raised
            return f"✗ {exc}"
        return f"removed {doc_id} / 已删除"

    # -- evaluations ---------------------------------------------------------------------------------

    def eval_suites(self) -> list[str]:
        from evals import builtin_suites

        return [path.stem for path in builtin_suites()]

    def eval_runs(self) -> list[str]:
        if self.settings.state_in_database:
            return self.shared.eval_runs()
        if not self.eval_dir.exists():
            return []
        return sorted((p.name for p in self.eval_dir.iterdir() if p.is_dir()), reverse=True)

    def run_eval(self, suite: str, progress: Callable[..., Any] | None = None) -> tuple[str, str]:
        """Run a suite on the offline model in this process (`progress((done, total), desc=...)` hears each
        graded attempt); the card and the report path. A run in the plant database's index is listed by
        every worker."""
        from evals import EvalError
        from ui.evaluation import EvalRequest, run_evaluation

        out = self.eval_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{Path(suite).stem}"
        try:
            result = run_evaluation(
                self.settings, EvalRequest(suites=[suite], model="offline", out=out), progress=_EvalBar(progress)
            )
        except EvalError as exc:
            return f"✗ {exc}", ""
        return result.paths["markdown"].read_text(encoding="utf-8"), str(result.paths["html"])

    def compare_runs(self, run_a: str, run_b: str) -> str:
        from evals import compare_runs, comparison_markdown

        if not run_a or not run_b:
            return ""
        a, b = self._report(run_a), self._report(run_b)
        return str(comparison_markdown(compare_runs(a, b)))

    def _report(self, run: str) -> Any:
        from evals import RunReport, load_report

        if self.settings.state_in_database:
            stored = self.shared.eval_report_json(run)
            if stored is not None:
                return RunReport.model_validate_json(stored)
        return load_report(self.eval_dir / run)

    # -- audit ---------------------------------------------------------------------------------------

    def audit_tail(self, n: int) -> list[dict[str, Any]]:
        rows = []
        for entry in self.tools.audit.tail(n):
            rows.append(
                {
                    "seq": entry.seq,
                    "ts": entry.ts,
                    "event": entry.event,
                    "user": entry.user,
                    "role": entry.role,
                    "tool": entry.tool,
                    "outcome": entry.outcome,
                    "summary": entry.summary,
                    "ms": round(entry.duration_ms, 1),
                }
            )
        return list(reversed(rows))


class _EvalBar:
    """An evaluation's progress as a console progress bar (Gradio's `gr.Progress` call convention)."""

    def __init__(self, progress: Callable[..., Any] | None) -> None:
        self.progress = progress
        self.total = 0
        self.done = 0

    def note(self, message: str) -> None:
        if self.progress is not None:
            self.progress(None, desc=message)

    def started(self, total: int) -> None:
        self.total = total
        self.recorded(None)

    def recorded(self, record: Any) -> None:
        if record is not None:
            self.done += 1
        if self.progress is not None and self.total:
            self.progress((self.done, self.total), desc="eval / 评测")
