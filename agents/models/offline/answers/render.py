"""Answers from tool results: the result's figures with units, the period, the scope and the provenance.

One renderer serves every result type: headline figures first (top-level numbers, in the result's
field order), then listed items (Pareto rows, orders, alarms, passages), then where the figures
came from. Document passages are quoted as data with their citation; nothing inside them is
treated as an instruction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agents.extraction import Language
from agents.models.offline.answers.formatting import format_figure, period_text, provenance_text, scope_text
from agents.models.offline.answers.labels import label, list_label
from agents.models.offline.answers.messages import no_data, proposal_submitted, tool_failed
from agents.models.offline.answers.templates import TEMPLATES, AnswerTemplate
from agents.models.offline.tool_specs import ToolSpec
from tools.outcome import OutcomeRecord, OutcomeStatus

__all__ = ["item_line", "read_outcome", "render_result", "render_tool_answer", "tool_title", "value_text"]

_META = frozenset(
    {"summary", "unit", "period", "scope", "provenance", "complete", "data_unavailable", "total_count", "query"}
)
_IDENTITY_KEYS = (
    "code",
    "purchase_order",
    "order",
    "reason",
    "reason_code",
    "defect_code",
    "alarm_code",
    "equipment",
    "line",
    "material",
    "supplier",
    "customer",
    "tag",
    "document",
    "key",
    "rule",
    "subgroup",
    "date",
    "day",
    "hour",
    "start",
    "raised_at",
    "ts",
)
_NAME_KEYS = {
    "en": ("name_en", "reason_en", "product_name_en", "title_en", "text_en", "name", "title", "description"),
    "zh": ("name_zh", "reason_zh", "product_name_zh", "title_zh", "text_zh", "name", "title", "description"),
}
_MAX_ITEMS = 10


def read_outcome(outcome: OutcomeRecord) -> tuple[str, Any]:
    """("result", dict) for a result or a decided proposal, ("proposal", dict) for a pending one, or
    ("failed", message)."""
    if outcome.proposal is not None:
        data: dict[str, Any] = {"proposal_id": outcome.proposal.id, "title": outcome.proposal.title}
        if outcome.decision is None:
            return "proposal", data
        return "result", {
            "status": outcome.decision,
            **data,
            "decided_by": outcome.decided_by,
            "message": outcome.message,
        }
    if outcome.status is OutcomeStatus.OK:
        return "result", dict(outcome.result or {})
    return "failed", outcome.message


_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")


def tool_title(spec: ToolSpec | None, name: str, lang: Language) -> str:
    """A short name of what the tool reports: the first clause of its description, asides removed."""
    if spec is not None:
        source = spec.description_zh if lang == "zh" and spec.description_zh else spec.description
        # The adapter writes "English (中文)"; keep the part in the reader's language.
        if lang == "zh" and not spec.description_zh and "(" in source and source.rstrip().endswith(")"):
            source = source[source.rfind("(") + 1 : -1]
        source = _PARENTHESES.sub("", source.strip())
        clause = re.split(r"[,，;；。:：]|\.\s", source, maxsplit=1)[0].strip().rstrip(".")
        if clause and len(clause) <= 80:
            return clause
    return name.replace("_", " ")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?)?$")


def value_text(name: str, value: Any, unit: str | None, lang: Language, *, yes_no: bool = False) -> str | None:
    """A field's value for reading, or None when it is not worth a word (None, long text, unasked booleans)."""
    if isinstance(value, bool):
        if not yes_no:
            return None
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if value is None:
        return None
    if _is_number(value):
        return format_figure(name, value, unit, lang)
    if isinstance(value, str):
        moment = _ISO_MOMENT.match(value)
        if moment:
            clock = moment.group(1)
            return value[:10] if clock in (None, "00:00") else f"{value[:10]} {clock}"
        return value if 0 < len(value) <= 60 else None
    return None


def _figure(name: str, value: Any, unit: str | None, lang: Language, *, yes_no: bool = False) -> str | None:
    text = value_text(name, value, unit, lang, yes_no=yes_no)
    if text is None:
        return None
    return f"{label(name, lang)}: {text}" if isinstance(value, str | bool) else f"{label(name, lang)} {text}"


