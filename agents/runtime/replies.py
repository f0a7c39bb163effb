"""Replies that need no tool: out of scope, clarify, refusal, and the flag on unverified figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agents.specs import AGENT_SPECS

__all__ = ["clarify_reply", "out_of_scope_reply", "ungrounded_note"]


def _capabilities(lang: str) -> str:
    return "\n".join(f"- {spec.description(lang)}" for spec in AGENT_SPECS.values())


def out_of_scope_reply(lang: str) -> str:
    """A helpful reply to a request outside the plant's domains: what can be asked instead."""
    if lang == "zh":
        return (
            "这个问题不在我能回答的范围内。我可以根据工厂的MES/ERP数据和工艺文件回答以下方面的问题：\n"
            f"{_capabilities('zh')}\n例如：“2号线昨天的OEE是多少？”"
        )
    return (
        "That is outside what I can answer. I answer from the plant's MES/ERP data and process documents about:\n"
        f'{_capabilities("en")}\nFor example: "What was the OEE of line 2 yesterday?"'
    )


def clarify_reply(lang: str, scores: Mapping[str, float] | None = None, candidates: Sequence[str] = ()) -> str:
    """Ask which domain is meant, naming the likeliest ones (e.g. production order vs. maintenance work order)."""
    ranked = list(candidates)
    if not ranked and scores:
        ranked = [name for name in sorted(AGENT_SPECS, key=lambda n: -scores.get(n, 0.0)) if scores.get(name, 0.0)]
    options = [AGENT_SPECS[name].description(lang) for name in ranked[:2] if name in AGENT_SPECS]
    if lang == "zh":
        if len(options) == 2:
            return f"请问您指的是哪一方面：{options[0]} 还是 {options[1]}？请补充产线、设备或时间段，例如“2号线昨天”。"
        return "请再具体一些：您想了解哪条产线、哪台设备或哪个物料，什么时间段？例如“2号线昨天的OEE是多少？”"
    if len(options) == 2:
        return (
            f"Do you mean {options[0][0].lower() + options[0][1:]} or {options[1][0].lower() + options[1][1:]} "
            'Please add the line, equipment or period, e.g. "line 2 yesterday".'
        )
    return (
        "Could you be more specific: which line, equipment or material, and which period? "
        'For example: "What was the OEE of line 2 yesterday?"'
    )


def ungrounded_note(numbers: Sequence[str], lang: str) -> str:
    """The line appended to an answer whose figures are not backed by this turn's tool results."""
    shown = ", ".join(numbers)
    if lang == "zh":
        return f"⚠ 以下数字未能在本轮工具结果中核实，请勿直接采用：{shown}"
    return f"⚠ Unverified figures (not found in this turn's tool results; do not rely on them): {shown}"
