"""One JSON object for a whole turn, the shape `andon ask --json` prints and evals can store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agents.events import Error, Event, FinalAnswer, ProposalAwaitingApproval, Routed

__all__ = ["awaiting_text", "turn_json"]


def awaiting_text(proposals: list[ProposalAwaitingApproval], lang: str) -> str:
    """What to tell the user while a run waits for approval."""
    lines = []
    for item in proposals:
        if lang == "zh":
            approver = item.approver_role or "有权限的人员"
            if item.already_pending:
                lines.append(f"已有待审批的提案 #{item.proposal_id}：{item.title}。未重复创建，等待{approver}审批。")
            else:
                lines.append(f"已提出提议 #{item.proposal_id}：{item.title}，等待{approver}审批，尚未执行。")
            continue
        who = f"an {item.approver_role}" if item.approver_role.startswith(("a", "e")) else f"a {item.approver_role}"
        if item.already_pending:
            lines.append(
                f"This request is already pending as proposal #{item.proposal_id}: {item.title}. Nothing new was "
                f"created; it awaits approval by {who} or above."
            )
        else:
            lines.append(
                f"Proposed #{item.proposal_id}: {item.title}. It awaits approval by {who} or above; "
                "nothing has been executed."
            )
    return "\n".join(lines)


def turn_json(events: Iterable[Event], lang: str = "en") -> dict[str, Any]:
    """`{"domains", "tool_calls", "answer", "citations", "ungrounded_numbers", "proposals", "latency_ms", ...}`."""
    routed: Routed | None = None
    final: FinalAnswer | None = None
    waiting: list[ProposalAwaitingApproval] = []
    errors: list[str] = []
    for event in events:
        if isinstance(event, Routed):
            routed = event
        elif isinstance(event, FinalAnswer):
            final = event
        elif isinstance(event, ProposalAwaitingApproval):
            waiting.append(event)
        elif isinstance(event, Error):
            errors.append(event.message)
    data: dict[str, Any] = {
        "domains": routed.domains if routed else [],
        "route": {"kind": routed.kind, "confidence": routed.confidence, "tier": routed.tier} if routed else None,
        "tool_calls": [],
        "answer": "",
        "citations": [],
        "ungrounded_numbers": [],
        "mismatches": [],
        "proposals": [],
        "latency_ms": 0.0,
    }
    if final is not None:
        data.update(
            tool_calls=[
                {
                    "name": c.name,
                    "args": c.args,
                    "result": c.result,
                    "status": c.status,
                    "outcome": c.outcome.model_dump(mode="json"),
                    "agent": c.agent,
                }
                for c in final.tool_calls
            ],
            answer=final.text,
            citations=[c.model_dump(mode="json") for c in final.citations],
            ungrounded_numbers=final.ungrounded_numbers,
            mismatches=final.mismatches,
            proposals=final.proposals,
            latency_ms=final.latency_ms,
            provenance=final.provenance,
            usage=final.usage.model_dump(),
            refused=final.refused,
        )
    if waiting:
        data["proposals"] = [{**p.model_dump(mode="json", exclude={"type"}), "status": "pending"} for p in waiting]
        data["answer"] = awaiting_text(waiting, lang)
        data["awaiting_approval"] = True
    if errors:
        data["error"] = errors[-1]
    return data
