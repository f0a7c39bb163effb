"""`ToolConformance`: ready-made pytest tests for one tool (subclass it as `Test...`)."""

from __future__ import annotations

from typing import Any, ClassVar

from tools.contract import Tool, ToolContext
from tools.testing.checks import (
    check_arguments_forbid_extras,
    check_call,
    check_metadata,
    check_result_model,
    check_schema,
    check_write_executor,
)

__all__ = ["ToolConformance"]


class ToolConformance:
    """Set `tool` (and `sample_args` unless the tool declares its own); define a `tool_context`
    fixture returning a ToolContext over your test data for the call test."""

    tool: ClassVar[Tool]
    sample_args: ClassVar[dict[str, Any] | None] = None

    def test_metadata(self) -> None:
        check_metadata(self.tool)

    def test_arguments_forbid_extras(self) -> None:
        check_arguments_forbid_extras(self.tool)

    def test_schema(self) -> None:
        check_schema(self.tool)

    def test_result_model(self) -> None:
        check_result_model(self.tool)

    def test_write_executor(self) -> None:
        check_write_executor(self.tool)

    def test_call(self, tool_context: ToolContext) -> None:
        check_call(self.tool, tool_context, self.sample_args)
