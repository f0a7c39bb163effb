"""Time expressions inside free text, in English and Chinese.

Extraction only finds the expression and passes its text on ("yesterday", "最近7天",
"2026-11-01..2026-11-07"): the tools resolve it against the plant clock, so a period means the
same thing whichever model asked. The forms found here are the ones the tools' resolver accepts,
with the filler words around them ("over the", "in the") left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TimeMention", "find_time_mentions"]


@dataclass(frozen=True)
class TimeMention:
    """A time expression found in a text: the expression to pass on and where it was found."""

    text: str
    start: int
    end: int


_ISO = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_CN_NUM = r"[0-9一二两三四五六七八九十]+"
_SHIFT_WORD = r"(?:morning|day|early|late|afternoon|evening|night|[abc])"

# Longest and most specific forms first; each pattern's group "x" (or the whole match) is the expression.
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE | re.ASCII)
    for p in (
        rf"(?:from\s+)?(?P<x>{_ISO}\s*(?:\.\.|to|~|至|到|—|-{{1,2}})\s*{_ISO})",
        rf"(?P<x>(?:the\s+day\s+before\s+yesterday|yesterday|today)(?:'s)?\s+{_SHIFT_WORD}\s+shift)",
        r"(?P<x>(?:前天|昨天|今天)(?:的)?(?:早班|中班|晚班|夜班|白班|[A-Ca-c]班))",
        r"(?P<x>(?:the\s+)?day\s+before\s+yesterday)",
        r"\b(?P<x>yesterday|today|last\s+night|tonight)\b",
        r"\b(?P<x>(?:this|last|previous)\s+(?:week|month|year))\b",
        r"\b(?P<x>(?:past|last|previous)\s+(?:\d+|a|one)?\s*(?:days?|hours?|h|weeks?|months?))\b",
        rf"(?P<x>(?:最近|过去|近)\s*(?:{_CN_NUM})?\s*(?:个小时|小时|天|日|个星期|星期|周|个月))",
        r"(?P<x>前天|昨天|昨日|今天|今日|当天|昨晚|昨夜)",
        r"(?P<x>本周|这周|这星期|本星期|上个星期|上星期|上周|本月|这个月|当月|上个月|上月|今年|本年)",
        r"(?P<x>(?:\d{4}年)?\d{1,2}月\d{1,2}[日号])",
        r"(?P<x>\d{4}年\d{1,2}月)",
        rf"(?<![\d-])(?P<x>{_ISO})(?![\d-])",
        r"(?<![\d-])(?P<x>\d{4}-\d{1,2})(?![\d-])",
    )
)


def find_time_mentions(text: str) -> list[TimeMention]:
    """Time expressions in `text`, in order of appearance, never overlapping."""
    taken = [False] * len(text)
    found: list[TimeMention] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("x")
            if any(taken[start:end]):
                continue
            for index in range(start, end):
                taken[index] = True
            found.append(TimeMention(text=" ".join(match.group("x").split()), start=start, end=end))
    return sorted(found, key=lambda mention: mention.start)
