"""The final answer of a turn: grounding check, flags on unverified figures, citations and provenance."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from agents.events import Citation, FinalAnswer, ToolCallRecord, Usage
from agents.grounding import find_ungrounded_numbers
from agents.interpretation import mismatch_note
from agents.runtime.replies import ungrounded_note
from tools.outcome import OutcomeRecord

__all__ = ["final_answer", "find_citations"]

_DOC_KEYS = ("document", "doc_title", "title", "source")


def _walk(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _citation(item: Mapping[str, Any]) -> Citation | None:
    source = item.get("citation") if isinstance(item.get("citation"), Mapping) else item
    assert isinstance(source, Mapping)
    document = next((str(source[key]) for key in _DOC_KEYS if source.get(key)), "")
    if not document or not ({"section", "section_path", "page", "chunk_id"} & set(source)):
        return None
    section = source.get("section") or source.get("section_path") or ""
    if isinstance(section, list):
        section = " > ".join(map(str, section))
    page = source.get("page")
    return Citation(
        document=document,
        section=str(section),
        page=int(page) if isinstance(page, int) else None,
        version=str(source.get("version") or ""),
        chunk_id=str(source.get("chunk_id") or ""),
    )


def find_citations(results: Sequence[Mapping[str, Any] | None]) -> list[Citation]:
    """Document passages the tool results carry (document search hits), each once, in order."""
    found: list[Citation] = []
    for result in results:
        for item in _walk(result):
            citation = _citation(item)
            if citation is not None and citation not in found:
                found.append(citation)
    return found


def final_answer(
    *,
    text: str,
    request: str,
    lang: str,
    domains: list[str],
    tool_calls: list[ToolCallRecord],
    outcomes: Sequence[OutcomeRecord],
    usage: Usage,
    latency_ms: float,
    refused: bool = False,
    also_allowed: Sequence[str] = (),
    mismatches: Sequence[str] = (),
) -> FinalAnswer:
    """Check every figure of `text` against this turn's tool results; flag and report the unbacked ones, and
    the `mismatches` between the request and what the figures are for (see `agents.interpretation`).

    Numbers of the request and of `also_allowed` texts (the called tools' own descriptions, such as
    "in the last 30 days") may be repeated; they are not claims about the plant.
    """
    allowed = [request, *also_allowed]
    facts = [outcome.facts() for outcome in outcomes]
    ungrounded = find_ungrounded_numbers(text, facts, also_allowed=allowed) if text else []
    notes = [ungrounded_note(ungrounded, lang)] if ungrounded else []
    if mismatches and text:
        notes.append(mismatch_note(mismatches, lang))
    shown = "\n\n".join([text, *notes]) if notes else text
    results = [call.result for call in tool_calls]
    provenance = [
        {"tool": call.name, **call.result["provenance"]}
        for call in tool_calls
        if call.result and isinstance(call.result.get("provenance"), Mapping)
    ]
    proposals = [
        {
            "proposal_id": call.outcome.proposal.id,
            "tool": call.name,
            "status": call.outcome.decision or "proposed",
            "title": call.outcome.proposal.title,
        }
        for call in tool_calls
        if call.outcome.proposal is not None
    ]
    return FinalAnswer(
        text=shown,
        domains=domains,
        citations=find_citations(results),
        provenance=provenance,
        ungrounded_numbers=ungrounded,
        mismatches=list(mismatches) if text else [],
        tool_calls=tool_calls,
        proposals=proposals,
        usage=usage,
        latency_ms=round(latency_ms, 1),
        refused=refused,
    )
