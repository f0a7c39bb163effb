"""Words that shape a plan rather than pick a tool: "why", "compare", "best", "最差", "最多".

The planner reads them (a cause, a comparison, a ranking); tool choice ignores the ones that never name a
figure, so "哪条线上周OEE最差" matches the OEE tool on "OEE" and not a trend tool on "最差" ("which day had
the worst OEE").
"""

from __future__ import annotations

import re

from agents.extraction.request_shape import WHY

__all__ = ["BEST", "COMPARE", "MAX", "MIN", "WHY", "WORST", "blank_plan_words"]

COMPARE = re.compile(
    r"\bcompar(?:e|ed|ing|ison)\b|\bversus\b|\bvs\.?(?=\s)|对比|比较|相比|比一比|哪个更|哪条更|谁更",
    re.IGNORECASE,
)
BEST = re.compile(r"\b(?:best|better)\b|最好|最佳|更好|最优|最强", re.IGNORECASE)
WORST = re.compile(r"\b(?:worst|worse|poorest)\b|最差|最糟|更差|最烂|最弱|拖后腿", re.IGNORECASE)
MAX = re.compile(
    r"\b(?:most|highest|largest|biggest|maximum|longest|top|more)\b|最多|最高|最大|最长|最频繁|最严重|更多|更高",
    re.IGNORECASE,
)
MIN = re.compile(
    r"\b(?:least|lowest|fewest|smallest|minimum|shortest|less|fewer)\b|最少|最低|最小|最短|更少|更低", re.IGNORECASE
)

# "Most" and "highest" stay: they often ask for a field of one result ("the highest vibration", "最大值").
_BLANKED = (WHY, COMPARE, BEST, WORST)


def blank_plan_words(text: str) -> str:
    """`text` with every plan word replaced by spaces of the same length (positions of mentions stay valid)."""
    for pattern in _BLANKED:
        text = pattern.sub(lambda match: " " * len(match.group(0)), text)
    return text
