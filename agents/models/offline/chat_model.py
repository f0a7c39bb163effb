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
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import Field, PrivateAttr

from agents.extraction import Language, Mentions, Vocabulary, detect_language, extract_mentions
from agents.models.offline.answers import cannot_do, clarify_missing, parse_tool_content, render_tool_answer
from agents.models.offline.arguments import fill_arguments, parameter_kind
from agents.models.offline.followups import is_follow_up, rewrite_follow_up
from agents.models.offline.tool_choice import ScoredTool, ToolIndex
from agents.models.offline.tool_specs import ToolSpec, merge_examples, spec_from_bound, spec_to_dict, to_tool_spec

__all__ = ["OfflineChatModel", "OfflineDecision"]

_MULTI_STEP = re.compile(
    r"\bwhy\b|\broot[- ]cause|\bcompar(?:e|ed|ing|ison)\b|\bversus\b|\bvs\.?(?=\s)|\bcorrelat|\bwhat caused\b"
    r"|\bexplain\b|为什么|为何|原因分析|根因|根本原因|对比|比较|相比|关联|怎么回事",
    re.IGNORECASE,
)
# A WRITE tool is only proposed when the request asks for an action, never for a question about data.
_ACTION = re.compile(
    r"\b(?:request|create|raise|schedule|submit|report|book|propose|file)\b|\bopen an?\b"
    r"|请求|创建|新建|报修|申请|安排|提交|开单",
    re.IGNORECASE,
)
_MAX_INDEXES = 32


class OfflineDecision:
    """What the model decided for a user turn: a tool call, or a plain answer (cannot do / clarify)."""

    def __init__(self, *, tool: str | None = None, args: dict[str, Any] | None = None, text: str = "") -> None:
        self.tool = tool
        self.args = args or {}
        self.text = text


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
    vocabulary: Vocabulary | None = None
    """Codes, names and aliases of the plant, so "2号线" becomes "L2"."""
    lang: Literal["en", "zh"] | None = None
    """Answer language; by default the language of the system prompt, else of the request."""
    min_score: float = 0.3
    """Below this tool-choice score the model says it cannot answer rather than guess (about 1 is a typical fit)."""

    _indexes: dict[tuple[Any, ...], ToolIndex] = PrivateAttr(default_factory=dict)
    _specs_by_tool: dict[int, tuple[Any, dict[str, Any]]] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_registry(
        cls, tools: Sequence[Any], *, vocabulary: Vocabulary | None = None, lang: Literal["en", "zh"] | None = None
    ) -> OfflineChatModel:
        """A model that knows the examples and Chinese descriptions of these registry tools."""
        return cls(
            tool_examples={tool.name: list(tool.examples) for tool in tools},
            tool_descriptions_zh={tool.name: tool.description_zh for tool in tools},
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
            merge_examples(spec_from_bound(item), self.tool_examples, self.tool_descriptions_zh) for item in bound or ()
        ]

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
        ranked = self._index(specs).rank(request, mentions)
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
        if not ranked:
            return OfflineDecision(text=cannot_do(lang, reason="no_tool", tool_names=names))
        best = ranked[0]
        confident = best.match >= self._threshold(best.spec)

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
        if _MULTI_STEP.search(request):
            return OfflineDecision(text=cannot_do(lang, reason="multi_step", tool_names=names))
        if not confident:
            return OfflineDecision(text=cannot_do(lang, reason="no_tool", tool_names=names))
        filled = fill_arguments(best.spec, mentions)
        if self._several_of_a_kind(mentions, filled.kinds, best.spec):
            return OfflineDecision(text=cannot_do(lang, reason="multi_step", tool_names=names))
        if filled.missing:
            missing = [(name, filled.kinds.get(name)) for name in filled.missing]
            return OfflineDecision(text=clarify_missing(lang, best.spec.name, missing))
        return OfflineDecision(tool=best.spec.name, args=filled.args)

    @staticmethod
    def _several_of_a_kind(mentions: Mentions, kinds: Mapping[str, str], spec: ToolSpec) -> bool:
        """Two different lines (or machines...) for a tool that takes one: that is two calls, not one."""
        for name, kind in kinds.items():
            schema = spec.properties.get(name) or {}
            if kind in {"period", "text", "count"} or "array" in json.dumps(schema):
                continue
            if len({entity.value.casefold() for entity in mentions.all(kind)}) > 1:
                return True
        return len({t.text for t in mentions.times}) > 1 and "period" in kinds.values()

    def _follow_up(
        self, history: Sequence[BaseMessage], specs: list[ToolSpec], mentions: Mentions, *, confident: bool
    ) -> OfflineDecision | None:
        previous = next((m for m in reversed(history) if isinstance(m, AIMessage) and m.tool_calls), None)
        if previous is None or (confident and not is_follow_up(mentions.text)):
            return None
        call = previous.tool_calls[-1]
        spec = next((s for s in specs if s.name == call["name"]), None)
        if spec is None:
            return None
        period = None
        for message in history:
            if isinstance(message, ToolMessage) and message.tool_call_id == call.get("id"):
                kind, payload = parse_tool_content(message.content)
                period = payload.get("period") if kind == "result" and isinstance(payload, Mapping) else None
        args = rewrite_follow_up(spec, call["args"], period, mentions)
        return OfflineDecision(tool=spec.name, args=args) if args is not None else None

    def answer(self, messages: Sequence[BaseMessage], tools: Sequence[ToolSpec]) -> str:
        """The answer after the tool calls of this turn: one template answer per tool message."""
        human_index = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        request = _text_of(messages[human_index]) if human_index >= 0 else ""
        lang = self._language(messages, request)
        calls: dict[str, str] = {}
        for message in messages[human_index + 1 :]:
            if isinstance(message, AIMessage):
                calls.update({str(call.get("id")): call["name"] for call in message.tool_calls})
        by_name = {spec.name: spec for spec in tools}
        parts = []
        for message in messages[human_index + 1 :]:
            if isinstance(message, ToolMessage):
                name = message.name or calls.get(message.tool_call_id, "tool")
                parts.append(render_tool_answer(by_name.get(name), name, message.content, lang))
        return "\n\n".join(parts)

    def respond(self, messages: Sequence[BaseMessage], tools: Sequence[ToolSpec]) -> AIMessage:
        """The model's message for this point of the conversation."""
        if messages and isinstance(messages[-1], ToolMessage):
            return AIMessage(content=self.answer(messages, tools), response_metadata={"model_name": self.model_name})
        decision = self.decide(messages, tools)
        if decision.tool is None:
            return AIMessage(content=decision.text, response_metadata={"model_name": self.model_name})
        call_id = f"call_offline_{len(messages)}"
        return AIMessage(
            content="",
            tool_calls=[{"name": decision.tool, "args": decision.args, "id": call_id, "type": "tool_call"}],
            response_metadata={"model_name": self.model_name},
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
