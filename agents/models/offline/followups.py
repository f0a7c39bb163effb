"""Follow-up questions: "and the day before?", "那前天呢?", "what about line 3?" reuse the previous call.

The previous tool call of the conversation is repeated with what the follow-up changes: a new
time expression, a new entity of a kind the tool takes, or a shift of the previous period ("the
day before" a period that was yesterday is the day before yesterday; of 2026-11-03 it is 2026-11-02).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from agents.extraction import Mentions
from agents.extraction.parameter_kinds import parameter_kind
from agents.models.offline.tool_specs import ToolSpec

__all__ = ["is_follow_up", "rewrite_follow_up"]

_MARKER = re.compile(
    r"^\s*(?:and|what about|how about|same for|and for|also for|now for|ok,? (?:and|what about))\b"
    r"|^\s*(?:那|那么|还有|再看|换成|改成)|呢\s*[?？]?\s*$",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(?:the\s+)?(?P<en>day|week|month)\s+before\b|\bprevious\s+(?P<en2>day|week|month)\b"
    r"|(?:再)?前一(?P<zh>天|日|周|星期|个月|月)|(?:再)?上一(?P<zh2>天|周|个月)",
    re.IGNORECASE,
)
_STEPS = {"day": "day", "天": "day", "日": "day", "week": "week", "周": "week", "星期": "week"}
_NAMED_BEFORE = {
    ("day", "yesterday"): "the day before yesterday",
    ("day", "today"): "yesterday",
    ("day", "昨天"): "前天",
    ("day", "昨日"): "前天",
    ("day", "今天"): "昨天",
    ("week", "this week"): "last week",
    ("week", "本周"): "上周",
    ("week", "这周"): "上周",
    ("month", "this month"): "last month",
    ("month", "本月"): "上个月",
    ("month", "这个月"): "上个月",
}


def is_follow_up(text: str) -> bool:
    """The request reads like a follow-up ("and ...?", "what about ...", "...呢?", "the day before")."""
    return bool(_MARKER.search(text) or _BEFORE.search(text))


def _parse(moment: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(moment))
    except ValueError:
        return None


def _shifted_period(step: str, previous: str | None, period: Mapping[str, Any] | None) -> str | None:
    named = _NAMED_BEFORE.get((step, (previous or "").strip().lower()))
    if named:
        return named
    start = _parse(period.get("start")) if period else None
    if start is None:
        return None
    if step == "day":
        return (start - timedelta(days=1)).date().isoformat()
    if step == "week":
        first = start - timedelta(days=7)
        return f"{first.date().isoformat()}..{(start - timedelta(days=1)).date().isoformat()}"
    month_end = start.replace(day=1) - timedelta(days=1)
    return f"{month_end.year:04d}-{month_end.month:02d}"


def rewrite_follow_up(
    spec: ToolSpec,
    previous_args: Mapping[str, Any],
    previous_period: Mapping[str, Any] | None,
    mentions: Mentions,
) -> dict[str, Any] | None:
    """The previous call's arguments changed as the follow-up asks, or None if it changes nothing."""
    args = dict(previous_args)
    changed = False
    entities = list(mentions.entities)
    for name, schema in spec.properties.items():
        kind = parameter_kind(name, schema if isinstance(schema, Mapping) else {})
        if kind == "period":
            before = _BEFORE.search(mentions.text)
            if mentions.period:
                args[name], changed = mentions.period, True
            elif before:
                unit = next(g for g in before.groups() if g)
                step = _STEPS.get(unit.lower(), "month")
                shifted = _shifted_period(step, str(previous_args.get(name) or ""), previous_period)
                if shifted:
                    args[name], changed = shifted, True
            continue
        kinds = (kind or "").split("|")
        match = next((entity for entity in entities if entity.kind in kinds), None)
        if match is not None:
            entities.remove(match)
            args[name], changed = match.value, True
    return args if changed else None
