"""What one turn looks like on screen, built from the agents' event stream (no Gradio here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from agents.events import (
    Error,
    Event,
    FinalAnswer,
    ProposalAwaitingApproval,
    Routed,
    Token,
    ToolFinished,
    ToolStarted,
)
from ui.console.charts import ChartSpec, chart_for
from ui.console.i18n import Lang, t

__all__ = ["TurnView"]


def _short(value: Any, limit: int = 600) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + " …"


@dataclass
class TurnView:
    """Accumulates the events of a turn into answer, trace, evidence, chart and pending proposal."""

    lang: Lang
    answer: str = ""
    domains: list[str] = field(default_factory=list)
    trace_lines: list[str] = field(default_factory=list)
    evidence_lines: list[str] = field(default_factory=list)
    chart: ChartSpec | None = None
    table_result: dict[str, Any] | None = None
    proposal: ProposalAwaitingApproval | None = None
    final: FinalAnswer | None = None
    done: bool = False

    def apply(self, event: Event) -> None:
        """Take one event into the view."""
        if isinstance(event, Routed):
            self.domains = list(event.domains)
            label = ", ".join(event.domains) or event.kind
            self.trace_lines.append(f"**routed** → {label} ({event.kind}, {event.confidence:.2f}, {event.tier})")
        elif isinstance(event, ToolStarted):
            agent = f"[{event.agent}] " if event.agent else ""
            self.trace_lines.append(f"{agent}**{event.name}** `{_short(event.args, 300)}`")
        elif isinstance(event, ToolFinished):
            self._tool_finished(event)
        elif isinstance(event, Token):
            self.answer += event.text
        elif isinstance(event, ProposalAwaitingApproval):
            self.proposal = event
            self.trace_lines.append(f"**proposal #{event.proposal_id}** {event.title}")
            if event.already_pending:
                self.answer = t(self.lang, "proposal_already_pending", id=event.proposal_id, title=event.title)
            elif not self.answer.strip():
                self.answer = t(self.lang, "proposal_made", id=event.proposal_id, title=event.title)
            self.done = True
        elif isinstance(event, FinalAnswer):
            self._final(event)
        elif isinstance(event, Error):
            self.answer = t(self.lang, "error", message=event.message)
            self.done = True

    def _tool_finished(self, event: ToolFinished) -> None:
        self.trace_lines.append(f"→ {event.status}: {event.summary}")
        if event.provenance:
            tables = ", ".join(event.provenance.get("tables", []))
            rows = event.provenance.get("row_count", 0)
            filters = event.provenance.get("filters") or {}
            where = "; ".join(f"{k}={v}" for k, v in filters.items())
            self.evidence_lines.append(f"- `{event.name}`: {tables} ({rows} rows{'; ' + where if where else ''})")
        if event.result and event.status == "ok":
            chart = chart_for(event.name, event.result)
            if chart is not None:
                self.chart = chart
            self.table_result = event.result

    def _final(self, event: FinalAnswer) -> None:
        self.final = event
        self.answer = event.text
        self.done = True
        for citation in event.citations:
            page = f", p. {citation.page}" if citation.page else ""
            version = f" v{citation.version}" if citation.version else ""
            self.evidence_lines.append(f"- 📄 {citation.document}{version} — {citation.section}{page}")
        if event.ungrounded_numbers:
            self.trace_lines.append(f"⚠ ungrounded numbers: {', '.join(event.ungrounded_numbers)}")
        self.trace_lines.append(f"{event.latency_ms:.0f} ms")

    @property
    def status_line(self) -> str:
        """One line under the chat once the turn has ended: done, with its latency."""
        latency = f" · {self.final.latency_ms:.0f} ms" if self.final is not None else ""
        return f"✓ {t(self.lang, 'turn_done')}{latency}"

    @property
    def trace_markdown(self) -> str:
        return "\n\n".join(self.trace_lines)

    @property
    def trace_title(self) -> str:
        return t(self.lang, "trace_title", agents=", ".join(self.domains) or "-")

    @property
    def evidence_markdown(self) -> str:
        return "\n".join(self.evidence_lines) if self.evidence_lines else t(self.lang, "no_evidence")

    def messages(self) -> list[dict[str, Any]]:
        """The assistant's chat messages for this turn: the answer, then the collapsible trace."""
        status = "done" if self.done else "pending"
        answer = self.answer or t(self.lang, "working")
        return [
            {"role": "assistant", "content": answer},
            {
                "role": "assistant",
                "content": self.trace_markdown or "…",
                "metadata": {"title": self.trace_title, "status": status},
            },
        ]
