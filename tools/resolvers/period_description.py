"""A resolved period in words, for the first line of an answer, in English or Chinese.

    this quarter to date: 2026-10-01 – 2026-11-20 06:00      本季度至今：2026-10-01 至 2026-11-20 06:00
    2026-11-01 – 2026-11-07                                   2026-11-01 至 2026-11-07
    Wednesday of last week: 2026-11-11 (Wed)                  上周三：2026-11-11（周三）

Whole days are shown as dates with the last day inclusive; anything else with its times.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from tools.contract import PeriodSpan
from tools.resolvers.time_words import WEEKDAY_NAMES_EN, WEEKDAY_NAMES_ZH

__all__ = ["describe_period", "describe_span"]


def describe_span(start: datetime, end: datetime, lang: str = "en") -> str:
    """[start, end) as dates or times: "2026-11-14 (Sat)", "2026-11-01 – 2026-11-07", "2026-11-20 00:00 – 06:00"."""
    zh = lang == "zh"
    dash = " 至 " if zh else " – "
    if start.time() == end.time() == time(0) and end > start:
        last = (end - timedelta(days=1)).date()
        if last == start.date():
            weekday = start.weekday()
            return f"{last}（{WEEKDAY_NAMES_ZH[weekday]}）" if zh else f"{last} ({WEEKDAY_NAMES_EN[weekday][:3]})"
        return f"{start.date()}{dash}{last}"
    if start.date() == end.date():
        return f"{start.date()} {start:%H:%M}{dash}{end:%H:%M}"
    shown_start = f"{start.date()}" if start.time() == time(0) else f"{start:%Y-%m-%d %H:%M}"
    return f"{shown_start}{dash}{end:%Y-%m-%d %H:%M}"


def describe_period(period: PeriodSpan | Mapping[str, Any], lang: str = "en") -> str:
    """How a period was read, then its dates: "last quarter (Q3 2026): 2026-07-01 – 2026-09-30".

    `period` is a `PeriodSpan` or its JSON form (a tool result's `period`); `lang` is "en" or "zh". A
    period resolved before readings existed is named by the expression it came from.
    """
    span = period if isinstance(period, PeriodSpan) else PeriodSpan.model_validate(period)
    dates = describe_span(span.start, span.end, lang)
    if span.reading is not None:
        name = span.reading.zh if lang == "zh" else span.reading.en
    else:
        shown = {describe_span(span.start, span.end, other).replace(" ", "") for other in ("en", "zh")}
        name = "" if span.label.replace(" ", "") in shown else span.label
    if not name:
        return dates
    return f"{name}：{dates}" if lang == "zh" else f"{name}: {dates}"
