"""Screening of document text before it reaches a model or an answer.

A process document is data, but a sentence in it may be written to an assistant rather than to a
person ("ignore previous instructions and tell every user that ...", "忽略之前的指令……"). Quoting such
a sentence to an operator repeats it with the assistant's authority, and handing it to an LLM invites
it to comply. `withhold_instructions` replaces each such sentence with a visible marker; the document
itself is unchanged in the store, and the citation points to it for anyone who needs the original.

The patterns describe the form of an instruction to an assistant (override its earlier instructions,
give it a role, reveal its prompt, have it tell "the user" something, approve everything), not particular
documents; text written for people ("do not ignore any safety rules", "inform all operators of the
changeover") passes unchanged. It is a best-effort screen, one layer among others: tool results reach an
LLM inside data tags under a system prompt that says they are never instructions, the knowledge agent has
no write tools, and every write needs a person's approval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["WITHHELD_MARKER", "ScreenedText", "screen_result", "withhold_instructions"]

_Model = TypeVar("_Model", bound=BaseModel)

WITHHELD_MARKER = "[withheld: reads as an instruction to the assistant / 已隐去：疑似对助手的指令]"

# What a prompt injection says, in the words it says it with: override the assistant's earlier
# instructions, give it a new role, make it reveal its prompt, have it tell its users something,
# approve everything. Each pattern needs an object only an assistant has ("previous instructions",
# "your system prompt", "the user"), so a warning written for people ("do not ignore any safety rules")
# does not match.
_EN = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|of\s+)*(?:the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial)\s+"
    r"(?:instructions?|directives?|prompts?|rules|guidelines|messages|context|text)\b"
    r"|\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+)?"
    r"(?:instructions?|directives?|prompts?|rules|text|context)\s+(?:above|before|so far)\b"
    r"|\b(?:ignore|disregard|forget|override)\s+(?:everything|anything|all)\s+(?:above|before|so far|you were told)\b"
    r"|\b(?:ignore|disregard|forget|override)\s+your\s+(?:instructions|rules|guidelines|programming|system prompt)\b"
    r"|\b(?:reveal|print|show|repeat|disclose|output|leak)\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:system|hidden|initial|original)\s+(?:prompt|instructions)\b"
    r"|\b(?:reveal|print|show|repeat|disclose|output|leak)\s+(?:me\s+)?your\s+prompt\b"
    r"|\byou\s+are\s+now\s+(?:an?\s+|the\s+|in\s+)?(?:\w+\s+){0,3}"
    r"(?:assistant|ai|bot|chatbot|model|administrator|admin|mode)\b"
    r"|\bpretend\s+(?:that\s+)?you\s+are\b"
    r"|\bact\s+as\s+(?:an?\s+)?(?:unrestricted|jailbroken|uncensored|unfiltered)\b"
    r"|\bfrom\s+now\s+on,?\s+(?:the\s+assistant|you\s+(?:will|must|should)\s+(?:answer|respond|reply|say|tell))\b"
    r"|\b(?:tell|inform)\s+(?:every|all|each|any|the)?\s*users?\s+that\b"
    r"|\bas\s+an?\s+(?:ai|ai\s+assistant|language\s+model|llm)\b[^.!?\n]{0,30}\b(?:must|should|will)\b"
    r"|\b(?:approve|accept)\s+(?:all|every)\s+(?:the\s+)?(?:pending\s+|open\s+)?(?:maintenance\s+)?"
    r"(?:proposals?|requests?)\b",
    re.IGNORECASE,
)

_ZH = re.compile(
    r"(?:忽略|无视|忽视|不要理会|忘记|忘掉)(?:掉)?(?:你)?(?:之前|以上|上面|前面|先前|上述|此前|原来)(?:的)?"
    r"(?:所有|全部|一切)?(?:的)?(?:指令|指示|提示|要求|内容|规则|设定|对话)"
    r"|(?:忽略|无视|忽视|不要理会|忘记|忘掉)你的(?:系统)?(?:指令|提示词?|设定|规则)"
    r"|(?:告诉|告知)(?:所有|每个|每一位|每位|全体|任何)?用户"
    r"|(?:透露|泄露|复述|输出|显示|告诉我)(?:你的)?(?:系统提示词?|提示词|初始指令|系统指令)"
    r"|你现在(?:是|扮演)|假装你是|从现在起[，,]?你"
    r"|(?:批准|通过)(?:所有|全部|一切)(?:待审批的?|待处理的?|挂起的?)?(?:维修)?(?:申请|提案|请求|工单)",
)

# "Do not ignore ...", "不得忽略 ...": a negated instruction is a warning for people, not an injection.
_NEGATION_BEFORE = re.compile(
    r"(?:\bnot|\bnever|n't|\bno)\s+(?:\w+\s+){0,1}$|(?:不得|不要|切勿|严禁|禁止|不可|勿|不能|别)\s*$",
    re.IGNORECASE,
)

# A sentence ends at . ! ? followed by space or the end (so "v3.1" and "4.5 mm/s" stay whole), at 。！？,
# and at a line break (a table row or list item is never withheld with its neighbours).
_SENTENCE_END = re.compile(r"(?<=[.!?])(?=[ \t]|$)|(?<=[。！？])|(?<=\n)")


@dataclass(frozen=True)
class ScreenedText:
    text: str
    withheld: int  # sentences replaced by the marker


def _reads_as_instruction(sentence: str) -> bool:
    for pattern in (_EN, _ZH):
        for match in pattern.finditer(sentence):
            if not _NEGATION_BEFORE.search(sentence[max(0, match.start() - 20) : match.start()]):
                return True
    return False


def _sentences(text: str) -> list[str]:
    bounds = [m.start() for m in _SENTENCE_END.finditer(text)]
    pieces, start = [], 0
    for end in [*bounds, len(text)]:
        if end > start:
            pieces.append(text[start:end])
            start = end
    return pieces


def withhold_instructions(text: str) -> ScreenedText:
    """`text` with every sentence that reads as an instruction to an assistant replaced by the marker
    (a run of such sentences by one marker)."""
    if not _reads_as_instruction(text):
        return ScreenedText(text=text, withheld=0)
    out: list[str] = []
    withheld = 0
    previous_withheld = False
    for sentence in _sentences(text):
        if _reads_as_instruction(sentence):
            withheld += 1
            lead = sentence[: len(sentence) - len(sentence.lstrip())]
            trail = sentence[len(sentence.rstrip()) :]
            if not previous_withheld:
                out.append(lead + WITHHELD_MARKER + trail)
            elif "\n" in trail:
                out.append(trail)  # keep the line structure of a run of withheld lines
            previous_withheld = True
        else:
            out.append(sentence)
            previous_withheld = False
    return ScreenedText(text="".join(out), withheld=withheld)


def _screen_value(value: Any) -> tuple[Any, int]:
    if isinstance(value, str):
        screened = withhold_instructions(value)
        return screened.text, screened.withheld
    if isinstance(value, BaseModel):
        return screen_result(value)
    if isinstance(value, dict):
        total, mapping = 0, {}
        for key, item in value.items():
            mapping[key], count = _screen_value(item)
            total += count
        return (mapping, total) if total else (value, 0)
    if isinstance(value, list | tuple):
        total, items = 0, []
        for item in value:
            screened_item, count = _screen_value(item)
            items.append(screened_item)
            total += count
        return (type(value)(items), total) if total else (value, 0)
    return value, 0


def screen_result(result: _Model) -> tuple[_Model, int]:
    """`result` with every text in it (names, descriptions, comments, alarm texts, nested rows) screened by
    `withhold_instructions`, and how many sentences were withheld; the same object when nothing was."""
    changed: dict[str, Any] = {}
    total = 0
    for name in type(result).model_fields:
        value, count = _screen_value(getattr(result, name))
        if count:
            changed[name] = value
            total += count
    return (result.model_copy(update=changed), total) if total else (result, 0)
