"""Replies that need no tool: out of scope, clarify, refusal, and the flag on unverified figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agents.specs import AGENT_SPECS

__all__ = [
    "clarify_reply",
    "cut_off_note",
    "no_answer_reply",
    "out_of_scope_reply",
    "step_limit_reply",
    "ungrounded_note",
]


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


def step_limit_reply(lang: str) -> str:
    """The answer of a run stopped at its step limit (the model kept calling tools without answering)."""
    if lang == "zh":
        return (
            "未能得出答案：模型多次调用工具仍未给出回答，已在步数上限处停止。本轮没有经过核实的数字，也没有执行任何写操作。"
            "请换一种更具体的问法（产线、设备、时间段），或查看工具调用记录。"
        )
    return (
        "No answer: the model kept calling tools without answering and was stopped at this request's step limit. "
        "No figure from this turn is verified and nothing was written. Ask again more specifically (line, equipment, "
        "period), or check the tool trace."
    )


def no_answer_reply(lang: str) -> str:
    """Said instead of an empty reply from the model."""
    if lang == "zh":
        return "模型没有给出回答（回复为空），本轮没有经过核实的数字。请换一种更具体的问法再试。"
    return (
        "The model returned an empty reply; no figure from this turn is verified. Please ask again more specifically."
    )


def cut_off_note(lang: str) -> str:
    """The line appended to an answer the model stopped at its output limit (max_tokens)."""
    if lang == "zh":
        return "⚠ 回答在输出长度上限处被截断，可能不完整。"
    return "⚠ The answer was cut off at the output limit and may be incomplete."
