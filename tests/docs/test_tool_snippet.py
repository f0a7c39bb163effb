"""The plugin guide's "tool in 15 lines" (docs/snippets/alarm_count.py) passes the conformance kit and counts right."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from tools import PermissionDeniedError, Role, UnknownEntityError
from tools.testing import check_tool, context_for

SNIPPET = Path(__file__).resolve().parents[2] / "docs" / "snippets" / "alarm_count.py"


@pytest.fixture(scope="module")
def snippet() -> ModuleType:
    spec = importlib.util.spec_from_file_location("alarm_count_snippet", SNIPPET)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_snippet_is_about_fifteen_lines_of_tool() -> None:
    lines = SNIPPET.read_text(encoding="utf-8").splitlines()
    start = lines.index("class AlarmCount(ToolResult):")
    end = lines.index("def register_tools(register: Callable[[Tool], None]) -> None:")
    body = lines[start:end]
    code = [line for line in body if line.strip() and not line.strip().startswith(('"""', "Args:", "equipment:"))]
    assert len(code) <= 26


def test_snippet_passes_the_conformance_kit_and_counts_cnc03_alarms(
    snippet: ModuleType, small_plant_engine: Engine
) -> None:
    tool = snippet.alarm_count
    with Session(small_plant_engine) as session:
        expected = session.execute(
            text("SELECT count(*) FROM alarm WHERE equipment_id = (SELECT id FROM equipment WHERE code = 'CNC-03')")
        ).scalar_one()
        ctx = context_for(session, role=Role.OPERATOR)
        check_tool(tool, ctx=ctx)
        result = tool.call(ctx, tool.validate_args({"equipment": "CNC-03"}))
    assert expected == 286
    assert result.alarms == 286
    assert result.scope == {"equipment": "CNC-03", "line": "L2"}
    assert result.provenance.row_count == 286


def test_snippet_refuses_other_lines_and_unknown_machines(snippet: ModuleType, small_plant_engine: Engine) -> None:
    tool = snippet.alarm_count
    with Session(small_plant_engine) as session:
        line1_only = context_for(session, role=Role.OPERATOR, scopes=["L1"])
        with pytest.raises(PermissionDeniedError, match="L2"):
            tool.call(line1_only, tool.validate_args({"equipment": "CNC-03"}))
        with pytest.raises(UnknownEntityError, match="CNC-99"):
            tool.call(context_for(session), tool.validate_args({"equipment": "CNC-99"}))


def test_register_tools_registers_it(snippet: ModuleType) -> None:
    registered: list[object] = []
    snippet.register_tools(registered.append)
    assert [t.name for t in registered] == ["alarm_count"]  # type: ignore[attr-defined]
