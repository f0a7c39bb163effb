"""Every figure in an answer must be backed by a tool result of the turn; identifiers and dates are not figures."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import BaseModel

from agents.grounding import find_ungrounded_numbers

OEE_RESULT = {
    "summary": "OEE of L2 on 2026-11-21",
    "oee": 0.853,
    "availability": 0.912,
    "performance": 0.95,
    "quality": 0.9845,
    "good_count": 12345,
    "unit": "ratio",
    "period": {"start": "2026-11-21T00:00:00", "end": "2026-11-22T00:00:00", "label": "yesterday"},
    "scope": {"line": "L2"},
    "provenance": {"tables": ["production_count", "downtime_event"], "row_count": 48},
}


def test_a_grounded_english_answer_has_no_ungrounded_numbers() -> None:
    answer = (
        "OEE of line 2 (L2) yesterday (2026-11-21) was 85.3% (availability 91.2%, performance 95.0%, "
        "quality 98.45%), 12,345 good parts, from 48 rows of production_count and downtime_event."
    )
    assert find_ungrounded_numbers(answer, [OEE_RESULT]) == []


def test_a_grounded_chinese_answer_has_no_ungrounded_numbers() -> None:
    answer = "2号线昨天（2026年11月21日）的OEE为85.3%，可用率91.2%，良品12345件，依据production_count的48行数据。"
    assert find_ungrounded_numbers(answer, [OEE_RESULT]) == []


def test_an_invented_figure_is_caught_and_reported_as_written() -> None:
    answer = "OEE of line 2 yesterday was 85.3%, 7 breakdowns and an MTTR of 1,250.5 min."
    assert find_ungrounded_numbers(answer, [OEE_RESULT]) == ["7", "1,250.5"]


def test_a_wrong_rounding_is_caught() -> None:
    # 0.853 is 85.3%; 85.4% and 86% do not round from it, 85% does (two significant digits kept).
    assert find_ungrounded_numbers("85.4% / 86% / 85%", [{"oee": 0.853}]) == ["85.4", "86"]


def test_rounding_must_keep_two_significant_digits() -> None:
    # A ratio of 0.853 must not back an invented count of "1".
    assert find_ungrounded_numbers("1 failure", [{"oee": 0.853}]) == ["1"]
    assert find_ungrounded_numbers("1 failure", [{"failures": 1}]) == []


def test_ratio_only_becomes_percentage_when_written_as_one() -> None:
    assert find_ungrounded_numbers("OEE 85.3", [{"oee": 0.853}]) == ["85.3"]
    assert find_ungrounded_numbers("OEE 85.3 percent", [{"oee": 0.853}]) == []


def test_identifiers_are_not_figures() -> None:
    answer = "CNC-03 raised E-217 on line 3, 3号线, L4, PO-250113, see ISO 22400 step 4 and 第2班."
    assert find_ungrounded_numbers(answer, [{}]) == []


def test_list_markers_are_not_figures_but_list_lengths_are_grounded() -> None:
    result = {"items": [{"reason": "jam", "minutes": 42.5}, {"reason": "setup", "minutes": 30}]}
    answer = "Top 2 reasons:\n1. jam 42.5 min\n2. setup 30 min"
    assert find_ungrounded_numbers(answer, [result]) == []


def test_dates_are_compared_as_dates_not_as_loose_numbers() -> None:
    # The "21" of a result date must not ground "21 stops"; a date that is not in the results is caught.
    result = {"period": {"start": "2026-11-21T00:00:00", "end": "2026-11-22T00:00:00"}, "stops": 4}
    assert find_ungrounded_numbers("On Nov 21 there were 4 stops.", [result]) == []
    assert find_ungrounded_numbers("On 2026-11-21 there were 21 stops.", [result]) == ["21"]
    assert find_ungrounded_numbers("On 2026-11-19 there were 4 stops.", [result]) == ["2026-11-19"]
    assert find_ungrounded_numbers("11月21日共4次停机", [result]) == []


def test_half_open_period_end_backs_the_last_included_day() -> None:
    result = {"period": {"start": "2026-11-15T00:00:00", "end": "2026-11-22T00:00:00"}}
    assert find_ungrounded_numbers("from 2026-11-15 to 2026-11-21", [result]) == []


def test_clock_times_must_come_from_the_results() -> None:
    result = {"started": "2026-11-21T08:30:00", "minutes": 15}
    assert find_ungrounded_numbers("stopped at 08:30 for 15 min", [result]) == []
    assert find_ungrounded_numbers("stopped at 09:45 for 15 min", [result]) == ["09:45"]


def test_results_as_json_text_pydantic_models_and_datetimes() -> None:
    class Stock(BaseModel):
        on_hand: float
        counted_at: datetime

    results = [json.dumps({"reorder_point": 500}), Stock(on_hand=320.0, counted_at=datetime(2026, 11, 20, 6, 0))]
    assert find_ungrounded_numbers("320 kg on hand (reorder point 500) on 2026-11-20 06:00", results) == []


def test_plain_text_results_are_scanned_for_numbers() -> None:
    assert find_ungrounded_numbers("torque 35 Nm", ["Tighten to 35 Nm (section 4.2)."]) == []


def test_numbers_of_the_request_may_be_repeated() -> None:
    answer = "No: OEE was 75.2%, below the 80% target you asked about."
    assert find_ungrounded_numbers(answer, [{"oee": 0.752}]) == ["80"]
    assert find_ungrounded_numbers(answer, [{"oee": 0.752}], also_allowed=["Was OEE above 80%?"]) == []


def test_negative_figures_and_ranges() -> None:
    assert find_ungrounded_numbers("drift of -0.8 um", [{"drift": -0.8}]) == []
    assert find_ungrounded_numbers("between 1-3 stops", [{"min": 1, "max": 3}]) == []
    assert find_ungrounded_numbers("between 1-4 stops", [{"min": 1, "max": 3}]) == ["4"]


def test_no_tool_results_means_every_figure_is_ungrounded() -> None:
    assert find_ungrounded_numbers("OEE was 85.3% and 12 stops", []) == ["85.3", "12"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("no data for that period", []),
        ("没有数据", []),
        ("12h of downtime", []),
        ("13h of downtime", ["13"]),
    ],
)
def test_small_cases(answer: str, expected: list[str]) -> None:
    assert find_ungrounded_numbers(answer, [{"downtime_h": 12.0}]) == expected
