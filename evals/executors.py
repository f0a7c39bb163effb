"""Executors for real systems: the router alone (fast, routing-only cases) and the assistant's event
stream (everything else). Both run the synchronous agents code in worker threads.

`outcome_from_events` turns the agents' event stream (see `agents.events`) into a `CaseOutcome`;
it reads the typed events (mappings, such as a recorded trace, are validated into them first).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter

from agents.events import Error as ErrorEvent
from agents.events import Event, FinalAnswer, ProposalAwaitingApproval, Routed, Token, ToolFinished, ToolStarted
from evals.executor import CaseExecutor
from evals.outcome import CaseOutcome, CitationRecord, ProposalRecord, ToolCallRecord, Usage
from evals.schema import CaseSpec

__all__ = ["AskFunction", "AssistantExecutor", "CompositeExecutor", "RouterExecutor", "outcome_from_events"]

# (case, message, session id) -> the events of one turn.
AskFunction = Callable[[CaseSpec, str, str], Iterable[Any]]

_NO_DOMAIN_KINDS = ("out_of_scope", "clarify")


def _as_dict(event: Any) -> dict[str, Any]:
    if isinstance(event, Mapping):
        return dict(event)
    dump = getattr(event, "model_dump", None)
    if dump is None:
        raise TypeError(f"not an event: {event!r}")
    return dict(dump(mode="json"))


def _routed(event: Mapping[str, Any]) -> list[str]:
    domains = list(event.get("domains") or [])
    kind = str(event.get("kind") or "")
    if not domains and kind in _NO_DOMAIN_KINDS:
        return [kind]
    return domains


_EVENTS: TypeAdapter[Event] = TypeAdapter(Event)


def _typed(event: Any) -> Event:
    if isinstance(
        event, Routed | ToolStarted | ToolFinished | Token | ProposalAwaitingApproval | FinalAnswer | ErrorEvent
    ):
        return event
    if isinstance(event, Mapping):
        return _EVENTS.validate_python(dict(event))
    raise TypeError(f"not an event: {event!r}")


def outcome_from_events(
    events: Sequence[Any], *, write_tools: frozenset[str] = frozenset(), prices_per_mtok: tuple[float, float] = (0, 0)
) -> CaseOutcome:
    """What a turn (or several) did, from its events. A write tool that finished with status `ok` ran
    without a proposal: that is recorded in `executed_writes` (a safety violation)."""
    outcome = CaseOutcome()
    started: dict[str, ToolStarted] = {}
    for raw in events:
        event = _typed(raw)
        outcome.events.append(event.model_dump(mode="json"))
        if isinstance(event, Routed):
            outcome.domains = [event.kind] if not event.domains and event.kind in _NO_DOMAIN_KINDS else event.domains
            if event.kind == "refused":
                outcome.refused = True
        elif isinstance(event, ToolStarted):
            started[event.call_id or str(len(started))] = event
        elif isinstance(event, ToolFinished):
            begun = started.pop(event.call_id, None) if event.call_id else None
            done = event.outcome
            outcome.tool_calls.append(
                ToolCallRecord(
                    name=event.name,
                    args=dict(begun.args) if begun is not None else {},
                    status=done.status,
                    decision=done.decision,
                    message=None if done.answered else (done.message or None),
                    result=event.result,
                )
            )
            if event.name in write_tools and event.status == "ok":
                outcome.executed_writes.append(event.name)
        elif isinstance(event, ProposalAwaitingApproval):
            outcome.proposals.append(ProposalRecord(action=event.tool, payload=dict(event.payload)))
        elif isinstance(event, FinalAnswer):
            _final(outcome, event, prices_per_mtok)
        elif isinstance(event, ErrorEvent):
            # A tool-layer refusal (permission denied, bad entity) is behaviour to grade, not a harness failure.
            outcome.answer = event.message
    # Started but never finished (e.g. a crash mid-call) still counts as an attempted call.
    for begun in started.values():
        outcome.tool_calls.append(ToolCallRecord(name=begun.name, args=dict(begun.args)))
    return outcome


def _final(outcome: CaseOutcome, event: FinalAnswer, prices: tuple[float, float]) -> None:
    outcome.answer = event.text
    outcome.refused = outcome.refused or event.refused
    outcome.ungrounded_numbers = list(event.ungrounded_numbers)
    outcome.citations = [
        CitationRecord(document=c.document, section=c.section or None, page=c.page) for c in event.citations
    ]
    prompt, completion = event.usage.input_tokens, event.usage.output_tokens
    outcome.usage = outcome.usage + Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        cost_usd=(prompt * prices[0] + completion * prices[1]) / 1e6,
    )
    outcome.latency_ms += event.latency_ms
    # Awaiting proposals arrive as their own events; the final answer adds those that were carried out.
    for proposal in event.proposals:
        if str(proposal.get("status")) == "executed":
            outcome.proposals.append(ProposalRecord(action=str(proposal.get("tool")), status="executed"))


class RouterExecutor:
    """Routing-only cases through the tier-1 router; texts are routed in batches on first use."""

    def __init__(self, router: Any, model_id: str) -> None:
        self.router = router
        self._model_id = model_id
        self._routes: dict[str, list[str]] = {}
        self._latency_ms: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._model_id

    def warm(self, texts: Sequence[str]) -> None:
        """Route many texts at once (the small model embeds in batches, much faster than one by one)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._routes]
        if todo:
            started = time.perf_counter()
            decisions = self.router.route_many(todo)
            # Each request is charged its share of the batch, so latency figures stay meaningful.
            share = (time.perf_counter() - started) * 1000 / len(todo)
            for text, decision in zip(todo, decisions, strict=True):
                self._routes[text] = _routed(_as_dict(decision))
                self._latency_ms[text] = share

    def _route(self, text: str) -> tuple[list[str], float]:
        with self._lock:
            if text not in self._routes:
                self.warm([text])
        return self._routes[text], self._latency_ms[text]

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        text = case.messages[-1]
        domains, elapsed = await asyncio.to_thread(self._route, text)
        return CaseOutcome(domains=domains, latency_ms=elapsed, events=[{"type": "routed", "domains": domains}])


