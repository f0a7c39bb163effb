"""What an answer answers: the metric, scope and period its figures are for, stated in its first line, and a
check that they are the ones the request asked for.

The grounding check proves a figure came from a tool; this module checks that the tool, its filters and its
period are what the person meant. `reading_line` writes the first line of every data answer ("Reading:
quality rate (OEE quality factor: good parts / parts produced) · L1 · yesterday's morning shift
(2026-11-19 06:00–14:00)"), from the tool calls of the turn, whichever model made them. `find_mismatches`
compares the request's own words with the calls: a metric the request names that no called tool computes,
or a period the request names that no result covers, is flagged like an unverified figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from agents.events import ToolCallRecord
from agents.extraction import Language, find_time_mentions
from agents.extraction.metric_mentions import MetricNames, find_metric_mentions
from tools.resolvers import describe_period

__all__ = ["ToolCatalog", "find_mismatches", "mismatch_note", "reading_line"]

_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")
_OPTION = re.compile(r"\b([a-z_]+)\s*\(([^()]*)\)")


class ToolCatalog:
    """What the reading needs to know about the registry's tools: metrics, titles and what filters mean."""

    def __init__(self, tools: Sequence[Any]) -> None:
        from tools.metrics import all_metrics

        self.tools: dict[str, Any] = {tool.name: tool for tool in tools}
        self.metrics = all_metrics(tools)
        self.names = MetricNames.of(self.metrics.values())

    def reads_data(self, call: ToolCallRecord) -> bool:
        """A call that answered with plant data (not a proposal, a refusal, an error, or document passages:
        a document answer's citations are its reading)."""
        found = self.tools.get(call.name)
        writes = found is not None and str(getattr(found.permission, "value", found.permission)) == "write"
        documents = found is not None and str(getattr(found, "domain", "")) == "knowledge"
        return (
            not writes
            and not documents
            and call.status in ("ok", "data_unavailable")
            and bool(call.result)
            and "proposal_id" not in (call.result or {})
        )

    def computes(self, tool: str) -> list[str]:
        """Metric keys a tool computes."""
        found = self.tools.get(tool)
        return list(getattr(found, "metrics", {})) if found is not None else []

    def title(self, tool: str, lang: str) -> str:
        """What a tool reports, in a few words: the first clause of its description."""
        found = self.tools.get(tool)
        if found is None:
            return tool.replace("_", " ")
        source = found.description_zh if lang == "zh" and found.description_zh else found.description
        clause = re.split(r"[,，;；。:：]|\.\s", _PARENTHESES.sub("", source.strip()), maxsplit=1)[0]
        return clause.strip().rstrip(".") or tool.replace("_", " ")

    def option_meaning(self, tool: str, parameter: str, value: str) -> str:
        """What an option of a parameter means, from its description ("late (open past the promised date)")."""
        found = self.tools.get(tool)
        if found is None:
            return ""
        schema = found.parameters_schema().get("properties", {}).get(parameter, {})
        for name, meaning in _OPTION.findall(str(schema.get("description") or "")):
            if name == value:
                return str(meaning).strip()
        return ""


def _metric_text(key: str, catalog: ToolCatalog, lang: str) -> str:
    metric = catalog.metrics.get(key)
    if metric is None:
        return key
    definition = metric.definition(lang)
    if not definition:
        return metric.name(lang)
    return f"{metric.name(lang)}（{definition}）" if lang == "zh" else f"{metric.name(lang)} ({definition})"


def _asked(request: str, catalog: ToolCatalog) -> list[str]:
    return list(dict.fromkeys(mention.key for mention in find_metric_mentions(request, catalog.names)))


def _what(request: str, calls: Sequence[ToolCallRecord], catalog: ToolCatalog, lang: str) -> str:
    asked = _asked(request, catalog)
    shown: list[str] = []
    for call in calls:
        computed = catalog.computes(call.name)
        # The asked metrics this tool computes; else what it computes first; else what the tool reports.
        keys = [key for key in asked if key in computed] or computed[:1]
        parts = [_metric_text(key, catalog, lang) for key in keys] or [_filtered_title(call, catalog, lang)]
        shown += [part for part in parts if part not in shown]
    return "；".join(shown) if lang == "zh" else "; ".join(shown)


def _filtered_title(call: ToolCallRecord, catalog: ToolCatalog, lang: str) -> str:
    """A tool's title with the filter options it was called with and what they mean ("status: late, ...")."""
    title = catalog.title(call.name, lang)
    filters = []
    for parameter, value in call.args.items():
        if not isinstance(value, str):
            continue
        meaning = catalog.option_meaning(call.name, parameter, value)
        if meaning:
            filters.append(f"{value} = {meaning}")
    if not filters:
        return title
    joined = "，".join(filters) if lang == "zh" else ", ".join(filters)
    return f"{title}（{joined}）" if lang == "zh" else f"{title} ({joined})"


