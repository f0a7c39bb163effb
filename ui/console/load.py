"""Drive the console as many simultaneous sessions over its HTTP API (gradio_client), as the load
test and `benchmarks/ui.py` do: every session signs in, asks its own question and checks that the
answer it got is its own.

Timeouts are generous on purpose: on a busy machine a turn may wait minutes in the queue, and that is
slow, not wrong. Speed is what `benchmarks/ui.py` reports; here only a session that never finishes fails.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SESSION_TIMEOUT_S", "SessionOutcome", "message_text", "run_sessions"]

_WORKING = re.compile(r"Working…|处理中…")
#: How long one session (sign-in, question, streamed answer) may take before it counts as failed.
SESSION_TIMEOUT_S = 900.0


@dataclass
class SessionOutcome:
    """What one simulated operator saw."""

    index: int
    question: str
    answer: str = ""
    first_token_s: float | None = None
    total_s: float = 0.0
    error: str | None = None
    updates: int = 0
    history: list[Any] = field(default_factory=list)


def message_text(content: Any) -> str:
    """A message's text: the API sends content as a string or as a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _answer_of(output: Any) -> str:
    """The answer of the turn: the first assistant message without trace metadata."""
    history = output[0] if isinstance(output, list | tuple) and output else []
    for message in history:
        if isinstance(message, dict) and message.get("role") == "assistant" and not message.get("metadata"):
            return message_text(message.get("content"))
    return ""


def _one_session(url: str, index: int, user: str, question: str, outcome: SessionOutcome, timeout_s: float) -> None:
    import httpx
    from gradio_client import Client

    started = time.perf_counter()
    try:
        # httpx's default is 5 s per read: a loaded server answers later than that, and is not broken.
        client = Client(url, verbose=False, httpx_kwargs={"timeout": httpx.Timeout(timeout_s, connect=60.0)})
        client.predict(user, user, api_name="/sign_in")
        asked = time.perf_counter()
        job = client.submit(question, [], api_name="/ask")
        for update in job:
            outcome.updates += 1
            text = _answer_of(update)
            if outcome.first_token_s is None and text and not _WORKING.search(text):
                outcome.first_token_s = time.perf_counter() - asked
        final = job.outputs()[-1] if job.outputs() else job.result()
        outcome.answer = _answer_of(final)
        outcome.history = list(final[0]) if isinstance(final, list | tuple) else []
        if outcome.first_token_s is None and outcome.answer:
            outcome.first_token_s = time.perf_counter() - asked
    except Exception as exc:  # every failure is counted, none stops the others
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.total_s = time.perf_counter() - started


def run_sessions(
    url: str, questions: list[str], *, user: str = "operator", timeout_s: float = SESSION_TIMEOUT_S
) -> list[SessionOutcome]:
    """Run one session per question at the same time; outcomes in question order. A session still running
    after `timeout_s` is reported with an error, never left out."""
    outcomes = [SessionOutcome(index=i, question=q) for i, q in enumerate(questions)]
    threads = [
        threading.Thread(target=_one_session, args=(url, i, user, q, outcomes[i], timeout_s), daemon=True)
        for i, q in enumerate(questions)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout_s
    for thread, outcome in zip(threads, outcomes, strict=True):
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            outcome.error = f"did not finish within {timeout_s:.0f} s"
    return outcomes
