"""`OfflineChatModel`: a LangChain chat model with tool calling that needs no LLM and no network.

It runs through the same agent runtime as an LLM. On the user's turn it picks the best bound tool
for the request and fills its arguments from the request's entities and time expressions (or
says plainly what it cannot do); on a tool message it answers from templates in the request's
language with the result's figures, unit, period and provenance. Deterministic and fast: a turn
of model work is well under a few milliseconds once the tool index is built (once per tool set).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import Field, PrivateAttr

from agents.extraction import (
    EntityMention,
    GroupMention,
    Language,
    Mentions,
    Vocabulary,
    asks_why,
    detect_language,
    extract_mentions,
    find_unread_time_words,
)
from agents.extraction.metric_mentions import MetricMention, MetricNames, find_metric_mentions
from agents.extraction.parameter_kinds import parameter_kind
from agents.models.offline.answers import (
    cannot_do,
    clarify_missing,
    unreadable_period,
    which_one,
)
from agents.models.offline.answers.compose import MetricInfo, ToolOutput, compose_answer
from agents.models.offline.arguments import carry_arguments, fill_arguments
from agents.models.offline.followups import is_follow_up, rewrite_follow_up
from agents.models.offline.planning import Planner, Step, ranges_over_things
from agents.models.offline.tool_choice import ScoredTool, ToolIndex
from agents.models.offline.tool_specs import ToolSpec, merge_examples, spec_from_bound, spec_to_dict, to_tool_spec
from agents.supervisor import FINDINGS
from tools.adapters.langchain import outcome_of
from tools.metrics import BUILTIN_METRICS, Metric

__all__ = ["OfflineChatModel", "OfflineDecision"]

# Metric names decide between tools: a tool that computes the named metric is a better fit; one that computes
# only other metrics is out when another tool computes the named one ("质量率" is the OEE quality factor, not
# first-pass yield); a tool that declares no metric (a list of events) is a slightly worse fit.
_COMPUTES_ASKED = 1.6
_COMPUTES_NOTHING = 0.5
# A WRITE tool is only proposed when the request asks for an action, never for a question about data.
_ACTION = re.compile(
    r"\b(?:request|create|raise|schedule|submit|report|book|propose|file)\b|\bopen an?\b"
    r"|请求|创建|新建|报修|申请|安排|提交|开单",
    re.IGNORECASE,
)
_MAX_INDEXES = 32


def metric_infos(metrics: Iterable[Metric]) -> dict[str, MetricInfo]:
    """What the model needs to know of each metric (`tools.Metric`), by key."""
    return {
        metric.key: MetricInfo(metric.key, metric.name_en, metric.name_zh, metric.better or "higher", metric.names)
        for metric in metrics
    }


class OfflineDecision:
    """What the model decided for a user turn: tool calls (with the plan that reads their results), or a plain
    answer (cannot do / clarify)."""

    def __init__(
        self,
        *,
        tool: str | None = None,
        args: dict[str, Any] | None = None,
        text: str = "",
        steps: Sequence[Step] = (),
        plan: Mapping[str, Any] | None = None,
    ) -> None:
        self.steps = list(steps) or ([Step(tool, args or {})] if tool else [])
        self.text = text
        self.plan = dict(plan or {"kind": "single"})

    @property
    def tool(self) -> str | None:
        """The first tool to call, or None for a plain answer."""
        return self.steps[0].tool if self.steps else None

    @property
    def args(self) -> dict[str, Any]:
        """The first call's arguments."""
        return self.steps[0].args if self.steps else {}


def _text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