def _scope(calls: Sequence[ToolCallRecord], lang: str) -> str:
    values: list[str] = []
    for call in calls:
        scope = (call.result or {}).get("scope")
        if isinstance(scope, Mapping):
            for value in scope.values():
                if value not in (None, "") and str(value) not in values:
                    values.append(str(value))
    if not values:
        return "全部（本人权限范围内）" if lang == "zh" else "all (within your scope)"
    return "、".join(values) if lang == "zh" else ", ".join(values)


def _period(calls: Sequence[ToolCallRecord], clock: datetime | None, lang: Language) -> str:
    shown: list[str] = []
    for call in calls:
        period = (call.result or {}).get("period")
        if isinstance(period, Mapping):
            try:
                text = describe_period(period, lang)
            except ValueError:  # a result whose period does not validate still has its label
                text = str(period.get("label") or "")
            if text and text not in shown:
                shown.append(text)
    if shown:
        return "、".join(shown) if lang == "zh" else ", ".join(shown)
    if clock is None:
        return ""
    moment = f"{clock:%Y-%m-%d %H:%M}"
    return f"截至 {moment}" if lang == "zh" else f"as of {moment}"


def reading_line(
    request: str,
    calls: Sequence[ToolCallRecord],
    catalog: ToolCatalog,
    lang: str,
    clock: datetime | None = None,
) -> str | None:
    """The first line of a data answer: metric, scope and period of its figures; None without data calls."""
    answered = [call for call in calls if catalog.reads_data(call)]
    if not answered:
        return None
    language: Language = "zh" if lang == "zh" else "en"
    parts = [_what(request, answered, catalog, lang), _scope(answered, lang), _period(answered, clock, language)]
    body = " · ".join(part for part in parts if part)
    return f"理解：{body}" if lang == "zh" else f"Reading: {body}"


# -- the check --------------------------------------------------------------------------------------

PeriodResolver = Callable[[str], tuple[datetime, datetime] | None]


def _span_of(result: Mapping[str, Any] | None) -> tuple[datetime, datetime] | None:
    period = (result or {}).get("period")
    if not isinstance(period, Mapping):
        return None
    try:
        return datetime.fromisoformat(str(period["start"])), datetime.fromisoformat(str(period["end"]))
    except (KeyError, ValueError):
        return None


def find_mismatches(
    request: str,
    calls: Sequence[ToolCallRecord],
    catalog: ToolCatalog,
    resolve: PeriodResolver | None = None,
) -> list[str]:
    """Where the answer's figures are not what the request asked: a named metric no called tool computes, a
    named period no result covers. Each mismatch is one line in English and Chinese."""
    answered = [call for call in calls if catalog.reads_data(call)]
    if not answered:
        return []
    found: list[str] = []
    # A metric whose tool was called counts as answered even when the call was refused (the answer says so).
    computed = {key for call in calls for key in catalog.computes(call.name)}
    owned = {key for tool in catalog.tools for key in catalog.computes(tool)}
    for key in _asked(request, catalog):
        if key in owned and key not in computed:
            metric = catalog.metrics[key]
            titles = ", ".join(dict.fromkeys(catalog.title(call.name, "en") for call in answered))
            found.append(
                f"asked for {metric.name_en}, but the figures are {titles} / 问的是{metric.name_zh}，回答的不是该指标"
            )
    if resolve is not None:
        found += _period_mismatches(request, answered, resolve)
    return found


def _period_mismatches(request: str, answered: Sequence[ToolCallRecord], resolve: PeriodResolver) -> list[str]:
    asked = []
    for mention in find_time_mentions(request):
        span = resolve(mention.text)
        if span is not None:
            asked.append((mention.text, span))
    if not asked:
        return []
    found = []
    for call in answered:
        span = _span_of(call.result)
        if span is None or any(span == wanted for _, wanted in asked):
            continue
        label = str(((call.result or {}).get("period") or {}).get("label", ""))
        said = ", ".join(text for text, _ in asked)
        found.append(
            f"asked for {said}, but {call.name} covers {label} ({span[0]:%Y-%m-%d %H:%M} – {span[1]:%Y-%m-%d %H:%M})"
            f" / 问的时间是{said}，{call.name}的结果却是{label}"
        )
    return found


def mismatch_note(mismatches: Sequence[str], lang: str) -> str:
    """The line appended to an answer whose figures are not for what was asked."""
    lines = "; ".join(mismatches)
    if lang == "zh":
        return f"⚠ 回答与问题不符，请勿直接采用：{lines}"
    return f"⚠ The answer does not match the request; do not rely on it: {lines}"
