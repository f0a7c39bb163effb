"""Time expressions (en / zh) resolve against the plant clock to exact [start, end) spans."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.errors import InvalidArgumentsError, ToolError
from tools.resolvers import ShiftWindow, resolve_period

NOW = datetime(2026, 11, 20, 14, 30)  # a Friday afternoon
MIDNIGHT = datetime(2026, 11, 20)
SHIFTS = [
    ShiftWindow("D", ("day shift", "day", "白班", "早班"), time(6), timedelta(hours=12)),
    ShiftWindow("N", ("night shift", "night", "夜班", "晚班"), time(18), timedelta(hours=12)),
]


def d(day: int, hour: int = 0, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


@pytest.mark.parametrize(
    ("expressions", "start", "end"),
    [
        (["today", "今天", "Today?"], d(20), NOW),
        (["yesterday", "昨天", "昨日", "Yesterday "], d(19), d(20)),
        (["the day before yesterday", "前天"], d(18), d(19)),
        (["this week", "本周"], d(16), NOW),
        (["last week", "上周", "in the last week"], d(9), d(16)),
        (["past 7 days", "last 7 days", "最近7天", "最近七天", "past week", "最近一周"], d(13, 14, 30), NOW),
        (["last 24 hours", "过去24小时", "past 24 h"], d(19, 14, 30), NOW),
        (["this month", "本月"], d(1), NOW),
        (["last month", "上个月", "上月", "2026-10", "2026年10月"], d(1, month=10), d(1)),
        (["2026-11-03", "2026/11/03", "11月3日", "11月3号", "2026年11月3日"], d(3), d(4)),
        (["2026-11-01..2026-11-07", "2026-11-01 to 2026-11-07", "从2026-11-01到2026-11-07"], d(1), d(8)),
        (["yesterday's night shift", "昨天夜班", "昨晚", "last night"], d(19, 18), d(20, 6)),
        (["today's day shift", "今天白班"], d(20, 6), d(20, 18)),
        (["current shift", "本班", "this shift"], d(20, 6), NOW),
        (["last shift", "上一班", "previous shift"], d(19, 18), d(20, 6)),
    ],
)
def test_expression_resolves_to_exact_span(expressions: list[str], start: datetime, end: datetime) -> None:
    for expression in expressions:
        span = resolve_period(expression, NOW, shifts=SHIFTS)
        assert (span.start, span.end) == (start, end), expression
        assert span.label == expression.strip()


def test_month_day_in_the_future_means_last_year() -> None:
    span = resolve_period("12月3日", NOW)
    assert (span.start, span.end) == (d(3, month=12, year=2025), d(4, month=12, year=2025))


def test_bare_shift_name_is_the_latest_started_shift() -> None:
    span = resolve_period("night shift", NOW, shifts=SHIFTS)
    assert (span.start, span.end) == (d(19, 18), d(20, 6))


def test_huge_periods_are_bounded() -> None:
    span = resolve_period("past 100000 days", NOW)
    assert span.end == NOW
    assert span.end - span.start == timedelta(days=366)
    wide = resolve_period("2000-01-01..2026-11-20", NOW, max_span=timedelta(days=31))
    assert (wide.start, wide.end) == (d(21, month=10), d(21))
    assert "limited to 31 days" in wide.label


@pytest.mark.parametrize("expression", ["last fortnight", "下辈子", "", "2026-02-30", "2026-11-07..2026-11-01"])
def test_bad_expressions_raise_a_tool_error_naming_accepted_forms(expression: str) -> None:
    with pytest.raises(InvalidArgumentsError) as caught:
        resolve_period(expression, NOW)
    assert isinstance(caught.value, ToolError)
    assert caught.value.field == "period"


def test_unknown_expression_lists_accepted_forms_in_both_languages() -> None:
    with pytest.raises(ToolError, match=r"accepted forms / 可用格式: today, yesterday.*最近7天"):
        resolve_period("sometime", NOW)


def test_shift_expressions_need_a_shift_calendar() -> None:
    with pytest.raises(ToolError):
        resolve_period("昨天夜班", NOW)


@given(st.text(max_size=40))
def test_any_text_resolves_or_raises_a_tool_error(text: str) -> None:
    try:
        span = resolve_period(text, NOW, shifts=SHIFTS)
    except ToolError:
        return
    assert span.start <= span.end
    assert span.end - span.start <= timedelta(days=366)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["days", "hours", "weeks", "天", "小时", "周"]))
def test_rolling_periods_of_any_size_are_bounded(count: int, unit: str) -> None:
    expression = f"past {count} {unit}" if unit.isascii() else f"最近{count}{unit}"
    try:
        span = resolve_period(expression, NOW)
    except ToolError:
        assert count == 0
        return
    assert span.end == NOW
    assert timedelta(0) < span.end - span.start <= timedelta(days=366)
