"""Answers of planned turns: several figures, a comparison ranked by the asked metric, a "why" with causes.

Every figure is read from a tool result of the turn (never computed here): a comparison orders the
results by the metric's own value, in the direction the metric is good; a "why" answer names the figure,
its weakest factor where it has factors (OEE), and the first rows of the results that explain it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agents.extraction import Language
from agents.models.offline.answers.formatting import period_text
from agents.models.offline.answers.labels import list_label
from agents.models.offline.answers.render import item_line, read_outcome, render_tool_answer, value_text
from agents.models.offline.answers.templates import TEMPLATES
from agents.models.offline.tool_specs import ToolSpec
from tools.outcome import OutcomeRecord

__all__ = ["MetricInfo", "ToolOutput", "compose_answer"]

# The factors a metric is the product of: the weakest one is where a "why" starts.
_FACTORS: dict[str, tuple[str, ...]] = {"oee": ("availability", "performance", "quality_rate")}


@dataclass(frozen=True)
class MetricInfo:
    """What the composer needs to know about a metric: its name and which way is good."""

    key: str
    name_en: str
    name_zh: str
    better: str = "higher"
    names: tuple[str, ...] = ()

    def name(self, lang: Language) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class ToolOutput:
    """One tool call of the turn and what it returned."""

    name: str
    args: Mapping[str, Any]
    outcome: OutcomeRecord


def _lead(
    spec: ToolSpec | None, keys: Sequence[str], metrics: Mapping[str, MetricInfo], lang: Language
) -> list[tuple[str, str]]:
    if spec is None:
        return []
    if not keys and len(spec.metrics) == 1:
        # Nothing named ("CNC-02这个季度坏了几次?"), a tool of one metric: the answer leads with it, as its
        # reading line does, not with the number of rows it lists.
        keys = list(spec.metrics)
    return [
        (metrics[key].name(lang) if key in metrics else key, spec.metrics[key]) for key in keys if key in spec.metrics
    ]


def compose_answer(
    plan: Mapping[str, Any],
    outputs: Sequence[ToolOutput],
    specs: Mapping[str, ToolSpec],
    asked: Sequence[str],
    metrics: Mapping[str, MetricInfo],
    lang: Language,
) -> str:
    """The answer to a planned turn from its tool outputs, in `lang`."""
    kind = plan.get("kind") or "single"
    if kind == "compare" and outputs:
        return _compare(plan, outputs, specs, metrics, lang)
    if kind == "why" and outputs:
        return _why(plan, outputs, specs, asked, metrics, lang)
    parts = []
    for output in outputs:
        spec = specs.get(output.name)
        parts.append(render_tool_answer(spec, output.name, output.outcome, lang, _lead(spec, asked, metrics, lang)))
    return "\n\n".join(parts)


# -- comparisons --------------------------------------------------------------------------------------


def _rows_to_rank(
    plan: Mapping[str, Any], outputs: Sequence[ToolOutput], specs: Mapping[str, ToolSpec]
) -> tuple[list[tuple[str, float | None, str]], str | None]:
    """(thing, value, note) per compared thing, and the field the values come from."""
    metric = plan.get("metric")
    spec = specs.get(outputs[0].name)
    path = spec.metrics.get(metric) if spec is not None and metric else None
    if len(outputs) == 1:
        return _rows_of_one_result(outputs[0], path, metric, plan.get("group"))
    found: list[tuple[str, float | None, str]] = []
    for output in outputs:
        kind, data = read_outcome(output.outcome)
        thing = _thing_of(output.args, data if kind == "result" else {}, plan.get("group"))
        if kind != "result":
            found.append((thing, None, str(data)))
            continue
        value = _number(_at(data, path)) if path else _count_of(data, output.name)
        found.append((thing, value, "" if value is not None else "no data"))
    return found, path


def _rows_of_one_result(
    output: ToolOutput, path: str | None, metric: str | None, group: str | None
) -> tuple[list[tuple[str, float | None, str]], str | None]:
    """A result that lists the compared things itself (suppliers by on-time rate, machines by scrap)."""
    kind, data = read_outcome(output.outcome)
    if kind != "result":
        return [], path
    template = TEMPLATES.get(output.name)
    lists = [template.items] if template and template.items else [k for k, v in data.items() if isinstance(v, list)]
    for key in lists:
        rows = data.get(key)
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], Mapping):
            continue
        field = _row_field(rows[0], path, metric)
        if field is None:
            continue
        ident = _ident_key(rows[0], group)
        return [(str(row.get(ident, "?")), _number(row.get(field)), "") for row in rows], field
    return [], path


def _row_field(row: Mapping[str, Any], path: str | None, metric: str | None) -> str | None:
    """The field of a listed row that holds the compared metric ("on_time_rate" for on-time delivery)."""
    numeric = [key for key, value in row.items() if isinstance(value, int | float) and not isinstance(value, bool)]
    candidates = []
    if path:
        candidates.append(path.rsplit(".", 1)[-1])
    if metric:
        candidates += [metric, metric.split("_")[0]]
    for candidate in candidates:
        for key in numeric:
            if key == candidate or key.startswith(candidate):
                return key
    return None


def _ident_key(row: Mapping[str, Any], group: str | None) -> str:
    for key in (group, "supplier", "equipment", "line", "code", "material", "shift"):
        if key and key in row:
            return key
    return next(iter(row))


def _thing_of(args: Mapping[str, Any], data: Mapping[str, Any], group: str | None) -> str:
    found = data.get("scope")
    scope: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    if group and group in scope:
        return str(scope[group])
    if group == "period" and isinstance(data.get("period"), Mapping):
        return str(data["period"].get("label", ""))
    for value in args.values():
        if isinstance(value, str) and value and group != "period":
            return value
    return next((str(v) for v in scope.values()), "?")


def _count_of(data: Mapping[str, Any], name: str) -> float | None:
    template = TEMPLATES.get(name)
    if template and template.items and isinstance(data.get(template.items), list):
        total = data.get("total_count")
        return float(total if isinstance(total, int) else len(data[template.items]))
    return None


def _compare(
    plan: Mapping[str, Any],
    outputs: Sequence[ToolOutput],
    specs: Mapping[str, ToolSpec],
    metrics: Mapping[str, MetricInfo],
    lang: Language,
) -> str:
    rows, field = _rows_to_rank(plan, outputs, specs)
    key = plan.get("metric")
    info = metrics.get(key) if isinstance(key, str) else None
    name = info.name(lang) if info else (("数量" if lang == "zh" else "count") if field is None else field)
    valued = [(thing, value) for thing, value, _ in rows if value is not None]
    if not valued:
        return "\n\n".join(render_tool_answer(specs.get(o.name), o.name, o.outcome, lang) for o in outputs)
    superlative = plan.get("superlative") or "best"
    higher_is_good = (info.better if info else "higher") == "higher"
    pick_max = {"max": True, "min": False, "best": higher_is_good, "worst": not higher_is_good}[superlative]
    ordered = sorted(valued, key=lambda item: item[1], reverse=pick_max)
    winner = ordered[0][0]
    field_name = field.rsplit(".", 1)[-1] if field else "count"
    shown = {thing: value_text(field_name, value, None, lang) or str(value) for thing, value in valued}
    word = _superlative_word(superlative, lang)
    period = _period_of(outputs, lang)
    if lang == "zh":
        head = f"{word}：{winner}（{name} {shown[winner]}）" + (f"，{period}" if period else "") + "。"
        lines = [head, f"{name}对比（从{'高到低' if pick_max else '低到高'}）："]
    else:
        head = f"{word}: {winner} ({name} {shown[winner]})" + (f", {period}" if period else "") + "."
        lines = [head, f"{name} compared ({'highest' if pick_max else 'lowest'} first):"]
    lines += [f"{i}. {thing}: {name} {shown[thing]}" for i, (thing, _) in enumerate(ordered, start=1)]
    for thing, _, note in rows:
        if note and thing not in shown:
            lines.append(f"- {thing}: {note}")
    return "\n".join(lines)


def _superlative_word(superlative: str, lang: Language) -> str:
    words = {
        "best": ("Best", "最好"),
        "worst": ("Worst", "最差"),
        "max": ("Highest", "最高"),
        "min": ("Lowest", "最低"),
    }
    en, zh = words.get(superlative, words["best"])
    return zh if lang == "zh" else en


def _period_of(outputs: Sequence[ToolOutput], lang: Language) -> str:
    for output in outputs:
        kind, data = read_outcome(output.outcome)
        if kind == "result" and isinstance(data.get("period"), Mapping):
            return period_text(data["period"], lang)
    return ""


# -- why ----------------------------------------------------------------------------------------------


def _why(
    plan: Mapping[str, Any],
    outputs: Sequence[ToolOutput],
    specs: Mapping[str, ToolSpec],
    asked: Sequence[str],
    metrics: Mapping[str, MetricInfo],
    lang: Language,
) -> str:
    metric = plan.get("metric")
    keys = [metric] if isinstance(metric, str) else list(asked)
    first, *causes = outputs
    spec = specs.get(first.name)
    parts = [render_tool_answer(spec, first.name, first.outcome, lang, _lead(spec, keys, metrics, lang))]
    weakest = _weakest_factor(first, spec, metric, metrics, lang)
    conclusions = [weakest] if weakest else []
    for output in causes:
        top = _top_row(output, lang)
        if top:
            conclusions.append(top)
        parts.append(render_tool_answer(specs.get(output.name), output.name, output.outcome, lang))
    if conclusions:
        label = "可能原因：" if lang == "zh" else "Likely causes: "
        parts.insert(0, label + ("；" if lang == "zh" else "; ").join(conclusions) + ("。" if lang == "zh" else "."))
    return "\n\n".join(parts)


def _weakest_factor(
    output: ToolOutput, spec: ToolSpec | None, metric: Any, metrics: Mapping[str, MetricInfo], lang: Language
) -> str:
    factors = _FACTORS.get(metric, ()) if isinstance(metric, str) else ()
    kind, data = read_outcome(output.outcome)
    if kind != "result" or spec is None or not factors:
        return ""
    values = [(key, _number(_at(data, spec.metrics[key]))) for key in factors if key in spec.metrics]
    known = [(key, value) for key, value in values if value is not None]
    if not known:
        return ""
    key, value = min(known, key=lambda item: item[1])
    name = metrics[key].name(lang) if key in metrics else key
    text = value_text(spec.metrics[key].rsplit(".", 1)[-1], value, None, lang)
    return f"最弱的因子是{name}（{text}）" if lang == "zh" else f"the weakest factor is {name} ({text})"


def _top_row(output: ToolOutput, lang: Language) -> str:
    kind, data = read_outcome(output.outcome)
    template = TEMPLATES.get(output.name)
    if kind != "result" or template is None or not template.items:
        return ""
    rows = data.get(template.items)
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], Mapping):
        return ""
    line = item_line(
        1, rows[0], template.item_fields, data.get("unit") if isinstance(data.get("unit"), str) else None, lang
    )
    what = list_label(template.items, lang)
    body = line.split(". ", 1)[-1]
    return f"{what}第一位：{body}" if lang == "zh" else f"top of {what}: {body}"


def _at(data: Mapping[str, Any], path: str | None) -> Any:
    value: Any = data
    for part in (path or "").split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
