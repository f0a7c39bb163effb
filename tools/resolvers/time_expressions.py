"""Time expressions in English and Chinese resolved against the plant clock into a `PeriodSpan`.

Relative periods resolve against `now` (the plant clock stored with the data), never the wall clock, so
answers and eval gold values are reproducible. Days start at midnight, weeks on Monday. Periods that
run up to "now" (today, this week, past 7 days, ...) end at `now`; spans are [start, end).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tools.contract import PeriodSpan
from tools.errors import InvalidArgumentsError

__all__ = [
    "ACCEPTED_FORMS",
    "MAX_SPAN",
    "ShiftWindow",
    "resolve_period",
]

MAX_SPAN = timedelta(days=366)

ACCEPTED_FORMS = (
    "today, yesterday, the day before yesterday, this week, last week, this month, last month, "
    "past/last N days|hours|weeks, 2026-11-03, 2026-11-01..2026-11-07, 2026-11-01 to 2026-11-07, 2026-11, "
    "yesterday's night shift, current shift, last shift; "
    "今天, 昨天, 前天, 本周, 上周, 本月, 上个月, 最近7天, 过去24小时, 11月3日, 昨天夜班, 本班, 上一班"
)

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class ShiftWindow:
    """A shift of the plant calendar: code, names it is called by, start time of day and length."""

    code: str
    names: tuple[str, ...]
    start: time
    duration: timedelta


def _bad(message: str) -> InvalidArgumentsError:
    return InvalidArgumentsError(message, field="period")


def _day(now: datetime) -> datetime:
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def _month_start(day: datetime) -> datetime:
    return day.replace(day=1)


def _previous_month_start(day: datetime) -> datetime:
    first = _month_start(day)
    return _month_start(first - timedelta(days=1))


def _week_start(day: datetime) -> datetime:
    return day - timedelta(days=day.weekday())


_Span = tuple[datetime, datetime]

_FIXED: dict[str, Callable[[datetime], _Span]] = {}


def _register(names: Sequence[str], fn: Callable[[datetime], _Span]) -> None:
    for name in names:
        _FIXED[name] = fn


_register(["today", "今天", "今日", "当天"], lambda now: (_day(now), now))
_register(["yesterday", "昨天", "昨日"], lambda now: (_day(now) - timedelta(days=1), _day(now)))
_register(
    ["the day before yesterday", "day before yesterday", "前天"],
    lambda now: (_day(now) - timedelta(days=2), _day(now) - timedelta(days=1)),
)
_register(["this week", "本周", "这周", "这星期", "本星期"], lambda now: (_week_start(_day(now)), now))
_register(
    ["last week", "previous week", "上周", "上星期", "上个星期"],
    lambda now: (_week_start(_day(now)) - timedelta(days=7), _week_start(_day(now))),
)
_register(["this month", "本月", "这个月", "当月"], lambda now: (_month_start(_day(now)), now))
_register(
    ["last month", "previous month", "上个月", "上月"],
    lambda now: (_previous_month_start(_day(now)), _month_start(_day(now))),
)
_register(["this year", "今年", "本年"], lambda now: (_day(now).replace(month=1, day=1), now))

_UNITS = {
    "day": timedelta(days=1),
    "days": timedelta(days=1),
    "天": timedelta(days=1),
    "日": timedelta(days=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "h": timedelta(hours=1),
    "小时": timedelta(hours=1),
    "个小时": timedelta(hours=1),
    "month": timedelta(days=30),
    "months": timedelta(days=30),
    "个月": timedelta(days=30),
    "week": timedelta(days=7),
    "weeks": timedelta(days=7),
    "周": timedelta(days=7),
    "个星期": timedelta(days=7),
    "星期": timedelta(days=7),
}
_ROLLING_EN = re.compile(r"^(?:past|last|previous)\s+(\d+|a|one)?\s*(days?|hours?|h|weeks?|months?)$")
_ROLLING_ZH = re.compile(
    r"^(?:最近|过去|近)\s*([0-9一二两三四五六七八九十]+)?\s*(个小时|小时|天|日|个星期|星期|周|个月)$"
)
_ISO_DATE = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_DATE = re.compile(rf"^{_ISO_DATE}$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{4})年(\d{1,2})月$")
_RANGE = re.compile(rf"^(?:from\s+|从)?{_ISO_DATE}\s*(?:\.\.|to|~|至|到|—|-{{1,2}})\s*{_ISO_DATE}$")
_ZH_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]$")
_LEADING = re.compile(r"^(?:in|during|over|for|within|on)\s+(?:the\s+)?")


def _number(text: str | None) -> int:
    if not text or text in {"a", "one"}:
        return 1
    if text.isdigit():
        return int(text)
    # Chinese numerals up to 99: 十, 十二, 二十, 二十四.
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def _normalize(expression: str) -> str:
    text = " ".join(expression.strip().lower().split())
    text = text.rstrip("?？。.!！ ").replace("’", "'")
    text = _LEADING.sub("", text)
    if text.endswith("的"):
        text = text[:-1]
    return text


def _date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise _bad(f"not a valid date / 无效日期: {year}-{month}-{day}") from None


def _at(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(0), tzinfo=now.tzinfo)


def _explicit(text: str, now: datetime) -> _Span | None:
    if match := _DATE.match(text):
        start = _at(_date(*match.groups()), now)
        return start, start + timedelta(days=1)
    if match := _RANGE.match(text):
        first = _at(_date(*match.groups()[:3]), now)
        last = _at(_date(*match.groups()[3:]), now)
        if last < first:
            raise _bad(f"range ends before it starts / 日期范围结束早于开始: {text}")
        return first, last + timedelta(days=1)
    if match := _ZH_DATE.match(text):
        year, month, day = match.groups()
        start = _at(_date(year or str(now.year), month, day), now)
        if year is None and start > now:
            # "11月3日" said in January means last November.
            start = _at(_date(str(now.year - 1), month, day), now)
        return start, start + timedelta(days=1)
    if match := _MONTH.match(text):
        year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        start = _at(_date(year, month, "1"), now)
        return start, _month_start(start + timedelta(days=32))
    return None


def _rolling(text: str, now: datetime) -> _Span | None:
    match = _ROLLING_EN.match(text) or _ROLLING_ZH.match(text)
    if not match:
        return None
    count = _number(match.group(1))
    if count <= 0:
        raise _bad(f"the number of {match.group(2)} must be positive / 数量必须为正: {text}")
    unit = _UNITS[match.group(2)]
    # Cap before multiplying so "past 999999999 days" cannot overflow datetime.
    span = min(unit * min(count, 100_000), MAX_SPAN)
    return now - span, now


def _simple(text: str, now: datetime) -> _Span | None:
    fixed = _FIXED.get(text)
    if fixed is not None:
        return fixed(now)
    return _rolling(text, now) or _explicit(text, now)


_SHIFT_GLUE = re.compile(r"(?:'s|’s|\bshift\b|班次|的|\s)+")


_LAST_NIGHT = {"last night": "yesterday night", "tonight": "today night", "昨晚": "昨天夜班", "昨夜": "昨天夜班"}


def _name_pattern(name: str) -> re.Pattern[str]:
    # ASCII names need word boundaries so a shift called "A" does not match inside "day".
    escaped = re.escape(name.lower())
    return re.compile(rf"\b{escaped}\b" if name.isascii() else escaped)


_CURRENT_SHIFT = {"current shift", "this shift", "本班", "当班", "本班次", "这个班"}
_PREVIOUS_SHIFT = {"last shift", "previous shift", "上一班", "上个班", "上一个班次", "上个班次"}


def _started_shifts(now: datetime, shifts: Sequence[ShiftWindow]) -> list[datetime]:
    """Start times of the shifts that began in the last two days, latest first."""
    day = _day(now)
    starts = [
        datetime.combine((day - timedelta(days=back)).date(), shift.start, tzinfo=now.tzinfo)
        for back in range(3)
        for shift in shifts
    ]
    return sorted((start for start in starts if start <= now), reverse=True)


def _relative_shift(text: str, now: datetime, shifts: Sequence[ShiftWindow]) -> _Span | None:
    """The shift running now ([its start, now)) or the one before it, whatever their names."""
    if not shifts or (text not in _CURRENT_SHIFT and text not in _PREVIOUS_SHIFT):
        return None
    starts = _started_shifts(now, shifts)
    if text in _CURRENT_SHIFT:
        return starts[0], now
    return starts[1], starts[0]


def _shift(text: str, now: datetime, shifts: Sequence[ShiftWindow]) -> _Span | None:
    relative = _relative_shift(text, now, shifts)
    if relative is not None:
        return relative
    text = _LAST_NIGHT.get(text, text)
    for shift in shifts:
        for name in sorted(shift.names, key=len, reverse=True):
            pattern = _name_pattern(name)
            if not pattern.search(text):
                continue
            rest = _SHIFT_GLUE.sub(" ", pattern.sub(" ", text)).strip()
            if not rest:
                # "the night shift": the latest one that has started.
                day = _day(now)
                while datetime.combine(day.date(), shift.start, tzinfo=now.tzinfo) > now:
                    day -= timedelta(days=1)
                start = datetime.combine(day.date(), shift.start, tzinfo=now.tzinfo)
                return start, start + shift.duration
            span = _simple(rest, now)
            if span is None or span[1] - span[0] > timedelta(days=1):
                return None
            start = datetime.combine(span[0].date(), shift.start, tzinfo=now.tzinfo)
            return start, start + shift.duration
    return None


def resolve_period(
    expression: str,
    now: datetime,
    *,
    shifts: Sequence[ShiftWindow] = (),
    max_span: timedelta = MAX_SPAN,
) -> PeriodSpan:
    """Resolve a time expression (en / zh) against the plant clock `now` into [start, end).

    Spans longer than `max_span` keep their end and are cut at `end - max_span`, so a huge range is
    bounded rather than slow. Raises InvalidArgumentsError (a ToolError) naming the accepted forms when
    the expression is unknown.
    """
    text = _normalize(expression)
    if not text:
        raise _bad(f"empty time expression / 时间表达为空; accepted forms / 可用格式: {ACCEPTED_FORMS}")
    span = _simple(text, now) or _shift(text, now, shifts)
    if span is None:
        raise _bad(
            f"unknown time expression {expression.strip()!r} / 无法识别的时间表达; "
            f"accepted forms / 可用格式: {ACCEPTED_FORMS}"
        )
    start, end = span
    label = expression.strip()
    if end - start > max_span:
        start = end - max_span
        label += f" (limited to {max_span.days} days / 限制为{max_span.days}天)"
    return PeriodSpan(start=start, end=end, label=label)