def _figures(data: Mapping[str, Any], unit: str | None, lang: Language) -> list[str]:
    """Every top-level figure, and those of nested parts (an OEE breakdown), in the result's order."""
    parts: list[str] = []
    for key, value in data.items():
        if key in _META or key.endswith(("_zh", "_en")):
            continue
        if isinstance(value, Mapping):
            parts += _figures(value, unit, lang)
            continue
        figure = _figure(key, value, unit, lang)
        if figure is not None:
            parts.append(figure)
    return parts


def _pick(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _template_figures(data: Mapping[str, Any], template: AnswerTemplate, unit: str | None, lang: Language) -> list[str]:
    parts = []
    for path in template.figures:
        figure = _figure(path.rsplit(".", 1)[-1], _pick(data, path), unit, lang, yes_no=True)
        if figure is not None:
            parts.append(figure)
    return parts


def _identity(item: Mapping[str, Any], lang: Language) -> str:
    ident = next((str(item[k]) for k in _IDENTITY_KEYS if isinstance(item.get(k), str | int) and item.get(k)), "")
    moment = _ISO_MOMENT.match(ident)
    if moment:
        ident = value_text("start", ident, None, lang) or ident
    name = next((str(item[k]) for k in _NAME_KEYS[lang] if isinstance(item.get(k), str) and item.get(k)), "")
    if name and name != ident:
        return f"{ident} {name}".strip()
    return ident


def item_line(index: int, item: Any, fields: tuple[str, ...], unit: str | None, lang: Language) -> str:
    if not isinstance(item, Mapping):
        text = value_text("value", item, unit, lang) if not isinstance(item, str) else item
        return f"{index}. {text}"
    ident = _identity(item, lang)
    # Rows may carry their own unit (stock in kg, in pcs).
    unit = item["unit"] if isinstance(item.get("unit"), str) else unit
    if fields:
        figures = [f for f in (_figure(name, item.get(name), unit, lang, yes_no=True) for name in fields) if f]
    else:
        used = {*_IDENTITY_KEYS, *_NAME_KEYS["en"], *_NAME_KEYS["zh"], "text", "citation"}
        figures = _figures({k: v for k, v in item.items() if k not in used}, unit, lang)
    separator = "：" if lang == "zh" else ": "
    body = ("，" if lang == "zh" else ", ").join(figures)
    return f"{index}. {ident}{separator if ident and body else ''}{body}".rstrip()


def _list_lines(
    key: str, value: list[Any], fields: tuple[str, ...], limit: int, unit: str | None, lang: Language
) -> list[str]:
    if all(isinstance(item, str) for item in value):
        joined = ("、" if lang == "zh" else ", ").join(value[:limit])
        tail = (f" 等共{len(value)}项" if lang == "zh" else f" ({len(value)} in all)") if len(value) > limit else ""
        return [
            f"{list_label(key, lang)}：{joined}{tail}"
            if lang == "zh"
            else f"{list_label(key, lang).capitalize()}: {joined}{tail}"
        ]
    lines = [f"{list_label(key, lang)}：" if lang == "zh" else f"{list_label(key, lang).capitalize()}:"]
    lines += [item_line(i, item, fields, unit, lang) for i, item in enumerate(value[:limit], start=1)]
    if len(value) > limit:
        # Say how many there are in all (a figure of the result), not a difference the result does not hold.
        lines.append(f"……共{len(value)}项" if lang == "zh" else f"... {len(value)} in all")
    return lines


def _lists(data: Mapping[str, Any], unit: str | None, lang: Language, template: AnswerTemplate | None) -> list[str]:
    if template is not None:
        value = data.get(template.items) if template.items else None
        if not isinstance(value, list) or not value:
            return []
        return _list_lines(str(template.items), value, template.item_fields, template.max_items, unit, lang)
    lines: list[str] = []
    for key, value in data.items():
        if key in _META or not isinstance(value, list) or not value or key == "passages":
            continue
        lines += _list_lines(key, value, (), _MAX_ITEMS, unit, lang)
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


def _lead_figures(
    data: Mapping[str, Any], lead: Sequence[tuple[str, str]], unit: str | None, lang: Language
) -> list[str]:
    """The asked metrics first, named as asked: "quality rate 97.4%"."""
    parts = []
    for name, path in lead:
        value = _pick(data, path)
        text = value_text(path.rsplit(".", 1)[-1], value, unit, lang) if value is not None else None
        if text is None:
            text = "无数据" if lang == "zh" else "no data"
        parts.append(f"{name} {text}")
    return parts


def _empty_list(data: Mapping[str, Any], template: AnswerTemplate | None) -> bool:
    """A list result (no headline figures of its own) whose list is empty and complete."""
    if template is None or template.figures or not template.items:
        return False
    rows = data.get(template.items)
    return isinstance(rows, list) and not rows and not data.get("total_count")


def _count_figure(data: Mapping[str, Any], template: AnswerTemplate | None, lang: Language) -> list[str]:
    """A list answer says how many rows match before it lists them."""
    if template is None or template.figures or not template.items:
        return []
    rows = data.get(template.items)
    if not isinstance(rows, list):
        return []
    count = data.get("total_count") if isinstance(data.get("total_count"), int) else len(rows)
    return [f"共{count}项" if lang == "zh" else f"{count} in all"]


def render_result(
    spec: ToolSpec | None,
    name: str,
    data: Mapping[str, Any],
    lang: Language,
    lead: Sequence[tuple[str, str]] = (),
) -> str:
    """The answer for a successful tool result; `lead` (label, field path) pairs are the asked figures, first."""
    unit = data.get("unit") if isinstance(data.get("unit"), str) else None
    what = tool_title(spec, name, lang)
    scope = scope_text(data.get("scope"))
    period = period_text(data.get("period"), lang)
    source = provenance_text(data.get("provenance"), lang)
    template = TEMPLATES.get(name)
    if _empty_list(data, template):
        # A list question with no matching rows has an answer: none ("which POs are late?" - none are).
        none = f"{what}：共0项，没有符合条件的记录。" if lang == "zh" else f"{what}: 0 in all, none match."
        return "\n".join(part for part in (none, source) if part)
    if data.get("data_unavailable"):
        detail = "" if lang == "zh" else str(data.get("summary") or "")
        return "\n".join(
            part for part in (no_data(lang, what=what, scope=scope, period=period, detail=detail), source) if part
        )
    # Scope and period open the answer in its reading line (agents.interpretation); the figures follow.
    head = what
    figures = _template_figures(data, template, unit, lang) if template else _figures(data, unit, lang)
    count = _count_figure(data, template, lang)
    if lead:
        shown = {path.rsplit(".", 1)[-1] for _, path in lead}
        rest = [f for f in figures if not any(f.startswith(f"{label(key, lang)} ") for key in shown)]
        figures = _lead_figures(data, lead, unit, lang) + count + rest
    else:
        figures = count + figures
    if lang == "zh":
        lines = [f"{head}：{'，'.join(figures)}。" if figures else f"{head}："]
    else:
        lines = [f"{head}: {', '.join(figures)}." if figures else f"{head}:"]
    passages = data.get("passages")
    if isinstance(passages, list) and passages:
        lines += _passages(passages, lang)
    lines += _lists(data, unit, lang, template)
    truncation = _truncation(data, lang)
    if truncation:
        lines.append(truncation)
    if source:
        lines.append(source)
    return "\n".join(lines)


def render_tool_answer(
    spec: ToolSpec | None, name: str, outcome: OutcomeRecord, lang: Language, lead: Sequence[tuple[str, str]] = ()
) -> str:
    """The answer for one tool call: result figures, a proposal notice, or the tool's error text."""
    kind, payload = read_outcome(outcome)
    if kind == "failed":
        return tool_failed(lang, name, str(payload))
    if kind == "proposal":
        return proposal_submitted(
            lang, title=str(payload.get("title", name)), proposal_id=str(payload.get("proposal_id", ""))
        )
    if spec is not None and spec.is_write and "action" in payload and "payload" in payload:
        # A bare proposal draft (the runtime pauses WRITE calls itself): still only a proposal.
        return proposal_submitted(lang, title=str(payload.get("title", name)), proposal_id="")
    return render_result(spec, name, payload, lang, lead)
