"""Routing by what the tools compute and take: a named metric reaches the agent whose tools compute it, a
named supplier or document the agent whose tools take it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agents.extraction import Term, Vocabulary, document_vocabulary, extract_mentions
from agents.routing.capabilities import EntityOwners, MetricOwners, route_by_entities, route_by_metrics
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


# -- routing by the things a request names -----------------------------------------------------------------

ENTITY_OWNERS = EntityOwners(load_registry().tools)
VOCABULARY = Vocabulary(
    terms=[
        Term("supplier", "SUP-02", ("Wuxi Precision Bearing", "无锡精密轴承")),
        Term("equipment", "CNC-03", ("3号数控机床",), parent="L2"),
        Term("material", "RM-1201", ("cutting fluid", "切削液")),
        Term("failure_mode", "FM-GRP", ("吸盘",)),
    ]
).merged(
    document_vocabulary(
        [
            SimpleNamespace(id="SAFE-CHEM", title="Cutting fluid and washer chemicals handling"),
            SimpleNamespace(id="MM-ROBOT", title="机器人维护保养手册（ROB-01 FANUC / DBR-01 ABB）"),
        ]
    )
)


def _named(text: str) -> list[str]:
    return [entity.kind for entity in extract_mentions(text, VOCABULARY).entities]


def test_which_domains_take_which_things_comes_from_the_tools_parameters() -> None:
    assert ENTITY_OWNERS.owners("supplier") == ["supply_chain"]
    assert ENTITY_OWNERS.owners("document") == ["knowledge"]
    assert ENTITY_OWNERS.owners("alarm_code") == ["equipment"]
    # Every data domain takes a machine: naming one decides nothing.
    assert set(ENTITY_OWNERS.owners("equipment")) >= {"production", "maintenance", "equipment"}
    assert not ENTITY_OWNERS.take("production", "supplier")
    # The document search takes anything in its words but owns no kind.
    assert ENTITY_OWNERS.take("knowledge", "material")
    assert "knowledge" not in ENTITY_OWNERS.owners("material")


def test_a_documents_title_is_named_whole_never_by_its_first_word() -> None:
    assert _named("What does the document 'Cutting fluid and washer chemicals handling' say?") == ["document"]
    # "Cutting fluid" alone is the material, not the document.
    assert _named("How much cutting fluid is in stock?") == ["material"]


@pytest.mark.parametrize(
    ("text", "routed", "plain", "expected"),
    [
        # A supplier only supply chain's tools take; production takes nothing the request names: replaced.
        ("How many PO lines from SUP-02 are still open?", ["production"], True, ["supply_chain"]),
        # The document is what is asked about; the section's words (a material, a failure mode) are its own.
        (
            "What does the document 'Cutting fluid and washer chemicals handling' say under 'Mixing cutting fluid'?",
            ["knowledge", "supply_chain"],
            True,
            ["knowledge"],
        ),
        (
            "《机器人维护保养手册（ROB-01 FANUC / DBR-01 ABB）》中“更换吸盘”部分是怎么规定的？",
            ["knowledge", "maintenance"],
            True,
            ["knowledge"],
        ),
        # The routed domain takes the machine it names: the supplier's domain joins.
        ("CNC-03 bearings from SUP-02, are they the cause", ["maintenance"], True, ["maintenance", "supply_chain"]),
        # Two clauses: every decisive thing no routed domain takes brings its domain in.
        ("Check CNC-03, and how late is SUP-02?", ["maintenance"], False, ["maintenance", "supply_chain"]),
        # The alarm code's domain takes the machine too: it answers alone.
        ("How often did E-217 go off on CNC-03 last week?", ["production"], True, ["equipment"]),
        # The document search takes any words: a named alarm code or material keeps a document question there.
        ("What does alarm E-217 mean?", ["knowledge"], True, ["knowledge"]),
        ("How do I check the cutting fluid concentration with the refractometer?", ["knowledge"], True, ["knowledge"]),
        # Already there: kept.
        ("on-time delivery of SUP-02 this quarter", ["supply_chain"], True, ["supply_chain"]),
        # Nothing decisive named: the router's decision stands.
        ("CNC-03 vibration and its last repair", ["equipment", "maintenance"], True, ["equipment", "maintenance"]),
    ],
)
def test_a_named_thing_reaches_the_domain_whose_tools_take_it(
    text: str, routed: list[str], plain: bool, expected: list[str]
) -> None:
    decision = route_by_entities(_routed(*routed), _named(text), ENTITY_OWNERS, plain=plain)
    assert decision.domains == expected
    assert decision.kind == ("multi" if len(expected) > 1 else "single")


def test_requests_naming_nothing_or_out_of_scope_keep_the_routers_decision_by_entities() -> None:
    decision = _routed("production")
    assert route_by_entities(decision, [], ENTITY_OWNERS, plain=True) is decision
    outside = RoutingDecision(domains=[], confidence=0.9, kind="out_of_scope")
    assert route_by_entities(outside, ["supplier"], ENTITY_OWNERS, plain=True) is outside
