"""Mention extraction: time expressions and plant entities in English and Chinese requests."""

from __future__ import annotations

from datetime import datetime

import pytest

from agents.extraction import Term, Vocabulary, detect_language, extract_mentions, find_time_mentions, terms_from_rows
from tools.resolvers import resolve_period


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


def test_language_detection() -> None:
    assert detect_language("OEE of L2") == "en"
    assert detect_language("L2的OEE") == "zh"
