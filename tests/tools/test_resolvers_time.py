"""Time expressions (en / zh) resolve against the plant clock to exact [start, end) spans."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.errors import InvalidArgumentsError, ToolError
from tools.resolvers import ShiftWindow, resolve_period

NOW = datetime(2026, 11, 20, 14, 30)  # a Friday afternoon
DEMO = datetime(2026, 11, 20, 6, 0)  # the demo plant's clock: Friday 06:00, at the change to the morning shift
SHIFTS = [
    ShiftWindow("D", ("day shift", "day", "白班", "早班"), time(6), timedelta(hours=12)),
    ShiftWindow("N", ("night shift", "night", "夜班", "晚班"), time(18), timedelta(hours=12)),
]
# The demo plant's shifts, named as `shift_windows` names them.
DEMO_SHIFTS = [
    ShiftWindow(
        "A",
        ("Morning shift (A)", "早班（A班）", "Morning shift", "shift A", "A shift", "Morning", "A班", "早班"),
        time(6),
        timedelta(hours=8),
    ),
    ShiftWindow(
        "B",
        ("Afternoon shift (B)", "中班（B班）", "Afternoon shift", "shift B", "B shift", "Afternoon", "B班", "中班"),
        time(14),
        timedelta(hours=8),
    ),
    ShiftWindow(
        "C",
        ("Night shift (C)", "夜班（C班）", "Night shift", "shift C", "C shift", "Night", "C班", "夜班"),
        time(22),
        timedelta(hours=8),
    ),
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
        # A shift still running ends at the clock, like every period that runs up to now.
        (["today's day shift", "今天白班"], d(20, 6), NOW),
        (["current shift", "本班", "this shift"], d(20, 6), NOW),
        (["last shift", "上一班", "previous shift"], d(19, 18), d(20, 6)),
    ],
)
def test_expression_resolves_to_exact_span(expressions: list[str], start: datetime, end: datetime) -> None:
    for expression in expressions:
        span = resolve_period(expression, NOW, shifts=SHIFTS)
        assert (span.start, span.end) == (start, end), expression
        assert span.label == expression.strip()


# Friday 2026-11-20 06:00, weeks from Monday 2026-11-16.
DEMO_FORMS: list[tuple[list[str], datetime, datetime]] = [
    (["today", "今天", "今日"], d(20), DEMO),
    (["yesterday", "昨天", "昨日"], d(19), d(20)),
    (["前天", "the day before yesterday", "day before yesterday"], d(18), d(19)),
    (["大前天", "3 days ago", "three days ago", "三天前", "3天前"], d(17), d(18)),
    (["this week", "本周", "这周", "这个星期", "week to date", "本周至今"], d(16), DEMO),
    (["last week", "上周", "上星期", "上个礼拜", "previous week"], d(9), d(16)),
    (["上上周", "the week before last", "上上个星期"], d(2), d(9)),
    (["this month", "本月", "这个月", "month to date", "so far this month", "MTD", "本月至今", "本月以来"], d(1), DEMO),
    (["月初至今", "November", "11月", "since November", "11月以来", "November 2026"], d(1), DEMO),
    (
        ["last month", "上个月", "上月", "October", "in October", "Oct 2026", "十月", "10月份", "2026年10月"],
        d(1, month=10),
        d(1),
    ),
    (["上上个月", "the month before last", "September", "九月"], d(1, month=9), d(1, month=10)),
    (["December", "12月", "Dec"], d(1, month=12, year=2025), d(1, month=1)),
    (["this quarter", "本季度", "这个季度", "这季度", "quarter to date", "QTD", "本季度至今"], d(1, month=10), DEMO),
    (["Q4", "Q4 2026", "第四季度", "四季度", "2026年第四季度", "the fourth quarter"], d(1, month=10), DEMO),
    (
        ["last quarter", "上季度", "上个季度", "上一季度", "previous quarter", "Q3", "Q3 2026", "2026 Q3"],
        d(1, month=7),
        d(1, month=10),
    ),
    (
        ["2026年第三季度", "三季度", "第三季度", "the third quarter of 2026", "2026Q3", "今年第三季度"],
        d(1, month=7),
        d(1, month=10),
    ),
    (["上上季度", "the quarter before last", "Q2", "二季度"], d(1, month=4), d(1, month=7)),
    (["Q1 2025", "2025年第一季度", "去年一季度", "Q1 last year"], d(1, month=1, year=2025), d(1, month=4, year=2025)),
    (["first half", "上半年", "H1", "H1 2026", "2026年上半年", "the first half of 2026"], d(1, month=1), d(1, month=7)),
    (["second half", "下半年", "H2"], d(1, month=7), DEMO),
    (["去年下半年", "H2 2025", "second half of last year"], d(1, month=7, year=2025), d(1, month=1)),
    (["this year", "今年", "YTD", "year to date", "今年以来", "年初至今", "2026", "2026年"], d(1, month=1), DEMO),
    (["last year", "去年", "2025", "2025年", "in 2025"], d(1, month=1, year=2025), d(1, month=1)),
    (["前年", "the year before last"], d(1, month=1, year=2024), d(1, month=1, year=2025)),
    (["Nov 14", "14 Nov", "November 14th", "14th of November", "the 14th of November", "11/14"], d(14), d(15)),
    (
        ["2026-11-14", "11月14日", "11月14号", "14号", "14日", "2026年11月14日", "the 14th", "Nov 14, 2026"],
        d(14),
        d(15),
    ),
    (["十一月十四日", "Saturday", "周六", "on Saturday"], d(14), d(15)),
    (["Dec 3", "12月3日", "December 3rd"], d(3, month=12, year=2025), d(4, month=12, year=2025)),
    (["25号", "Oct 25"], d(25, month=10), d(26, month=10)),
    (["31号"], d(31, month=10), d(1)),
    (["20号", "11月20日", "Nov 20", "周五", "Friday"], d(20), DEMO),
    (
        ["上周三", "上星期三", "上个礼拜三", "Wednesday of last week", "last week's Wednesday", "Wednesday last week"],
        d(11),
        d(12),
    ),
    (["周三", "星期三", "礼拜三", "this Wednesday", "on Wednesday", "Wednesday", "本周三", "这周三"], d(18), d(19)),
    (["last Wednesday", "Wed"], d(18), d(19)),
    (["last Friday"], d(13), d(14)),
    (["上周日", "周日", "星期天", "Sunday"], d(15), d(16)),
    (["上上周一"], d(2), d(3)),
    (["上周末", "last weekend", "周末", "the weekend"], d(14), d(16)),
    (["11月1日到11月7日", "11月1日至7日", "11月1日-7日", "Nov 1-7", "from Nov 1 to Nov 7"], d(1), d(8)),
    (["between Nov 1 and Nov 7", "1-7 Nov", "2026-11-01..2026-11-07", "Nov 1 to 7", "11/1-11/7"], d(1), d(8)),
    (["从11月1日到11月7日", "自11月1日至11月7日", "November 1st through November 7th", "1 to 7 November"], d(1), d(8)),
    (["上周一到周三", "上周一至上周三", "Monday to Wednesday last week"], d(9), d(12)),
    (["周一到周三", "Monday to Wednesday"], d(16), d(19)),
    (["9月到10月", "September to October", "from September to October"], d(1, month=9), d(1)),
    (["12月28日到1月3日", "Dec 28 - Jan 3"], d(28, month=12, year=2025), d(4, month=1)),
    (["Nov 14 to Nov 30", "11月14日至11月30日"], d(14), DEMO),
    (["10月1日到今天", "since Oct 1", "from October 1st", "10月1日以来"], d(1, month=10), DEMO),
    (["since Monday", "周一以来", "自周一以来", "从周一开始"], d(16), DEMO),
    (["since Nov 1", "自11月1日以来", "11月1日以来", "从11月1日起", "Nov 1 to date", "2026-11-01以来"], d(1), DEMO),
    (["since last week", "上周以来"], d(9), DEMO),
    (
        ["past 90 days", "last 90 days", "最近90天", "过去90天", "近90天", "the past ninety days"],
        d(22, 6, month=8),
        DEMO,
    ),
    (["last 3 months", "past 3 months", "最近三个月", "近3个月", "last three months"], d(20, 6, month=8), DEMO),
    (["近两周", "past 2 weeks", "last two weeks", "最近14天"], d(6, 6), DEMO),
    (["过去48小时", "past 48 hours", "last 48h", "近48个小时"], d(18, 6), DEMO),
    (["past year", "最近一年", "近12个月", "last 12 months"], d(20, 6, year=2025), DEMO),
    (["last 2 quarters", "最近两个季度"], d(20, 6, month=5), DEMO),
    (["week 47", "2026-W47", "第47周", "2026年第47周"], d(16), DEMO),
    (["Feb 29", "2月29日"], d(29, month=2, year=2024), d(1, month=3, year=2024)),
]
# Shift forms with the demo plant's shifts (A 06-14, B 14-22, C 22-06; a shift belongs to the day it starts).
DEMO_SHIFT_FORMS: list[tuple[list[str], datetime, datetime]] = [
    (
        ["上周三夜班", "Wednesday of last week night shift", "night shift on Wednesday of last week"],
        d(11, 22),
        d(12, 6),
    ),
    (
        ["Nov 14 night shift", "11月14日夜班", "the night shift of Nov 14", "night shift on Nov 14", "14号夜班"],
        d(14, 22),
        d(15, 6),
    ),
    (["11月14日早班", "Nov 14 morning shift", "11月14日A班", "shift A on Nov 14"], d(14, 6), d(14, 14)),
    (["yesterday's morning shift", "昨天早班", "昨天的早班"], d(19, 6), d(19, 14)),
    (["昨天中班", "yesterday's afternoon shift"], d(19, 14), d(19, 22)),
    (["yesterday's night shift", "昨天夜班", "昨晚", "last night", "night shift", "夜班"], d(19, 22), d(20, 6)),
    # At the very change of shift the morning shift has not begun: "current shift" is the one just ended,
    # and so is "last shift" (the last one that has ended).
    (["current shift", "本班"], d(19, 22), d(20, 6)),
    (["last shift", "上一班"], d(19, 22), d(20, 6)),
    (["周三夜班", "Wednesday night shift"], d(18, 22), d(19, 6)),
]


def _cases(forms: list[tuple[list[str], datetime, datetime]]) -> list[tuple[str, datetime, datetime]]:
    return [(expression, start, end) for expressions, start, end in forms for expression in expressions]


def test_the_table_covers_at_least_eighty_forms() -> None:
    assert len(_cases(DEMO_FORMS)) + len(_cases(DEMO_SHIFT_FORMS)) >= 80


@pytest.mark.parametrize(("expression", "start", "end"), _cases(DEMO_FORMS))
def test_calendar_forms_at_the_demo_clock(expression: str, start: datetime, end: datetime) -> None:
    span = resolve_period(expression, DEMO)
    assert (span.start, span.end) == (start, end)
    assert span.label == expression.strip()


@pytest.mark.parametrize(("expression", "start", "end"), _cases(DEMO_SHIFT_FORMS))
def test_shift_forms_at_the_demo_clock(expression: str, start: datetime, end: datetime) -> None:
    span = resolve_period(expression, DEMO, shifts=DEMO_SHIFTS)
    assert (span.start, span.end) == (start, end)
    assert span.reading is not None
    assert span.reading.kind == "shift"


JANUARY = datetime(2027, 1, 5, 10, 0)  # a Tuesday, just after the year turned


@pytest.mark.parametrize(
    ("expression", "start", "end"),
    [
        ("this quarter", datetime(2027, 1, 1), JANUARY),
        ("last quarter", d(1, month=10), datetime(2027, 1, 1)),
        ("Q4", d(1, month=10), datetime(2027, 1, 1)),
        ("去年", datetime(2026, 1, 1), datetime(2027, 1, 1)),
        ("this year", datetime(2027, 1, 1), JANUARY),
        ("last month", d(1, month=12), datetime(2027, 1, 1)),
        ("12月3日", d(3, month=12), d(4, month=12)),
        ("November", d(1), d(1, month=12)),
        ("下半年", d(1, month=7), datetime(2027, 1, 1)),
        ("last week", d(28, month=12), datetime(2027, 1, 4)),
        ("上周三", d(30, month=12), d(31, month=12)),
        ("12月28日到1月3日", d(28, month=12), datetime(2027, 1, 4)),
        ("14号", d(14, month=12), d(15, month=12)),
        ("past 3 months", d(5, 10, month=10), JANUARY),
        ("Jan 1", datetime(2027, 1, 1), datetime(2027, 1, 2)),
    ],
)
def test_year_rollover_in_january(expression: str, start: datetime, end: datetime) -> None:
    span = resolve_period(expression, JANUARY)
    assert (span.start, span.end) == (start, end)


MONDAY = datetime(2026, 11, 16, 9, 30)


@pytest.mark.parametrize(
    ("expression", "start", "end"),
    [
        ("this week", d(16), MONDAY),
        ("周一", d(16), MONDAY),
        ("since Monday", d(16), MONDAY),
        ("last Monday", d(9), d(10)),
        ("周三", d(11), d(12)),
        ("this Wednesday", d(11), d(12)),
        ("last Wednesday", d(11), d(12)),
        ("上周三", d(11), d(12)),
        ("周末", d(14), d(16)),
        ("上周末", d(14), d(16)),
    ],
)
def test_weekdays_on_a_monday(expression: str, start: datetime, end: datetime) -> None:
    span = resolve_period(expression, MONDAY)
    assert (span.start, span.end) == (start, end)


NIGHT = datetime(2026, 11, 20, 3, 0)  # during the night shift that began on the 19th


@pytest.mark.parametrize(
    ("expression", "start", "end"),
    [
        ("night shift", d(19, 22), NIGHT),
        ("current shift", d(19, 22), NIGHT),
        ("yesterday's night shift", d(19, 22), NIGHT),
        ("昨晚", d(19, 22), NIGHT),
        ("last shift", d(19, 14), d(19, 22)),
        ("昨天", d(19), d(20)),
        ("today", d(20), NIGHT),
        ("前天夜班", d(18, 22), d(19, 6)),
    ],
)
def test_during_a_night_shift(expression: str, start: datetime, end: datetime) -> None:
    span = resolve_period(expression, NIGHT, shifts=DEMO_SHIFTS)
    assert (span.start, span.end) == (start, end)


def test_a_shift_in_progress_says_so() -> None:
    reading = resolve_period("current shift", NIGHT, shifts=DEMO_SHIFTS).reading
    assert reading is not None
    assert reading.to_date
    assert reading.en == "Night shift (C), current shift (in progress)"
    assert reading.zh == "本班夜班（C班）（进行中）"


def test_an_aware_clock_gives_aware_spans() -> None:
    clock = datetime(2026, 11, 20, 6, 0, tzinfo=timezone(timedelta(hours=8)))
    span = resolve_period("这个季度", clock)
    assert (span.start, span.end) == (datetime(2026, 10, 1, tzinfo=clock.tzinfo), clock)


@pytest.mark.parametrize(
    ("expression", "kind", "to_date", "en", "zh"),
    [
        ("这个季度", "quarter", True, "this quarter to date", "本季度至今"),
        ("last quarter", "quarter", False, "last quarter (Q3 2026)", "上季度（2026年第三季度）"),
        ("上个月", "month", False, "last month (October 2026)", "上个月（2026年10月）"),
        ("November", "month", True, "November 2026 to date", "2026年11月至今"),
        ("去年", "year", False, "last year (2025)", "去年（2025年）"),
        ("上周三", "day", False, "Wednesday of last week", "上周三"),
        ("last Wednesday", "day", False, "last Wednesday", "上一个周三"),
        ("past 90 days", "rolling", True, "past 90 days", "过去90天"),
        ("since Monday", "since", True, "since Monday", "自周一以来"),
        ("Nov 14", "day", False, "", ""),
        ("11月1日到7日", "range", False, "", ""),
    ],
)
def test_the_reading_names_the_interpretation(expression: str, kind: str, to_date: bool, en: str, zh: str) -> None:
    reading = resolve_period(expression, DEMO).reading
    assert reading is not None
    assert (reading.kind, reading.to_date, reading.en, reading.zh) == (kind, to_date, en, zh)


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
    # A range running past the clock ends at the clock, then is cut to `max_span`.
    wide = resolve_period("2000-01-01..2026-11-20", NOW, max_span=timedelta(days=31))
    assert (wide.start, wide.end) == (d(20, 14, 30, month=10), NOW)
    assert "limited to 31 days" in wide.label
    assert wide.reading is not None
    assert wide.reading.zh.endswith("（限制为31天）")


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("last fortnight", "last fortnight"),
        ("fortnight", "fortnight"),
        ("Q7", "Q7"),
        ("上上上季度", "上上上季度"),
        ("the other day", "the other day"),
        ("最近几天", "最近几天"),
        ("Nov 31", "Nov 31"),
        ("11月31日", "11月31日"),
        ("2026-02-30", "2026-02-30"),
        ("13月", "13月"),
        ("下辈子", "下辈子"),
        ("sometime", "sometime"),
        ("Nov 14 blah", "blah"),
    ],
)
def test_unreadable_expressions_name_the_words_in_one_bilingual_line(expression: str, named: str) -> None:
    with pytest.raises(InvalidArgumentsError) as caught:
        resolve_period(expression, DEMO, shifts=DEMO_SHIFTS)
    message = str(caught.value)
    assert caught.value.field == "period"
    assert "\n" not in message
    assert f"cannot read {named!r} as a period / 无法识别的时间表达 {named!r}" in message
    assert "accepted forms / 可用格式: today, yesterday" in message
    assert "上周三" in message


@pytest.mark.parametrize(
    "expression", ["tomorrow", "明天", "next week", "下周三", "本周日", "2026-12-01", "2027年", "today's morning shift"]
)
def test_periods_that_have_not_begun_say_so(expression: str) -> None:
    with pytest.raises(InvalidArgumentsError, match=r"has not begun at the plant clock 2026-11-20 06:00.*尚未开始"):
        resolve_period(expression, DEMO, shifts=DEMO_SHIFTS)


@pytest.mark.parametrize("expression", ["2026-11-07..2026-11-01", "Nov 7 to Nov 1", "11月7日到11月1日"])
def test_reversed_ranges_are_rejected(expression: str) -> None:
    with pytest.raises(InvalidArgumentsError, match="range ends before it starts / 日期范围结束早于开始"):
        resolve_period(expression, DEMO)


@pytest.mark.parametrize("expression", ["last fortnight", "下辈子", "", "2026-02-30", "2026-11-07..2026-11-01"])
def test_bad_expressions_raise_a_tool_error_naming_accepted_forms(expression: str) -> None:
    with pytest.raises(InvalidArgumentsError) as caught:
        resolve_period(expression, NOW)
    assert isinstance(caught.value, ToolError)
    assert caught.value.field == "period"


def test_unknown_expression_lists_accepted_forms_in_both_languages() -> None:
    with pytest.raises(ToolError, match=r"accepted forms / 可用格式: today, yesterday.*最近7天"):
        resolve_period("sometime", NOW)


def test_a_shift_the_plant_does_not_have_is_named_with_the_plant_shifts() -> None:
    with pytest.raises(InvalidArgumentsError) as caught:
        resolve_period("昨天白班", DEMO, shifts=DEMO_SHIFTS)
    message = str(caught.value)
    assert message.startswith(
        "no shift called '白班' / 没有名为 '白班' 的班次; shifts / 班次: Morning shift (A) 早班（A班）"
    )
    assert "Night shift (C) 夜班（C班）" in message
    with pytest.raises(InvalidArgumentsError, match="cannot read 'Nov 31' as a period"):
        resolve_period("night shift on Nov 31", DEMO, shifts=DEMO_SHIFTS)


def test_shift_expressions_need_a_shift_calendar() -> None:
    with pytest.raises(ToolError):
        resolve_period("昨天夜班", NOW)


_FRAGMENTS = [
    "last", "this", "past", "next", "since", "from", "to", "between", "and", "the", "of", "-", "..", "3", "14",
    "31", "2026", "0", "999999", "day", "days", "week", "month", "quarter", "year", "Q3", "Q9", "H1", "Nov",
    "Wednesday", "night shift", "morning", "上", "上上", "本", "这个", "下", "最近", "近", "个", "周", "星期",
    "三", "十", "月", "日", "号", "季度", "半年", "年", "天", "小时", "到", "至", "以来", "至今", "前", "夜班",
    "早班", "今天", "昨天", "去年", "第", "2026-11-14", "11/14", "ago", "weekend", "周末", "ytd",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=6),
    st.sampled_from([" ", ""]),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2150, 1, 1)),
    st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=400)),
)
def test_any_words_resolve_to_a_bounded_past_span_or_raise_invalid_arguments(
    words: list[str], glue: str, clock: datetime, max_span: timedelta
) -> None:
    try:
        span = resolve_period(glue.join(words), clock, shifts=DEMO_SHIFTS, max_span=max_span)
    except InvalidArgumentsError as error:
        message = str(error)
        span = None
    if span is None:
        assert "\n" not in message
        return
    assert span.start < span.end <= clock
    assert span.end - span.start <= max_span


@given(st.text(max_size=40))
def test_any_text_resolves_or_raises_a_tool_error(text: str) -> None:
    try:
        span = resolve_period(text, NOW, shifts=SHIFTS)
    except InvalidArgumentsError:
        return
    assert span.start < span.end <= NOW
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
