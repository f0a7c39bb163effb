"""The conformance kit: every registered tool passes it, and it catches the mistakes it promises to catch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from sqlmodel import Session

from connectors import plant_clock
from tools import Permission, ProposalDraft, Provenance, Role, Tool, ToolContext, ToolResult, load_registry
from tools.testing import (
    ToolConformance,
    check_arguments_forbid_extras,
    check_call,
    check_metadata,
    check_result_model,
    check_schema,
    check_tool,
    check_write_executor,
    context_for,
    memory_engine,
    sample_arguments,
)

REGISTRY = load_registry()


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The small demo plant (seed 7): the plant the tools' sample arguments are written for."""
    from connectors import DatabaseConfig, open_engine, seed_plant

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path_factory.mktemp('demo') / 'plant.db'}"))
    seed_plant(engine, scale="small", seed=7)
    return engine


@pytest.fixture
def admin(demo_engine: Engine) -> Iterator[ToolContext]:
    with Session(demo_engine) as session:
        yield ToolContext(user="tester", role=Role.ADMIN, session=session, clock=plant_clock(session))
        session.rollback()


def test_the_builtin_plugin_loads_without_errors() -> None:
    assert REGISTRY.broken == []
    assert {item.source for item in REGISTRY} == {"builtin"}


@pytest.mark.parametrize("name", REGISTRY.names)
def test_every_registered_tool_conforms(name: str) -> None:
    check_tool(REGISTRY.get(name))


@pytest.mark.parametrize("name", REGISTRY.names)
def test_every_registered_tool_answers_its_sample_call_on_the_demo_plant(name: str, admin: ToolContext) -> None:
    item = REGISTRY.get(name)
    assert sample_arguments(item) is not None, f"{name}: declare sample_args"
    check_call(item, admin)


class Output(ToolResult):
    parts: int


def _fn(ctx: ToolContext, line: str) -> Output:
    """Parts a line made.

    Args:
        line: Line code.
    """
    return Output(summary=f"{line}: 5 parts", provenance=Provenance(tables=["production_count"]), parts=5)


def _tool(fn: Any = _fn, **overrides: Any) -> Tool:
    options: dict[str, Any] = {
        "domain": "production",
        "permission": Permission.READ,
        "description_zh": "产线产量",
        "examples": ["parts of L2", "2号线产量"],
        "sample_args": {"line": "L2"},
        "name": "line_output",
    }
    options.update(overrides)
    return Tool(fn, **options)


good = _tool()


class TestKitOnAGoodTool(ToolConformance):
    tool = good

    @pytest.fixture
    def tool_context(self) -> Iterator[ToolContext]:
        with Session(memory_engine()) as session:
            yield context_for(session)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description_zh": "line output"}, "description_zh must be Chinese"),
        ({"examples": ["parts of L2"]}, "needs a Chinese example request"),
        ({"examples": ["2号线产量"]}, "needs an English example request"),
        ({"name": "Line-Output"}, "name must be snake_case"),
        ({"domain": "finance"}, "domain 'finance' is not one of"),
    ],
)
def test_metadata_mistakes_are_caught(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_metadata(_tool(**overrides))


def test_an_undocumented_parameter_is_caught() -> None:
    def fn(ctx: ToolContext, line: str) -> Output:
        """Parts a line made."""
        raise NotImplementedError

    with pytest.raises(AssertionError, match="describe line in the docstring's Args: section"):
        check_schema(_tool(fn))


def test_an_args_model_that_allows_extras_is_caught() -> None:
    loose = _tool()
    loose.args_model.model_config["extra"] = "allow"
    with pytest.raises(AssertionError, match="extra='forbid'"):
        check_arguments_forbid_extras(loose)


class Loose(ToolResult):
    model_config = ConfigDict(extra="allow")


class Draft(ProposalDraft):
    pass


def test_a_result_model_that_allows_extras_is_caught() -> None:
    def fn(ctx: ToolContext) -> Loose:
        """Loose."""
        raise NotImplementedError

    with pytest.raises(AssertionError, match="result model must forbid extras"):
        check_result_model(_tool(fn, sample_args=None))


def test_a_write_tool_without_executor_is_caught() -> None:
    def fn(ctx: ToolContext) -> Draft:
        """Propose."""
        raise NotImplementedError

    with pytest.raises(AssertionError, match="WRITE tools need an executor"):
        check_write_executor(_tool(fn, permission=Permission.WRITE, sample_args=None))


def test_a_result_without_provenance_tables_is_caught() -> None:
    def fn(ctx: ToolContext, line: str) -> Output:
        """Parts.

        Args:
            line: Line code.
        """
        return Output(summary="x", provenance=Provenance(tables=[]), parts=1)

    with Session(memory_engine()) as session, pytest.raises(AssertionError, match="provenance must name the tables"):
        check_call(_tool(fn), context_for(session))


def test_a_truncated_result_must_say_how_many_rows_matched() -> None:
    def fn(ctx: ToolContext, line: str) -> Output:
        """Parts.

        Args:
            line: Line code.
        """
        return Output(summary="x", provenance=Provenance(tables=["t"]), complete=False, parts=1)

    with Session(memory_engine()) as session, pytest.raises(AssertionError, match="total_count"):
        check_call(_tool(fn), context_for(session))


def test_sample_arguments_come_from_sample_args_then_schema_examples() -> None:
    def fn(ctx: ToolContext, line: Annotated[str, Field(examples=["L1"])], days: int = 7) -> Output:
        """Parts.

        Args:
            line: Line code.
            days: Days back.
        """
        raise NotImplementedError

    def required(ctx: ToolContext, line: str) -> Output:
        """Parts.

        Args:
            line: Line code.
        """
        raise NotImplementedError

    assert sample_arguments(good) == {"line": "L2"}
    assert sample_arguments(_tool(fn, sample_args=None)) == {"line": "L1"}
    assert sample_arguments(_tool(required, sample_args=None)) is None


def test_check_call_returns_the_result() -> None:
    with Session(memory_engine()) as session:
        result = check_call(good, context_for(session))
    assert isinstance(result, BaseModel)
    assert result.model_dump()["parts"] == 5
