"""The registry: tools by name and domain, duplicates refused, unknown names answered with near matches."""

from __future__ import annotations

import pytest

from tools import Provenance, Registry, ToolContext, ToolError, ToolNotFoundError, ToolResult, tool


@tool(domain="quality", description_zh="缺陷排列图", examples=["defect pareto", "缺陷排列图"])
def defect_pareto(ctx: ToolContext) -> ToolResult:
    """Defects by code."""
    return ToolResult(summary="", provenance=Provenance(tables=["defect"]))


@tool(domain="quality", description_zh="一次合格率", examples=["first pass yield", "一次合格率"])
def first_pass_yield(ctx: ToolContext) -> ToolResult:
    """First pass yield."""
    return ToolResult(summary="", provenance=Provenance(tables=["inspection"]))


@tool(domain="supply_chain", description_zh="库存", examples=["stock of M-100", "M-100库存"])
def stock_levels(ctx: ToolContext) -> ToolResult:
    """Stock levels."""
    return ToolResult(summary="", provenance=Provenance(tables=["inventory"]))


def test_tools_by_name_and_domain_in_load_order() -> None:
    registry = Registry.of(defect_pareto, stock_levels, first_pass_yield)
    assert registry.names == ["defect_pareto", "stock_levels", "first_pass_yield"]
    assert registry.get("stock_levels") is stock_levels
    assert [item.name for item in registry.by_domain("quality")] == ["defect_pareto", "first_pass_yield"]
    assert registry.by_domain("knowledge") == []
    assert len(registry) == 3
    assert "defect_pareto" in registry


def test_unknown_tool_suggests_near_names() -> None:
    registry = Registry.of(defect_pareto, first_pass_yield)
    with pytest.raises(ToolNotFoundError) as caught:
        registry.get("defect_parreto")
    assert caught.value.suggestions == ["defect_pareto"]
    assert "did you mean defect_pareto?" in str(caught.value)


def test_each_registry_is_independent() -> None:
    first = Registry.of(defect_pareto)
    second = Registry()
    assert "defect_pareto" in first
    assert "defect_pareto" not in second


def test_a_duplicate_name_rejects_the_whole_batch() -> None:
    registry = Registry.of(defect_pareto)
    with pytest.raises(ToolError, match="'defect_pareto' is already registered by builtin"):
        registry.add_all([stock_levels, defect_pareto], source="acme-quality")
    assert registry.names == ["defect_pareto"]


def test_a_duplicate_within_one_plugin_is_refused() -> None:
    with pytest.raises(ToolError, match="already registered"):
        Registry.of(stock_levels, stock_levels, source="acme")


def test_only_tools_can_be_registered() -> None:
    with pytest.raises(ToolError, match="expects a Tool"):
        Registry().add_all([print], source="acme")  # type: ignore[list-item]


def test_source_records_where_the_tool_came_from() -> None:
    registry = Registry.of(first_pass_yield, source="acme-quality")
    assert registry.get("first_pass_yield").source == "acme-quality"
