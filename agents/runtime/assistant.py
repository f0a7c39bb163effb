"""The assistant: safety rules, routing, domain agents or supervisor, approvals, grounded final answers.

    assistant = Assistant(model=model, backend=backend, memory=ConversationMemory(path), router=router)
    for event in assistant.ask("2号线昨天的OEE是多少?", session_id="s1", user="operator", role="operator"):
        ...

Every front end consumes the same events (see `agents.events`). A turn ends with a `FinalAnswer`,
an `Error`, or `ProposalAwaitingApproval`; a paused turn continues with `resume`.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from datetime import datetime
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from agents.errors import AgentError
from agents.events import Error, Event, FinalAnswer, ProposalAwaitingApproval, Routed, Usage
from agents.extraction import Vocabulary, asks_why, extract_mentions, split_clauses
from agents.extraction.language import detect_language
from agents.interpretation import ToolCatalog, find_mismatches, reading_line
from agents.routing.capabilities import EntityOwners, MetricOwners, route_by_entities, route_by_metrics
from agents.routing.decision import Router, RoutingDecision
from agents.routing.features import shared_embeddings
from agents.routing.llm_router import LLMRouter
from agents.runtime.answer import final_answer
from agents.runtime.approvals import resume_value
from agents.runtime.context import Caller, ToolBackend, turn_context
from agents.runtime.domain_agents import DomainAgents
from agents.runtime.memory import ConversationMemory
from agents.runtime.replies import clarify_reply, cut_off_note, no_answer_reply, out_of_scope_reply
from agents.runtime.turn import TurnRecord, stream_graph
from agents.safety import SafetyGuard, default_guard, refusal_text
from agents.specs import AGENT_SPECS
from agents.supervisor import DomainRunner, Supervisor, findings_message
from tools import ProposalStatus, Role, ToolContext, ToolError

__all__ = ["Assistant", "ModelKind"]

ModelKind = Literal["offline", "openai"]
Lang = Literal["en", "zh"]

# A short request with one of these is a follow-up of the previous turn ("and the day before?", "那前天呢?").
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|what about|how about|same for|also|then)\b|\b(?:the day before|the week before|previous|instead)\b|"
    r"[呢吗]\s*[?？]?\s*$|^(?:那|还有|再|换成|同样)|前一天|前天|上一个|之前那",
    re.IGNORECASE,
)


def _model_failure(exc: Exception) -> str | None:
    """A one-line message for a failure of the model endpoint or the agent loop; None for anything else (a bug)."""
    from langgraph.errors import GraphRecursionError

    if isinstance(exc, GraphRecursionError):
        return "the agent did not reach an answer within its step limit / 智能体未能在步数限制内得出答案"
    if isinstance(exc, DBAPIError):
        # The plant database went away (stopped, restarted, network): say so; the next request reconnects.
        said = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        return f"the plant database cannot be reached ({' '.join(said.split())[:200]}) / 无法连接工厂数据库"
    from agents.models.retries import describe_llm_failure

    return describe_llm_failure(exc)


async def _in_thread(make: Callable[[], Iterator[Event]]) -> AsyncIterator[Event]:
    """Iterate a blocking event stream in a worker thread without blocking the event loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Event | BaseException | None] = asyncio.Queue()
    context = contextvars.copy_context()

    def pump() -> None:
        try:
            for event in make():
                loop.call_soon_threadsafe(queue.put_nowait, event)
        except BaseException as exc:  # handed to the awaiting side, which re-raises it
            loop.call_soon_threadsafe(queue.put_nowait, exc)
        else:
            loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=context.run, args=(pump,), name="andon-turn", daemon=True).start()
    while (item := await queue.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item


def _period_resolver(ctx: ToolContext) -> Callable[[str], tuple[datetime, datetime] | None]:
    """Resolve the request's own time expressions as the tools do (plant clock, the plant's shifts)."""
    from tools.resolvers import resolve_tool_period

    def resolve(expression: str) -> tuple[datetime, datetime] | None:
        try:
            span = resolve_tool_period(ctx, expression)
        except (ToolError, SQLAlchemyError):
            return None  # unreadable, or a plant without a shift calendar: nothing to compare with
        return span.start, span.end

    return resolve


def _thread(user: str, session_id: str, domain: str) -> str:
    # The user is part of the thread id, so nobody reads another user's conversation by its session id.
    return f"{user}:{session_id}::{domain}"


class Assistant:
    """Answers requests with the domain agents; one instance serves many sessions and users.

    `router` is tier 1 (the local small model); `llm_router`, when an LLM is configured, is asked only
    when tier 1 is unsure (clarify, out of scope or low confidence) and the request is no follow-up.
    `safety` checks every request first (default: the rules and the classifier trained on shipped data).
    `vocabulary` (the plant's and its documents' names) lets routing see which things a request names.
    """

    def __init__(
        self,
        *,
        model: BaseChatModel,
        backend: ToolBackend,
        memory: ConversationMemory,
        router: Router,
        model_kind: ModelKind = "offline",
        llm_router: LLMRouter | None = None,
        escalate_below: float = 0.55,
        safety: SafetyGuard | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.model = model
        self.model_kind = model_kind
        self.backend = backend
        self.memory = memory
        self.router = router
        self.llm_router = llm_router
        self.escalate_below = escalate_below
        self.safety = safety
        self.agents = DomainAgents(model, backend, memory.checkpointer, quote_tool_data=model_kind != "offline")
        self.supervisor = Supervisor(model if model_kind != "offline" else None)
        self.metric_owners = MetricOwners(backend.registry.tools)
        self.entity_owners = EntityOwners(backend.registry.tools)
        self.vocabulary = vocabulary
        self.catalog = ToolCatalog(backend.registry.tools)

    # -- routing ---------------------------------------------------------------------------------

    def route(
        self, text: str, session_id: str | None = None, user: str | None = None
    ) -> tuple[RoutingDecision, Literal["small_model", "llm", "session"]]:
        """Tier 1, then the session's previous domains for a follow-up, then tier 2 when unsure."""
        decision: RoutingDecision = self._by_tools(text, self.router.route(text))
        previous = self.memory.session(session_id) if session_id else None
        if previous is not None and previous.owner != user:
            previous = None
        unsure = decision.kind in ("clarify", "out_of_scope") or decision.confidence < self.escalate_below
        if previous and previous.domains and unsure and (decision.kind == "clarify" or _FOLLOW_UP.search(text)):
            kind = "multi" if len(previous.domains) > 1 else "single"
            return RoutingDecision(domains=previous.domains, confidence=decision.confidence, kind=kind), "session"
        if self.llm_router is not None and unsure:
            # Only the model's own decision counts as tier 2; when it fails, tier 1's decision stands.
            second = self.llm_router.model_decision(text)
            if second is not None:
                return self._by_tools(text, second), "llm"
        return decision, "small_model"

    def _by_tools(self, text: str, decision: RoutingDecision) -> RoutingDecision:
        """Send a request to the agents whose tools compute the metrics it names and take the things it names."""
        plain = len(split_clauses(text)) == 1 and not asks_why(text)
        decision = route_by_metrics(decision, self.metric_owners.asked(text), self.metric_owners.owners, plain=plain)
        if self.vocabulary is None:
            return decision
        named = [entity.kind for entity in extract_mentions(text, self.vocabulary).entities]
        return route_by_entities(decision, named, self.entity_owners, plain=plain)

    # -- turns -----------------------------------------------------------------------------------

    def ask(
        self,
        text: str,
        *,
        session_id: str,
        user: str,
        role: str | Role,
        lang: Lang | None = None,
        scopes: frozenset[str] = frozenset(),
    ) -> Iterator[Event]:
        """Answer one request as a stream of events."""
        started = time.perf_counter()
        language: Lang = lang or detect_language(text)
        caller = Caller.of(user, role, scopes)
        try:
            yield from self._ask(text, session_id, caller, language, started)
        except (ToolError, AgentError) as exc:
            yield Error(message=str(exc))
        except Exception as exc:
            message = _model_failure(exc)
            if message is None:
                raise
            yield Error(message=message)

    async def aask(
        self,
        text: str,
        *,
        session_id: str,
        user: str,
        role: str | Role,
        lang: Lang | None = None,
        scopes: frozenset[str] = frozenset(),
    ) -> AsyncIterator[Event]:
        """`ask` for asyncio front ends: the turn runs in a worker thread, events arrive as they happen."""
        run = lambda: self.ask(text, session_id=session_id, user=user, role=role, lang=lang, scopes=scopes)  # noqa: E731
        async for event in _in_thread(run):
            yield event

    def _ask(self, text: str, session_id: str, caller: Caller, lang: Lang, started: float) -> Iterator[Event]:
        guard = self.safety or default_guard()
        with shared_embeddings():  # the request is embedded once, for the safety classifier and the router
            verdict = guard.check(text)
            if verdict is None:
                decision, tier = self.route(text, session_id, caller.user)
        if verdict is not None:
            yield Routed(domains=[], confidence=verdict.confidence, kind="refused", tier="safety")
            yield self._reply(refusal_text(verdict, lang), text, lang, started, refused=True)
            return
        yield Routed(domains=decision.domains, confidence=decision.confidence, kind=decision.kind, tier=tier)
        if decision.kind == "out_of_scope" or (not decision.domains and decision.kind != "clarify"):
            yield self._reply(out_of_scope_reply(lang), text, lang, started)
            return
        if decision.kind == "clarify" or not decision.domains:
            yield self._reply(clarify_reply(lang, decision.scores), text, lang, started)
            return
        # Before the agents run, so a follow-up of a turn the model failed ("那前天呢?" after a time-out) still
        # knows what it follows; like the end of any turn, a new question supersedes an earlier pause.
        self.memory.remember(session_id, owner=caller.user, domains=decision.domains, lang=lang)
        with turn_context(self.backend, caller, lang) as ctx:
            if len(decision.domains) == 1:
                thread = _thread(caller.user, session_id, decision.domains[0])
                record = yield from self._run_domain(decision.domains[0], text, thread, lang, {"messages": None}, ctx)
                yield from self._finish(
                    text, session_id, caller.user, lang, started, decision.domains, [record], record.answer, ctx=ctx
                )
                return
            runners = {d: self._runner(d, _thread(caller.user, session_id, d), lang, ctx) for d in decision.domains}

            def lead(records: list[TurnRecord]) -> str | None:
                calls = [call for record in records for call in record.tool_calls]
                return reading_line(text, calls, self.catalog, lang, ctx.clock)

            result = yield from self.supervisor.run(text, decision.domains, runners, lang, lead)
            yield from self._finish(
                text,
                session_id,
                caller.user,
                lang,
                started,
                decision.domains,
                result.records,
                result.text if result.paused is None else "",
                usage=result.usage,
                ctx=ctx,
            )

    def _runner(self, domain: str, thread: str, lang: Lang, ctx: ToolContext) -> DomainRunner:
        def run(request: str, findings: Sequence[tuple[str, str]] = ()) -> Generator[Event, None, TurnRecord]:
            messages = [] if not findings else [findings_message(findings, lang)]
            messages.append({"role": "user", "content": request})
            return (yield from self._run_domain(domain, request, thread, lang, {"messages": messages}, ctx))

        return run

    def _run_domain(
        self, domain: str, request: str, thread: str, lang: Lang, graph_input: Any, ctx: ToolContext
    ) -> Generator[Event, None, TurnRecord]:
        spec = AGENT_SPECS[domain]
        graph = self.agents.graph(spec, lang)
        record = TurnRecord(agent=domain)
        if graph_input == {"messages": None}:
            graph_input = {"messages": [{"role": "user", "content": request}]}
        # The turn guard stops the run after MAX_MODEL_CALLS model calls (about five graph steps each);
        # LangGraph's recursion limit stays above that, as a backstop only.
        config = {"configurable": {"thread_id": thread}, "recursion_limit": 8 * self.agents.max_model_calls + 8}
        clock = ctx.clock

        def lead(done: TurnRecord) -> str | None:
            return reading_line(request, done.tool_calls, self.catalog, lang, clock)

        # The offline model writes its whole answer at once: streaming it token by token only costs thread hops.
        live = self.model_kind != "offline"
        yield from stream_graph(graph, graph_input, config, record, lead, live_tokens=live, context=ctx)
        return record

    def _finish(
        self,
        request: str,
        session_id: str,
        owner: str,
        lang: Lang,
        started: float,
        domains: list[str],
        records: list[TurnRecord],
        text: str,
        *,
        usage: Usage | None = None,
        ctx: ToolContext | None = None,
    ) -> Iterator[Event]:
        paused = next((r for r in records if r.pending), None)
        if paused is not None:
            self.memory.remember(
                session_id,
                owner=owner,
                domains=domains,
                lang=lang,
                paused_thread=_thread(owner, session_id, paused.agent),
                paused_domain=paused.agent,
                paused_proposals=tuple(p.proposal_id for p in paused.pending),
            )
            for pending in paused.pending:
                yield self._proposal_event(pending.proposal_id, pending.tool, session_id, pending.already_pending)
            return
        self.memory.remember(session_id, owner=owner, domains=domains, lang=lang)
        if not text.strip():
            text = no_answer_reply(lang)
        elif any(r.cut_off for r in records):
            text = f"{text}\n\n{cut_off_note(lang)}"
        total = usage or sum((r.usage for r in records), Usage())
        called = {call.name for r in records for call in r.tool_calls if call.name in self.backend.registry}
        descriptions = [
            text
            for name in sorted(called)
            for text in (self.backend.registry.get(name).description, self.backend.registry.get(name).description_zh)
        ]
        calls = [call for r in records for call in r.tool_calls]
        resolve = _period_resolver(ctx) if ctx is not None else None
        # The reading lines are written from the results and the plant clock, not claims of the model.
        leads = [record.lead for record in records if record.lead]
        if records and text and not any(text.startswith(lead) for lead in leads):
            combined = reading_line(request, calls, self.catalog, lang, ctx.clock if ctx else None)
            leads += [combined] if combined else []
        yield final_answer(
            also_allowed=[*descriptions, *leads],
            mismatches=find_mismatches(request, calls, self.catalog, resolve) if request else [],
            text=text,
            request=request,
            lang=lang,
            domains=domains,
            tool_calls=[call for r in records for call in r.tool_calls],
            outcomes=[outcome for r in records for outcome in r.outcomes],
            usage=total,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def _proposal_event(
        self, proposal_id: int, tool_name: str, session_id: str, already_pending: bool = False
    ) -> ProposalAwaitingApproval:
        proposal = self.backend.proposals.get(proposal_id)
        approver = ""
        if proposal.action in self.backend.registry:
            approver = self.backend.registry.get(proposal.action).approver_role.value
        return ProposalAwaitingApproval(
            proposal_id=str(proposal.id),
            tool=tool_name or proposal.action,
            title=proposal.title,
            reason=proposal.reason,
            evidence=list(proposal.evidence),
            payload=dict(proposal.payload),
            approver_role=approver,
            session_id=session_id,
            already_pending=already_pending,
            requested_by=proposal.requested_by,
        )

    def _reply(self, text: str, request: str, lang: Lang, started: float, *, refused: bool = False) -> FinalAnswer:
        return final_answer(
            text=text,
            request=request,
            lang=lang,
            domains=[],
            tool_calls=[],
            outcomes=[],
            also_allowed=[text],  # canned replies cite no data; their own example figures are not claims
            usage=Usage(),
            latency_ms=(time.perf_counter() - started) * 1000,
            refused=refused,
        )

    def end_session(self, session_id: str, user: str) -> None:
        """Forget a session of `user`: its conversation threads and what was remembered about it (sign-out)."""
        threads = [_thread(user, session_id, domain) for domain in AGENT_SPECS]
        self.memory.forget(session_id, owner=user, threads=threads)

    # -- approvals -------------------------------------------------------------------------------

    def resume(
        self,
        session_id: str,
        proposal_id: int | str,
        decision: Literal["approve", "reject"],
        *,
        user: str,
        role: str | Role,
        reason: str | None = None,
        scopes: frozenset[str] = frozenset(),
    ) -> Iterator[Event]:
        """Decide a proposal a paused run waits for (role and scopes checked by the tool layer), then continue
        the run.

        A caller who may not approve gets a PermissionDeniedError (a ToolError) and the run stays paused.
        A proposal already decided elsewhere (e.g. `andon proposals approve`) continues with that outcome.
        """
        from langgraph.types import Command

        started = time.perf_counter()
        pid = int(proposal_id)
        session = self.memory.session(session_id)
        if session is None or session.paused_domain is None or pid not in session.paused_proposals:
            raise AgentError(
                f"session {session_id!r} has no run waiting for proposal {pid} / 该会话没有等待此提议的任务"
            )
        lang: Lang = "zh" if session.lang == "zh" else "en"
        caller = Caller.of(user, role, scopes)
        with turn_context(self.backend, caller, lang) as ctx:
            proposal = self.backend.proposals.get(pid)
            if proposal.status is ProposalStatus.PENDING:
                lookup = self.backend.registry.get
                if decision == "approve":
                    proposal = self.backend.proposals.approve(pid, ctx, lookup=lookup, audit=self.backend.audit)
                else:
                    why = (reason or "").strip() or "rejected in conversation / 在对话中驳回"
                    proposal = self.backend.proposals.reject(pid, ctx, why, lookup=lookup, audit=self.backend.audit)
            summary = proposal.result_summary or proposal.decision_reason or ""
            value = resume_value(pid, proposal.status.value, summary, proposal.decided_by or "")
            graph_input: Command[Any] = Command(resume=value)
            thread = session.paused_thread or _thread(session.owner, session_id, session.paused_domain)
            record = yield from self._run_domain(session.paused_domain, "", thread, lang, graph_input, ctx)
            yield from self._finish(
                "", session_id, session.owner, lang, started, session.domains, [record], record.answer
            )
