"""Routing by what the tools compute: a named metric reaches the agent whose tools compute it."""

from __future__ import annotations

import pytest

from agents.routing.capabilities import MetricOwners, route_by_metrics
from agents.routing.decision import RoutingDecision
from tools import load_registry

OWNERS = MetricOwners(load_registry().tools)


def _routed(*domains: str) -> RoutingDecision:
    return RoutingDecision(domains=list(domains), confidence=0.9, kind="multi" if len(domains) > 1 else "single")


def test_owners_come_from_the_tools_declarations() -> None:
    assert OWNERS.owners["quality_rate"] == ["production"]
    assert OWNERS.owners["first_pass_yield"] == ["quality"]
    assert OWNERS.owners["good_count"] == ["production"]
    assert OWNERS.asked("1号线昨天早班的质量率") == ["quality_rate"]


@pytest.mark.parametrize(
    ("text", "routed", "expected"),
    [
        # The quality rate is the OEE quality factor: production's OEE tool computes it.
        ("1号线昨天早班的质量率", ["quality"], ["production"]),
        ("三号线昨天中班做了多少合格品?", ["quality"], ["production"]),
        # One metric, one clause: its owner alone, the router's extra domain is not needed.
        ("scrap rate of line 4 yesterday", ["quality", "production"], ["quality"]),
        # Already right: kept.
        ("2号线昨天的OEE是多少?", ["production"], ["production"]),
        # Every named figure is production's, even asked "why": production answers it alone.
        (
            "Why was line 1's OEE low? Give the OEE and the main downtime.",
            ["production", "maintenance"],
            ["production"],
        ),
        # Several metrics of different owners: the missing owner joins.
        ("OEE and first pass yield of line 1 last week", ["production"], ["production", "quality"]),
    ],
)
def test_a_named_metric_reaches_its_owner(text: str, routed: list[str], expected: list[str]) -> None:
    plain = len(text.split(" and ")) == 1
    decision = route_by_metrics(_routed(*routed), OWNERS.asked(text), OWNERS.owners, plain=plain)
    assert decision.domains == expected
    assert decision.kind == ("multi" if len(expected) > 1 else "single")


def test_requests_without_a_metric_or_out_of_scope_keep_the_routers_decision() -> None:
    decision = _routed("maintenance", "equipment")
    assert route_by_metrics(decision, [], OWNERS.owners, plain=True) is decision
    outside = RoutingDecision(domains=[], confidence=0.9, kind="out_of_scope")
    assert route_by_metrics(outside, ["oee"], OWNERS.owners, plain=True) is outside
