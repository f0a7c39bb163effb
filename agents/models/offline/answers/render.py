"""Answers from tool results: the result's figures with units, the period, the scope and the provenance.

One renderer serves every result type: headline figures first (top-level numbers, in the result's
field order), then listed items (Pareto rows, orders, alarms, passages), then where the figures
came from. Document passages are quoted as data with their citation; nothing inside them is
treated as an instruction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from agents.extraction import Language
from agents.models.offline.answers.formatting import format_figure, period_text, provenance_text, scope_text
from agents.models.offline.answers.labels import label
from agents.models.offline.answers.messages import no_data, proposal_submitted, tool_failed
from agents.models.offline.tool_specs import ToolSpec

__all__ = ["parse_tool_content", "render_tool_answer", "tool_title"]

_META = frozenset(
    {"summary", "unit", "period", "scope", "provenance", "complete", "data_unavailable", "total_count", "query"}
)
_IDENTITY_KEYS = (
    "code",
    "reason_code",
    "defect_code",
    "alarm_code",
    "equipment",
    "line",
    "material",
    "supplier",
    "customer",
    "order",
    "tag",
    "document",
    "category",
    "date",
    "day",
    "hour",
    "start",
    "raised_at",
    "ts",
)
_NAME_KEYS = {"en": ("name_en", "name", "reason", "title", "description"), "zh": ("name_zh", "name", "reason", "title")}
_MAX_ITEMS = 10
_STATUS_PREFIX = re.compile(r"^(ok|denied|invalid|error|not_found_entity|proposed)\s*:\s*(.*)$", re.DOTALL)


def parse_tool_content(content: Any) -> tuple[str, Any]:
    """("result", dict) for a JSON result, ("proposal", dict), or ("failed", message)."""
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, Mapping) else str(part) for part in content)
    if isinstance(content, Mapping):
        data: Any = dict(content)
    else:
        text = str(content).strip()
        try:
            data = json.loads(text)
        except ValueError:
            match = _STATUS_PREFIX.match(text)
            return "failed", (match.group(2).strip() if match else text)
    if not isinstance(data, Mapping):
        return "failed", str(content)
    if data.get("status") == "proposed":
        return "proposal", dict(data)
    return "result", dict(data)


def tool_title(spec: ToolSpec | None, name: str, lang: Language) -> str:
    """A short name of what the tool reports: the first clause of its description."""
    if spec is not None:
        source = spec.description_zh if lang == "zh" and spec.description_zh else spec.description
        # The adapter writes "English (中文)"; keep the part in the reader's language.
        if lang == "zh" and not spec.description_zh and "(" in source and source.rstrip().endswith(")"):
            source = source[source.rfind("(") + 1 : -1]
        clause = re.split(r"[,，(（;；。:：]|\.\s", source.strip(), maxsplit=1)[0].strip().rstrip(".")
        if clause and len(clause) <= 60:
            return clause
    return name.replace("_", " ")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _figures(data: Mapping[str, Any], unit: str | None, lang: Language, prefix: str = "") -> list[str]:
    parts: list[str] = []
    for key, value in data.items():
        if key in _META or value is None:
            continue
        name = f"{prefix}{label(key, lang)}"
        if _is_number(value):
            parts.append(f"{name} {format_figure(key, value, unit, lang)}")
        elif isinstance(value, str) and 0 < len(value) <= 40 and not key.endswith(("_zh", "_en")):
            parts.append(f"{name}: {value}")
        elif isinstance(value, Mapping) and not prefix:
            parts += _figures(value, unit, lang, prefix=f"{label(key, lang)} ")
    return parts


def _identity(item: Mapping[str, Any], lang: Language) -> str:
    ident = next((str(item[k]) for k in _IDENTITY_KEYS if isinstance(item.get(k), str | int) and item.get(k)), "")
    name = next((str(item[k]) for k in _NAME_KEYS[lang] if isinstance(item.get(k), str) and item.get(k)), "")
    if name and name != ident:
        return f"{ident} {name}".strip()
    return ident


def _item_line(index: int, item: Any, unit: str | None, lang: Language) -> str:
    if not isinstance(item, Mapping):
        return f"{index}. {format_figure('value', item, unit, lang) if _is_number(item) else item}"
    ident = _identity(item, lang)
    used = set(_IDENTITY_KEYS) | set(_NAME_KEYS[lang]) | {"name_en", "name_zh", "text", "citation"}
    rest = {k: v for k, v in item.items() if k not in used}
    figures = _figures(rest, unit, lang, prefix="")
    separator = "：" if lang == "zh" else ": "
    body = ("，" if lang == "zh" else ", ").join(figures)
    return f"{index}. {ident}{separator if ident and body else ''}{body}".rstrip()


def _lists(data: Mapping[str, Any], unit: str | None, lang: Language) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        if key in _META or not isinstance(value, list) or not value:
            continue
        lines.append(f"{label(key, lang)}：" if lang == "zh" else f"{label(key, lang).capitalize()}:")
        lines += [_item_line(i, item, unit, lang) for i, item in enumerate(value[:_MAX_ITEMS], start=1)]
        if len(value) > _MAX_ITEMS:
            more = len(value) - _MAX_ITEMS
            lines.append(f"……另有{more}项" if lang == "zh" else f"... and {more} more")
    return lines


def _passages(passages: Sequence[Any], lang: Language) -> list[str]:
    lines = ["文件中的相关内容（原文引用）：" if lang == "zh" else "From the documents (quoted as written):"]
    for index, passage in enumerate(passages[:5], start=1):
        if not isinstance(passage, Mapping):
            continue
        text = " ".join(str(passage.get("text", "")).split())
        excerpt = text if len(text) <= 220 else text[:217] + "..."
        lines.append(f"{index}. “{excerpt}” — [{passage.get('citation') or passage.get('document', '')}]")
    return lines


def _truncation(data: Mapping[str, Any], lang: Language) -> str:
    total = data.get("total_count")
    if data.get("complete", True) or not isinstance(total, int):
        return ""
    shown = max((len(v) for k, v in data.items() if isinstance(v, list) and k not in _META), default=0)
    return f"（仅显示{total}项中的{shown}项）" if lang == "zh" else f"(showing {shown} of {total})"


def render_result(spec: ToolSpec | None, name: str, data: Mapping[str, Any], lang: Language) -> str:
    """The answer for a successful tool result."""
    unit = data.get("unit") if isinstance(data.get("unit"), str) else None
    what = tool_title(spec, name, lang)
    scope = scope_text(data.get("scope"))
    period = period_text(data.get("period"), lang)
    source = provenance_text(data.get("provenance"), lang)
    if data.get("data_unavailable"):
        detail = "" if lang == "zh" else str(data.get("summary") or "")
        return "\n".join(
            part for part in (no_data(lang, what=what, scope=scope, period=period, detail=detail), source) if part
        )
    head = " · ".join(part for part in (what, scope, period) if part)
    figures = _figures(data, unit, lang)
    if lang == "zh":
        lines = [f"{head}：{'，'.join(figures)}。" if figures else f"{head}："]
    else:
        lines = [f"{head}: {', '.join(figures)}." if figures else f"{head}:"]
    passages = data.get("passages")
    if isinstance(passages, list) and passages:
        lines += _passages(passages, lang)
        rest = {k: v for k, v in data.items() if k != "passages"}
        lines += _lists(rest, unit, lang)
    else:
        lines += _lists(data, unit, lang)
    truncation = _truncation(data, lang)
    if truncation:
        lines.append(truncation)
    if source:
        lines.append(source)
    return "\n".join(lines)


def render_tool_answer(spec: ToolSpec | None, name: str, content: Any, lang: Language) -> str:
    """The answer for one tool message: result figures, a proposal notice, or the tool's error text."""
    kind, payload = parse_tool_content(content)
    if kind == "failed":
        return tool_failed(lang, name, str(payload))
    if kind == "proposal":
        return proposal_submitted(
            lang, title=str(payload.get("title", name)), proposal_id=str(payload.get("proposal_id", ""))
        )
    if spec is not None and spec.is_write and "action" in payload and "payload" in payload:
        # A bare proposal draft (the runtime pauses WRITE calls itself): still only a proposal.
        return proposal_submitted(lang, title=str(payload.get("title", name)), proposal_id="")
    return render_result(spec, name, payload, lang)
