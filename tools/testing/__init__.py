"""Conformance kit for tool authors: the contract checks Andon runs on its own tools.

In a plugin's tests:

    from tools.testing import ToolConformance

    class TestEnergyTool(ToolConformance):
        tool = energy_by_equipment
        sample_args = {"equipment": "CNC-03"}

        @pytest.fixture
        def tool_context(self) -> ToolContext:
            return context_for(session, role=Role.ADMIN)

Or call `check_tool(tool, ctx=..., args=...)` directly; every check raises AssertionError with a
message saying what to fix.
"""

from tools.testing.checks import (
    check_arguments_forbid_extras,
    check_call,
    check_metadata,
    check_result_model,
    check_schema,
    check_tool,
    check_write_executor,
    sample_arguments,
)
from tools.testing.context import context_for, memory_engine, pending_proposal
from tools.testing.suite import ToolConformance

__all__ = [
    "ToolConformance",
    "check_arguments_forbid_extras",
    "check_call",
    "check_metadata",
    "check_result_model",
    "check_schema",
    "check_tool",
    "check_write_executor",
    "context_for",
    "memory_engine",
    "pending_proposal",
    "sample_arguments",
]
