"""Mention extraction: time expressions and plant entities in English and Chinese requests."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from agents.extraction import (
    Term,
    Vocabulary,
    detect_language,
    extract_mentions,
    find_time_mentions,
    find_unread_time_words,
    terms_from_rows,
)
from tools import InvalidArgumentsError
from tools.resolvers import ShiftWindow, resolve_period


@pytest.fixture
def vocabulary() -> Vocabulary:
    return Vocabulary(
        terms=[
            *terms_from_rows(
                "line", [{"code": "L2", "name_en": "Line 2", "name_zh": "2号线", "aliases": "line2|二号线"}]
            ),
            *terms_from_rows(
                "equipment", [{"code": "CNC-03", "name_en": "CNC machine 3", "name_zh": "3号数控机床", "aliases": ""}]
            ),
            *terms_from_rows(
                "material", [{"code": "RM-STEEL-42", "name_en": "Steel bar 42CrMo", "name_zh": "42CrMo钢棒"}]
            ),
            *terms_from_rows("supplier", [{"code": "SUP-07", "name_en": "Huaxin Metals", "name_zh": "华新金属"}]),
            Term("shift", "A", ("A",)),
        ]
    )


def test_english_oee_question(vocabulary: Vocabulary) -> None:
    mentions = extract_mentions("What was the OEE of line 2 yesterday?", vocabulary)
    assert [(e.kind, e.text, e.code) for e in mentions.entities] == [("line", "line 2", "L2")]
    assert mentions.period == "yesterday"
    assert mentions.language == "en"


def test_chinese_oee_question(vocabulary: Vocabulary) -> None:
    mentions = extract_mentions("2号线昨天的OEE是多少?", vocabulary)
    assert [(e.kind, e.text, e.code) for e in mentions.entities] == [("line", "2号线", "L2")]
    assert mentions.period == "昨天"
    assert mentions.language == "zh"


def test_equipment_code_glued_to_chinese_time_word(vocabulary: Vocabulary) -> None:
    mentions = extract_mentions("CNC-03上周的报警", vocabulary)
    assert [(e.kind, e.value) for e in mentions.entities] == [("equipment", "CNC-03")]
    assert mentions.period == "上周"


def test_names_and_aliases_resolve_to_codes(vocabulary: Vocabulary) -> None:
    mentions = extract_mentions("华新金属的准时交付率，和42CrMo钢棒库存，二号线", vocabulary)
    assert [(e.kind, e.value) for e in mentions.entities] == [
        ("supplier", "SUP-07"),
        ("material", "RM-STEEL-42"),
        ("line", "L2"),
    ]


def test_unknown_code_shaped_words_are_kept_as_written(vocabulary: Vocabulary) -> None:
    mentions = extract_mentions("OEE of line 9 and 5号线, machine XYZ-12", vocabulary)
    assert [(e.kind, e.value, e.code) for e in mentions.entities] == [
        ("line", "line 9", None),
        ("line", "5号线", None),
        ("equipment", "XYZ-12", None),
    ]


def test_order_and_alarm_codes_by_their_prefix() -> None:
    mentions = extract_mentions("PO-260042, MO-260113, WO-260007, SO-260300, E-217 and D-301")
    assert [(e.kind, e.value) for e in mentions.entities] == [
        ("purchase_order", "PO-260042"),
        ("production_order", "MO-260113"),
        ("maintenance_order", "WO-260007"),
        ("sales_order", "SO-260300"),
        ("alarm_code", "E-217"),
        ("downtime_reason", "D-301"),
    ]


def test_one_letter_names_do_not_fire_on_ordinary_words(vocabulary: Vocabulary) -> None:
    assert extract_mentions("what was a good day", vocabulary).entities == []


def test_top_n_is_a_number_and_time_numbers_are_not(vocabulary: Vocabulary) -> None:
    assert extract_mentions("top 5 downtime reasons over the past 7 days", vocabulary).numbers == [5]
    assert extract_mentions("最近7天停机原因前3", vocabulary).numbers == [3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OEE over the past 7 days", ["past 7 days"]),
        ("alarms in the last 24 hours", ["last 24 hours"]),
        ("scrap this month vs last month", ["this month", "last month"]),
        ("downtime the day before yesterday", ["the day before yesterday"]),
        ("output on yesterday's night shift", ["yesterday's night shift"]),
        ("defects from 2026-11-01 to 2026-11-07", ["2026-11-01 to 2026-11-07"]),
        ("defects 2026-11-01..2026-11-07", ["2026-11-01..2026-11-07"]),
        ("OEE on 2026-11-03", ["2026-11-03"]),
        ("OEE in 2026-10", ["2026-10"]),
        ("最近7天的停机", ["最近7天"]),
        ("过去24小时的报警", ["过去24小时"]),
        ("前天和昨天", ["前天", "昨天"]),
        ("本月的报废率", ["本月"]),
        ("上个月的准时交付率", ["上个月"]),
        ("11月3日的产量", ["11月3日"]),
        ("昨天夜班的产量", ["昨天夜班"]),
        ("最近三天", ["最近三天"]),
        ("no time here", []),
    ],
)
def test_time_expressions(text: str, expected: list[str]) -> None:
    assert [mention.text for mention in find_time_mentions(text)] == expected


@pytest.mark.parametrize(
    "expression",
    [
        "past 7 days",
        "last 24 hours",
        "this month",
        "the day before yesterday",
        "2026-11-01 to 2026-11-07",
        "最近7天",
        "前天",
        "11月3日",
        "最近三天",
        "上个月",
    ],
)
def test_extracted_expressions_are_accepted_by_the_tools_resolver(expression: str) -> None:
    now = datetime(2026, 11, 22, 6, 0)
    text = f"OEE {expression}"
    found = find_time_mentions(text)
    assert [mention.text for mention in found] == [expression]
    span = resolve_period(found[0].text, now)
    assert span.start < span.end <= now


DEMO = datetime(2026, 11, 20, 6, 0)
DEMO_SHIFTS = [
    ShiftWindow(
        "A",
        ("Morning shift (A)", "早班（A班）", "Morning shift", "Morning", "A班", "早班"),
        time(6),
        timedelta(hours=8),
    ),
    ShiftWindow(
        "B",
        ("Afternoon shift (B)", "中班（B班）", "Afternoon shift", "Afternoon", "B班", "中班"),
        time(14),
        timedelta(hours=8),
    ),
    ShiftWindow(
        "C", ("Night shift (C)", "夜班（C班）", "Night shift", "Night", "C班", "夜班"), time(22), timedelta(hours=8)
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "start", "end"),
    [
        ("3号数控机床这个季度的MTBF是多少?", "这个季度", datetime(2026, 10, 1), DEMO),
        ("MTBF of ROB-01 this quarter", "this quarter", datetime(2026, 10, 1), DEMO),
        ("CNC-02这个季度坏了几次?", "这个季度", datetime(2026, 10, 1), DEMO),
        ("上周三夜班2号线的OEE", "上周三夜班", datetime(2026, 11, 11, 22), datetime(2026, 11, 12, 6)),
        ("Nov 14 scrap on line 2", "Nov 14", datetime(2026, 11, 14), datetime(2026, 11, 15)),
        ("11月1日到11月7日的停机", "11月1日到11月7日", datetime(2026, 11, 1), datetime(2026, 11, 8)),
        ("去年的准时交货率", "去年", datetime(2025, 1, 1), datetime(2026, 1, 1)),
        (
            "What was the OEE of line 2 on Nov 14 night shift?",
            "Nov 14 night shift",
            datetime(2026, 11, 14, 22),
            datetime(2026, 11, 15, 6),
        ),
        ("Supplier on-time delivery last quarter", "last quarter", datetime(2026, 7, 1), datetime(2026, 10, 1)),
        ("OEE of line 2 in October", "October", datetime(2026, 10, 1), datetime(2026, 11, 1)),
        (
            "downtime between Nov 1 and Nov 7 on L2",
            "between Nov 1 and Nov 7",
            datetime(2026, 11, 1),
            datetime(2026, 11, 8),
        ),
        ("scrap on line 2 from Nov 1 to Nov 7", "Nov 1 to Nov 7", datetime(2026, 11, 1), datetime(2026, 11, 8)),
        ("2号线上周一到周三的报废率", "上周一到周三", datetime(2026, 11, 9), datetime(2026, 11, 12)),
        ("1号线11月14日早班的质量率", "11月14日早班", datetime(2026, 11, 14, 6), datetime(2026, 11, 14, 14)),
        ("alarms on CNC-03 since Monday", "since Monday", datetime(2026, 11, 16), DEMO),
        ("2号线本月至今的OEE", "本月至今", datetime(2026, 11, 1), DEMO),
        ("今年以来的准时交货率", "今年以来", datetime(2026, 1, 1), DEMO),
        ("最近三个月的报警", "最近三个月", datetime(2026, 8, 20, 6), DEMO),
        ("MTBF of CNC-03 over the past 90 days", "past 90 days", datetime(2026, 8, 22, 6), DEMO),
        (
            "yesterday's morning shift output on line 1",
            "yesterday's morning shift",
            datetime(2026, 11, 19, 6),
            datetime(2026, 11, 19, 14),
        ),
        ("查一下上周的OEE", "上周", datetime(2026, 11, 9), datetime(2026, 11, 16)),
        ("昨天前3的停机原因", "昨天", datetime(2026, 11, 19), datetime(2026, 11, 20)),
        ("how many good parts did line 3 make today so far", "today so far", datetime(2026, 11, 20), DEMO),
        ("3号线这个班次能完成计划吗？", "这个班次", datetime(2026, 11, 19, 22), DEMO),
        (
            "What was the scrap rate on last Wednesday?",
            "last Wednesday",
            datetime(2026, 11, 18),
            datetime(2026, 11, 19),
        ),
        ("14号的产量", "14号", datetime(2026, 11, 14), datetime(2026, 11, 15)),
        ("2026年第三季度的MTTR", "2026年第三季度", datetime(2026, 7, 1), datetime(2026, 10, 1)),
        ("上半年的停机", "上半年", datetime(2026, 1, 1), datetime(2026, 7, 1)),
    ],
)
def test_a_sentence_yields_its_whole_time_expression_and_the_tools_read_it(
    text: str, expected: str, start: datetime, end: datetime
) -> None:
    assert [mention.text for mention in find_time_mentions(text)] == [expected]
    assert find_unread_time_words(text) == []
    span = resolve_period(expected, DEMO, shifts=DEMO_SHIFTS)
    assert (span.start, span.end) == (start, end)


def test_the_longest_reading_wins_and_entities_keep_their_numbers(vocabulary: Vocabulary) -> None:
    mentions = extract_mentions("3号数控机床上周三夜班的OEE", vocabulary)
    assert [(e.kind, e.value) for e in mentions.entities] == [("equipment", "CNC-03")]
    assert mentions.period == "上周三夜班"
    # "3号" before a machine or line name is the entity, not the 3rd of the month.
    assert [m.text for m in find_time_mentions("3号线和3号CNC上个月的停机")] == ["上个月"]


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("OEE of line 2 last fortnight", ["last fortnight"]),
        ("MTBF in Q7", ["Q7"]),
        ("上上上季度的MTBF", ["上上上季度"]),
        ("the downtime the other day", ["the other day"]),
        ("最近几天的报警", ["最近几天"]),
        ("scrap on Nov 31", ["Nov 31"]),
        ("11月31日的产量", ["11月31日"]),
        ("alarms over the past few days", ["past few days"]),
        ("昨天下午的停机", ["昨天下午"]),
        ("14号前的停机", ["14号前"]),
        ("OEE this morning", ["this morning"]),
    ],
)
def test_unread_time_words_are_reported_and_never_read_as_another_period(text: str, unread: list[str]) -> None:
    assert [mention.text for mention in find_unread_time_words(text)] == unread
    assert find_time_mentions(text) == []


@pytest.mark.parametrize(("text", "period"), [("下周三的计划产量", "下周三"), ("POs due next week", "next week")])
def test_periods_ahead_are_read_and_only_due_dates_take_them(text: str, period: str) -> None:
    assert [mention.text for mention in find_time_mentions(text)] == [period]
    assert find_unread_time_words(text) == []
    ahead = resolve_period(period, DEMO, allow_future=True)
    assert ahead.start > DEMO
    with pytest.raises(InvalidArgumentsError, match="has not begun"):
        resolve_period(period, DEMO)


@pytest.mark.parametrize(
    "text",
    [
        "OEE by day for line 2",
        "每天的产量",
        "停机原因前3",
        "May I see the OEE of line 2?",
        "Which sales orders are late?",
        "最近的报警",
        "first pass yield of L2",
        "3号数控机床的MTBF",
        "PO-260042 and CNC-03",
    ],
)
def test_ordinary_words_are_not_time_words(text: str) -> None:
    assert find_time_mentions(text) == []
    assert find_unread_time_words(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "compare this month and last month on line 2",
        "2号线昨天和前天的OEE",
        "OEE yesterday vs the day before yesterday",
        "上周三夜班和周四早班",
        "Q3 vs Q2 scrap",
        "from Nov 1 to Nov 7 and since Monday",
        "去年下半年和今年上半年",
        "11/14 night shift, 2026-11-01..2026-11-07, 最近48小时",
    ],
)
def test_every_mention_found_resolves(text: str) -> None:
    found = find_time_mentions(text)
    assert len(found) >= 2
    for mention in found:
        span = resolve_period(mention.text, DEMO, shifts=DEMO_SHIFTS)
        assert span.start < span.end <= DEMO


def test_language_detection() -> None:
    assert detect_language("OEE of L2") == "en"
    assert detect_language("L2的OEE") == "zh"