class OfflineChatModel(BaseChatModel):
    """Tool-calling chat model without an LLM: picks a tool, fills its arguments, answers from templates."""

    model_name: str = "offline"
    tool_examples: dict[str, list[str]] = Field(default_factory=dict)
    """Example requests per tool name (the registry's `Tool.examples`), to pick tools by."""
    tool_descriptions_zh: dict[str, str] = Field(default_factory=dict)
    tool_metrics: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Metric key -> result field per tool name (the registry's `Tool.metrics`)."""
    tool_explains: dict[str, list[str]] = Field(default_factory=dict)
    """Metrics each tool explains (the registry's `Tool.explains`)."""
    metrics: dict[str, MetricInfo] = Field(default_factory=lambda: metric_infos(BUILTIN_METRICS))
    """Every metric the tools know, by key: names in both languages and which way is good (default: the
    built-in catalogue of `tools.metrics`)."""
    vocabulary: Vocabulary | None = None
    """Codes, names and aliases of the plant, so "2号线" becomes "L2"."""
    lang: Literal["en", "zh"] | None = None
    """Answer language; by default the language of the system prompt, else of the request."""
    min_score: float = 0.3
    """Below this tool-choice score the model says it cannot answer rather than guess (about 1 is a typical fit)."""

    _indexes: dict[tuple[Any, ...], ToolIndex] = PrivateAttr(default_factory=dict)
    _metric_names: MetricNames | None = PrivateAttr(default=None)
    _specs_by_tool: dict[int, tuple[Any, dict[str, Any]]] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_registry(
        cls, tools: Sequence[Any], *, vocabulary: Vocabulary | None = None, lang: Literal["en", "zh"] | None = None
    ) -> OfflineChatModel:
        """A model that knows the examples, Chinese descriptions and metrics of these registry tools."""
        from tools.metrics import all_metrics

        known = all_metrics(tools)
        return cls(
            tool_examples={tool.name: list(tool.examples) for tool in tools},
            tool_descriptions_zh={tool.name: tool.description_zh for tool in tools},
            tool_metrics={
                tool.name: {k: path for k, (_, path) in getattr(tool, "metrics", {}).items()} for tool in tools
            },
            tool_explains={tool.name: list(getattr(tool, "explains", ())) for tool in tools},
            metrics=metric_infos(known.values()),
            vocabulary=vocabulary,
            lang=lang,
        )

    @property
    def _llm_type(self) -> str:
        return "andon-offline"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "lang": self.lang}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools like an LLM does: the model sees their names, descriptions and argument schemas."""
        return self.bind(tools=[self._bound_spec(tool) for tool in tools], tool_choice=tool_choice, **kwargs)

    def _bound_spec(self, tool: Any) -> dict[str, Any]:
        # create_agent binds the same tool objects before every model call; their schema is built once.
        cached = self._specs_by_tool.get(id(tool))
        if cached is not None and cached[0] is tool:
            return cached[1]
        if len(self._specs_by_tool) >= 4 * _MAX_INDEXES * 8:
            self._specs_by_tool.clear()
        spec = spec_to_dict(to_tool_spec(tool))
        self._specs_by_tool[id(tool)] = (tool, spec)
        return spec

    # -- the decision ---------------------------------------------------------------------------------

    def _specs(self, bound: Sequence[Mapping[str, Any]] | None) -> list[ToolSpec]:
        return [
            merge_examples(
                spec_from_bound(item),
                self.tool_examples,
                self.tool_descriptions_zh,
                self.tool_metrics,
                self.tool_explains,
            )
            for item in bound or ()
        ]

    def asked_metrics(self, text: str) -> list[MetricMention]:
        """The metrics a request names (see `tools.metrics`)."""
        if self._metric_names is None:
            self._metric_names = MetricNames.of(self.metrics.values())
        return find_metric_mentions(text, self._metric_names)

    @staticmethod
    def _weigh_metrics(ranked: list[ScoredTool], asked: Sequence[MetricMention]) -> list[ScoredTool]:
        if not asked:
            return ranked
        keys = {mention.key for mention in asked}
        if not any(keys & set(item.spec.metrics) for item in ranked):
            # No tool here computes it: only tools that declare no metric at all may (a plugin's own tool).
            return [item for item in ranked if not item.spec.metrics]
        weighed = []
        for item in ranked:
            computes = set(item.spec.metrics)
            if computes and not keys & computes:
                continue
            factor = _COMPUTES_ASKED if keys & computes else _COMPUTES_NOTHING
            weighed.append(ScoredTool(item.spec, item.score * factor, item.match * factor))
        return sorted(weighed, key=lambda item: item.score, reverse=True)

    def _index(self, specs: list[ToolSpec]) -> ToolIndex:
        key = tuple((spec.name, spec.description, spec.examples) for spec in specs)
        index = self._indexes.get(key)
        if index is None:
            if len(self._indexes) >= _MAX_INDEXES:
                self._indexes.clear()
            index = self._indexes[key] = ToolIndex(specs, self.vocabulary)
        return index

    @staticmethod
    def _takes_text(spec: ToolSpec) -> bool:
        """The tool takes the request's own words as a required argument (document search)."""
        return any(
            parameter_kind(name, schema if isinstance(schema, Mapping) else {}) == "text"
            for name, schema in spec.properties.items()
            if name in spec.required
        )

    def _threshold(self, spec: ToolSpec) -> float:
        # A tool that takes the request's own words answers any request of its domain.
        return 0.0 if self._takes_text(spec) else self.min_score

    def _language(self, messages: Sequence[BaseMessage], request: str) -> Language:
        if self.lang:
            return self.lang
        # The runtime picks the system prompt in the turn's language (forced by --lang or the request's own).
        system = next((m for m in messages if isinstance(m, SystemMessage)), None)
        return detect_language(_text_of(system)) if system is not None else detect_language(request)

    def decide(self, messages: Sequence[BaseMessage], tools: Sequence[ToolSpec]) -> OfflineDecision:
        """What to do for the latest user message: call a tool with arguments, or answer in words."""
        specs = list(tools)
        human_index = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        request = _text_of(messages[human_index]) if human_index >= 0 else ""
        lang = self._language(messages, request)
        names = [spec.name for spec in specs]
        if not specs:
            return OfflineDecision(text=cannot_do(lang, reason="no_tool", tool_names=names))
        mentions = extract_mentions(request, self.vocabulary)
        asked = self.asked_metrics(request)
        index = self._index(specs)
        ranked = self._weigh_metrics(index.rank(request, mentions), asked)
        if _ACTION.search(request):
            # "报修", "request maintenance": an action request prefers the tool that proposes the action.
            ranked = sorted(
                (
                    ScoredTool(item.spec, item.score * 1.5, item.match * 1.5) if item.spec.is_write else item
                    for item in ranked
                ),
                key=lambda item: item.score,
                reverse=True,
            )
        else:
            ranked = [scored for scored in ranked if not scored.spec.is_write]
        unknown_metric = self._metric_nobody_computes(asked, specs)
        if not ranked:
            if unknown_metric is not None:
                return OfflineDecision(text=cannot_do(lang, reason="metric", tool_names=names, metric=unknown_metric))
            return OfflineDecision(text=cannot_do(lang, reason="no_tool", tool_names=names))
        best = ranked[0]
        confident = best.match >= self._threshold(best.spec)

        unread = find_unread_time_words(request)
        if unread and confident and not self._takes_text(best.spec):
            # A time it cannot read is a question back, never another period (the tool's default).
            return OfflineDecision(text=unreadable_period(lang, [word.text for word in unread]))
        unnamed = self._which_one(best.spec, mentions)
        if unnamed is not None and confident and not self._takes_text(best.spec):
            return OfflineDecision(text=which_one(lang, unnamed.text, list(unnamed.codes)))
        follow_up = self._follow_up(messages[:human_index], specs, mentions, confident=confident)
        if follow_up is not None:
            return follow_up
        if self._takes_text(best.spec):
            # The request's words are the query ("why must the guard stay closed?" is a fair document question).
            # A filter (machine, line) helps when the request names one; naming two, it would hide the other.
            filled = fill_arguments(best.spec, mentions)
            several = {kind for kind in filled.kinds.values() if len({e.value for e in mentions.all(kind)}) > 1}
            args = {k: v for k, v in filled.args.items() if filled.kinds.get(k) not in several}
            return OfflineDecision(tool=best.spec.name, args=args)
        if best.spec.is_write:
            return self._write_decision(best, mentions, lang, names, confident=confident)
        if unknown_metric is not None:
            return OfflineDecision(text=cannot_do(lang, reason="metric", tool_names=names, metric=unknown_metric))
        return self._data_decision(Planner(index, specs, self.vocabulary, threshold=self.min_score), messages, ranked)

    @staticmethod
    def _write_decision(
        best: ScoredTool, mentions: Mentions, lang: Language, names: list[str], *, confident: bool
    ) -> OfflineDecision:
        if not confident:
            return OfflineDecision(text=cannot_do(lang, reason="no_tool", tool_names=names))
        filled = fill_arguments(best.spec, mentions)
        if filled.missing:
            missing = [(name, filled.kinds.get(name)) for name in filled.missing]
            return OfflineDecision(text=clarify_missing(lang, best.spec.name, missing))
        return OfflineDecision(tool=best.spec.name, args=filled.args)

    def _data_decision(
        self, planner: Planner, messages: Sequence[BaseMessage], ranked: list[ScoredTool]
    ) -> OfflineDecision:
        """The planned calls of a data question, or what the request is missing, or that nothing answers it."""
        human_index = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        request = _text_of(messages[human_index])
        lang = self._language(messages, request)
        names = [item.spec.name for item in ranked]
        mentions = extract_mentions(request, self.vocabulary)
        asked = self.asked_metrics(request)
        plan = planner.plan(request, mentions, ranked, asked)
        if plan is not None and plan.missing and plan.kind == "single":
            # What the request leaves out (the order) may be in what the other agents found this turn: the
            # first thing of each missing kind, as they listed it (the soonest order, the top reason).
            found = self._findings(messages, human_index)
            kinds = {kind for _, kind in plan.missing if kind}
            first: dict[str, EntityMention] = {}
            for entity in found or ():
                for kind in kinds:
                    if entity.kind in kind.split("|") or (kind == "order" and entity.kind.endswith("order")):
                        first.setdefault(kind, entity)
            if first:
                entities = [*mentions.entities, *first.values()]
                plan = planner.plan(request, replace(mentions, entities=entities), ranked, asked)
        if plan is None:
            return OfflineDecision(text=cannot_do(lang, reason="no_tool", tool_names=names))
        if not plan.steps:
            return OfflineDecision(text=clarify_missing(lang, ranked[0].spec.name, plan.missing))
        if plan.missing and plan.kind == "single":
            return OfflineDecision(text=clarify_missing(lang, plan.steps[0].tool, plan.missing))
        return OfflineDecision(steps=plan.steps, plan=plan.to_metadata())

    @staticmethod
    def _which_one(spec: ToolSpec, mentions: Mentions) -> GroupMention | None:
        """A name of several things ("清洗机") where the tool takes one and the request names none of them."""
        if ranges_over_things(mentions.text):
            return None
        kinds = [
            parameter_kind(name, schema if isinstance(schema, Mapping) else {}) or ""
            for name, schema in spec.properties.items()
        ]
        for group in mentions.groups:
            takes = any(
                group.kind in kind.split("|") or (kind == "tag" and group.kind == "equipment") for kind in kinds
            )
            if takes and mentions.first(group.kind) is None:
                return group
        return None

    def _findings(self, messages: Sequence[BaseMessage], human_index: int) -> list[EntityMention] | None:
        """The entities of the other agents' findings handed over just before the request, if any."""
        before = messages[human_index - 1] if human_index > 0 else None
        if not isinstance(before, HumanMessage) or before.name != FINDINGS:
            return None
        found = extract_mentions(_text_of(before), self.vocabulary).entities
        return [replace(entity, start=-1, end=-1) for entity in found]

    def _metric_nobody_computes(self, asked: Sequence[MetricMention], specs: Sequence[ToolSpec]) -> str | None:
        """The asked metric when the request names metrics and these tools compute none of them (another agent's
        or nobody's); None when at least one is computed here (a cross-domain request answers its part)."""
        computed = {key for spec in specs for key in spec.metrics}
        undeclared = any(not spec.metrics and not spec.is_write for spec in specs)
        if not asked or undeclared or any(mention.key in computed for mention in asked):
            return None
        info = self.metrics.get(asked[0].key)
        return asked[0].text if info is None else f"{asked[0].text} ({info.name_en} / {info.name_zh})"

    def _follow_up(
        self, history: Sequence[BaseMessage], specs: list[ToolSpec], mentions: Mentions, *, confident: bool
    ) -> OfflineDecision | None:
        """The previous turn's calls again, as the follow-up changes them ("那前天呢?", "and line 3?"), or a
        "why?" about the previous answer: its first call and the calls that explain its metric."""
        previous = next((m for m in reversed(history) if isinstance(m, AIMessage) and m.tool_calls), None)
        if previous is None or (confident and not is_follow_up(mentions.text)):
            return None
        by_name = {spec.name: spec for spec in specs}
        calls = [call for call in previous.tool_calls if call["name"] in by_name]
        if not calls:
            return None
        plan = dict(previous.response_metadata.get("andon_plan") or {"kind": "single"})
        if asks_why(mentions.text) and not mentions.entities and not mentions.times:
            return self._why_follow_up(calls[0], by_name, plan)
        periods = {}
        for message in history:
            if isinstance(message, ToolMessage):
                periods[message.tool_call_id] = outcome_of(message).period
        steps = []
        changed = False
        for call in calls:
            args = rewrite_follow_up(by_name[call["name"]], call["args"], periods.get(call.get("id") or ""), mentions)
            changed = changed or args is not None
            steps.append(Step(call["name"], args if args is not None else dict(call["args"])))
        return OfflineDecision(steps=steps, plan=plan) if changed else None

    @staticmethod
    def _why_follow_up(
        call: Mapping[str, Any], specs: Mapping[str, ToolSpec], plan: Mapping[str, Any]
    ) -> OfflineDecision:
        spec = specs[call["name"]]
        metric = plan.get("metric") or next(iter(spec.metrics), None)
        steps = [Step(spec.name, dict(call["args"]))]
        for other in specs.values():
            if other.name != spec.name and not other.is_write and metric in other.explains:
                steps.append(Step(other.name, carry_arguments(spec, call["args"], other)))
        return OfflineDecision(steps=steps, plan={"kind": "why", "metric": metric})

    def answer(self, messages: Sequence[BaseMessage], tools: Sequence[ToolSpec]) -> str:
        """The answer after the tool calls of this turn, composed as the turn's plan says."""
        human_index = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        request = _text_of(messages[human_index]) if human_index >= 0 else ""
        lang = self._language(messages, request)
        calls: dict[str, tuple[str, dict[str, Any]]] = {}
        plan: Mapping[str, Any] = {}
        for message in messages[human_index + 1 :]:
            if isinstance(message, AIMessage) and message.tool_calls:
                plan = plan or dict(message.response_metadata.get("andon_plan") or {})
                calls.update({str(call.get("id")): (call["name"], dict(call["args"])) for call in message.tool_calls})
        outputs = []
        for message in messages[human_index + 1 :]:
            if isinstance(message, ToolMessage):
                name, args = calls.get(message.tool_call_id, (message.name or "tool", {}))
                outputs.append(ToolOutput(message.name or name, args, outcome_of(message)))
        asked = list(dict.fromkeys(mention.key for mention in self.asked_metrics(request)))
        return compose_answer(plan, outputs, {spec.name: spec for spec in tools}, asked, self.metrics, lang)

    def respond(self, messages: Sequence[BaseMessage], tools: Sequence[ToolSpec]) -> AIMessage:
        """The model's message for this point of the conversation."""
        if messages and isinstance(messages[-1], ToolMessage):
            return AIMessage(content=self.answer(messages, tools), response_metadata={"model_name": self.model_name})
        decision = self.decide(messages, tools)
        if not decision.steps:
            return AIMessage(content=decision.text, response_metadata={"model_name": self.model_name})
        return AIMessage(
            content="",
            tool_calls=[
                {"name": step.tool, "args": step.args, "id": f"call_offline_{len(messages)}_{i}", "type": "tool_call"}
                for i, step in enumerate(decision.steps)
            ],
            response_metadata={"model_name": self.model_name, "andon_plan": decision.plan},
        )

    # -- LangChain plumbing -----------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self.respond(messages, self._specs(kwargs.get("tools")))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self.respond(messages, self._specs(kwargs.get("tools")))
        metadata = dict(message.response_metadata)
        if message.tool_calls:
            chunks = [
                tool_call_chunk(
                    name=call["name"], args=json.dumps(call["args"], ensure_ascii=False), id=call["id"], index=i
                )
                for i, call in enumerate(message.tool_calls)
            ]
            yield ChatGenerationChunk(
                message=AIMessageChunk(
                    content="", tool_call_chunks=chunks, response_metadata=metadata, chunk_position="last"
                )
            )
            return
        pieces = _pieces(str(message.content))
        for position, piece in enumerate(pieces):
            last = position == len(pieces) - 1
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(
                    content=piece,
                    response_metadata=metadata if last else {},
                    chunk_position="last" if last else None,
                )
            )
            if run_manager is not None:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


_PIECE = re.compile(
    r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]{1,4}|[^\s\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+\s*|\s+"
)


def _pieces(text: str) -> list[str]:
    """Token-sized pieces: English words with their trailing space, Chinese a few characters at a time."""
    return _PIECE.findall(text) or [text]
