"""Entities resolve by code, English or Chinese name and alias; near misses get "did you mean"; scopes hold."""

from __future__ import annotations

import pytest

from tools.contract import ToolContext
from tools.errors import PermissionDeniedError, UnknownEntityError
from tools.resolvers import entity_key, resolve_entity, resolve_equipment, resolve_line, resolve_line_or_equipment


@pytest.mark.parametrize(
    ("text", "key"), [("CNC-03", "cnc3"), ("二号线", "2号线"), ("Ｌ２", "l2"), (" Line  2 ", "line2")]
)
def test_entity_key_ignores_case_width_separators_and_leading_zeros(text: str, key: str) -> None:
    assert entity_key(text) == key


@pytest.mark.parametrize("text", ["L2", "l2", "Line 2", "line2", "LINE-2", "L-2", "2号线", "二号线", "阀体加工线"])
def test_line_aliases_in_english_and_chinese(tiny_ctx: ToolContext, text: str) -> None:
    assert resolve_line(tiny_ctx, text).code == "L2"


@pytest.mark.parametrize(
    "text", ["CNC-03", "CNC 3", "cnc3", "CNC-3", "CNC03", "3号数控机床", "三号数控", "3号数控加工中心"]
)
def test_equipment_aliases_in_english_and_chinese(tiny_ctx: ToolContext, text: str) -> None:
    machine = resolve_equipment(tiny_ctx, text)
    assert (machine.code, machine.line_code) == ("CNC-03", "L2")


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("tag", "CNC-03.VIB", "CNC-03.VIB"),
        ("tag", "CNC 3 vibration", "CNC-03.VIB"),
        ("tag", "3号数控机床主轴振动", "CNC-03.VIB"),
        ("supplier", "Huaxin", "SUP-02"),
        ("supplier", "华鑫", "SUP-02"),
        ("supplier", "ningbo huaxin", "SUP-02"),  # a unique prefix of the English name
        ("material", "切削液", "RM-1201"),
        ("characteristic", "阀座孔径", "CH-VB25-SEAT"),
        ("failure_mode", "主轴轴承", "FM-SPB"),
        ("alarm_code", "e217", "E-217"),
        ("product", "VB-2001", "P-2001"),
        ("production_order", "mo261001", "MO-261001"),
        ("purchase_order", "po 260005", "PO-260005"),
        ("sales_order", "SO-260001", "SO-260001"),
        ("work_order", "WO-260002", "WO-260002"),
    ],
)
def test_every_kind_resolves(tiny_ctx: ToolContext, kind: str, text: str, code: str) -> None:
    assert resolve_entity(tiny_ctx, kind, text).code == code  # type: ignore[arg-type]


def test_line_or_equipment_prefers_the_kind_the_text_names(tiny_ctx: ToolContext) -> None:
    assert resolve_line_or_equipment(tiny_ctx, "2号线").kind == "line"
    assert resolve_line_or_equipment(tiny_ctx, "CNC 3").kind == "equipment"


@pytest.mark.parametrize(
    ("kind", "text", "suggestions"),
    [
        ("line", "Line 9", ["L2", "L1"]),
        ("line", "lime 2", ["L2", "L1"]),
        ("equipment", "CNC-3x", ["CNC-03", "CNC-01"]),
        ("supplier", "Huaxn", ["SUP-02"]),
        ("production_order", "MO-261009", ["MO-261005", "MO-261004", "MO-261003"]),
    ],
)
def test_near_misses_suggest_codes(tiny_ctx: ToolContext, kind: str, text: str, suggestions: list[str]) -> None:
    with pytest.raises(UnknownEntityError) as caught:
        resolve_entity(tiny_ctx, kind, text)  # type: ignore[arg-type]
    assert caught.value.suggestions == suggestions
    assert "did you mean" in str(caught.value)
    assert repr(text) in str(caught.value)


def test_an_ambiguous_name_lists_the_candidates(tiny_ctx: ToolContext) -> None:
    # "CNC" is a prefix of both machines' names: not enough to choose.
    with pytest.raises(UnknownEntityError) as caught:
        resolve_equipment(tiny_ctx, "CNC")
    assert caught.value.suggestions == ["CNC-03", "CNC-01"]


def test_sql_looking_text_is_just_an_unknown_name(tiny_ctx: ToolContext) -> None:
    with pytest.raises(UnknownEntityError):
        resolve_line(tiny_ctx, "L2'; DROP TABLE line; --")
    assert resolve_line(tiny_ctx, "L2").code == "L2"


def test_scoped_user_cannot_resolve_another_lines_entities(scoped_ctx: ToolContext) -> None:
    assert resolve_line(scoped_ctx, "1号线").code == "L1"
    for kind, text in [
        ("line", "L2"),
        ("equipment", "CNC-03"),
        ("tag", "CNC-03.VIB"),
        ("production_order", "MO-261001"),
    ]:
        with pytest.raises(PermissionDeniedError):
            resolve_entity(scoped_ctx, kind, text)  # type: ignore[arg-type]
