"""Metric names in requests (zh/en): longest name first, whole English words, and the shape of a request."""

from __future__ import annotations

import pytest

from agents.extraction import asks_why, split_clauses
from agents.extraction.metric_mentions import MetricNames, find_metric_mentions
from tools import BUILTIN_METRICS

NAMES = MetricNames.of(BUILTIN_METRICS)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("1号线昨天早班的质量率", ["quality_rate"]),
        ("三号线昨天中班做了多少合格品?", ["good_count"]),
        ("L2上周的一次合格率", ["first_pass_yield"]),
        ("直通率和良品率", ["first_pass_yield", "quality_rate"]),
        ("first-pass yield and OEE of line 1", ["first_pass_yield", "oee"]),
        ("What is the quality rate of L1?", ["quality_rate"]),
        ("Cpk of the VB-25 seat bore", ["cpk"]),
        ("MTBF of ROB-01 this quarter", ["mtbf"]),
        ("华鑫的准时交货率", ["on_time_delivery"]),
        ("4号线的时间开动率和性能开动率", ["availability", "performance"]),
    ],
)
def test_metric_names_are_found_longest_first(text: str, keys: list[str]) -> None:
    assert [mention.key for mention in find_metric_mentions(text, NAMES)] == keys


@pytest.mark.parametrize("text", ["CP-40 pump output", "first-rate service", "oeee", "how many parts"])
def test_words_that_only_look_like_metric_names_are_not_metrics(text: str) -> None:
    assert find_metric_mentions(text, NAMES) == []


def test_a_mention_keeps_the_words_as_written() -> None:
    [mention] = find_metric_mentions("Quality Rate of L1", NAMES)
    assert (mention.key, mention.text, mention.start, mention.end) == ("quality_rate", "Quality Rate", 0, 12)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Why was line 2's OEE low?", True),
        ("2号线上周OEE为什么低？", True),
        ("OEE低的原因", True),
        ("what caused the breakdown on CNC-03", True),
        ("1号线本月的停机原因", False),
        ("top downtime reasons on line 2", False),
    ],
)
def test_why_questions(text: str, why: bool) -> None:
    assert asks_why(text) is why


def test_clauses_of_a_request_that_asks_several_things() -> None:
    assert split_clauses("CNC-03上周振动最高是多少？最常见的报警是哪个？") == [
        "CNC-03上周振动最高是多少",
        "最常见的报警是哪个",
    ]
    assert split_clauses("What was the OEE of line 2 last week, and how many work orders are open?") == [
        "What was the OEE of line 2 last week",
        "how many work orders are open",
    ]
    assert split_clauses("OEE of line 1 and line 2 yesterday") == ["OEE of line 1 and line 2 yesterday"]