class AssistantExecutor:
    """Cases through the assistant: every message of the case in one session, events graded together."""

    def __init__(
        self,
        ask: AskFunction,
        model_id: str,
        *,
        write_tools: frozenset[str] = frozenset(),
        serial: bool = False,
        prices_per_mtok: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self.ask = ask
        self._model_id = model_id
        self.write_tools = write_tools
        self.prices = prices_per_mtok
        # The offline model is CPU-bound and shares one database session factory: one case at a time.
        self._lock = threading.Lock() if serial else None

    @property
    def model_id(self) -> str:
        return self._model_id

    def play_blocking(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        """Play the case on this thread (the assistant's code is synchronous)."""
        session_id = f"eval-{case.id}-{attempt}-{time.monotonic_ns()}"
        events: list[Any] = []
        elapsed = 0.0  # time in the assistant; waiting for the serial lock is not the case's latency
        for message in case.messages:
            with self._lock if self._lock is not None else contextlib.nullcontext():
                started = time.perf_counter()
                events.extend(self.ask(case, message, session_id))
                elapsed += time.perf_counter() - started
        outcome = outcome_from_events(events, write_tools=self.write_tools, prices_per_mtok=self.prices)
        outcome.latency_ms = elapsed * 1000
        return outcome

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        return await asyncio.to_thread(self.play_blocking, case, attempt)


class CompositeExecutor:
    """Routing-only cases to the router executor, the rest to the assistant's executor (in process, or
    an `evals.ProcessExecutor` whose workers each run one)."""

    def __init__(self, router: RouterExecutor, assistant: CaseExecutor | None) -> None:
        self.router = router
        self.assistant = assistant

    @property
    def model_id(self) -> str:
        return self.assistant.model_id if self.assistant is not None else self.router.model_id

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        if case.expect.route_only or self.assistant is None:
            return await self.router.run(case, attempt)
        return await self.assistant.run(case, attempt)
