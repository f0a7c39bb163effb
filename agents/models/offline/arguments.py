"""Filling a tool's arguments from the entities and time expressions of a request.

A parameter's kind comes from its name ("line", "equipment_code", "period") or, failing that,
its description ("Line code or name"). Values are the plant codes when the vocabulary knows the
entity, else the words as written, so the tools' resolvers can answer "did you mean L2?".
Parameters with an enum take the value the request names ("preventive" / "预防").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agents.extraction import Mentions
from agents.extraction.parameter_kinds import ORDER_KINDS, parameter_kind
from agents.models.offline.tool_specs import ToolSpec

__all__ = ["FilledArguments", "carry_arguments", "fill_arguments"]

# Words for enum values operators say in Chinese (or in other English words).
_ENUM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "corrective": ("纠正", "故障维修", "抢修", "breakdown", "repair"),
    "preventive": ("预防", "保养", "planned"),
    "open": ("未完成", "未结", "打开", "进行中", "pending", "outstanding"),
    "closed": ("已完成", "关闭", "已关闭", "completed", "done"),
    "late": ("延迟", "延期", "逾期", "晚了", "超期", "迟交", "过期", "overdue", "delayed", "past due", "behind"),
    "overdue": ("超期", "逾期", "过期", "延期", "late", "past due"),
    "delivered_late": ("延迟交付", "迟交过", "delivered late", "shipped late"),
    "critical": ("严重", "紧急"),
    "high": ("高优先级", "优先级高"),
    "low": ("低优先级", "优先级低"),
    "fault": ("故障",),
    "warning": ("警告",),
    "breakdown": ("故障停机", "机械故障", "电气故障"),
    "minor_stop": ("小停机", "短停", "minor stops"),
    "setup": ("换型", "换刀", "changeover"),
    "waiting": ("待料", "等待"),
    "planned_downtime": ("计划停机",),
    "quality_hold": ("质量隔离",),
    "history": ("历史", "履历", "completed", "past"),
    "all": ("全部", "所有"),
    "urgent": ("紧急", "urgently", "asap"),
    "normal": (),
    "info": ("提示",),
    "first_article": ("首件",),
    "in_process": ("过程检验", "巡检"),
    "final": ("终检", "最终检验"),
    "raw": ("原材料", "raw material"),
    "component": ("零部件", "部件", "外购件"),
    "packaging": ("包装材料", "包材"),
    "finished": ("成品", "finished goods"),
}
# The signal words of sensor tags, so "CNC-03主轴振动" becomes the tool's "CNC-03 vibration".
_SIGNALS: dict[str, tuple[str, ...]] = {
    "vibration": ("vibration", "振动"),
    "temperature": ("temperature", "temp", "温度"),
    "current": ("current", "电流"),
    "pressure": ("pressure", "压力"),
    "torque": ("torque", "扭矩"),
    "power": ("power", "功率"),
}
# "open (not completed), history (completed) or all.": the options a plain string parameter lists.
_OPTION_LIST = re.compile(r"^\s*([a-z_]+)(?:\s*\([^)]*\))?((?:\s*,\s*[a-z_]+(?:\s*\([^)]*\))?)*)\s+or\s+([a-z_]+)\b")


def _enum_values(schema: Mapping[str, Any]) -> list[Any]:
    if "enum" in schema:
        return list(schema["enum"])
    for option in schema.get("anyOf") or ():
        if isinstance(option, Mapping) and "enum" in option:
            return list(option["enum"])
    return []


def _types(schema: Mapping[str, Any]) -> set[str]:
    found = {str(schema["type"])} if "type" in schema else set()
    for option in schema.get("anyOf") or ():
        if isinstance(option, Mapping) and "type" in option:
            found.add(str(option["type"]))
    return found


def _match_enum(values: list[Any], text: str, default: Any = None) -> Any:
    """The enum value the request names. Naming several ("which open POs are late?"), the one that narrows the
    default down wins: late open orders are the late ones."""
    lowered = text.lower()
    named = []
    for value in values:
        if not isinstance(value, str):
            continue
        words = (value.lower(), value.lower().replace("_", " "), *_ENUM_SYNONYMS.get(value.lower(), ()))
        if any(re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered) for word in words if word.isascii()) or any(
            word in text for word in words if not word.isascii()
        ):
            named.append(value)
    narrower = [value for value in named if value != default]
    chosen = narrower or named
    return chosen[0] if chosen else None


@dataclass
class FilledArguments:
    """Arguments for one tool call; `missing` names required parameters the request did not give."""

    args: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


def fill_arguments(spec: ToolSpec, mentions: Mentions) -> FilledArguments:
    """Arguments for `spec` from what the request mentions; required ones without a value are `missing`."""
    filled = FilledArguments()
    used: set[int] = set()
    required = set(spec.required)
    for name, schema in spec.properties.items():
        if not isinstance(schema, Mapping):
            continue
        kind = parameter_kind(name, schema)
        if kind:
            filled.kinds[name] = kind
        value = _value_for(kind, name, schema, mentions, used)
        if value is not None:
            filled.args[name] = value
        elif name in required:
            filled.missing.append(name)
    return filled


def _described_options(schema: Mapping[str, Any]) -> list[str]:
    match = _OPTION_LIST.match(str(schema.get("description") or ""))
    if not match:
        return []
    middle = [re.sub(r"\(.*", "", part).strip() for part in match.group(2).split(",") if part.strip()]
    return [match.group(1), *middle, match.group(3)]


def _tag_from_parts(mentions: Mentions, used: set[int]) -> str | None:
    """A tag named as machine plus signal: "CNC-03 vibration" from "CNC-03主轴振动" or "spindle vibration of CNC 3"."""
    machine = next((e for i, e in enumerate(mentions.entities) if e.kind == "equipment" and i not in used), None)
    if machine is None:
        return None
    lowered = mentions.text.lower()
    signal = next((kind for kind, words in _SIGNALS.items() if any(word in lowered for word in words)), None)
    return f"{machine.value} {signal}" if signal else None


def _value_for(kind: str | None, name: str, schema: Mapping[str, Any], mentions: Mentions, used: set[int]) -> Any:
    enum = _enum_values(schema) or _described_options(schema)
    if enum:
        return _match_enum(enum, mentions.text, schema.get("default"))
    types = _types(schema)
    if kind not in (None, "count") and types and not types & {"string", "array"}:
        # "window: integer" is not a time expression; only text parameters take names and periods.
        return None
    if kind == "period":
        return mentions.period
    if kind == "text":
        return mentions.text.strip()
    if kind == "count":
        if mentions.numbers and types & {"integer", "number"}:
            return mentions.numbers[0]
        return None
    if kind is None:
        return None
    for index, entity in enumerate(mentions.entities):
        if index not in used and (entity.kind in kind.split("|") or (kind == "order" and entity.kind in ORDER_KINDS)):
            used.add(index)
            value: Any = entity.value
            return [value] if "array" in types else value
    if kind == "tag":
        return _tag_from_parts(mentions, used)
    return None


def carry_arguments(source: ToolSpec, args: Mapping[str, Any], target: ToolSpec) -> dict[str, Any]:
    """`args` of a call to `source` as arguments of `target`, parameter by parameter of the same kind (the line,
    the machine, the period): "why?" after an OEE answer asks the downtime Pareto of the same line and period."""
    by_kind: dict[str, Any] = {}
    for name, value in args.items():
        schema = source.properties.get(name)
        kind = parameter_kind(name, schema if isinstance(schema, Mapping) else {})
        for part in (kind or "").split("|"):
            if part:
                by_kind.setdefault(part, value)
    carried: dict[str, Any] = {}
    for name, schema in target.properties.items():
        kind = parameter_kind(name, schema if isinstance(schema, Mapping) else {})
        value = next((by_kind[part] for part in (kind or "").split("|") if part in by_kind), None)
        if value is not None:
            carried[name] = value
    return carried
