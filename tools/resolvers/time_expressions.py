"""Time expressions in English and Chinese resolved against the plant clock into a `PeriodSpan`.

Relative periods resolve against `now` (the plant clock stored with the data), never the wall clock, so
answers and eval gold values are reproducible. Days start at midnight, weeks on Monday. Calendar words
mean calendar periods: "this quarter" / "这个季度" is the quarter to date, "last quarter" the previous
calendar quarter; rolling windows ("past 90 days", "最近三个月") only when said. Periods that run past
`now` end at `now`; spans are [start, end). The grammar lives in `time_grammar` (words -> meaning) and
`time_nodes` (meaning -> dates); this module adds the plant's shifts and the errors.

Decisions where usage varies: "11/14" is month/day (US), "14/11" day/month only because 14 is no
month; "周三", "this Wednesday" and "on Wednesday" are the latest Wednesday not after today; "last
Wednesday" is the latest Wednesday before today (on a Friday, two days ago) and "上周三" / "Wednesday
of last week" the Wednesday of the previous calendar week; a date without a year that would lie after
the clock means last year, "14号" the latest 14th; a shift belongs to the day it starts (the night shift
of 2026-11-11 runs 22:00 to 06:00 on the 12th).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from tools.contract import PeriodReading, PeriodSpan
from tools.errors import InvalidArgumentsError
from tools.resolvers.time_grammar import parse_time_expression
from tools.resolvers.time_nodes import Read, bad_period, evaluate, future_error, names_of, raw_span
from tools.resolvers.time_scan import scan_time_text, shift_word
from tools.resolvers.time_words import normalize_expression

__all__ = [
    "ACCEPTED_FORMS",
    "MAX_SPAN",
    "ShiftWindow",
    "resolve_period",
]

MAX_SPAN = timedelta(days=366)

ACCEPTED_FORMS = (
    "today, yesterday, last week, this month, this quarter, last quarter, Q3 2026, last year, Nov 14, "
    "2026-11-01..2026-11-07, Nov 1-7, last Wednesday, since Monday, past 90 days, yesterday's night shift; "
    "今天, 昨天, 上周三, 本季度, 上个季度, 去年, 11月14日, 11月1日到7日, 本月至今, 最近7天, 昨天夜班"
)


@dataclass(frozen=True)
class ShiftWindow:
    """A shift of the plant calendar: code, names it is called by, start time of day and length."""

    code: str
    names: tuple[str, ...]
    start: time
    duration: timedelta


_LAST_NIGHT = {"last night": "yesterday night", "tonight": "today night", "昨晚": "昨天夜班", "昨夜": "昨天夜班"}
_LAST_NIGHT["今晚"] = "今天夜班"
_CURRENT_SHIFT = {"current shift", "this shift", "本班", "当班", "本班次", "这个班", "这个班次", "当前班次"}
_PREVIOUS_SHIFT = {"last shift", "previous shift", "上一班", "上个班", "上一个班次", "上个班次"}
_SHIFT_GLUE = re.compile(r"(?:'s\b|\bshift\b|\bthe\b|\bof\b|\bon\b|\bduring\b|\bin\b|班次|的|\s)+")


def _name_pattern(name: str) -> re.Pattern[str]:
    # ASCII names need word boundaries so a shift called "A" does not match inside "day".
    escaped = re.escape(normalize_expression(name))
    return re.compile(rf"\b{escaped}\b" if name.isascii() else escaped)


def _shift_names(shift: ShiftWindow) -> tuple[str, str]:
    english = [name for name in shift.names if name.isascii()]
    chinese = [name for name in shift.names if not name.isascii()]
    return max(english, key=len, default=f"shift {shift.code}"), max(chinese, key=len, default=f"{shift.code}班")


def _started_shifts(now: datetime, shifts: Sequence[ShiftWindow]) -> list[tuple[datetime, ShiftWindow]]:
    """The shifts that began in the last two days, latest first; one starting exactly now has not begun."""
    day = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    starts = [
        (datetime.combine((day - timedelta(days=back)).date(), shift.start, tzinfo=now.tzinfo), shift)
        for back in range(3)
        for shift in shifts
    ]
    return sorted((item for item in starts if item[0] < now), key=lambda item: item[0], reverse=True)


def _shift_read(start: datetime, shift: ShiftWindow, now: datetime, day: tuple[str, str], words: str) -> Read:
    if start >= now:
        raise future_error(words, now)
    end = start + shift.duration
    en, zh = _shift_names(shift)
    en, zh = (f"{en}, {day[0]}" if day[0] else en), f"{day[1]}{zh}"
    if end > now:
        en, zh = f"{en} (in progress)", f"{zh}（进行中）"
    return Read(start, min(end, now), "shift", end > now, en, zh)


def _relative_shift(text: str, now: datetime, shifts: Sequence[ShiftWindow], words: str) -> Read | None:
    """The shift running now ([its start, now)), or the last one that has ended, whatever their names. At the
    very moment one shift hands over to the next, the last shift is the one that has just ended."""
    if not shifts or (text not in _CURRENT_SHIFT and text not in _PREVIOUS_SHIFT):
        return None
    started = _started_shifts(now, shifts)
    current, shift = started[0]
    if text in _CURRENT_SHIFT:
        return _shift_read(current, shift, now, ("current shift", "本班"), words)
    previous, before = next((start, item) for start, item in started if start + item.duration <= now)
    return _shift_read(previous, before, now, ("previous shift", "上一班"), words)


def _shift(text: str, now: datetime, shifts: Sequence[ShiftWindow], words: str) -> Read | None:
    relative = _relative_shift(text, now, shifts, words)
    if relative is not None:
        return relative
    text = _LAST_NIGHT.get(text, text)
    named = [(shift, _name_pattern(name)) for shift in shifts for name in shift.names]
    named.sort(key=lambda item: len(item[1].pattern), reverse=True)
    for shift, pattern in named:
        if not pattern.search(text):
            continue
        rest = _SHIFT_GLUE.sub(" ", pattern.sub(" ", text)).strip()
        if not rest:
            # "the night shift": the latest one that has started.
            latest = next(start for start, started in _started_shifts(now, shifts) if started is shift)
            return _shift_read(latest, shift, now, ("", ""), words)
        node = parse_time_expression(rest)
        if node is None:
            continue
        day_start, day_end = raw_span(node, now, words)
        if day_end - day_start != timedelta(days=1) or day_start.time() != time(0):
            continue
        _, en, zh = names_of(node, day_start)
        start = datetime.combine(day_start.date(), shift.start, tzinfo=now.tzinfo)
        return _shift_read(start, shift, now, (en, zh), words)
    return None


def _unreadable(words: str, shifts: Sequence[ShiftWindow]) -> InvalidArgumentsError:
    scan = scan_time_text(words)
    unread, readable = [found.text for found in scan.unread], scan.readable
    if not unread:
        # Whatever the readable parts do not cover ("Nov 14 blah" -> "blah"), or the whole expression.
        rest, position = [], 0
        for found in readable:
            rest.append(words[position : found.start])
            position = found.end
        rest.append(words[position:])
        unread = [" ".join(" ".join(rest).split())] if readable else []
    shown = "; ".join(part for part in unread if part) or words
    shift = shift_word(words) if shifts else None
    if shift and not any(_name_pattern(name).search(shift) for known in shifts for name in known.names):
        named = ", ".join(" ".join(_shift_names(known)) for known in shifts)
        return bad_period(f"no shift called {shift!r} / 没有名为 {shift!r} 的班次; shifts / 班次: {named}")
    return bad_period(
        f"cannot read {shown!r} as a period / 无法识别的时间表达 {shown!r}; accepted forms / 可用格式: {ACCEPTED_FORMS}"
    )


def resolve_period(
    expression: str,
    now: datetime,
    *,
    shifts: Sequence[ShiftWindow] = (),
    max_span: timedelta = MAX_SPAN,
    allow_future: bool = False,
) -> PeriodSpan:
    """Resolve a time expression (en / zh) against the plant clock `now` into [start, end).

    `allow_future` is for filters on due or promised dates ("POs due next week"): whole periods, not cut at
    `now`, possibly ahead of it. Measured figures never allow it: a period that has not begun has no data.

    The result's `reading` says how the words were read (kind, to-date, canonical en / zh names). Spans
    longer than `max_span` keep their end and are cut at `end - max_span`, so a huge range is bounded
    rather than slow. Raises InvalidArgumentsError (a ToolError, one line in both languages) naming the
    words it could not read and the accepted forms, or saying why a readable period has no data (it has
    not begun, 31 November does not exist, the range ends before it starts); never another period.
    """
    words = expression.strip()
    text = normalize_expression(expression)
    if not text:
        raise bad_period(f"empty time expression / 时间表达为空; accepted forms / 可用格式: {ACCEPTED_FORMS}")
    node = parse_time_expression(text)
    if node is not None:
        read: Read | None = evaluate(node, now, words, allow_future=allow_future)
    else:
        read = _shift(text, now, shifts, words)
    if read is None:
        raise _unreadable(words, shifts)
    start, end, label, en, zh = read.start, read.end, words, read.en, read.zh
    if end - start > max_span:
        start = end - max_span
        label += f" (limited to {max_span.days} days / 限制为{max_span.days}天)"
        en, zh = f"{en} (limited to {max_span.days} days)".lstrip(), f"{zh}（限制为{max_span.days}天）"
    reading = PeriodReading(kind=read.kind, to_date=read.to_date, en=en, zh=zh)
    return PeriodSpan(start=start, end=end, label=label, reading=reading)
