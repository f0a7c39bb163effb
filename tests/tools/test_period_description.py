"""A resolved period in words for the first line of an answer, in English and Chinese."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tools.contract import PeriodSpan
from tools.resolvers import ShiftWindow, describe_period, resolve_period

DEMO = datetime(2026, 11, 20, 6, 0)
NIGHT = ShiftWindow("C", ("Night shift (C)", "夜班（C班）", "Night shift", "夜班"), time(22), timedelta(hours=8))


@pytest.mark.parametrize(
    ("expression", "english", "chinese"),
    [
        (
            "this quarter",
            "this quarter to date: 2026-10-01 – 2026-11-20 06:00",
            "本季度至今：2026-10-01 至 2026-11-20 06:00",
        ),
        (
            "上季度",
            "last quarter (Q3 2026): 2026-07-01 – 2026-09-30",
            "上季度（2026年第三季度）：2026-07-01 至 2026-09-30",
        ),
        ("11月1日到11月7日", "2026-11-01 – 2026-11-07", "2026-11-01 至 2026-11-07"),
        ("Nov 14", "2026-11-14 (Sat)", "2026-11-14（周六）"),
        ("yesterday", "yesterday: 2026-11-19 (Thu)", "昨天：2026-11-19（周四）"),
        ("today", "today: 2026-11-20 00:00 – 06:00", "今天：2026-11-20 00:00 至 06:00"),
        ("上周三", "Wednesday of last week: 2026-11-11 (Wed)", "上周三：2026-11-11（周三）"),
        ("last Wednesday", "last Wednesday: 2026-11-18 (Wed)", "上一个周三：2026-11-18（周三）"),
        (
            "past 48 hours",
            "past 48 hours: 2026-11-18 06:00 – 2026-11-20 06:00",
            "过去48小时：2026-11-18 06:00 至 2026-11-20 06:00",
        ),
        ("去年", "last year (2025): 2025-01-01 – 2025-12-31", "去年（2025年）：2025-01-01 至 2025-12-31"),
        ("since Monday", "since Monday: 2026-11-16 – 2026-11-20 06:00", "自周一以来：2026-11-16 至 2026-11-20 06:00"),
        (
            "上周三夜班",
            "Night shift (C), Wednesday of last week: 2026-11-11 22:00 – 2026-11-12 06:00",
            "上周三夜班（C班）：2026-11-11 22:00 至 2026-11-12 06:00",
        ),
    ],
)
def test_a_period_reads_as_its_interpretation_then_its_dates(expression: str, english: str, chinese: str) -> None:
    span = resolve_period(expression, DEMO, shifts=[NIGHT])
    assert describe_period(span, "en") == english
    assert describe_period(span, "zh") == chinese


def test_a_tool_result_period_in_json_form_is_described_too() -> None:
    span = resolve_period("上个月", DEMO)
    assert describe_period(span.model_dump(mode="json"), "en") == "last month (October 2026): 2026-10-01 – 2026-10-31"


def test_a_period_without_a_reading_is_named_by_its_expression() -> None:
    old = {"start": "2026-11-19T00:00:00", "end": "2026-11-20T00:00:00", "label": "yesterday"}
    assert describe_period(old, "en") == "yesterday: 2026-11-19 (Thu)"
    dated = PeriodSpan(start=datetime(2026, 11, 1), end=datetime(2026, 11, 8), label="2026-11-01 – 2026-11-07")
    assert describe_period(dated, "zh") == "2026-11-01 至 2026-11-07"
