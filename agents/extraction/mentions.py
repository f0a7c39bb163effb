"""Mentions of plant entities and time expressions in a request, in English and Chinese.

"What was the OEE of line 2 yesterday?" -> line "line 2" (code L2 when the vocabulary knows it),
period "yesterday"; "CNC-03上周的报警" -> equipment "CNC-03", period "上周". Known codes, names
and aliases come from the plant's `Vocabulary`; code-shaped words the vocabulary does not know
("line 9", "PO-999999") are still reported, without a code, so the tools can answer "unknown
line, did you mean L2?" instead of the question being silently misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.extraction.language import Language, detect_language
from agents.extraction.time_mentions import TimeMention, find_time_mentions
from agents.extraction.vocabulary import EntityKind, Vocabulary

__all__ = ["EntityMention", "GroupMention", "Mentions", "extract_mentions"]


@dataclass(frozen=True)
class EntityMention:
    """An entity found in a text. `code` is set when the plant vocabulary knows it."""

    kind: EntityKind
    text: str
    start: int
    end: int
    code: str | None = None

    @property
    def value(self) -> str:
        """What to pass to a tool: the plant code when known, else the words as written."""
        return self.code or self.text


@dataclass(frozen=True)
class GroupMention:
    """A name that stands for several things of one kind ("清洗机": WSH-01 or WSH-02): the request must say which."""

    kind: EntityKind
    text: str
    start: int
    end: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Mentions:
    """Everything extracted from one request."""

    text: str
    language: Language
    entities: list[EntityMention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    groups: list[GroupMention] = field(default_factory=list)

    def first(self, kind: EntityKind) -> EntityMention | None:
        """The first mention of `kind`, if any."""
        return next((entity for entity in self.entities if entity.kind == kind), None)

    def all(self, kind: EntityKind) -> list[EntityMention]:
        """Every mention of `kind`, in order."""
        return [entity for entity in self.entities if entity.kind == kind]

    @property
    def period(self) -> str | None:
        """The first time expression, as text for the tools' resolver."""
        return self.times[0].text if self.times else None


_CN_NUMERALS = "一二两三四五六七八九十"
# Code shapes from the schema conventions (MO-260113, PO-260042, WO-260007, SO-, DN-, E-217, D-301, DF-101).
_PATTERNS: tuple[tuple[EntityKind, re.Pattern[str]], ...] = (
    ("production_order", re.compile(r"(?<![A-Za-z0-9-])MO-\d{3,}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("purchase_order", re.compile(r"(?<![A-Za-z0-9-])PO-\d{3,}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("maintenance_order", re.compile(r"(?<![A-Za-z0-9-])WO-\d{3,}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("sales_order", re.compile(r"(?<![A-Za-z0-9-])SO-\d{3,}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("delivery", re.compile(r"(?<![A-Za-z0-9-])DN-\d{3,}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("alarm_code", re.compile(r"(?<![A-Za-z0-9-])E-\d{2,4}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("downtime_reason", re.compile(r"(?<![A-Za-z0-9-])D-\d{2,4}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("defect_code", re.compile(r"(?<![A-Za-z0-9-])DF-\d{2,4}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("failure_mode", re.compile(r"(?<![A-Za-z0-9-])FM-[A-Z]{2,6}(?![\w-])", re.ASCII)),
    ("line", re.compile(r"\bline\s*\d{1,2}\b|(?<![A-Za-z0-9-])L\d{1,2}(?![\w-])", re.IGNORECASE | re.ASCII)),
    ("line", re.compile(rf"(?:\d{{1,2}}|[{_CN_NUMERALS}]{{1,3}})\s*号(?:产)?线|产线\s*\d{{1,2}}", re.ASCII)),
    ("equipment", re.compile(r"(?<![A-Za-z0-9-])[A-Z]{2,5}-\d{2,3}(?![\w-])", re.ASCII)),
)
_TOP_N = re.compile(r"\btop\s*(\d{1,3})\b|前\s*(\d{1,3})\s*(?:个|名|项|位|大)?", re.IGNORECASE | re.ASCII)


def _free(taken: list[bool], start: int, end: int) -> bool:
    return not any(taken[start:end])


def _take(taken: list[bool], start: int, end: int) -> None:
    for index in range(start, end):
        taken[index] = True


def extract_mentions(text: str, vocabulary: Vocabulary | None = None) -> Mentions:
    """Find time expressions, plant entities and "top N" counts in `text`.

    Time expressions are found first so "11月21日" is a date and not a code; then vocabulary terms
    (longest first); then code-shaped words the vocabulary does not know.
    """
    taken = [False] * len(text)
    times = find_time_mentions(text)
    for mention in times:
        _take(taken, mention.start, mention.end)

    entities: list[EntityMention] = []
    if vocabulary is not None:
        for match in vocabulary.find(text):
            if _free(taken, match.start, match.end):
                _take(taken, match.start, match.end)
                entities.append(EntityMention(match.term.kind, match.text, match.start, match.end, match.term.code))
    for kind, pattern in _PATTERNS:
        for found in pattern.finditer(text):
            start, end = found.span()
            if _free(taken, start, end):
                _take(taken, start, end)
                entities.append(EntityMention(kind, " ".join(found.group(0).split()), start, end))

    numbers = []
    for found in _TOP_N.finditer(text):
        if _free(taken, *found.span()):
            numbers.append(int(found.group(1) or found.group(2)))
    groups = []
    if vocabulary is not None:
        for group in vocabulary.find_groups(text):
            if _free(taken, group.start, group.end):
                codes = tuple(term.code for term in group.terms)
                groups.append(GroupMention(group.terms[0].kind, group.text, group.start, group.end, codes))
    entities.sort(key=lambda entity: entity.start)
    language = detect_language(text)
    return Mentions(text=text, language=language, entities=entities, times=times, numbers=numbers, groups=groups)
