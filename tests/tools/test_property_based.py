"""Random arguments at every registered tool: the outcome is a result or a clear refusal, never a crash.

Hypothesis builds argument dicts from each tool's JSON schema (right names, wrong and right types,
SQL-looking text, Chinese text, absurd periods and limits) and from nothing at all (unknown names).
Every call goes through `invoke` on the small demo plant, as an admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from connectors import plant_clock, plant_info
from tools import (
    AuditLog,
    OutcomeStatus,
    ProposalStore,
    Role,
    Tool,
    ToolContext,
    create_tool_tables,
    invoke,
    load_registry,
)
from tools.testing import memory_engine, sample_arguments

REGISTRY = load_registry()

INJECTIONS = [
    "'; DROP TABLE production_order; --",
    "L2' OR '1'='1",
    'CNC-03"; DELETE FROM alarm; --',
    "1; UPDATE inventory SET quantity = 0",
    "x' UNION SELECT sql FROM sqlite_master --",
    "%",
    "_",
    "\\",
]
ODD_TEXT = [
    "",
    " ",
    "L2",
    "2号线",
    "CNC-03",
    "3号数控机床",
    "昨天",
    "上周",
    "last week",
    "1900-01-01..2999-12-31",
    "0000-00-00",
    "2026-02-30",
    "past 100000 days",
    "最近99999天",
    "MO-260001",
    "\x00",
    "A" * 2000,
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(INJECTIONS + ODD_TEXT),
    st.text(max_size=40),
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _value_for(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values near what the property expects, plus anything at all."""
    choices: list[st.SearchStrategy[Any]] = [JSONISH]
    options = [prop, *prop.get("anyOf", [])]
    for option in options:
        if "enum" in option:
            choices.append(st.sampled_from(option["enum"]))
        kind = option.get("type")
        if kind == "string":
            choices.append(st.sampled_from(INJECTIONS + ODD_TEXT))
        elif kind == "integer":
            choices.append(st.integers(min_value=-10, max_value=10**7))
        elif kind == "number":
            choices.append(st.floats(allow_nan=True, allow_infinity=True))
        elif kind == "boolean":
            choices.append(st.booleans())
    return st.one_of(choices)


def _arguments(item: Tool) -> st.SearchStrategy[dict[str, Any]]:
    props: dict[str, Any] = item.parameters_schema().get("properties", {})
    sample = sample_arguments(item) or {}
    by_schema = st.fixed_dictionaries({}, optional={name: _value_for(prop) for name, prop in props.items()})
    # Half-right calls: the sample call with one argument replaced by something near or far from valid.
    mutated = st.sampled_from(sorted(props) or ["x"]).flatmap(
        lambda name: _value_for(props.get(name, {})).map(lambda value: {**sample, name: value})
    )
    unknown = st.dictionaries(st.text(min_size=1, max_size=10), JSONISH, max_size=3)
    return st.one_of(st.just(sample), by_schema, mutated, unknown)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from connectors import DatabaseConfig, open_engine, seed_plant

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path_factory.mktemp('demo') / 'plant.db'}"))
    seed_plant(engine, scale="small", seed=7)
    return engine


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> AuditLog:
    return AuditLog(tmp_path_factory.mktemp("audit") / "audit.jsonl", durable=False)


@pytest.fixture(scope="module")
def proposals() -> ProposalStore:
    engine = memory_engine()
    create_tool_tables(engine)
    return ProposalStore(engine)


@pytest.fixture(scope="module")
def admin(demo_engine: Engine) -> Iterator[ToolContext]:
    with Session(demo_engine) as session:
        yield ToolContext(user="fuzzer", role=Role.ADMIN, session=session, clock=plant_clock(session))
        session.rollback()


REFUSALS = {OutcomeStatus.INVALID, OutcomeStatus.NOT_FOUND_ENTITY, OutcomeStatus.DENIED, OutcomeStatus.ERROR}


@pytest.mark.parametrize("name", REGISTRY.names)
def test_random_arguments_never_crash_a_tool(
    name: str, admin: ToolContext, audit: AuditLog, proposals: ProposalStore
) -> None:
    item = REGISTRY.get(name)

    @settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(args=_arguments(item))
    def run(args: dict[str, Any]) -> None:
        outcome = invoke(item, admin, args, audit=audit, proposals=proposals)
        assert not outcome.internal, f"{name}({args!r}) crashed: {outcome.message}"
        if outcome.status in REFUSALS:
            assert outcome.message.strip()
            assert "\n" not in outcome.message, "refusals are one line"
        else:
            assert outcome.status in {OutcomeStatus.OK, OutcomeStatus.PROPOSED}

    run()


def test_sql_looking_text_in_every_string_argument_changes_nothing(
    demo_engine: Engine, admin: ToolContext, audit: AuditLog, proposals: ProposalStore
) -> None:
    before = plant_info(demo_engine).row_counts
    for item in REGISTRY:
        props = item.parameters_schema().get("properties", {})
        strings = [name for name, prop in props.items() if "string" in str(prop)]
        for name in strings:
            for text in INJECTIONS:
                outcome = invoke(
                    item, admin, {**(sample_arguments(item) or {}), name: text}, audit=audit, proposals=proposals
                )
                assert not outcome.internal, f"{item.name}({name}={text!r}): {outcome.message}"
    assert plant_info(demo_engine).row_counts == before


def test_every_fuzzed_call_is_in_an_intact_audit_log(audit: AuditLog) -> None:
    report = audit.verify()
    assert report.ok
    assert report.entries >= 30 * len(REGISTRY)
    outcomes = {(entry.tool, entry.outcome) for entry in audit.entries()}
    # The fuzzing reached past validation: every tool both answered and refused some calls.
    assert {name for name, outcome in outcomes if outcome in {"ok", "proposed"}} == set(REGISTRY.names)
    assert {name for name, outcome in outcomes if outcome == "invalid"} == set(REGISTRY.names)
